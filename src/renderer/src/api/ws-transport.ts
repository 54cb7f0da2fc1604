// The browser-mode transport: one WebSocket to the loopback server (the token
// travels in an HttpOnly cookie set when the printed URL was opened).
// Reconnects with backoff to the same session, so the server keeps this page's
// events and answers a call sent again (same id) from memory instead of running
// it twice; calls made while disconnected wait for the socket.
import type { ApiTransport } from '../../../shared/api/client';
import type { Envelope, ServerMessage } from '../../../shared/api/envelope';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface WsTransport extends ApiTransport {
  onConnectionChange(cb: (state: ConnectionState) => void): () => void;
}

export function createWsTransport(baseUrl: string): WsTransport {
  // One session per page load; call ids are unique within it.
  const url = `${baseUrl}?session=${crypto.randomUUID().replace(/-/g, '')}`;
  let socket: WebSocket | undefined;
  let nextId = 1;
  let retry = 0;
  const pending = new Map<number, { resolve: (e: Envelope) => void; message: string }>();
  const outbox: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const setState = (s: ConnectionState) => stateListeners.forEach((l) => l(s));

  const connect = () => {
    setState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      setState('connected');
      for (const m of outbox.splice(0)) ws.send(m);
      // Calls that were in flight when the socket dropped are sent again: the server runs each id once.
      for (const p of pending.values()) ws.send(p.message);
    };
    ws.onmessage = (ev) => {
      let msg: ServerMessage;
      try {
        // Shape-checked by the API client, which parses every output and event.
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if ('event' in msg) listeners.get(msg.event)?.forEach((l) => l(msg.payload));
      else {
        const p = pending.get(msg.id);
        if (p) {
          pending.delete(msg.id);
          p.resolve(msg);
        }
      }
    };
    ws.onclose = () => {
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
        pending.set(id, { resolve, message });
        if (socket?.readyState === WebSocket.OPEN) socket.send(message);
        else outbox.push(message);
      }).finally(() => {
        const i = outbox.indexOf(message);
        if (i >= 0) outbox.splice(i, 1);
      });
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set.add(listener));
      return () => set.delete(listener);
    },
    onConnectionChange(cb) {
      stateListeners.add(cb);
      return () => stateListeners.delete(cb);
    },
  };
}
