// The versions panel of one path: its stored versions and "restore as a copy". History has its own; the
// dashboard's conflict list opens this one for either side of a conflict.
import type { ApiClient, FileVersion } from '../api-types.ts';
import { uiTimeZone } from './restore-state.svelte.ts';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class VersionsState {
  path = $state<string | null>(null);
  versions = $state<FileVersion[] | null>(null);
  error = $state<string | null>(null);
  restoreMessage = $state<string | null>(null);
  /** Answers for a path the user already left are dropped. */
  private asked = 0;

  constructor(private readonly api: ApiClient) {}

  async show(path: string): Promise<void> {
    const ask = ++this.asked;
    this.path = path;
    this.versions = null;
    this.error = null;
    this.restoreMessage = null;
    try {
      const versions = await this.api.versions({ path });
      if (ask === this.asked) this.versions = versions;
    } catch (err) {
      if (ask === this.asked) this.error = message(err);
    }
  }

  close(): void {
    this.asked += 1;
    this.path = null;
    this.versions = null;
  }

  async restoreCopy(versionId: string): Promise<void> {
    if (!this.path) return;
    try {
      // The copy's name carries the version's time in the zone this UI shows times in.
      const timeZone = uiTimeZone();
      const { restoredPath } = await this.api.restoreCopy({ path: this.path, versionId, ...(timeZone ? { timeZone } : {}) });
      this.restoreMessage = `Restored as ${restoredPath}`;
    } catch (err) {
      this.restoreMessage = `Restore failed: ${message(err)}`;
    }
  }
}
