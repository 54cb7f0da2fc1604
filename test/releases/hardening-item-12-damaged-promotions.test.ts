// Issue 23, item 12: a damaged promotions.json was refused with a raw "Unexpected
// token" that did not name the file; the CLI exited 1, which is reserved for "a
// promotion failed", and the app answered INTERNAL. The refusal now names the file
// and the line (or the path inside it), is bad input (exit 2; INVALID_INPUT over
// RPC), starts nothing, and leaves the damaged file exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { EXAMPLE } from '../helpers/releases';
import { createCore, type Core } from '../../src/main/app-core';

/** Broken by a hand edit: JSON.parse says only "Unexpected token 'x'"; it is on line 3, column 25. */
const BROKEN = '{\n "version": 1,\n "promotions": [ {"id": x} ]\n}\n';
/** Valid JSON, not promotions: the path inside names what is wrong. */
const MISSHAPEN = JSON.stringify({ version: 1, promotions: [{ id: 'dev-1', status: 'exploded' }] }, null, 1);

describe('hardening item 12: a damaged promotions.json, from the CLI', () => {
  let h: Awaited<ReturnType<typeof cliWithSandbox>>;
  let file: string;
  let promotions: string;
  const cli = (...args: string[]) => runCli(args, h.cliEnv, 60_000);
  const starts = (seq: number) => h.env.sb.logEntries(seq).filter((e) => e.operation === 'StartPipelineExecution');

  beforeAll(async () => {
    h = await cliWithSandbox('item12', { seed: 'demo', config: { timeScale: 0.002 } });
    file = join(h.dir, 'web-frontend.release.yaml');
    writeFileSync(file, EXAMPLE);
    const dir = join(h.dir, 'pw', 'releases', 'web-frontend');
    mkdirSync(dir, { recursive: true });
    promotions = join(dir, 'promotions.json');
  }, 60_000);
  afterAll(() => h?.stop());

  it('promote and status name the file and the line, exit 2 (bad input), start nothing and leave the file as it was', async () => {
    writeFileSync(promotions, BROKEN);
    const seq = h.env.sb.logEntries().at(-1)?.seq ?? 0;
    const promote = await cli('release', 'promote', file, '--to', 'dev');
    expect(promote.code).toBe(2);
    expect(promote.err).toContain(`${promotions} is damaged (not valid JSON (line 3, column 25): Unexpected token 'x'`);
    expect(promote.err).toMatch(/it was left as it is: repair it, or move it aside/);
    expect(starts(seq)).toEqual([]);
    expect(readFileSync(promotions, 'utf8')).toBe(BROKEN);

    const status = await cli('release', 'status', file);
    expect(status.err).toContain(`${promotions} is damaged (not valid JSON (line 3, column 25)`);
    expect(status.code).toBe(2);
    expect(readFileSync(promotions, 'utf8')).toBe(BROKEN);
  });

  it('a file of the wrong shape names the path inside it', async () => {
    writeFileSync(promotions, MISSHAPEN);
    const promote = await cli('release', 'promote', file, '--to', 'dev');
    expect(promote.err).toContain(`${promotions} is damaged (`);
    expect(promote.err).toMatch(/promotions\.0\.\w+: /);
    expect(promote.code).toBe(2);
    expect(readFileSync(promotions, 'utf8')).toBe(MISSHAPEN);
  });
});

describe('hardening item 12: a damaged promotions.json, from the app (RPC)', () => {
  let dir: string;
  let core: Core;
  let promotions: string;
  const saved = { ...process.env };
  const call = (method: string, input: unknown) => core.dispatch(method, input, { clientId: 'item12' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pw-item12-'));
    Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') });
    core = await createCore({ home: join(dir, 'pw'), mode: 'browser', version: 'test', sandbox: 'on', sandboxTimeScale: 0.01 });
    expect(await call('releases.save', { text: EXAMPLE })).toMatchObject({ ok: true });
    promotions = join(dir, 'pw', 'releases', 'web-frontend', 'promotions.json');
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('releases.promote and releases.board answer INVALID_INPUT naming the file and the line, never INTERNAL; nothing is overwritten', async () => {
    writeFileSync(promotions, BROKEN);
    for (const [method, input] of [
      ['releases.promote', { application: 'web-frontend', environment: 'dev' }],
      ['releases.board', { application: 'web-frontend' }],
    ] as const) {
      const r = await call(method, input);
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', details: { file: promotions, line: 3, column: 25 } },
      });
      expect(r.ok ? '' : r.error.message).toContain(`${promotions} is damaged (not valid JSON (line 3, column 25)`);
    }
    expect(readFileSync(promotions, 'utf8')).toBe(BROKEN);
  });
});
