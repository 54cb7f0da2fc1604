// Starts `pipewright web --sandbox` as a user would (the built CLI), in an
// isolated home, and hands back its URL plus a client for the embedded
// sandbox's control API. No AWS files of the user are read.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../test/helpers/free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AppServer {
  url: string;
  origin: string;
  home: string;
  sandboxEndpoint: string;
  output: () => string;
  /** Calls the embedded sandbox's control API (faults, log, state). */
  sandbox(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface AppServerOptions {
  /** Text for ~/.aws/config, given the sandbox endpoint (none by default). */
  awsConfig?: (sandboxEndpoint: string) => string;
  timeScale?: number;
  /** A settings file the app starts with (the workspace, blocklists, …). */
  settings?: Record<string, unknown>;
  /** How long a page that lost its connection keeps its session (30 s by default). */
  sessionGraceMs?: number;
}

export async function startAppServer(opts: AppServerOptions = {}): Promise<AppServer> {
  const home = mkdtempSync(join(tmpdir(), 'pw-e2e-'));
  const sandboxPort = await freePort();
  const adminToken = randomBytes(16).toString('hex');
  const sandboxEndpoint = `http://127.0.0.1:${sandboxPort}`;
  mkdirSync(join(home, '.aws'), { recursive: true });
  if (opts.awsConfig) writeFileSync(join(home, '.aws', 'config'), opts.awsConfig(sandboxEndpoint));
  if (opts.settings) {
    mkdirSync(join(home, 'pipewright'), { recursive: true });
    writeFileSync(join(home, 'pipewright', 'settings.json'), JSON.stringify(opts.settings));
  }
  const args = [
    'bin/pipewright.js',
    'web',
    '--no-open',
    '--sandbox',
    '--sandbox-time-scale',
    String(opts.timeScale ?? 0.02),
    '--sandbox-port',
    String(sandboxPort),
    '--sandbox-admin-token',
    adminToken,
    ...(opts.sessionGraceMs === undefined ? [] : ['--session-grace-ms', String(opts.sessionGraceMs)]),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, PIPEWRIGHT_HOME: join(home, 'pipewright'), HOME: home };
  for (const k of [
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_ENDPOINT_URL',
  ])
    delete env[k];
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pipewright web did not print its URL:\n${out}`)), 30_000);
    const check = () => {
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`pipewright web exited with ${code}:\n${out}`)));
  });
  // The sandbox seeds beside start-up (the URL comes first): wait until it answers.
  for (const deadline = Date.now() + 30_000; ;) {
    const ok = await fetch(`${sandboxEndpoint}/_sandbox/health`, { headers: { authorization: `Bearer ${adminToken}` } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`The sandbox at ${sandboxEndpoint} did not answer:\n${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url,
    origin: new URL(url).origin,
    home,
    sandboxEndpoint,
    output: () => out,
    async sandbox(method, path, body) {
      const res = await fetch(`${sandboxEndpoint}/_sandbox/${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()) as Record<string, unknown>;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
