// Issue 23, item 14: the 1 MB cap on release and design files was applied after
// reading. `release status /dev/zero` used about 720 MB before refusing ("Invalid
// string length"); a FIFO hung it for good; a directory gave a raw EISDIR. Each file
// is now looked at first (a regular file, within the limit) and read with a bounded
// read, so these are refused at once with a clear message and exit 2 (bad input).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { ReleaseStore } from '../../src/main/releases/release-store';
import { AppError } from '../../src/shared/api/errors';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
let fifo: string;
/** Long enough for a bounded refusal on a busy machine; an unbounded read of a FIFO never ends. */
const cli = (...args: string[]) => runCli(args, h.cliEnv, 20_000);

/** Runs the CLI and reports the peak resident memory its process reached (KiB), as the OS counted it. */
function cliPeakMemory(args: string[]): Promise<{ code: number | null; err: string; maxRssKiB: number; ms: number }> {
  const report = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxRSS="+process.resourceUsage().maxRSS+"\\n"))`;
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', report, 'bin/pipewright.js', ...args], { env: h.cliEnv, timeout: 60_000 }, (error, _out, err) => {
      const maxRssKiB = Number(/maxRSS=(\d+)/.exec(err)?.[1] ?? NaN);
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, err, maxRssKiB, ms: Date.now() - started });
    });
  });
}

/** A promise that fails after `ms` instead of waiting forever (a read blocked on a FIFO). */
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still reading after ${ms} ms`)), ms))]);

beforeAll(async () => {
  h = await cliWithSandbox('item14', { seed: 'empty' });
  fifo = join(h.dir, 'release.fifo');
  execFileSync('mkfifo', [fifo]);
}, 60_000);
afterAll(() => h?.stop());

describe('hardening item 14: release and design files are looked at before they are read', () => {
  it('release status /dev/zero is refused at once, in little memory, as not a regular file (exit 2)', async () => {
    const baseline = await cliPeakMemory(['release', 'status', join(h.dir, 'missing.yaml')]);
    const r = await cliPeakMemory(['release', 'status', '/dev/zero']);
    expect(r.err).toContain('/dev/zero: it is a device, not a regular file');
    expect(r.code).toBe(2);
    // Before: about 700 MB resident, then "Invalid string length". Now what any small command takes.
    expect(r.maxRssKiB).toBeLessThan(baseline.maxRssKiB + 64 * 1024);
    expect(r.maxRssKiB).toBeLessThan(300 * 1024);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a FIFO is refused without waiting for a writer; a directory without EISDIR', async () => {
    const started = Date.now();
    const r = await cli('release', 'status', fifo);
    expect(r.err).toContain(`${fifo}: it is a FIFO, not a regular file`);
    expect(r.code).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);

    const dir = await cli('release', 'promote', h.dir, '--to', 'dev');
    expect(dir.err).not.toMatch(/EISDIR/);
    expect(dir.err).toContain(`${h.dir}: it is a directory, not a regular file`);
    expect(dir.code).toBe(2);
  });

  it('a release file over 1 MB is refused by its size, before it is read', async () => {
    const big = join(h.dir, 'big.release.yaml');
    const text = `# ${'x'.repeat(1_100_000)}\nversion: 1\n`;
    writeFileSync(big, text);
    const r = await cli('release', 'diff', big, '--from', 'dev', '--to', 'prod');
    expect(r.err).toContain(`${big}: it is ${text.length} bytes, over the 1000000 bytes read at most`);
    expect(r.code).toBe(2);
  });

  it('design files and templates: a device, a FIFO or one over the limit is refused the same way (exit 2)', async () => {
    const zero = await cli('design', 'validate', '/dev/zero');
    expect(zero.err).toContain('Cannot read /dev/zero: it is a device, not a regular file');
    expect(zero.code).toBe(2);
    const fromFifo = await cli('design', 'import', '--from-cfn', fifo, '--out', join(h.dir, 'out.pipewright.json'));
    expect(fromFifo.err).toContain(`Cannot read ${fifo}: it is a FIFO, not a regular file`);
    expect(fromFifo.code).toBe(2);
    const big = join(h.dir, 'big.template.json');
    writeFileSync(big, ' '.repeat(6 * 2 ** 20));
    const tooBig = await cli('design', 'import', '--from-cli-json', big, '--out', join(h.dir, 'out.pipewright.json'));
    expect(tooBig.err).toContain(`Cannot read ${big}: it is 6291456 bytes, over the 5242880 bytes read at most`);
    expect(tooBig.code).toBe(2);
  });

  it("the app's saved release.yaml is read the same way: a FIFO in its place is INVALID_INPUT at once, not a hang", async () => {
    const home = join(h.dir, 'app-home');
    mkdirSync(join(home, 'releases', 'web-frontend'), { recursive: true });
    execFileSync('mkfifo', [join(home, 'releases', 'web-frontend', 'release.yaml')]);
    const read = within(new ReleaseStore(home).definition('web-frontend'), 5_000);
    await expect(read).rejects.toBeInstanceOf(AppError);
    await expect(read).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('it is a FIFO, not a regular file') });
  });
});
