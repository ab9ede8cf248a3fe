// Settings: a draft the form edits, saved as a patch of only the fields that changed.
import type { ApiClient, Settings, SettingsPatch } from '../api-types.ts';
import { settingsProblems, type CheckedField } from './settings-checks.ts';

export class SettingsState {
  saved = $state<Settings | null>(null);
  draft = $state<Settings | null>(null);
  loading = $state(true);
  error = $state<string | null>(null);
  saveMessage = $state<string | null>(null);
  saving = $state(false);

  constructor(private readonly api: ApiClient) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      const s = await this.api.settings();
      this.saved = s;
      this.draft = { ...s };
      this.error = null;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.loading = false;
    }
  }

  patch(): SettingsPatch {
    const out: Record<string, unknown> = {};
    if (!this.saved || !this.draft) return out;
    for (const key of Object.keys(this.draft) as (keyof Settings)[]) {
      if (this.draft[key] !== this.saved[key]) out[key] = this.draft[key];
    }
    return out as SettingsPatch;
  }

  /** The draft differs from what was saved. */
  get dirty(): boolean {
    return Object.keys(this.patch()).length > 0;
  }

  /** Why fields of the draft cannot be saved, checked as the user types. */
  get problems(): Partial<Record<CheckedField, string>> {
    return this.draft ? settingsProblems(this.draft) : {};
  }

  /** Drops the unsaved edits: the draft is what was saved again. */
  discard(): void {
    if (this.saved) this.draft = { ...this.saved };
    this.saveMessage = null;
  }

  async save(): Promise<void> {
    if (Object.keys(this.problems).length > 0) {
      this.saveMessage = 'Not saved: correct the fields marked above.';
      return;
    }
    const patch = this.patch();
    if (Object.keys(patch).length === 0) {
      this.saveMessage = 'Nothing changed.';
      return;
    }
    this.saving = true;
    try {
      const s = await this.api.updateSettings({ patch });
      this.saved = s;
      this.draft = { ...s };
      this.saveMessage = 'Saved.';
    } catch (err) {
      this.saveMessage = `Not saved: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      this.saving = false;
    }
  }
}
