// Serves the contract over Electron IPC: one invoke channel through the shared
// dispatcher, and events forwarded to the window. Only our own top-level frame,
// loaded from our own origin, may call. Electron objects are passed in (and only
// their types imported), so this file is unit-tested with fakes.
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/api/channels';
import { MAX_CALL_BYTES, type Envelope } from '../../shared/api/envelope';
import type { Dispatch } from './dispatcher';
import { nestedDeeperThan } from '../../shared/json-depth';
import type { EventHub } from './event-hub';

export type FrameLike = Pick<WebFrameMain, 'url'> & { parent: unknown };

/**
 * True when the call comes from the window's main frame and that frame shows our
 * own page (app://pipewright/ in production, the dev server in development).
 */
export function isTrustedSender(senderFrame: FrameLike | null | undefined, mainFrame: unknown, isOurUrl: (url: string) => boolean): boolean {
  if (!senderFrame) return false;
  if (senderFrame.parent !== null) return false;
  if (senderFrame !== mainFrame) return false;
  return isOurUrl(senderFrame.url);
}

/**
 * The events of a window's contents that say its page went. A WebContents is one (index.ts
 * passes the real one, so these names are checked against Electron's types); so is an EventEmitter.
 */
export interface PageEvents {
  on(event: 'did-navigate', listener: () => void): unknown;
  on(event: 'render-process-gone', listener: () => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
}

/**
 * Calls `replaced` whenever the page in the window is replaced by another document (a reload,
 * any navigation of the main frame) or its renderer dies, and `destroyed` when the contents go.
 * 'did-navigate' rather than 'did-start-navigation': the latter comes before 'will-navigate',
 * which security.ts may refuse, and a refused navigation leaves the page where it was. In-page
 * navigations (the hash) are 'did-navigate-in-page', so the same page keeps its client.
 */
export function onPageGone(contents: PageEvents, on: { replaced: () => void; destroyed: () => void }): void {
  contents.on('did-navigate', () => on.replaced());
  contents.on('render-process-gone', () => on.replaced());
  contents.on('destroyed', () => on.destroyed());
}

export interface IpcServeOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  webContents: Pick<WebContents, 'id' | 'send' | 'isDestroyed'> & PageEvents & { mainFrame: unknown };
  dispatch: Dispatch;
  hub: EventHub;
  isOurUrl: (url: string) => boolean;
}

export function serveOverIpc(opts: IpcServeOptions): () => void {
  const clientId = `ipc-${opts.webContents.id}`;
  const attach = () =>
    opts.hub.attach({
      clientId,
      send: (event, payload) => {
        if (!opts.webContents.isDestroyed()) opts.webContents.send(IPC_EVENT_CHANNEL, { event, payload });
      },
    });
  attach();
  // The window keeps its id across reloads, but each page is a client of its own: the old page's
  // watches and jobs depart with it (else they poll for no one and count toward the new page's cap),
  // and the new page starts with a fresh queue that its app.ready delivers.
  let destroyed = false;
  onPageGone(opts.webContents, {
    replaced: () => {
      if (destroyed) return;
      opts.hub.detach(clientId);
      attach();
    },
    destroyed: () => {
      destroyed = true;
      opts.hub.detach(clientId);
    },
  });
  opts.ipcMain.handle(IPC_INVOKE_CHANNEL, async (event: Pick<IpcMainInvokeEvent, 'senderFrame'>, call: unknown): Promise<Envelope> => {
    if (!isTrustedSender(event.senderFrame, opts.webContents.mainFrame, opts.isOurUrl)) {
      return { ok: false, error: { code: 'BAD_REQUEST', message: 'Calls are accepted only from the Pipewright window.' } };
    }
    try {
      const { method, input } = (typeof call === 'object' && call !== null ? call : {}) as { method?: unknown; input?: unknown };
      // The socket's byte limit, applied here too (the dispatcher bounds depth before sizing could recurse).
      if (!nestedDeeperThan(input) && (JSON.stringify(input) ?? '').length > MAX_CALL_BYTES)
        return { ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: `A call may be at most ${MAX_CALL_BYTES} bytes.` } };
      return await opts.dispatch(method, input, { clientId });
    } catch {
      return { ok: false, error: { code: 'BAD_REQUEST', message: 'The call could not be read.' } };
    }
  });
  return () => {
    opts.ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    opts.hub.detach(clientId);
  };
}
