import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsx/atomic-file.ts';

// S3 access keys typed into the first-run wizard (not a profile): kept on this machine only, in the
// vault's state folder, readable by its owner alone (mode 0600), as the AWS CLI keeps
// ~/.aws/credentials. They never go into settings.json, the bucket, the history or a log.

export const S3_CREDENTIALS_FILE = 's3-credentials.json';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const schema = z.strictObject({ version: z.literal(1), accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) });

export async function saveS3Credentials(stateDir: string, c: S3Credentials): Promise<void> {
  await writeFileAtomic(join(stateDir, S3_CREDENTIALS_FILE), JSON.stringify({ version: 1, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }), { mode: 0o600 });
}

/** The saved keys, or undefined when this vault uses a profile or the SDK's default chain. */
export async function loadS3Credentials(stateDir: string): Promise<S3Credentials | undefined> {
  const path = join(stateDir, S3_CREDENTIALS_FILE);
  const raw = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (raw === null) return undefined;
  let parsed;
  try {
    parsed = schema.safeParse(JSON.parse(raw));
  } catch {
    parsed = null;
  }
  // The message names the file, never its content.
  if (!parsed?.success) throw new Error(`${path} is not a valid S3 credentials file; remove it and set the credentials again`);
  return { accessKeyId: parsed.data.accessKeyId, secretAccessKey: parsed.data.secretAccessKey };
}
