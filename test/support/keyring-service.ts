// Placeholder: replaced by the part that owns this service. Returns a no-op teardown.
import type { GlobalSetup } from './global-setups.ts';
export const setup: GlobalSetup = async () => async () => undefined;
