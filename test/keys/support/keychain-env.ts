import { inject } from 'vitest';

/** Keychain tests run against the private gnome-keyring from test/support/keyring-service.ts. */
export function keychainSkipReason(): string | undefined {
  const info = inject('keyringService');
  if (!info?.available) return info?.reason ?? 'keyring service not set up';
  // Forked workers inherit the bus address from the global setup; make sure this one did.
  if (process.env.DBUS_SESSION_BUS_ADDRESS !== info.busAddress) process.env.DBUS_SESSION_BUS_ADDRESS = info.busAddress;
  return undefined;
}

let n = 0;
export const uniqueName = (tag: string): string => `${tag}-${process.pid}-${Date.now().toString(36)}-${n++}`;
