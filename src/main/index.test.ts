// The Electron entry, wired up with Electron faked (no binary here): the app://
// scheme is registered before ready, the window is locked down and loads our
// page from it, navigation and new windows are denied, and the contract answers
// over IPC to our own frame only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../shared/api/channels';

const home = mkdtempSync(join(tmpdir(), 'pw-electron-'));
const saved = { ...process.env };
Object.assign(process.env, { PIPEWRIGHT_HOME: home, AWS_CONFIG_FILE: join(home, 'none-config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none-credentials') });

const fake = vi.hoisted(() => {
  const order: string[] = [];
  const appHandlers = new Map<string, (...args: unknown[]) => unknown>();
  const ipcHandlers = new Map<string, (...args: unknown[]) => unknown>();
  const contentsHandlers = new Map<string, (...args: unknown[]) => unknown>();
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  const windows: Array<{
    options: Record<string, unknown>;
    loaded: string[];
    windowOpen?: (d: { url: string }) => unknown;
    mainFrame: { url: string; parent: null };
  }> = [];
  class BrowserWindow {
    static getAllWindows = () => windows;
    loaded: string[] = [];
    mainFrame = { url: '', parent: null };
    webContents = {
      id: 7,
      mainFrame: this.mainFrame,
      on: (ev: string, h: (...a: unknown[]) => unknown) => contentsHandlers.set(ev, h),
      setWindowOpenHandler: (h: (d: { url: string }) => unknown) => (windows[windows.length - 1].windowOpen = h),
      send: () => undefined,
      isDestroyed: () => false,
    };
    constructor(public options: Record<string, unknown>) {
      windows.push(this);
    }
    on() {}
    once() {}
    maximize() {}
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1200, height: 800 });
    isDestroyed = () => false;
    async loadURL(url: string) {
      order.push(`load ${url}`);
      this.loaded.push(url);
      this.mainFrame.url = url;
    }
  }
  return {
    order,
    appHandlers,
    ipcHandlers,
    contentsHandlers,
    windows,
    ready: () => ready(),
    module: {
      app: {
        requestSingleInstanceLock: () => true,
        on: (ev: string, h: (...a: unknown[]) => unknown) => appHandlers.set(ev, h),
        whenReady: () => whenReady,
        getPath: () => '/nowhere',
        getVersion: () => '0.0.0-test',
        quit: vi.fn(),
        exit: vi.fn(),
      },
      BrowserWindow,
      ipcMain: { handle: (ch: string, h: (...a: unknown[]) => unknown) => ipcHandlers.set(ch, h), removeHandler: (ch: string) => ipcHandlers.delete(ch) },
      Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: (t: unknown) => t },
      dialog: {},
      shell: { openExternal: vi.fn() },
      protocol: {
        registerSchemesAsPrivileged: (schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>) =>
          order.push(`register ${schemes.map((s) => `${s.scheme}:${Object.keys(s.privileges).join(',')}`).join(' ')}`),
        handle: (scheme: string) => order.push(`handle ${scheme}`),
      },
      session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), webRequest: { onHeadersReceived: vi.fn() } } },
    },
  };
});
vi.mock('electron', () => fake.module);

afterAll(async () => {
  await fake.appHandlers.get('will-quit')?.({ preventDefault: () => undefined });
  await vi.waitFor(() => expect(fake.module.app.quit).toHaveBeenCalled()); // the core has closed
  process.env = saved;
  rmSync(home, { recursive: true, force: true });
});

describe('the Electron entry', () => {
  it('registers app:// before ready, then serves it and loads the page from it in a locked-down window', async () => {
    await import('./index');
    expect(fake.order).toEqual(['register app:standard,secure,supportFetchAPI,codeCache']);
    fake.ready();
    await vi.waitFor(() => expect(fake.windows[0]?.loaded).toEqual(['app://pipewright/index.html']), { timeout: 20_000 });
    expect(fake.order).toEqual(['register app:standard,secure,supportFetchAPI,codeCache', 'handle app', 'load app://pipewright/index.html']);
    expect(fake.windows[0].options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('denies navigation and new windows', () => {
    const event = { preventDefault: vi.fn() };
    fake.contentsHandlers.get('will-navigate')!(event, 'https://example.com/');
    expect(event.preventDefault).toHaveBeenCalled();
    expect(fake.windows[0].windowOpen!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('answers the contract over IPC to our own frame, and to nothing else', async () => {
    const invoke = fake.ipcHandlers.get(IPC_INVOKE_CHANNEL)!;
    const frame = fake.windows[0].mainFrame;
    expect(await invoke({ senderFrame: frame }, { method: 'app.info', input: {} })).toMatchObject({
      ok: true,
      result: { mode: 'electron', version: '0.0.0-test' },
    });
    const foreign = { url: 'https://evil.example/', parent: null };
    expect(await invoke({ senderFrame: foreign }, { method: 'app.info', input: {} })).toMatchObject({ ok: false });
  });
});
