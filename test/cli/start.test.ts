// `npm start` without an Electron binary: browser mode, a one-line reason in words, the URL.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { assertBuilt } from '../helpers/cli';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs `npm start`'s script until it prints its URL: what it printed, and how to stop it. */
async function startUntilUrl(env: Record<string, string>): Promise<{ out: string; stop: () => void }> {
  const home = mkdtempSync(join(tmpdir(), 'pw-start-'));
  dirs.push(home);
  const child = spawn(process.execPath, ['scripts/start.mjs', '--no-open'], {
    env: { ...process.env, HOME: home, PIPEWRIGHT_HOME: join(home, 'pw'), AWS_CONFIG_FILE: join(home, 'none'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const stop = () => void child.kill('SIGTERM');
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60_000);
      child.stdout.on('data', () => {
        if (/Open: http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(out)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
  } catch (err) {
    stop();
    throw err;
  }
  return { out, stop };
}

describe('npm start fallback', () => {
  it('says in words that the binary could not be downloaded, then the URL', async () => {
    assertBuilt();
    // An unreachable download site: Electron tries to fetch its binary at first use, and fails.
    const { out, stop } = await startUntilUrl({ ELECTRON_MIRROR: 'http://127.0.0.1:9/' });
    stop();
    const lines = out.split('\n');
    const said = lines.findIndex(
      (l) =>
        l === "Electron's binary isn't installed and couldn't be downloaded (no connection to its download site), so Pipewright runs in your browser instead.",
    );
    expect(said).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex((l) => /Open: http/.test(l))).toBeGreaterThan(said);
    expect(out).not.toMatch(/TypeError|fetch failed/);
  }, 90_000);

  it('starts browser mode with the reason and the URL when Electron is missing', async () => {
    assertBuilt();
    // Points electron's resolver at an empty place: no binary, and no download attempt.
    const { out, stop } = await startUntilUrl({ ELECTRON_OVERRIDE_DIST_PATH: join(tmpdir(), 'pw-no-electron-here') });
    try {
      expect(out).toMatch(/^Electron's binary isn't installed \(it would be at .+\), so Pipewright runs in your browser instead\.$/m);
      expect(out).toMatch(/with the local sandbox/); // no AWS profiles in this home
      const url = /Open: (\S+)/.exec(out)![1];
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(302);
    } finally {
      stop();
    }
  }, 90_000);
});
