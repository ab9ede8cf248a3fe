/**
 * ChangeSource: hints that something under the folder may have changed (syncthing's model).
 *
 * Contract
 * - Hints are advisory. They may be late, duplicated, coalesced or missing; the Scanner decides what
 *   really changed, and a periodic full rescan catches what no hint announced.
 * - Paths are relative to the watched root, '/'-separated, never starting with '/' or containing '..'.
 * - 'overflow' means hints were lost (e.g. the OS queue overflowed): the consumer must rescan everything.
 * - start() resolves once watching is active; stop() resolves once no further hint will be delivered.
 */
export interface ChangeSource {
  start(onHint: (hint: ChangeHint) => void): Promise<void>;
  stop(): Promise<void>;
}

export interface ChangeHint {
  kind: 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir' | 'overflow' | 'error';
  /** Relative path; '' for 'overflow'. */
  path: string;
  detail?: string;
}
