/** Provisional: the worker pool lands with the chunking module. */
export interface CutPool {
  close(): Promise<void>;
}
export function sharedCutPool(): CutPool | undefined {
  return undefined;
}
