/**
 * The JSON Canonicalization Scheme (RFC 8785) for the documents Coffer signs: objects with their keys
 * sorted (by UTF-16 code units, as JavaScript's default sort), no whitespace, strings and numbers as
 * JSON.stringify writes them, which for our values (strings, integers, booleans, null) is what RFC 8785
 * prescribes. Signatures are over these bytes, so two implementations agree on what was signed.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON has no form for a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const canonicalBytes = (value: unknown): Buffer => Buffer.from(canonicalJson(value), 'utf8');
