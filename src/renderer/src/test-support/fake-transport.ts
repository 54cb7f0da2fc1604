// A fake transport for renderer tests: canned answers per method, every call
// recorded, and events emitted by hand.
import type { ApiTransport } from '../../../shared/api/client';
import type { Envelope } from '../../../shared/api/envelope';

/** A handler may answer later (a promise): what the page shows while a call runs. */
export function fakeTransport(handlers: Record<string, (input: unknown) => Envelope | Promise<Envelope>>) {
  const listeners = new Set<[string, (p: unknown) => void]>();
  const calls: Array<[string, unknown]> = [];
  const transport: ApiTransport = {
    mode: 'browser',
    call(method, input) {
      calls.push([method, input]);
      return Promise.resolve(handlers[method]?.(input) ?? { ok: false, error: { code: 'UNKNOWN_METHOD', message: method } });
    },
    subscribe(event, l) {
      const entry: [string, (p: unknown) => void] = [event, l];
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  };
  return { transport, calls, emit: (e: string, p: unknown) => listeners.forEach(([event, l]) => event === e && l(p)) };
}
