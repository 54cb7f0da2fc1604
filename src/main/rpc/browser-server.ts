// Browser mode: the same contract over one WebSocket on 127.0.0.1, plus the
// built renderer as static files. Guarded by a per-launch random token (given in
// the printed URL, then kept in an HttpOnly SameSite=Strict cookie), a Host check
// against DNS rebinding, and an Origin check against other sites' pages.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_CALL_BYTES, type ServerMessage } from '../../shared/api/envelope';
import { SECURITY_HEADERS, readStaticFile } from '../platform/static-files';
import type { Dispatch } from './dispatcher';
import type { EventHub } from './event-hub';

export interface BrowserServerOptions {
  dispatch: Dispatch;
  hub: EventHub;
  /** Directory of the built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  token?: string;
  log?: (line: string) => void;
}

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const TOKEN_COOKIE = 'pipewright_token';
export const TOKEN_HEADER = 'x-pipewright-token';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return v.join('=');
  }
  return undefined;
}

export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const log = opts.log ?? (() => {});
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const hostOk = (req: IncomingMessage) => allowedHosts().has(String(req.headers.host ?? ''));
  const originOk = (req: IncomingMessage, required: boolean) => {
    const origin = req.headers.origin;
    if (origin === undefined) return !required;
    return allowedOrigins().has(origin);
  };
  const tokenOk = (req: IncomingMessage) => {
    const given = cookieToken(req) ?? (req.headers[TOKEN_HEADER] as string | undefined);
    return given !== undefined && safeEqual(given, token);
  };

  const deny = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end(message + '\n');
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (!hostOk(req)) return deny(res, 421, 'Wrong Host header: Pipewright answers only on 127.0.0.1 and localhost.');
      if (!originOk(req, false)) return deny(res, 403, 'Cross-origin requests are refused.');
      if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed.');
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const given = url.searchParams.get('token');
      if (given !== null) {
        if (!safeEqual(given, token)) return deny(res, 401, 'Wrong token. Open the URL Pipewright printed at start.');
        res.writeHead(302, {
          'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
          location: url.pathname,
          ...SECURITY_HEADERS,
        });
        return res.end();
      }
      if (!tokenOk(req)) return deny(res, 401, 'Missing token. Open the URL Pipewright printed at start (it carries the token).');
      await serveStatic(opts.staticDir, url.pathname, res);
    })().catch((err) => {
      log(`browser-server: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) deny(res, 500, 'Internal error.');
      else res.end();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CALL_BYTES * 4 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder.invalid');
    const reject = (status: number, text: string) => {
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/rpc') return reject(404, 'Not Found');
    if (!hostOk(req)) return reject(421, 'Misdirected Request');
    if (!originOk(req, true)) return reject(403, 'Forbidden');
    if (!tokenOk(req)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  function onConnection(ws: WebSocket): void {
    const clientId = `ws-${randomUUID()}`;
    const send = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    opts.hub.attach({ clientId, send: (event, payload) => send({ event, payload }) });
    ws.on('message', (data, isBinary) => {
      void (async () => {
        const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
        if (isBinary) return send({ id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'Binary frames are not accepted.' } });
        let msg: { id?: unknown; method?: unknown; input?: unknown };
        if (size > MAX_CALL_BYTES) return send({ id: -1, ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: `A call may be at most ${MAX_CALL_BYTES} bytes.` } });
        try {
          msg = JSON.parse(data.toString());
        } catch {
          return send({ id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'The message is not valid JSON.' } });
        }
        if (typeof msg !== 'object' || msg === null || typeof msg.id !== 'number' || !Number.isSafeInteger(msg.id))
          return send({ id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'A call needs a numeric id, a method and an input.' } });
        const envelope = await opts.dispatch(msg.method, msg.input, { clientId });
        send({ id: msg.id, ...envelope });
      })();
    });
    ws.on('close', () => opts.hub.detach(clientId));
    ws.on('error', () => opts.hub.detach(clientId));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serveStatic(root: string, pathname: string, res: ServerResponse): Promise<void> {
  const file = await readStaticFile(root, pathname);
  res.writeHead(file.status, file.headers);
  res.end(file.status === 200 ? file.body : file.status === 404 ? 'Not found\n' : undefined);
}
