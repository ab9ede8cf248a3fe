// /api/*: POST /api/<command> runs one contract command through the shared dispatcher; GET /api/events is
// the SSE stream of engine events. Auth has been checked by the caller (server.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_STATUS, type ApiErrorShape } from '../ipc/contract.ts';
import type { Dispatch } from '../ipc/dispatch.ts';
import type { EventRelay } from '../ipc/event-relay.ts';

export const BODY_LIMIT = 64 * 1024;
export const PING_MS = 15_000;

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, JSON_HEADERS);
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, status: number, error: ApiErrorShape): void {
  sendJson(res, status, { error });
}

export async function handleCommand(req: IncomingMessage, res: ServerResponse, command: string, dispatch: Dispatch): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendError(res, 405, { code: 'invalid-request', message: 'Commands are POST requests' });
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return sendError(res, 415, { code: 'invalid-request', message: 'Send the request as application/json' });
  }
  const body = await readBody(req, BODY_LIMIT);
  if (body === 'too-large') {
    res.setHeader('Connection', 'close');
    return sendError(res, 413, { code: 'invalid-request', message: `Request body over ${BODY_LIMIT} bytes` });
  }
  let payload: unknown;
  try {
    payload = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
  } catch {
    return sendError(res, 400, { code: 'invalid-request', message: 'The request body is not valid JSON' });
  }
  const env = await dispatch(command, payload);
  if (env.ok) return sendJson(res, 200, env.value ?? null);
  sendError(res, HTTP_STATUS[env.error.code], env.error);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return resolve('too-large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** One SSE client: every validated engine event as `data: <json>`, and a ping comment so proxies and
 * browsers keep the stream open. Ends when the client goes away or the server closes. */
export function handleEvents(req: IncomingMessage, res: ServerResponse, relay: EventRelay, securityHeaders: Record<string, string>): () => void {
  res.writeHead(200, {
    ...securityHeaders,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  const stop = relay.listen((event) => {
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  });
  const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
  ping.unref();
  const end = (): void => {
    clearInterval(ping);
    stop();
    if (!res.writableEnded) res.end();
  };
  req.on('close', end);
  return end;
}
