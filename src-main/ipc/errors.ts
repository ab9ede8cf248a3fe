// Engine failure -> { code, message } for the UI. No stacks, no causes, no internal paths, nothing that
// looks like key material: the message is all that crosses, and it is scrubbed first.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError, ErrorCode, type ApiErrorShape } from './contract.ts';
import { KeyUnavailableError } from '../engine/ports/key-provider.ts';
import { StoreError } from '../engine/ports/store-errors.ts';

const MAX_MESSAGE = 500;

/** The installed app's own directory (the package root): paths under it are internals, not user data. */
export const APP_ROOT = appRoot(path.dirname(fileURLToPath(import.meta.url)));

function appRoot(here: string): string {
  // src-main/ipc -> root; dist/src-main/ipc -> root.
  const up2 = path.resolve(here, '..', '..');
  return path.basename(up2) === 'dist' ? path.dirname(up2) : up2;
}

/** Error names the engine uses for "you asked for something invalid" and "no vault yet". */
const BY_NAME: Record<string, ErrorCode> = {
  ValidationError: 'invalid-request',
  InvalidRequestError: 'invalid-request',
  NotConfiguredError: 'not-configured',
  KeyUnavailableError: 'key-unavailable',
};

export function errorCodeOf(err: unknown): ErrorCode {
  if (err instanceof ApiError) return err.code;
  if (err instanceof KeyUnavailableError) return 'key-unavailable';
  if (err instanceof StoreError) return 'store-error';
  if (err instanceof Error) {
    const byName = BY_NAME[err.name];
    if (byName) return byName;
    if (err.name.endsWith('StoreError') || err.name === 'AccessDeniedError' || err.name === 'MissingContainerError') {
      return 'store-error';
    }
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'not-found';
  const parsed = ErrorCode.safeParse(code);
  return parsed.success ? parsed.data : 'internal';
}

/**
 * Scrubs a message for the UI: paths inside the app's install directory or node_modules become
 * "<internal>", long base64/hex runs (keys, tokens, ciphertext) become "[redacted]", and it is cut short.
 */
export function scrubMessage(message: string, internalRoots: readonly string[] = [APP_ROOT]): string {
  let out = message;
  for (const root of internalRoots) {
    if (root.length > 1) out = out.split(root).join('<internal>');
  }
  out = out
    .replace(/(?:\/|[A-Za-z]:\\)[^\s'"]*node_modules[^\s'"]*/g, '<internal>')
    .replace(/(?:file:\/\/)?<internal>[^\s'")]*/g, '<internal>')
    .replace(/[A-Za-z0-9+/_-]{40,}={0,2}/g, '[redacted]');
  // Stack frames sometimes travel inside messages of wrapped errors.
  out = out.split('\n').filter((line) => !/^\s+at\s/.test(line)).join(' ').trim();
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE - 1)}…` : out;
}

export function toErrorShape(err: unknown, internalRoots?: readonly string[]): ApiErrorShape {
  const code = errorCodeOf(err);
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const message = scrubMessage(raw, internalRoots) || defaultMessage(code);
  return { code, message };
}

function defaultMessage(code: ErrorCode): string {
  return code === 'internal' ? 'Internal error' : code.replace('-', ' ');
}
