// The sandbox in its own process, as the service would be (its CPU is not the
// benchmark's), started through the built CLI, with its control API.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';

export interface SandboxProcess {
  endpoint: string;
  /** The sandbox's process id (a benchmark reads its CPU time from /proc). */
  pid: number;
  /** Calls the control API (faults, load generation, state, the call log). */
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** Writes an AWS config file with the sandbox accounts' profiles into `dir`, and points this process at it. */
  useProfiles(dir: string): void;
  stop(): void;
}

export async function startSandboxProcess(
  opts: { config?: string; adminToken?: string; seed?: 'empty' | 'demo'; timeScale?: number } = {},
): Promise<SandboxProcess> {
  const adminToken = opts.adminToken ?? 'bench-admin-token';
  const args = [
    'bin/pipewright.js',
    'sandbox',
    '--seed',
    opts.seed ?? 'empty',
    '--admin-token',
    adminToken,
    ...(opts.config ? ['--config', opts.config] : []),
    ...(opts.timeScale === undefined ? [] : ['--time-scale', String(opts.timeScale)]),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`sandbox exited ${c}: ${out}`)));
  });
  return {
    endpoint,
    pid: child.pid!,
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const r = await fetch(`${endpoint}/_sandbox/${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r.json() as Promise<T>;
    },
    useProfiles(dir: string) {
      writeFileSync(
        join(dir, 'config'),
        DEFAULT_ACCOUNTS.map(
          (a) =>
            `[profile ${a.name}]\nregion = us-east-1\nendpoint_url = ${endpoint}\naws_access_key_id = ${a.accessKeyId}\naws_secret_access_key = ${a.secretAccessKey}\n`,
        ).join('\n'),
      );
      Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') });
    },
    stop: () => void child.kill('SIGTERM'),
  };
}
