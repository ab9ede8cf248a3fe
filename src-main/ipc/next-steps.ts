// What the user can do about each kind of error the status shows (VaultStatus.errorCode). Shared by the
// renderer (the error state) and the desktop shell (tray tooltip, notifications), so both say the same.
// Types only: the renderer imports this in the browser.
import type { StatusErrorCode } from '../engine/ports/vault-service.ts';

/** The folder of a file:/// destination, as people read it; null for other destinations. */
export function destinationFolder(remote: string): string | null {
  if (!remote.startsWith('file://')) return null;
  try {
    return decodeURIComponent(remote.slice('file://'.length));
  } catch {
    return remote.slice('file://'.length);
  }
}

export function nextStep(code: StatusErrorCode | undefined, remote: string): string {
  switch (code) {
    case 'destination-missing': {
      const folder = destinationFolder(remote);
      return folder
        ? `Plug in the disk at ${folder} (or make that folder available again). Coffer tries again on its own.`
        : 'Make the destination available again. Coffer tries again on its own.';
    }
    case 'destination-unreachable':
      return 'Check the network or credentials. Coffer tries again on its own.';
    case 'access-denied':
      return "Check the credentials (the AWS profile or keys) and the bucket's permissions, then retry.";
    case 'files-not-stored':
      return 'Close programs that hold these files open, or fix their permissions; Coffer retries them at the next pass.';
    default:
      return 'Retry. If it keeps failing, History has the details.';
  }
}
