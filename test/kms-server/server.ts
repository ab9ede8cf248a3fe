import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { KmsFault } from './kms-fault.ts';
import { KeyStore, type Caller } from './key-store.ts';
import { operations } from './operations.ts';

/** One CloudTrail-like record: who called what on which key, with which encryption context. */
export interface TrailEntry {
  time: string;
  op: string;
  accessKeyId: string;
  region: string;
  keyId?: string;
  encryptionContext?: Record<string, string>;
  error?: string;
}

/** A per-access-key IAM stand-in: only these actions, optionally only for one coffer:vault. */
export interface TestPolicy {
  allow: string[];
  vault?: string;
}

export interface KmsServerOptions {
  region?: string;
  account?: string;
  port?: number;
}

export interface KmsServer {
  endpoint: string;
  region: string;
  account: string;
  /** The next `count` calls (of `op`, if given) fail with ThrottlingException; 0 clears. */
  throttle(count: number, op?: string): void;
  trail(keyId?: string): TrailEntry[];
  /** Moves the server's clock forward (deletion windows, automatic rotation). */
  advance(ms: number): void;
  setPolicy(accessKeyId: string, policy: TestPolicy | null): void;
  close(): Promise<void>;
}

const CRYPTO_OPS = new Set(['GenerateDataKey', 'Encrypt', 'Decrypt', 'ReEncrypt']);

/**
 * A small AWS KMS (JSON 1.1 protocol, X-Amz-Target TrentService.<Op>) for tests, driven through the
 * real @aws-sdk/client-kms. It reads the access key and region from the SigV4 Authorization header
 * but does NOT verify the signature: it tests Coffer's use of KMS, not AWS's authentication.
 * Test hooks live under /__test/ so other processes (vitest workers) can steer a shared instance.
 */
export async function startKmsServer(opts: KmsServerOptions = {}): Promise<KmsServer> {
  const store = new KeyStore(opts.region ?? 'us-east-1', opts.account ?? '111122223333');
  const trail: TrailEntry[] = [];
  const throttles = new Map<string, number>(); // op ('*' for any) -> calls still to throttle
  const policies = new Map<string, TestPolicy>();

  const control = {
    throttle: (count: number, op?: string) => void throttles.set(op ?? '*', Math.max(0, count)),
    trail: (keyId?: string) => trail.filter((e) => keyId === undefined || e.keyId === keyId),
    advance: (ms: number) => void (store.offsetMs += ms),
    setPolicy: (id: string, p: TestPolicy | null) => void (p ? policies.set(id, p) : policies.delete(id)),
  };

  function call(op: string, req: Record<string, unknown>, caller: Caller): Record<string, unknown> {
    for (const which of [op, '*']) {
      const left = throttles.get(which) ?? 0;
      if (left > 0) {
        throttles.set(which, left - 1);
        throw new KmsFault('ThrottlingException', 'Rate exceeded');
      }
    }
    const handler = operations[op];
    if (!handler) throw new KmsFault('UnknownOperationException', `unsupported operation ${op}`);
    const policy = policies.get(caller.accessKeyId);
    if (policy) {
      const vault = (req.EncryptionContext as Record<string, string> | undefined)?.['coffer:vault'];
      if (!policy.allow.includes(op) || (policy.vault !== undefined && CRYPTO_OPS.has(op) && vault !== policy.vault)) {
        throw new KmsFault('AccessDeniedException',
          `User: arn:aws:iam::${store.account}:user/${caller.accessKeyId} is not authorized to perform: kms:${op} because no identity-based policy allows the kms:${op} action`);
      }
    }
    return handler(store, req, caller);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.url?.startsWith('/__test/')) return hook(req.url, body, res);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
    const caller = callerOf(String(req.headers.authorization ?? ''));
    let parsed: Record<string, unknown> = {};
    const entry: TrailEntry = { time: new Date(store.now()).toISOString(), op, accessKeyId: caller?.accessKeyId ?? '', region: caller?.region ?? '' };
    try {
      if (!caller) throw new KmsFault('MissingAuthenticationTokenException', 'Missing Authentication Token');
      parsed = body.length ? (JSON.parse(body) as Record<string, unknown>) : {};
      if (parsed.EncryptionContext) entry.encryptionContext = parsed.EncryptionContext as Record<string, string>;
      const out = call(op, parsed, caller);
      const keyId = out.KeyId ?? (out.KeyMetadata as { Arn?: string } | undefined)?.Arn ?? keyArnOf(store, parsed, caller);
      if (keyId) entry.keyId = String(keyId);
      send(res, 200, out);
    } catch (err) {
      const fault = err instanceof KmsFault ? err : new KmsFault('KMSInternalException', String(err), 500);
      entry.error = fault.type;
      const arn = keyArnOf(store, parsed, caller);
      if (arn) entry.keyId = arn;
      send(res, fault.status, { __type: fault.type, message: fault.message });
    }
    trail.push(entry);
  }

  function hook(url: string, body: string, res: ServerResponse): void {
    const u = new URL(url, 'http://x');
    const p = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
    switch (u.pathname) {
      case '/__test/throttle': control.throttle(Number(p.count), p.op as string | undefined); return send(res, 200, {});
      case '/__test/trail': return send(res, 200, control.trail(u.searchParams.get('keyId') ?? undefined));
      case '/__test/advance': control.advance(Number(p.ms)); return send(res, 200, {});
      case '/__test/policy': control.setPolicy(String(p.accessKeyId), (p.policy as TestPolicy | null) ?? null); return send(res, 200, {});
      default: return send(res, 404, { message: 'unknown test hook' });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { __type: 'KMSInternalException', message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: store.region,
    account: store.account,
    ...control,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Credential=AKID/20260101/us-east-1/kms/aws4_request in the SigV4 header names the caller. */
function callerOf(auth: string): Caller | undefined {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/kms\/aws4_request/.exec(auth);
  return m ? { accessKeyId: m[1] as string, region: m[2] as string } : undefined;
}

/** The ARN a request concerns, for the trail (best effort: unknown keys keep no ARN). */
function keyArnOf(store: KeyStore, req: Record<string, unknown>, caller: Caller | undefined): string | undefined {
  if (!caller) return undefined;
  try {
    const ident = req.KeyId ?? (typeof req.CiphertextBlob === 'string' ? store.blobKeyId(Buffer.from(req.CiphertextBlob, 'base64')) : undefined);
    return ident === undefined ? undefined : store.resolve(ident, caller, 'DescribeKey').arn;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(status >= 400 && typeof body === 'object' && body && '__type' in body ? { 'x-amzn-errortype': String((body as { __type: string }).__type) } : {}),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
