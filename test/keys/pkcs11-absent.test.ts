// pkcs11js is an optional dependency: where it was not installed, the PKCS#11 provider says so plainly
// (and how to get it) instead of a bare MODULE_NOT_FOUND, and nothing else needs it.
import Module from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { withSession } from '../../src-main/engine/keys/pkcs11/pkcs11-module.ts';
import { Pkcs11KeyError } from '../../src-main/engine/keys/pkcs11/pkcs11-errors.ts';

type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const original = loader._resolveFilename;

afterEach(() => {
  loader._resolveFilename = original;
});

describe('PKCS#11 without pkcs11js', () => {
  it('refuses with a message that names the optional dependency and what it needs', () => {
    loader._resolveFilename = function (this: unknown, request, ...rest) {
      if (request === 'pkcs11js') throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
      return original.call(this, request, ...rest);
    };
    let err: unknown;
    try {
      withSession('/nonexistent/libpkcs11.so', 'token', '1234', () => 'unreached');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Pkcs11KeyError);
    expect((err as Pkcs11KeyError).problem).toBe('no-module');
    expect((err as Pkcs11KeyError).message).toMatch(/not installed: pkcs11js is an optional dependency.*C\+\+ compiler and python3.*npm install pkcs11js/);
  });
});
