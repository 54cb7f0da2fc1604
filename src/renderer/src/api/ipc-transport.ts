// The Electron transport: the preload's bridge, which exposes only contract names.
import type { ApiTransport } from '../../../shared/api/client';
import type { PreloadBridge } from '../../../shared/api/names';

export type { PreloadBridge };

export function createIpcTransport(bridge: PreloadBridge): ApiTransport {
  return {
    mode: 'electron',
    call: (method, input) => bridge.invoke(method, input),
    subscribe: (event, listener) => bridge.on(event, listener),
  };
}
