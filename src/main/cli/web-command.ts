// `pipewright web`: the whole app in browser mode on 127.0.0.1.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { createCore } from '../app-core';
import { keepServingOnUncaughtErrors } from '../platform/last-resort';
import { startBrowserServer } from '../rpc/browser-server';
import { defaultHome } from '../platform/paths';
import { openInBrowser } from './open-browser';

export interface WebOptions {
  port?: number;
  open: boolean;
  sandbox: boolean;
  sandboxTimeScale?: number;
  sandboxPort?: number;
  sandboxAdminToken?: string;
  version: string;
  reason?: string;
  /** How long a page that lost its connection keeps its session (tests shorten it). */
  sessionGraceMs?: number;
}

export function rendererDir(): string {
  // out/main/cli.js -> out/renderer; this module may also be its own chunk, out/main/chunks/web-command-*.js.
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'renderer'), join(here, '..', '..', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

export async function runWebCommand(opts: WebOptions): Promise<{ close(): Promise<void>; url: string }> {
  const staticDir = rendererDir();
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`The renderer is not built (${staticDir}). Run "npm run build" first.`);
  keepServingOnUncaughtErrors((l) => console.error(l));
  const core = await createCore({
    home: defaultHome(),
    mode: 'browser',
    version: opts.version,
    sandbox: opts.sandbox ? 'on' : 'auto',
    sandboxTimeScale: opts.sandboxTimeScale,
    sandboxPort: opts.sandboxPort,
    sandboxAdminToken: opts.sandboxAdminToken,
    log: (l) => console.error(l),
    openExternal: (url) => void openInBrowser(url),
  });
  const server = await startBrowserServer({
    dispatch: core.dispatch,
    hub: core.hub,
    staticDir,
    port: opts.port,
    sessionGraceMs: opts.sessionGraceMs,
    log: (l) => console.error(l),
  });
  if (opts.reason) console.log(opts.reason);
  console.log(`Pipewright ${opts.version} is running in browser mode${core.sandboxWanted ? ' with the local sandbox' : ''}.`);
  console.log(`Open: ${server.url}`);
  if (opts.open && !openInBrowser(server.url)) console.log('(No default browser found: open the URL above yourself.)');
  // The sandbox seeds while the browser loads the page (calls wait for it); its address follows.
  void core.ready.then(() => {
    const sb = core.sandbox.status();
    if (sb.running) console.log(`Local sandbox: ${sb.endpoint} (seed: ${sb.seed})`);
  });
  const close = async () => {
    await server.close();
    await core.close();
  };
  return { close, url: server.url };
}
