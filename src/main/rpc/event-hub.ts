// Fans contract events out to every connected client (Electron windows or
// browser-mode sockets). Each client queues events until it says it is ready,
// so nothing emitted during start-up is lost.
import { events, type EventName, type EventPayload } from '../../shared/api/contract';

export interface EventSink {
  readonly clientId: string;
  send(event: string, payload: unknown): void;
}

const MAX_QUEUED = 1000;

interface Client {
  sink: EventSink;
  ready: boolean;
  /** Disconnected for now (a browser session waiting for its page to reconnect): events queue. */
  suspended: boolean;
  queue: Array<[string, unknown]>;
}

export class EventHub {
  private clients = new Map<string, Client>();
  private departureListeners: Array<(clientId: string) => void> = [];

  attach(sink: EventSink): void {
    this.clients.set(sink.clientId, { sink, ready: false, suspended: false, queue: [] });
  }

  /** The client lost its connection but may come back: its events queue meanwhile. */
  suspend(clientId: string): void {
    const client = this.clients.get(clientId);
    if (client) client.suspended = true;
  }

  /** The client is back on a new connection: if it was ready, what queued meanwhile is delivered. */
  reattach(clientId: string): void {
    const client = this.clients.get(clientId);
    if (!client) return;
    client.suspended = false;
    if (client.ready) this.flush(client);
  }

  private flush(client: Client): number {
    const queued = client.queue.splice(0);
    for (const [event, payload] of queued) client.sink.send(event, payload);
    return queued.length;
  }

  detach(clientId: string): void {
    if (!this.clients.delete(clientId)) return;
    for (const l of this.departureListeners) l(clientId);
  }

  onDeparture(listener: (clientId: string) => void): void {
    this.departureListeners.push(listener);
  }

  /** Marks a client ready and delivers what was queued for it. Returns how many were flushed. */
  markReady(clientId: string): number {
    const client = this.clients.get(clientId);
    if (!client) return 0;
    client.ready = true;
    return client.suspended ? 0 : this.flush(client);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    // Validate (and strip) on the way out, as the dispatcher does for results.
    const clean = events[event].parse(payload);
    for (const client of this.clients.values()) {
      if (client.ready && !client.suspended) client.sink.send(event, clean);
      else {
        client.queue.push([event, clean]);
        if (client.queue.length > MAX_QUEUED) client.queue.shift();
      }
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }
}
