// Engine failure -> { code, message } for the UI. No stacks, no causes, no internal paths, nothing that
// looks like key material: the message is all that crosses, and it is scrubbed first.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRootUrl } from '../install-paths.ts';
import { ApiError, ErrorCode, type ApiErrorShape } from './contract.ts';
import { KeyUnavailableError } from '../engine/ports/key-provider.ts';
import { StoreError } from '../engine/ports/store-errors.ts';

const MAX_MESSAGE = 500;

/** The installed app's own directory (the package root): paths under it are internals, not user data. */
export const APP_ROOT = path.resolve(fileURLToPath(packageRootUrl()));

/** Error names the engine uses for "you asked for something invalid" and "no vault yet". */
const BY_NAME: Record<string, ErrorCode> = {
  ValidationError: 'invalid-request',
  InvalidRequestError: 'invalid-request',
  NotConfiguredError: 'not-configured',
  KeyUnavailableError: 'key-unavailable',
  // A restore refused before writing: the target is a file, or holds files and no choice was made.
  RestoreTargetError: 'invalid-request',
  RestoreConflictError: 'invalid-request',
  // The vault needs its passphrase (use-cases/vault-host.ts): the UI shows the unlock form.
  PassphraseRequiredError: 'key-unavailable',
};

export function errorCodeOf(err: unknown): ErrorCode {
  if (err instanceof ApiError) return err.code;
  // A key reference or key argument the engine refuses (unknown scheme, another vault's key): the request
  // is wrong, not the key. KeyUsageError extends KeyUnavailableError, so it is matched first.
  if (err instanceof Error && err.name === 'KeyUsageError') return 'invalid-request';
  if (err instanceof KeyUnavailableError) return 'key-unavailable';
  if (err instanceof StoreError) return 'store-error';
  if (err instanceof Error) {
    const byName = BY_NAME[err.name];
    if (byName) return byName;
    if (err.name.endsWith('StoreError') || err.name === 'AccessDeniedError' || err.name === 'MissingContainerError') {
      return 'store-error';
    }
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'not-found';
  const parsed = ErrorCode.safeParse(code);
  return parsed.success ? parsed.data : 'internal';
}

/**
 * Scrubs a message for the UI: paths inside the app's install directory or node_modules become
 * "<internal>", long base64/hex runs (keys, tokens, ciphertext) become "[redacted]", and it is cut short.
 */
export function scrubMessage(message: string, internalRoots: readonly string[] = [APP_ROOT]): string {
  let out = message;
  for (const root of internalRoots) {
    if (root.length > 1) out = out.split(root).join('<internal>');
  }
  out = out
    .replace(/(?:\/|[A-Za-z]:\\)[^\s'"]*node_modules[^\s'"]*/g, '<internal>')
    .replace(/(?:file:\/\/)?<internal>[^\s'")]*/g, '<internal>')
    .replace(/[A-Za-z0-9+/_-]{40,}={0,2}/g, (run) => (looksLikeKeyMaterial(run) ? '[redacted]' : run))
    .replace(/\b[0-9a-fA-F]{64,}\b/g, '[redacted]');
  // Stack frames sometimes travel inside messages of wrapped errors.
  out = out.split('\n').filter((line) => !/^\s+at\s/.test(line)).join(' ').trim();
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE - 1)}…` : out;
}

/**
 * Random base64 (a 32-byte key is 43-44 characters) switches between upper case, lower case, digits and
 * symbols at about two characters in three; words, paths and hex object ids ("objects/7a/7af4…",
 * "/home/ann/quarterly-reports-2026") switch far less often or lack upper case. A heuristic, as defence in
 * depth: the engine is not meant to put key material in messages at all. Hex keys are caught separately.
 */
function looksLikeKeyMaterial(run: string): boolean {
  if (!/[a-z]/.test(run) || !/[A-Z]/.test(run)) return false;
  const kind = (c: string): number => (/[a-z]/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : /[0-9]/.test(c) ? 2 : 3);
  let switches = 0;
  for (let i = 1; i < run.length; i++) if (kind(run[i]!) !== kind(run[i - 1]!)) switches++;
  return switches / (run.length - 1) >= 0.45;
}

export function toErrorShape(err: unknown, internalRoots?: readonly string[]): ApiErrorShape {
  const code = errorCodeOf(err);
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const message = scrubMessage(raw, internalRoots) || defaultMessage(code);
  return { code, message };
}

function defaultMessage(code: ErrorCode): string {
  return code === 'internal' ? 'Internal error' : code.replace('-', ' ');
}
