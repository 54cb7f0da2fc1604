// The preload bridge: exposes only invoke(method, input) and on(event, cb), and
// only for names in the contract (checked against a names-only list: no schema
// is bundled here). One IPC listener serves every subscription. Sandboxed, so
// it is bundled as CommonJS.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventName, isMethodName, type PreloadBridge } from '../shared/api/names';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/api/channels';

const subscribers = new Map<string, Set<(payload: unknown) => void>>();
let listening = false;

function dispatch(_e: IpcRendererEvent, msg: { event?: unknown; payload?: unknown }): void {
  if (typeof msg?.event !== 'string') return;
  for (const cb of subscribers.get(msg.event) ?? []) cb(msg.payload);
}

const bridge: PreloadBridge = {
  invoke(method: unknown, input: unknown) {
    if (!isMethodName(method))
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${String(method).slice(0, 80)}` } });
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, { method, input });
  },
  on(event: unknown, cb: (payload: unknown) => void) {
    if (!isEventName(event) || typeof cb !== 'function') return () => {};
    if (!listening) {
      ipcRenderer.on(IPC_EVENT_CHANNEL, dispatch);
      listening = true;
    }
    const set = subscribers.get(event) ?? new Set();
    subscribers.set(event, set.add(cb));
    return () => {
      set.delete(cb);
    };
  },
};

contextBridge.exposeInMainWorld('pipewright', bridge);
