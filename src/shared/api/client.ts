// The renderer-facing client type, derived from the contract. Transports (IPC,
// WebSocket) only move `{method, input}` and envelopes; typing lives here.
import { ApiCallError } from './errors';
import type { Envelope } from './envelope';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './contract';

export interface ApiTransport {
  call(method: string, input: unknown): Promise<Envelope>;
  /** Hears one event; returns the way to stop. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  readonly mode: 'electron' | 'browser';
}

export interface ApiClient {
  readonly mode: 'electron' | 'browser';
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
}

export function createApiClient(transport: ApiTransport): ApiClient {
  return {
    mode: transport.mode,
    async invoke(method, input) {
      const envelope = await transport.call(method, input);
      if (!envelope.ok) throw new ApiCallError(envelope.error);
      return envelope.result as never;
    },
    on(event, cb) {
      return transport.subscribe(event, (payload) => cb(payload as never));
    },
  };
}
