import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  inviteMember, joinTeam, memberPublicId, openVault, reencryptTeam, removeMember, setMemberRole, teamView, type OpenVault,
} from '../../engine/api.ts';
import type { Role, TeamView } from '../../engine/ports/team.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { recoveryKitText } from './init.ts';

const USAGE = 'usage: coffer team id | invite <name> [--role reader|writer|admin] [--key <public id>] [--expires <days>] | join <code|@file> <folder> [--name <device>] [--identity-file <file>] | list | remove <member> | role <member> <role> | reencrypt';
const ROLES: readonly string[] = ['reader', 'writer', 'admin'];

function role(text: string | undefined, fallback: Role): Role {
  const r = text ?? fallback;
  if (!ROLES.includes(r)) throw new UsageError(`unknown role "${r}": use reader, writer or admin`);
  return r as Role;
}

export function describeTeam(v: TeamView): string {
  if (!v.team) return 'This vault has no team yet: "coffer team invite <name>" invites the first member.';
  const lines = [`Team (membership version ${v.membershipVersion}, key generation ${v.generation}):`];
  for (const m of v.members) {
    lines.push(`  ${m.name.padEnd(16)} ${m.role.padEnd(7)} ${m.status.padEnd(8)} ${m.id}${m.you ? '  (you)' : ''}${m.removedAt ? `  removed ${m.removedAt}` : ''}`);
  }
  lines.push(`Revocation complete: ${v.reencrypt.percent} % (${v.reencrypt.objectsDone}/${v.reencrypt.objectsTotal} files under generation ${v.generation})`);
  lines.push(v.revocationNote);
  return lines.join('\n');
}

/** `coffer team …`: members, roles, invitations and revocation (docs/TEAMS.md). */
export async function teamCommand(ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = ctx.args;
  const identityFile = str(ctx.flags, 'identity-file');
  if (sub === 'id') {
    const id = await memberPublicId(ctx.env, identityFile ? { identityFile: resolve(identityFile) } : {});
    ctx.out.result(`Your public identity (give it to an admin: coffer team invite <name> --key <this>):\n${id}`, { publicId: id });
    return 0;
  }
  if (sub === 'join') return joinCommand(ctx, rest, identityFile);
  if (!sub || !['invite', 'list', 'remove', 'role', 'reencrypt'].includes(sub)) throw new UsageError(USAGE);
  const vault = await openVault(ctx.env, str(ctx.flags, 'folder'));
  try {
    return await onVault(ctx, vault, sub, rest);
  } finally {
    await vault.close();
  }
}

async function onVault(ctx: CommandContext, vault: OpenVault, sub: string, rest: string[]): Promise<number> {
  switch (sub) {
    case 'invite': {
      const name = rest[0];
      if (!name) throw new UsageError('usage: coffer team invite <name> [--role writer] [--key <public id>] [--expires <days>]');
      const expires = str(ctx.flags, 'expires');
      const publicKey = str(ctx.flags, 'key');
      const res = await inviteMember(vault, {
        name, role: role(str(ctx.flags, 'role'), 'writer'), ...(publicKey ? { publicKey } : {}), ...(expires ? { expiresDays: Number(expires) } : {}),
      });
      ctx.out.result([
        `Invited ${name}. Give them this join code (valid until ${res.expiresAt}):`,
        '',
        res.code,
        '',
        publicKey
          ? 'The code holds no secret (it names their public identity); they run: coffer team join <code> <folder>'
          : 'KEEP IT SECRET until used: it carries a one-time key, and whoever holds it can join as this member. They run: coffer team join <code> <folder>',
      ].join('\n'), res);
      return 0;
    }
    case 'list': {
      const view = await teamView(vault);
      ctx.out.result(describeTeam(view), view);
      return 0;
    }
    case 'remove': {
      if (!rest[0]) throw new UsageError('usage: coffer team remove <member>');
      const r = await removeMember(vault, rest[0]);
      const lines = [`Removed ${rest[0]}. New data now uses key generation ${r.generation}; their key slot was not given it.`,
        'They keep what they already downloaded, and can still decrypt older data until you run: coffer team reencrypt'];
      if (r.recoveryKey) lines.push('', 'They were an admin and held the recovery key, so it was replaced. The NEW recovery kit:', '', recoveryKitText(vault.vaultId, vault.settings.remote, r.recoveryKey));
      ctx.out.result(lines.join('\n'), r);
      return 0;
    }
    case 'role': {
      if (!rest[0] || !rest[1]) throw new UsageError('usage: coffer team role <member> <reader|writer|admin>');
      const r = await setMemberRole(vault, rest[0], role(rest[1], 'writer'));
      const lines = [`${r.member.name} is now a ${r.member.role}.`];
      if (r.recoveryKey) lines.push('', 'They were an admin and held the recovery key, so it was replaced. The NEW recovery kit:', '', recoveryKitText(vault.vaultId, vault.settings.remote, r.recoveryKey));
      ctx.out.result(lines.join('\n'), r);
      return 0;
    }
    case 'reencrypt': {
      const r = await reencryptTeam(vault, { onProgress: (p) => ctx.out.progress(`Re-encrypting (revocation complete: ${p.percent} %)`, p.objectsDone, p.objectsTotal) });
      ctx.out.endProgress();
      ctx.out.result(`Revocation complete: ${r.percent} %. Every object is under key generation ${r.generation}; older generations were dropped from the members' key slots.`, r);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}

async function joinCommand(ctx: CommandContext, rest: string[], identityFile: string | undefined): Promise<number> {
  const [codeArg, folder] = rest;
  if (!codeArg || !folder) throw new UsageError('usage: coffer team join <code|@file> <folder> [--name <device>] [--identity-file <file>]');
  const code = codeArg.startsWith('@') ? (await readFile(codeArg.slice(1), 'utf8')).trim() : codeArg;
  const deviceName = str(ctx.flags, 'name');
  const { vault, memberId } = await joinTeam(ctx.env, {
    code, folder, ...(deviceName ? { deviceName } : {}), ...(identityFile ? { identityRef: `file:${resolve(identityFile)}` } : {}),
  });
  try {
    ctx.out.result(`Joined as member ${memberId}. ${folder} now holds the vault's files; "coffer sync" keeps it in step.`, { memberId, vaultId: vault.vaultId });
    return 0;
  } finally {
    await vault.close();
  }
}
