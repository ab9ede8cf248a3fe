// An HTTP proxy on loopback in front of the real S3 server that misbehaves the way networks and S3 do:
// error answers (500, 503 SlowDown, 429), connections reset mid-body, bodies cut short, delays, and
// responses swallowed after the request was forwarded (the server acted; the client never hears).
// Seeded, so a failing run repeats. Point a store's endpoint at `proxy.endpoint`.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RandomSource } from '../../src-main/engine/ports/clock.ts';

export type FaultKind = 'status500' | 'slowdown503' | 'throttle429' | 'reset' | 'truncate' | 'delay' | 'swallow';

/** What the proxy knows of a request when it decides, S3 operation included. */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** 'PutObject', 'UploadPart', 'CompleteMultipartUpload', 'GetObject', 'HeadObject', ... or 'Other'. */
  op: string;
  /** 1-based count of requests of this op so far, this one included. */
  nth: number;
}

export interface FaultProxyOptions {
  target: string;
  random: RandomSource;
  /** Probability (0..1) that a request gets one of `kinds`. Changeable while running. */
  rate?: number;
  kinds?: FaultKind[];
  /** Only requests this accepts get random faults (default: all). */
  eligible?: (r: ProxiedRequest) => boolean;
  /** Delay of a 'delay' fault, ms. */
  delayMs?: number;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Faults injected so far, by kind. */
  readonly injected: Record<FaultKind, number>;
  /** Changes the random fault rate. */
  setRate(rate: number): void;
  /** Swallows the response to the next request `match` accepts (after forwarding it), once. */
  swallowNext(match: (r: ProxiedRequest) => boolean): Promise<ProxiedRequest>;
  /** Gives the next request `match` accepts this fault, once. */
  faultNext(kind: FaultKind, match: (r: ProxiedRequest) => boolean): Promise<ProxiedRequest>;
  close(): Promise<void>;
}

const ALL_KINDS: FaultKind[] = ['status500', 'slowdown503', 'throttle429', 'reset', 'truncate', 'delay', 'swallow'];

export function s3Op(method: string, query: URLSearchParams, path: string): string {
  const hasKey = path.split('/').filter(Boolean).length > 1;
  if (method === 'PUT' && query.has('uploadId') && query.has('partNumber')) return 'UploadPart';
  if (method === 'POST' && query.has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
  if (method === 'GET' && query.has('uploadId')) return 'ListParts';
  if (method === 'GET' && query.has('uploads')) return 'ListMultipartUploads';
  if (method === 'DELETE' && query.has('uploadId')) return 'AbortMultipartUpload';
  if (method === 'PUT' && hasKey) return 'PutObject';
  if (method === 'GET' && hasKey) return 'GetObject';
  if (method === 'GET') return 'ListObjects';
  if (method === 'HEAD' && hasKey) return 'HeadObject';
  if (method === 'HEAD') return 'HeadBucket';
  if (method === 'DELETE' && hasKey) return 'DeleteObject';
  return 'Other';
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  let rate = opts.rate ?? 0;
  const kinds = opts.kinds ?? ALL_KINDS;
  const injected = Object.fromEntries(ALL_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const counts = new Map<string, number>();
  const planned: { kind: FaultKind; match: (r: ProxiedRequest) => boolean; done: (r: ProxiedRequest) => void }[] = [];
  const sockets = new Set<Socket>();
  const draw = () => {
    const r = opts.random(4);
    return new DataView(r.buffer, r.byteOffset, 4).getUint32(0) / 2 ** 32;
  };

  const choose = (r: ProxiedRequest): FaultKind | null => {
    const i = planned.findIndex((p) => p.match(r));
    if (i >= 0) {
      const [p] = planned.splice(i, 1);
      p!.done(r);
      return p!.kind;
    }
    if (rate <= 0 || (opts.eligible && !opts.eligible(r))) return null;
    if (draw() >= rate) return null;
    return kinds[Math.floor(draw() * kinds.length)]!;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = req.method ?? 'GET';
    const op = s3Op(method, url.searchParams, url.pathname);
    const nth = (counts.get(op) ?? 0) + 1;
    counts.set(op, nth);
    const fault = choose({ method, path: url.pathname, query: url.searchParams, op, nth });
    if (fault) injected[fault]++;
    if (fault === 'status500' || fault === 'slowdown503' || fault === 'throttle429') {
      const [status, code] = fault === 'status500' ? [500, 'InternalError'] : fault === 'slowdown503' ? [503, 'SlowDown'] : [429, 'TooManyRequests'];
      req.resume();
      req.once('end', () => errorAnswer(res, method, status, code));
      return;
    }
    const go = () => forward(req, res, target, fault);
    if (fault === 'delay') setTimeout(go, opts.delayMs ?? 200);
    else go();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    injected,
    setRate: (r) => (rate = r),
    swallowNext: (match) => new Promise((done) => planned.push({ kind: 'swallow', match, done })),
    faultNext: (kind, match) => new Promise((done) => planned.push({ kind, match, done })),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

function errorAnswer(res: ServerResponse, method: string, status: number, code: string): void {
  const body = method === 'HEAD' ? '' : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the fault proxy</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(method === 'HEAD' ? undefined : body);
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL, fault: FaultKind | null): void {
  const headers = { ...req.headers };
  // Unsigned by SigV4; the proxy's own server already answered 100-continue.
  delete headers.expect;
  const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (upRes) => {
    if (fault === 'swallow') {
      // The server has acted on the request; the client is left with a dead connection.
      upRes.resume();
      upRes.once('end', () => res.socket?.destroy());
      return;
    }
    res.writeHead(upRes.statusCode ?? 502, upRes.headers);
    const length = Number(upRes.headers['content-length'] ?? 0);
    if ((fault !== 'reset' && fault !== 'truncate') || req.method === 'HEAD') {
      upRes.pipe(res);
      return;
    }
    // Cut the body at half its length (or at once if it is empty): RST for 'reset', a clean FIN for 'truncate'.
    const cutAt = Math.floor(length / 2);
    let sent = 0;
    const cut = () => {
      upRes.destroy();
      const s = res.socket;
      if (!s) return;
      if (fault === 'reset') s.resetAndDestroy();
      else s.end();
    };
    if (cutAt === 0) {
      res.flushHeaders();
      return void setImmediate(cut);
    }
    upRes.on('data', (c: Buffer) => {
      if (sent >= cutAt) return;
      const take = c.subarray(0, cutAt - sent);
      sent += take.length;
      res.write(take);
      if (sent >= cutAt) setImmediate(cut);
    });
  });
  up.on('error', () => res.socket?.destroy());
  req.pipe(up);
}
