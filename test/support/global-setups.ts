// Each entry starts one real service for the whole run and returns its teardown. One owner per file.
import type { TestProject } from 'vitest/node';
import { setup as s3 } from './s3-server.ts';
import { setup as keyring } from './keyring-service.ts';
import { setup as kms } from './kms-service.ts';
import { setup as scratch } from './scratch-root.ts';

export type GlobalSetup = (project: TestProject) => Promise<() => Promise<void>>;

export const setups: GlobalSetup[] = [s3, keyring, kms, scratch];
