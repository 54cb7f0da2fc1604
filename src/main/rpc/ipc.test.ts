// IPC sender validation, with Electron's ipcMain, WebContents and frames faked.
import { describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { isTrustedSender, serveOverIpc } from './ipc';
import { EventHub } from './event-hub';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/api/channels';
import type { Envelope } from '../../shared/api/envelope';

vi.mock('electron', () => ({ ipcMain: {} }));

const OUR = 'app://pipewright/index.html';
const isOurUrl = (u: string) => u === OUR;

function fakeElectron() {
  const handlers = new Map<string, (e: unknown, arg: unknown) => Promise<Envelope>>();
  const ipcMain = {
    handle: vi.fn((ch: string, fn: (e: unknown, arg: unknown) => Promise<Envelope>) => void handlers.set(ch, fn)),
    removeHandler: vi.fn((ch: string) => void handlers.delete(ch)),
  };
  const mainFrame = { url: OUR, parent: null };
  const sent: unknown[] = [];
  const webContents = Object.assign(new EventEmitter(), {
    id: 7,
    mainFrame,
    isDestroyed: () => false,
    send: vi.fn((ch: string, msg: unknown) => void sent.push([ch, msg])),
  });
  return { ipcMain, handlers, mainFrame, webContents, sent };
}

describe('isTrustedSender', () => {
  const main = { url: OUR, parent: null };
  it('accepts our main frame on our page', () => expect(isTrustedSender(main, main, isOurUrl)).toBe(true));
  it('refuses a missing frame', () => expect(isTrustedSender(null, main, isOurUrl)).toBe(false));
  it('refuses a subframe', () => {
    const sub = { url: OUR, parent: main };
    expect(isTrustedSender(sub, main, isOurUrl)).toBe(false);
  });
  it('refuses another top-level frame', () => expect(isTrustedSender({ url: OUR, parent: null }, main, isOurUrl)).toBe(false));
  it('refuses our frame after it navigated elsewhere', () => {
    const moved = { url: 'https://evil.example/', parent: null };
    expect(isTrustedSender(moved, moved, isOurUrl)).toBe(false);
  });
});

describe('serveOverIpc', () => {
  it('dispatches trusted calls and refuses untrusted ones without calling the dispatcher', async () => {
    const f = fakeElectron();
    const dispatch = vi.fn(async () => ({ ok: true as const, result: { flushed: 0 } }));
    serveOverIpc({ ipcMain: f.ipcMain, webContents: f.webContents, dispatch, hub: new EventHub(), isOurUrl });
    const handler = f.handlers.get(IPC_INVOKE_CHANNEL)!;
    expect(await handler({ senderFrame: f.mainFrame }, { method: 'app.ready', input: {} })).toEqual({ ok: true, result: { flushed: 0 } });
    expect(dispatch).toHaveBeenCalledWith('app.ready', {}, { clientId: 'ipc-7' });
    const evil = await handler({ senderFrame: { url: 'https://evil.example/', parent: null } }, { method: 'app.ready', input: {} });
    expect(evil.ok).toBe(false);
    expect(dispatch).toHaveBeenCalledTimes(1);
  });

  it('forwards events to the window once it is ready, and unregisters on close', () => {
    const f = fakeElectron();
    const hub = new EventHub();
    const stop = serveOverIpc({ ipcMain: f.ipcMain, webContents: f.webContents, dispatch: vi.fn(), hub, isOurUrl });
    hub.emit('app.notice', { level: 'info', message: 'queued' });
    expect(f.sent).toEqual([]);
    hub.markReady('ipc-7');
    expect(f.sent).toEqual([[IPC_EVENT_CHANNEL, { event: 'app.notice', payload: { level: 'info', message: 'queued' } }]]);
    stop();
    expect(f.ipcMain.removeHandler).toHaveBeenCalledWith(IPC_INVOKE_CHANNEL);
    expect(hub.clientCount).toBe(0);
  });

  it('a new document in the window (reload, navigation) or a dead renderer is a departure, and the new page a fresh client; destroyed, it goes', () => {
    const f = fakeElectron();
    const hub = new EventHub();
    const departed: string[] = [];
    hub.onDeparture((id) => departed.push(id));
    serveOverIpc({ ipcMain: f.ipcMain, webContents: f.webContents, dispatch: vi.fn(), hub, isOurUrl });
    hub.markReady('ipc-7');
    // The hash changing is the same page.
    f.webContents.emit('did-navigate-in-page', {}, `${OUR}#/releases`, true);
    expect(departed).toEqual([]);
    f.webContents.emit('did-navigate', {}, OUR, -1, '');
    expect(departed).toEqual(['ipc-7']);
    // Attached again, not ready: what is emitted now waits for the new page's app.ready.
    hub.emit('app.notice', { level: 'info', message: 'for the new page' });
    expect(f.sent).toEqual([]);
    expect(hub.markReady('ipc-7')).toEqual({ flushed: 1, dropped: 0 });
    f.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(departed).toEqual(['ipc-7', 'ipc-7']);
    expect(hub.clientCount).toBe(1);
    f.webContents.emit('destroyed');
    expect(departed).toEqual(['ipc-7', 'ipc-7', 'ipc-7']);
    expect(hub.clientCount).toBe(0);
    // Nothing comes back after the contents are gone.
    f.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(hub.clientCount).toBe(0);
  });
});
