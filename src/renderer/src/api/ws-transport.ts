// The browser-mode transport: one WebSocket to the loopback server (the token
// travels in an HttpOnly cookie set when the printed URL was opened).
// Reconnects with backoff to the same session, saying the last event it saw
// (`lastSeq`): the server sends what followed, and events seen twice are dropped
// here; a call sent again (same id) is answered from the server's memory instead
// of running twice; calls made while disconnected wait for the socket.
// The server's first message says what the socket is (`SessionNotice`). When the
// session expired or events were lost, the page is not "connected" until it has
// started over (the resync hook: start-up again, every subscription again); if
// that fails the state is `lost` and the page asks to be reloaded.
import type { ApiTransport } from '../../../shared/api/client';
import type { Envelope, ServerMessage, SessionNotice } from '../../../shared/api/envelope';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'resyncing' | 'lost';
/** Why the page starts over: its session expired (a fresh one, nothing of the old), or events it missed are gone. */
export type ResyncReason = 'expired' | 'events-lost';

export interface WsTransport extends ApiTransport {
  onConnectionChange(cb: (state: ConnectionState) => void): () => void;
  /** What the page does to start over; it rejects when it could not (the page then asks for a reload). */
  setResync(resync: (reason: ResyncReason) => Promise<void>): void;
}

/** A call sent on a session that then expired: it may or may not have run, and nothing remembers it now. */
export const LOST_CALL_MESSAGE =
  'The connection was lost while this call was under way, and the server no longer knows it: check whether it took effect before trying again.';

export function createWsTransport(baseUrl: string): WsTransport {
  // One session per page load; call ids are unique within it.
  const session = crypto.randomUUID().replace(/-/g, '');
  let socket: WebSocket | undefined;
  /** The session answered (its first message came): calls go out at once. */
  let established = false;
  let nextId = 1;
  let retry = 0;
  /** The number of the last event seen; null until the server said the first. */
  let lastSeq: number | null = null;
  const pending = new Map<number, { resolve: (e: Envelope) => void; message: string; sent: boolean }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  const setState = (s: ConnectionState) => {
    state = s;
    stateListeners.forEach((l) => l(s));
  };
  let resync: (reason: ResyncReason) => Promise<void> = () => Promise.resolve();
  let resyncing: Promise<void> | null = null;
  let resyncAgain: ResyncReason | null = null;

  const sendPending = (ws: WebSocket, which: 'all' | 'unsent') => {
    for (const p of pending.values())
      if (which === 'all' || !p.sent) {
        ws.send(p.message);
        p.sent = true;
      }
  };

  /** Starts over once at a time; a second reason while one runs starts it again after. */
  const startOver = (reason: ResyncReason) => {
    if (resyncing) {
      resyncAgain = reason;
      return;
    }
    setState('resyncing');
    resyncing = resync(reason).then(
      () => {
        resyncing = null;
        if (resyncAgain) {
          const again = resyncAgain;
          resyncAgain = null;
          return startOver(again);
        }
        // Only what is still true: the socket may have dropped again meanwhile.
        if (established && state === 'resyncing') setState('connected');
      },
      () => {
        resyncing = null;
        resyncAgain = null;
        setState('lost');
      },
    );
  };

  const onSession = (ws: WebSocket, notice: SessionNotice) => {
    established = true;
    retry = 0;
    if (notice.state === 'expired') {
      // Nothing on the server remembers what was sent before: those calls may or may not have run.
      for (const [id, p] of pending)
        if (p.sent) {
          pending.delete(id);
          p.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: LOST_CALL_MESSAGE } });
        }
    }
    lastSeq = notice.seq;
    // The same session remembers every call: in-flight ones are sent again, and answered once.
    sendPending(ws, notice.state === 'resumed' || notice.state === 'events-lost' ? 'all' : 'unsent');
    if (notice.state === 'expired' || notice.state === 'events-lost') startOver(notice.state);
    else if (!resyncing) setState('connected');
    else setState('resyncing');
  };

  const connect = () => {
    setState('connecting');
    const ws = new WebSocket(`${baseUrl}?session=${session}${lastSeq === null ? '' : `&lastSeq=${lastSeq}`}`);
    socket = ws;
    ws.onmessage = (ev) => {
      let msg: ServerMessage;
      try {
        // Shape-checked by the API client, which parses every output and event.
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if ('session' in msg) onSession(ws, msg.session);
      else if ('event' in msg) {
        // Seen already (sent again after a reconnect): dropped.
        if (lastSeq !== null && msg.seq <= lastSeq) return;
        lastSeq = msg.seq;
        listeners.get(msg.event)?.forEach((l) => l(msg.payload));
      } else {
        const p = pending.get(msg.id);
        if (p) {
          pending.delete(msg.id);
          p.resolve(msg);
        }
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      established = false;
      setState('disconnected');
      const delay = Math.min(5000, 250 * 2 ** retry++);
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    mode: 'browser',
    call(method, input) {
      const id = nextId++;
      const message = JSON.stringify({ id, method, input });
      return new Promise<Envelope>((resolve) => {
        const sent = established && socket?.readyState === WebSocket.OPEN;
        pending.set(id, { resolve, message, sent });
        if (sent) socket!.send(message);
      });
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set.add(listener));
      return () => set.delete(listener);
    },
    onConnectionChange(cb) {
      stateListeners.add(cb);
      cb(state);
      return () => stateListeners.delete(cb);
    },
    setResync(fn) {
      resync = fn;
    },
  };
}
