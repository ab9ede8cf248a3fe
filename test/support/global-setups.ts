// Each entry starts one real service for the whole run and returns its teardown.
// Entries add themselves here: s3 (Ceph RGW), keyring (gnome-keyring on a private D-Bus), kms (test server).
import type { TestProject } from 'vitest/node';

export type GlobalSetup = (project: TestProject) => Promise<() => Promise<void>>;

export const setups: GlobalSetup[] = [];
