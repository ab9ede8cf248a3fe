/** An AWS KMS error as the JSON 1.1 protocol returns it: HTTP 400 with {"__type", "message"}. */
export class KmsFault extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
    this.name = type;
  }
}

export const notFound = (what: string): KmsFault => new KmsFault('NotFoundException', `Key '${what}' does not exist`);
export const invalid = (field: string, value: unknown, constraint: string): KmsFault =>
  new KmsFault('ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);
