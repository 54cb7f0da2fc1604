// The Electron transport: the preload's bridge, which exposes only contract names.
import { EVENT_NAMES } from '../../../shared/api/contract';
import type { ApiTransport } from '../../../shared/api/client';
import type { Envelope } from '../../../shared/api/envelope';

export interface PreloadBridge {
  invoke(method: string, input: unknown): Promise<Envelope>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}

export function createIpcTransport(bridge: PreloadBridge): ApiTransport {
  return {
    mode: 'electron',
    call: (method, input) => bridge.invoke(method, input),
    subscribe(listener) {
      const offs = EVENT_NAMES.map((name) => bridge.on(name, (payload) => listener(name, payload)));
      return () => offs.forEach((off) => off());
    },
  };
}
