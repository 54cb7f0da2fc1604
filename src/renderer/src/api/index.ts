// Chooses the transport at boot: the preload bridge inside Electron, the
// loopback WebSocket in browser mode. The rest of the renderer sees one ApiClient.
import { createApiClient, type ApiClient } from '../../../shared/api/client';
import { createIpcTransport, type PreloadBridge } from './ipc-transport';
import { createWsTransport, type ConnectionState, type ResyncReason } from './ws-transport';

export interface Connection {
  api: ApiClient;
  onConnectionChange(cb: (state: ConnectionState) => void): () => void;
  /** What the page does when its session expired or lost events (browser mode; IPC never does). */
  setResync(resync: (reason: ResyncReason) => Promise<void>): void;
}

export function connect(): Connection {
  // Adapter: the preload adds `pipewright` to window in the desktop app; the DOM's types do not know it.
  const bridge = (window as unknown as { pipewright?: PreloadBridge }).pipewright;
  if (bridge) {
    return { api: createApiClient(createIpcTransport(bridge)), onConnectionChange: (cb) => (cb('connected'), () => {}), setResync: () => {} };
  }
  const ws = createWsTransport(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`);
  return { api: createApiClient(ws), onConnectionChange: (cb) => ws.onConnectionChange(cb), setResync: (fn) => ws.setResync(fn) };
}

export type { ConnectionState, ResyncReason };
