import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../../fsx/atomic-file.ts';
import { ROTATION_DAYS } from '../key-set.ts';
import { Pkcs11KeyError } from './pkcs11-errors.ts';

/**
 * What a token cannot hold for us: when each version was made, the rotation period, and a scheduled
 * deletion (PKCS#11 has no deletion window, so Coffer keeps one). Per machine, in the vault's state
 * folder; losing it loses no key, only dates (versions then read as first seen).
 */
const StateSchema = z.object({
  v: z.literal(1),
  ref: z.string(),
  rotationDays: z.number().int(),
  versions: z.record(z.string().regex(/^\d+$/), z.string()),
  deletion: z.object({ scheduledFor: z.string() }).optional(),
});
export type Pkcs11State = z.infer<typeof StateSchema>;

export class Pkcs11StateFile {
  readonly path: string;

  constructor(stateDir: string, private readonly ref: string) {
    const id = createHash('sha256').update(ref).digest('hex').slice(0, 16);
    this.path = join(stateDir, `pkcs11-${id}.json`);
  }

  async read(): Promise<Pkcs11State> {
    let got: Pkcs11State | null;
    try {
      got = await readJsonFile(this.path, (raw) => StateSchema.parse(raw));
    } catch (cause) {
      throw new Pkcs11KeyError('damaged-state',
        `the PKCS#11 key state file ${this.path} is damaged: move it aside (only key dates and a deletion schedule are lost)`, { cause });
    }
    return got ?? { v: 1, ref: this.ref, rotationDays: ROTATION_DAYS.default, versions: {} };
  }

  async write(state: Pkcs11State): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(state, null, 2) + '\n');
  }

  async update(change: (s: Pkcs11State) => Pkcs11State): Promise<Pkcs11State> {
    const next = change(await this.read());
    await this.write(next);
    return next;
  }
}
