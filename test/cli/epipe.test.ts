// A reader that stops reading (`pipewright … | head -1`) is no failure of the command:
// the CLI ends quietly, without the write's EPIPE thrown outside any command.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliWithSandbox } from '../helpers/cli';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
beforeAll(async () => {
  h = await cliWithSandbox('epipe', { seed: 'demo' });
}, 60_000);
afterAll(() => h?.stop());

it('output cut short by its reader ends the command quietly', { timeout: 60_000 }, async () => {
  const args = ['bin/pipewright.js', 'events', 'setup', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--template-out', join(h.dir, 't.yaml')];
  const child = spawn(process.execPath, args, { env: h.cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  // As `head -1` does: read the first chunk, then close the pipe.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  expect(err).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
  expect(code).toBe(0);
});
