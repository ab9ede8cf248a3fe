// A raw HTTP client for the security tests: node:http lets us send any Host, Origin and path bytes,
// which fetch() would normalise or refuse.
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

export function raw(port: number, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/',
      headers: { host: `127.0.0.1:${port}`, ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Opens an SSE stream and collects `data:` messages until `count` arrived. */
export function sse(port: number, path: string, headers: Record<string, string> = {}): {
  status: Promise<number>;
  next(count: number): Promise<unknown[]>;
  close(): void;
  ended: Promise<void>;
} {
  const messages: unknown[] = [];
  const waiters: { count: number; resolve: (m: unknown[]) => void }[] = [];
  let resolveStatus!: (s: number) => void;
  let resolveEnded!: () => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  const ended = new Promise<void>((r) => (resolveEnded = r));
  let buf = '';
  const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (data) messages.push(JSON.parse(data));
      }
      for (const w of [...waiters]) if (messages.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(messages.slice(0, w.count));
      }
    });
    res.on('end', () => resolveEnded());
    res.on('close', () => resolveEnded());
  });
  req.on('error', () => resolveEnded());
  req.end();
  return {
    status,
    next: (count) => new Promise((resolve) => {
      if (messages.length >= count) resolve(messages.slice(0, count));
      else waiters.push({ count, resolve });
    }),
    close: () => req.destroy(),
    ended,
  };
}
