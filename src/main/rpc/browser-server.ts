// Browser mode: the same contract over one WebSocket on 127.0.0.1, plus the
// built renderer as static files. Guarded by a per-launch random token (given in
// the printed URL, then kept in an HttpOnly SameSite=Strict cookie named for this
// instance's port), a Host check against DNS rebinding, and an Origin check
// against other sites' pages. Every request path answers or closes: nothing a
// client sends can throw out of a handler.
//
// A page's socket belongs to a session (`/rpc?session=ID`). Its events are
// numbered, and the session keeps the latest of them (bounded), sent or not. When
// the socket drops, the session waits a while (the grace period) for the page:
// jobs go on, and a call sent again with the same id is answered from memory,
// never run twice. A page that comes back says the last event it saw
// (`&lastSeq=N`) and gets what followed. The first message on every socket says
// which case it is (`SessionNotice`): a session that expired, or events no longer
// held, are said out loud, so the page can start over instead of waiting on a
// stream that will never come.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_CALL_BYTES, type Envelope, type ServerMessage, type SessionState } from '../../shared/api/envelope';
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
  /** How long a dropped session waits for its page before its client departs (SESSION_GRACE_MS). */
  sessionGraceMs?: number;
  /** Events a session keeps for replay (REPLAY_EVENTS), and their total size (REPLAY_BYTES). */
  replayEvents?: number;
  replayBytes?: number;
}

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const TOKEN_HEADER = 'x-pipewright-token';

/** The token cookie's name: one per instance (port), so two instances side by side keep their own. */
export const tokenCookieName = (port: number) => `pipewright_token_${port}`;

/** How long a dropped session waits for its page to reconnect before its client departs. */
export const SESSION_GRACE_MS = 30_000;
/** Events a session keeps for a page that reconnects: at most this many, of at most this many bytes. */
export const REPLAY_EVENTS = 1000;
export const REPLAY_BYTES = 8_000_000;
/** Answers kept per session, so a call re-sent after a reconnect is answered, not run again. */
const REMEMBERED_CALLS = 500;
const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;
const LAST_SEQ = /^(0|[1-9][0-9]{0,14})$/;

interface Session {
  clientId: string;
  socket: WebSocket | null;
  calls: Map<number, Promise<Envelope>>;
  grace?: NodeJS.Timeout;
  /** The number of the session's latest event. */
  seq: number;
  /** The latest events as sent (numbered frames), oldest first, for replay. */
  kept: Array<{ seq: number; frame: string }>;
  keptBytes: number;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** The request's path and query, or null when its target is not a valid URL path. */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://placeholder.invalid');
  } catch {
    return null;
  }
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
    const given = cookieToken(req, tokenCookieName(port)) ?? (req.headers[TOKEN_HEADER] as string | undefined);
    return typeof given === 'string' && safeEqual(given, token);
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
      const url = requestUrl(req);
      if (!url) return deny(res, 400, 'Bad request target.');
      const given = url.searchParams.get('token');
      if (given !== null) {
        if (!safeEqual(given, token)) return deny(res, 401, 'Wrong token. Open the URL Pipewright printed at start.');
        res.writeHead(302, {
          'set-cookie': `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
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
  const sessions = new Map<string, Session>();
  server.on('upgrade', (req, socket, head) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    socket.on('error', () => socket.destroy());
    try {
      const url = requestUrl(req);
      if (!url) return reject(400, 'Bad Request');
      if (url.pathname !== '/rpc') return reject(404, 'Not Found');
      if (!hostOk(req)) return reject(421, 'Misdirected Request');
      if (!originOk(req, true)) return reject(403, 'Forbidden');
      if (!tokenOk(req)) return reject(401, 'Unauthorized');
      const sessionId = url.searchParams.get('session');
      if (sessionId !== null && !SESSION_ID.test(sessionId)) return reject(400, 'Bad Request');
      const lastSeqText = url.searchParams.get('lastSeq');
      if (lastSeqText !== null && !LAST_SEQ.test(lastSeqText)) return reject(400, 'Bad Request');
      const lastSeq = lastSeqText === null ? null : Number(lastSeqText);
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, sessionId, lastSeq));
    } catch (err) {
      log(`browser-server: upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
      reject(400, 'Bad Request');
    }
  });

  const grace = opts.sessionGraceMs ?? SESSION_GRACE_MS;
  const replayEvents = opts.replayEvents ?? REPLAY_EVENTS;
  const replayBytes = opts.replayBytes ?? REPLAY_BYTES;

  /**
   * The session a socket resumes (same id: same client, events and remembered calls), or a new
   * one, with what the page is told first. A page that names a last event is coming back; if its
   * session is gone it is told so (`expired`), and one whose missed events are no longer all kept
   * is told `events-lost`: in both cases it starts over rather than wait on a broken stream.
   */
  function sessionFor(ws: WebSocket, sessionId: string | null, lastSeq: number | null): { session: Session; state: SessionState; replay: string[] } {
    const known = sessionId ? sessions.get(sessionId) : undefined;
    if (known) {
      clearTimeout(known.grace);
      known.grace = undefined;
      known.socket?.terminate();
      known.socket = ws;
      const after = lastSeq ?? 0;
      const oldest = known.kept[0]?.seq ?? known.seq + 1;
      // Whole when every event after the page's last is still kept (or it has seen them all).
      const whole = after <= known.seq && (after >= known.seq || oldest <= after + 1);
      if (!whole) return { session: known, state: 'events-lost', replay: [] };
      return { session: known, state: 'resumed', replay: known.kept.filter((k) => k.seq > after).map((k) => k.frame) };
    }
    const session: Session = { clientId: `ws-${randomUUID()}`, socket: ws, calls: new Map(), seq: 0, kept: [], keptBytes: 0 };
    if (sessionId) sessions.set(sessionId, session);
    opts.hub.attach({
      clientId: session.clientId,
      send: (event, payload) => {
        const seq = ++session.seq;
        const frame = JSON.stringify({ event, payload, seq } satisfies ServerMessage);
        if (sessionId) {
          session.kept.push({ seq, frame });
          session.keptBytes += frame.length;
          while (session.kept.length > replayEvents || (session.keptBytes > replayBytes && session.kept.length > 0))
            session.keptBytes -= session.kept.shift()!.frame.length;
        }
        if (session.socket?.readyState === session.socket?.OPEN) session.socket?.send(frame);
      },
    });
    return { session, state: lastSeq === null ? 'new' : 'expired', replay: [] };
  }

  function onConnection(ws: WebSocket, sessionId: string | null, lastSeq: number | null): void {
    const { session, state, replay } = sessionFor(ws, sessionId, lastSeq);
    const send = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    if (state === 'expired' || state === 'events-lost') log(`browser-server: session ${sessionId?.slice(0, 6)}… ${state}: the page starts over`);
    // First, what this socket is; then what the page missed; live events follow (send() is synchronous, so nothing comes between).
    send({ session: { state, seq: state === 'resumed' ? (lastSeq ?? 0) : session.seq } });
    for (const frame of replay) if (ws.readyState === ws.OPEN) ws.send(frame);
    ws.on('message', (data, isBinary) => {
      handleMessage(session, data, isBinary, send).catch((err: unknown) => {
        // The last guard: a bug in a handler is logged and answered, and the server keeps serving.
        log(`browser-server: message failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        send({ id: -1, ok: false, error: { code: 'INTERNAL', message: 'The call could not be handled.' } });
      });
    });
    const gone = () => {
      if (session.socket !== ws) return; // already replaced by a reconnect
      session.socket = null;
      if (!sessionId) return opts.hub.detach(session.clientId);
      // The page may come back (a dropped connection, a sleeping laptop): wait for it, keeping its events.
      session.grace = setTimeout(() => {
        sessions.delete(sessionId);
        opts.hub.detach(session.clientId);
        log(`browser-server: session ${sessionId.slice(0, 6)}… expired after ${grace} ms away; its watches and jobs are gone`);
      }, grace);
      session.grace.unref?.();
    };
    ws.on('close', gone);
    ws.on('error', gone);
  }

  async function handleMessage(session: Session, data: WebSocket.RawData, isBinary: boolean, send: (msg: ServerMessage) => void): Promise<void> {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (isBinary) return send({ id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'Binary frames are not accepted.' } });
    if (size > MAX_CALL_BYTES)
      return send({ id: -1, ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: `A call may be at most ${MAX_CALL_BYTES} bytes.` } });
    let msg: { id?: unknown; method?: unknown; input?: unknown };
    try {
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
      msg = JSON.parse(text) as typeof msg; // each field is checked below and by the dispatcher
    } catch {
      return send({ id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'The message is not valid JSON.' } });
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.id !== 'number' || !Number.isSafeInteger(msg.id))
      return send({ id: -1, ok: false, error: { code: 'BAD_REQUEST', message: 'A call needs a numeric id, a method and an input.' } });
    const id = msg.id;
    // A call is run once: the same id again (re-sent after a reconnect) gets the first answer.
    let answer = session.calls.get(id);
    if (!answer) {
      answer = opts.dispatch(msg.method, msg.input, { clientId: session.clientId });
      session.calls.set(id, answer);
      if (session.calls.size > REMEMBERED_CALLS) session.calls.delete(session.calls.keys().next().value!);
    }
    const envelope = await answer;
    // Answered on whichever socket the session has now.
    const target = session.socket;
    if (target?.readyState === target?.OPEN) target?.send(JSON.stringify({ id, ...envelope } satisfies ServerMessage));
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
        for (const sess of sessions.values()) clearTimeout(sess.grace);
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
