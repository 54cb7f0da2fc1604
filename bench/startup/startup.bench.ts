// bench/startup: how fast Pipewright starts, against floors measured in the same run.
// - CLI: `pipewright --version` and `--help` (median of 15), against a bare `node -e ""`.
// - Browser mode: five cold launches of `pipewright web --sandbox`, from spawn to the
//   URL printed and to the explorer's first row in Chromium; the floor is a bare Node
//   HTTP server serving the same built renderer to the same Chromium, from spawn to
//   its first contentful paint (Node, the bundle and the browser, none of ours).
import { afterAll, beforeAll, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { median } from '../support/frames';
import { startSandboxProcess } from '../support/sandbox-process';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { parseSandboxConfig } from '../../src/sandbox/config';

let browser: Browser;
const RUNS = 5;

beforeAll(async () => {
  if (!existsSync('out/renderer/index.html')) throw new Error('Build first: npm run bench:startup builds.');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});
afterAll(() => browser?.close());

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function timeCommand(args: string[], runs = 15): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    times.push(ms(t0));
  }
  return median(times);
}

/** Spawns a process and resolves when its output matches. */
function waitOutput(child: ChildProcess, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}:\n${out}`)), 60_000);
    const on = (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m);
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
  });
}

const stop = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGTERM'))));

/** The floor: a bare static server (spawned, as ours is) and Chromium's first contentful paint of the built renderer. */
async function floorLaunch(): Promise<number> {
  const server = `
    const http = require('node:http'); const fs = require('node:fs'); const path = require('node:path');
    const root = ${JSON.stringify(join(process.cwd(), 'out/renderer'))};
    const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
    const s = http.createServer((req, res) => {
      const file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname.replace(/^\\/$/, '/index.html')));
      if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); return res.end(); }
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    });
    s.listen(0, '127.0.0.1', () => console.log('Open: http://127.0.0.1:' + s.address().port + '/'));`;
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-e', server], { stdio: ['ignore', 'pipe', 'pipe'] });
  const [, url] = await waitOutput(child, /Open: (\S+)/);
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { polling: 10 });
  const t = ms(t0);
  await page.close();
  await stop(child);
  return t;
}

/**
 * Ours: spawn to URL, and spawn to the explorer's first row. With `remote`, the app reads
 * profiles pointing at a sandbox already running in its own process, as AWS would be:
 * the app's own start-up, without the simulated service's.
 */
async function ourLaunch(remote?: string): Promise<{ url: number; firstRow: number }> {
  const home = mkdtempSync(join(tmpdir(), 'pw-bench-start-'));
  if (remote) writeFileSync(join(home, 'config'), remote);
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['bin/pipewright.js', 'web', '--no-open', ...(remote ? [] : ['--sandbox'])], {
    env: {
      ...process.env,
      HOME: home,
      PIPEWRIGHT_HOME: join(home, 'pw'),
      AWS_CONFIG_FILE: join(home, remote ? 'config' : 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [, url] = await waitOutput(child, /Open: (\S+)/);
  const urlMs = ms(t0);
  const page = await browser.newPage();
  await page.goto(`${url.split('#')[0]}#/explorer`);
  await page.locator('[data-testid=pipeline-row]').first().waitFor({ timeout: 60_000 });
  const firstRow = ms(t0);
  await page.close();
  await stop(child);
  rmSync(home, { recursive: true, force: true });
  return { url: urlMs, firstRow };
}

it(
  'start-up against its floors',
  async () => {
    const node = timeCommand(['-e', '']);
    const version = timeCommand(['bin/pipewright.js', '--version']);
    const help = timeCommand(['bin/pipewright.js', '--help']);
    const floors: number[] = [];
    const ours: Array<{ url: number; firstRow: number }> = [];
    const remote: Array<{ url: number; firstRow: number }> = [];
    const sandbox = await startSandboxProcess({ seed: 'demo', timeScale: 100 });
    const profiles = awsConfigSnippet(sandbox.endpoint, parseSandboxConfig({}));
    try {
      for (let i = 0; i < RUNS; i++) {
        floors.push(await floorLaunch());
        ours.push(await ourLaunch());
        remote.push(await ourLaunch(profiles));
      }
    } finally {
      sandbox.stop();
    }
    const remoteRow = median(remote.map((o) => o.firstRow));
    const floor = median(floors);
    const firstRow = median(ours.map((o) => o.firstRow));
    const url = median(ours.map((o) => o.url));
    const f = (x: number) => `${x.toFixed(0)} ms`;
    console.log(`bench/startup (median; floors measured in the same run)
  CLI: node -e "" ${f(node)}; pipewright --version ${f(version)} (${(version / node).toFixed(2)}x node); --help ${f(help)} (${(help / node).toFixed(2)}x node). Target: under 150 ms.
  web: URL printed ${f(url)}; first explorer row ${f(firstRow)}. Floor (bare server + Chromium first paint) ${f(floor)}: ${(firstRow / floor).toFixed(2)}x. Targets: within 1.5x the floor and under 1.5 s.
  web against a sandbox already running in its own process (as AWS would be): URL ${f(median(remote.map((o) => o.url)))}; first explorer row ${f(remoteRow)}: ${(remoteRow / floor).toFixed(2)}x the floor.
  runs: floor ${floors.map(f).join(', ')}; first row ${ours.map((o) => f(o.firstRow)).join(', ')}; against the running sandbox ${remote.map((o) => f(o.firstRow)).join(', ')}`);
  },
  10 * 60_000,
);
