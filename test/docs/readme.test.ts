// The README's runnable shell blocks (```sh runnable), run as written: bash,
// from the repository, in a temporary home with no AWS settings of the caller,
// Debian's AWS CLI first on PATH (the README names it). A block that stops
// working as written fails here.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt } from '../helpers/cli';

const README = readFileSync('README.md', 'utf8');
const blocks = [...README.matchAll(/```sh runnable\n([\s\S]*?)```/g)].map((m) => m[1]);
const homes: string[] = [];
afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

function runBlock(script: string): Promise<{ code: number | null; out: string }> {
  const home = mkdtempSync(join(tmpdir(), 'pw-readme-'));
  homes.push(home);
  const bin = join(home, 'bin');
  mkdirSync(bin);
  if (existsSync('/usr/bin/aws')) symlinkSync('/usr/bin/aws', join(bin, 'aws'));
  const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: home, AWS_PAGER: '', PIPEWRIGHT_HOME: join(home, 'pw') };
  return new Promise((resolve) => {
    // Its own process group: whatever the block leaves running is stopped with it.
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // Nothing left.
      }
      resolve({ code, out });
    });
  });
}

describe('README', () => {
  it('has runnable blocks', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((b, i) => [i + 1, b] as const))('block %i runs as written', async (_n, script) => {
    assertBuilt();
    if (!existsSync('/usr/bin/aws')) throw new Error("Debian's AWS CLI is missing: apt-get install awscli (.ci/run installs it).");
    const r = await runBlock(script);
    expect(r.out).not.toMatch(/command not found|No such file|Could not connect|error/i);
    expect(r.code).toBe(0);
    // The sandbox block lists the demo's pipelines through the AWS CLI.
    if (/codepipeline list-pipelines/.test(script)) expect(r.out).toMatch(/"name": "web-frontend"/);
  }, 120_000);
});
