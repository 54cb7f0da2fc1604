// Starts `pipewright web --sandbox` as a user would (the built CLI), in an
// isolated home, and hands back its URL. No AWS files of the user are read.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AppServer {
  url: string;
  origin: string;
  home: string;
  output: () => string;
  stop(): Promise<void>;
}

export async function startAppServer(extraArgs: string[] = [], env: Record<string, string> = {}): Promise<AppServer> {
  const home = mkdtempSync(join(tmpdir(), 'pw-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/pipewright.js', 'web', '--no-open', '--sandbox', '--sandbox-time-scale', '0.02', ...extraArgs], {
    env: {
      ...process.env,
      PIPEWRIGHT_HOME: join(home, 'pipewright'),
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  return {
    url,
    origin: new URL(url).origin,
    home,
    output: () => out,
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
