// Fans contract events out to every connected client (Electron windows or
// browser-mode sessions). Each client queues events until it says it is ready,
// so nothing emitted during start-up is lost; a queue that overflows counts what
// it dropped, and `app.ready` says so, so the page reads its state again instead
// of trusting a stream with a hole in it. (A browser session that is away keeps
// its own numbered log for replay: see browser-server.ts.)
import { events, type EventName, type EventPayload } from '../../shared/api/contract';

export interface EventSink {
  readonly clientId: string;
  send(event: string, payload: unknown): void;
}

/** Events held per client before it is ready; beyond this the oldest go, and are counted. */
export const MAX_QUEUED = 1000;

interface Client {
  sink: EventSink;
  ready: boolean;
  queue: Array<[string, unknown]>;
  /** Events dropped from the queue since the client last became ready. */
  dropped: number;
}

export class EventHub {
  private clients = new Map<string, Client>();
  private departureListeners: Array<(clientId: string) => void> = [];

  constructor(private readonly maxQueued = MAX_QUEUED) {}

  attach(sink: EventSink): void {
    this.clients.set(sink.clientId, { sink, ready: false, queue: [], dropped: 0 });
  }

  detach(clientId: string): void {
    if (!this.clients.delete(clientId)) return;
    for (const l of this.departureListeners) l(clientId);
  }

  onDeparture(listener: (clientId: string) => void): void {
    this.departureListeners.push(listener);
  }

  /**
   * Marks a client ready and delivers what was queued for it: how many were
   * delivered, and how many had been dropped from the queue before (the client
   * then reads its state again rather than trust the events alone).
   */
  markReady(clientId: string): { flushed: number; dropped: number } {
    const client = this.clients.get(clientId);
    if (!client) return { flushed: 0, dropped: 0 };
    client.ready = true;
    const queued = client.queue.splice(0);
    const dropped = client.dropped;
    client.dropped = 0;
    for (const [event, payload] of queued) client.sink.send(event, payload);
    return { flushed: queued.length, dropped };
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    // Validate (and strip) on the way out, as the dispatcher does for results.
    const clean = events[event].parse(payload);
    for (const client of this.clients.values()) {
      if (client.ready) client.sink.send(event, clean);
      else {
        client.queue.push([event, clean]);
        if (client.queue.length > this.maxQueued) {
          client.queue.shift();
          client.dropped++;
        }
      }
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }
}
