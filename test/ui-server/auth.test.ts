import { describe, expect, it } from 'vitest';
import { checkSite, isAllowedOrigin, newToken, tokensEqual } from '../../src-main/ui-server/auth.ts';

describe('token', () => {
  it('is 32 random bytes in base64url, different every time', () => {
    const a = newToken();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(newToken());
  });

  it('compares exactly: case, prefix, suffix, empty and non-strings fail', () => {
    const t = newToken();
    expect(tokensEqual(t, t)).toBe(true);
    for (const wrong of [t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase(), t.slice(1), `${t}x`, '', null, undefined]) {
      expect(tokensEqual(wrong, t)).toBe(false);
    }
  });
});

describe('site checks', () => {
  it('accepts loopback names on our port, case-insensitively', () => {
    expect(checkSite({ host: '127.0.0.1:5000' }, 5000)).toBeNull();
    expect(checkSite({ host: 'LOCALHOST:5000', origin: 'http://localhost:5000' }, 5000)).toBeNull();
  });

  it('refuses a missing Host, an IPv6 or LAN address, and mismatched Origin/Host pairs', () => {
    expect(checkSite({}, 5000)?.status).toBe(403);
    expect(checkSite({ host: '[::1]:5000' }, 5000)?.status).toBe(403);
    expect(checkSite({ host: '192.168.1.2:5000' }, 5000)?.status).toBe(403);
    expect(isAllowedOrigin('http://localhost:5000', '127.0.0.1:5000', 5000)).toBe(false);
    expect(isAllowedOrigin(undefined, '127.0.0.1:5000', 5000)).toBe(true);
  });
});
