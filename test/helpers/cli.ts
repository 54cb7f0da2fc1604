// Runs the built `pipewright` CLI as a user would; `npm test` builds it first.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import type { SandboxOptions } from '../../src/sandbox/sandbox';
import { startSandbox } from './sandbox';

export function assertBuilt(): void {
  if (!existsSync('out/main/cli.js')) throw new Error('The CLI is not built: run "npm run build" (npm test does) before these tests.');
}

const execFileAsync = promisify(execFile);

/** Runs `pipewright ARGS` to the end: its exit code and output, whether it succeeded or not. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await execFileAsync(process.execPath, ['bin/pipewright.js', ...args], { env, timeout: timeoutMs });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

/** Runs `pipewright ARGS` with these lines on standard input (a prompt's answers), to the end. */
export function runCliWithInput(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/pipewright.js', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(input);
  });
}

export interface RunningCli {
  child: ChildProcess;
  output: () => string;
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  assertBuilt();
  const child = spawn(process.execPath, ['bin/pipewright.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return {
    child,
    output: () => out,
    waitFor(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${out}`)), timeoutMs);
        const check = () => {
          const m = re.exec(out);
          if (m) {
            clearTimeout(timer);
            child.stdout?.off('data', check);
            resolve(m);
          }
        };
        child.stdout?.on('data', check);
        child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    },
  };
}

/**
 * A sandbox and a home for the CLI: an AWS config file with the sandbox's profiles,
 * a Pipewright home, and no AWS_PROFILE or AWS_REGION from the caller.
 */
export async function cliWithSandbox(name: string, opts: SandboxOptions = {}) {
  assertBuilt();
  const env = await startSandbox(opts);
  const dir = mkdtempSync(join(tmpdir(), `pw-cli-${name}-`));
  writeFileSync(join(dir, 'config'), awsConfigSnippet(env.sb.endpoint, env.sb.config));
  const cliEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    PIPEWRIGHT_HOME: join(dir, 'pw'),
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_PROFILE: '',
    AWS_REGION: '',
  };
  return {
    env,
    dir,
    cliEnv,
    async stop() {
      await env.sb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
