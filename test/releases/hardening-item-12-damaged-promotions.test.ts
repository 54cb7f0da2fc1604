// Issue 23, item 12: a damaged promotions.json was refused with a raw "Unexpected
// token" that did not name the file; the CLI exited 1, which is reserved for "a
// promotion failed", and the app answered INTERNAL. The refusal now names the file
// and the line (or the path inside it), is bad input (exit 2; INVALID_INPUT over
// RPC), starts nothing, and leaves the damaged file exactly as it was.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

// Follow-up: the list of releases and the resume at start-up read a damaged promotions.json as
// empty (`.catch(() => [])`). The release showed 0 running promotions, one with no release file
// vanished from the list, and start-up skipped resuming it without a word: a promotion left running
// was silently no longer followed. A failed read is not an empty answer: the list shows the release
// as damaged (the file and the line, running unknown), and start-up says which application it could
// not resume and why. The file is left exactly as it was.
describe('hardening item 12, follow-up: the list and the start-up resume report a damaged promotions.json', () => {
  let dir: string;
  let core: Core;
  const lines: string[] = [];
  const saved = { ...process.env };
  const releases = () => join(dir, 'pw', 'releases');
  const call = (method: string, input: unknown) => core.dispatch(method, input, { clientId: 'item12-follow-up' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pw-item12-list-'));
    Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') });
    // Left by an earlier run: a saved release whose promotions file a hand edit broke, and one promoted
    // from the CLI only (no release file), whose promotions file is the wrong shape.
    mkdirSync(join(releases(), 'web-frontend'), { recursive: true });
    writeFileSync(join(releases(), 'web-frontend', 'release.yaml'), EXAMPLE);
    writeFileSync(join(releases(), 'web-frontend', 'promotions.json'), BROKEN);
    mkdirSync(join(releases(), 'cli-only'), { recursive: true });
    writeFileSync(join(releases(), 'cli-only', 'promotions.json'), MISSHAPEN);
    core = await createCore({ home: join(dir, 'pw'), mode: 'browser', version: 'test', sandbox: 'on', sandboxTimeScale: 0.01, log: (l) => lines.push(l) });
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('start-up says which application it could not resume and why, and leaves the files as they were', async () => {
    const web = join(releases(), 'web-frontend', 'promotions.json');
    const cliOnly = join(releases(), 'cli-only', 'promotions.json');
    await vi.waitFor(
      () => {
        expect(lines).toContainEqual(
          expect.stringContaining(`Could not resume the promotions of web-frontend: ${web} is damaged (not valid JSON (line 3, column 25)`),
        );
        expect(lines).toContainEqual(expect.stringContaining(`Could not resume the promotions of cli-only: ${cliOnly} is damaged (`));
      },
      { timeout: 10_000 },
    );
    expect(readFileSync(web, 'utf8')).toBe(BROKEN);
    expect(readFileSync(cliOnly, 'utf8')).toBe(MISSHAPEN);
  });

  it('releases.list shows each as damaged, naming the file and the line, with running unknown rather than 0', async () => {
    const r = await call('releases.list', {});
    expect(r.ok).toBe(true);
    const list = (r.ok ? r.result : { releases: [] }) as { releases: Array<Record<string, unknown>> };
    const web = list.releases.find((x) => x.application === 'web-frontend');
    expect(web).toMatchObject({
      environments: ['dev', 'staging', 'prod'],
      running: null,
      damaged: [{ file: join(releases(), 'web-frontend', 'promotions.json'), line: 3 }],
    });
    expect((web?.damaged as Array<{ message: string }>)[0].message).toMatch(/is damaged \(not valid JSON \(line 3, column 25\)/);
    // Once missing from the list altogether: it has no release file, and its promotions read as none.
    expect(list.releases.find((x) => x.application === 'cli-only')).toMatchObject({
      running: null,
      damaged: [{ file: join(releases(), 'cli-only', 'promotions.json'), line: null }],
    });
    expect(readFileSync(join(releases(), 'web-frontend', 'promotions.json'), 'utf8')).toBe(BROKEN);
  });
});
