// The Electron entry: app lifecycle, the one window, security restrictions,
// and the contract served over IPC. Everything else is in the shared core.
import { app, BrowserWindow, dialog, ipcMain, Menu, shell } from 'electron';
import { writeFile } from 'node:fs/promises';
import { readTextFile } from '../node/json-file';
import { isAllowedExternalUrl } from '../shared/api/external-links';
import { MAX_TEMPLATE_BYTES } from '../shared/pipeline/template';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from './app-core';
import { serveOverIpc } from './rpc/ipc';
import { applySessionRestrictions, restrictWebContents } from './electron/security';
import { APP_INDEX_URL, registerAppScheme, serveAppScheme } from './electron/app-protocol';
import { loadWindowState, saveWindowState } from './platform/window-state';
import { keepServingOnUncaughtErrors } from './platform/last-resort';
import { buildMenuTemplate } from './electron/menu';

const here = dirname(fileURLToPath(import.meta.url));
let core: Core | undefined;
let win: BrowserWindow | undefined;

function home(): string {
  return process.env.PIPEWRIGHT_HOME ?? app.getPath('userData');
}

async function createWindow(): Promise<void> {
  const bounds = await loadWindowState(home());
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const ourUrl = devUrl ?? APP_INDEX_URL;

  win = new BrowserWindow({
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Pipewright',
    webPreferences: {
      // Reviewed: the preload exposes only invoke/on for names in the contract (src/preload/index.ts).
      preload: join(here, '../preload/index.cjs') /* eng-disable PRELOAD_JS_CHECK */,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (bounds.maximized) win.maximize();
  restrictWebContents(win.webContents);

  const stopServing = serveOverIpc({
    ipcMain,
    webContents: win.webContents,
    dispatch: core!.dispatch,
    hub: core!.hub,
    isOurUrl: (url) => (devUrl ? url.startsWith(devUrl) : url.split('#')[0].split('?')[0] === ourUrl),
  });

  const remember = () => {
    if (!win || win.isDestroyed()) return;
    const b = win.getNormalBounds();
    void saveWindowState(home(), { ...b, maximized: win.isMaximized() });
  };
  win.on('resize', remember);
  win.on('move', remember);
  win.on('close', remember);
  win.on('closed', () => {
    stopServing();
    win = undefined;
  });
  win.once('ready-to-show', () => win?.show());

  await win.loadURL(ourUrl);
}

// Before ready: the scheme the built renderer is served from.
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => restrictWebContents(contents));
  app
    .whenReady()
    .then(async () => {
      applySessionRestrictions();
      keepServingOnUncaughtErrors((line) => console.error(line));
      serveAppScheme(join(here, '../renderer'));
      core = await createCore({
        home: home(),
        mode: 'electron',
        version: app.getVersion(),
        sandbox: process.argv.includes('--sandbox') ? 'on' : 'auto',
        log: (line) => console.error(line),
        // Reviewed: only allowlisted https URLs (SSO device login) reach the OS browser.
        openExternal: (url) => {
          if (isAllowedExternalUrl(url)) void shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
        },
        fileDialogs: {
          async open() {
            const r = await dialog.showOpenDialog({
              properties: ['openFile'],
              filters: [{ name: 'Pipelines', extensions: ['json', 'yaml', 'yml', 'template'] }],
            });
            const path = r.filePaths[0];
            return r.canceled || !path ? null : { path, text: await readTextFile(path, { maxBytes: MAX_TEMPLATE_BYTES }) };
          },
          async save(suggestedName, text, path) {
            const target =
              path ?? (await dialog.showSaveDialog({ defaultPath: suggestedName, filters: [{ name: 'Pipewright design', extensions: ['json'] }] })).filePath;
            if (!target) return null;
            await writeFile(target, text);
            return target;
          },
        },
      });
      Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(process.platform)));
      await createWindow();
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) void createWindow();
      });
    })
    .catch((err) => {
      console.error(err);
      app.exit(1);
    });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (!core) return;
    event.preventDefault();
    const c = core;
    core = undefined;
    void c.close().finally(() => app.quit());
  });
}
