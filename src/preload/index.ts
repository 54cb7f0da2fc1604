// The preload bridge: exposes only invoke(method, input) and on(event, cb), and
// only for names in the contract. Sandboxed, so it is bundled as CommonJS.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventName, isMethodName } from '../shared/api/contract';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/api/channels';

contextBridge.exposeInMainWorld('pipewright', {
  invoke(method: unknown, input: unknown) {
    if (!isMethodName(method)) return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${String(method).slice(0, 80)}` } });
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, { method, input });
  },
  on(event: unknown, cb: (payload: unknown) => void) {
    if (!isEventName(event) || typeof cb !== 'function') return () => {};
    const listener = (_e: IpcRendererEvent, msg: { event: string; payload: unknown }) => {
      if (msg?.event === event) cb(msg.payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener);
  },
});
