// Issue 23, item 15: CLI input was not checked. `--status Nonsense` and `--region mars-1`
// exited 0 with "nothing found"; `release init` into a missing folder exited 1 with a raw
// ENOENT (after reading every pipeline); `--revision ""` was silently ignored and the
// promotion ran on the latest source. Each value is now checked against what it may be
// (execution statuses; regions known or configured in the user's AWS config), before any
// AWS call, with exit 2 and a message naming what is allowed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { EXAMPLE } from '../helpers/releases';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
const cli = (...args: string[]) => runCli(args, h.cliEnv, 60_000);
const dev = ['--profile', 'sandbox-dev', '--region', 'us-east-1'];
/** The sandbox's call log since `seq`: a refused command made none. */
const callsSince = (seq: number) => h.env.sb.logEntries(seq);
const lastSeq = () => h.env.sb.logEntries().at(-1)?.seq ?? 0;

beforeAll(async () => {
  h = await cliWithSandbox('item15', { seed: 'demo', config: { timeScale: 0.002 } });
  // A profile whose region this build does not list (a new region, another partition): configured, so allowed.
  appendFileSync(join(h.dir, 'config'), `\n[profile elsewhere]\nregion = xx-future-1\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n`);
}, 60_000);
afterAll(() => h?.stop());

describe('hardening item 15: flag values are checked against what they may be', () => {
  it('--status must be an execution status (any case); Nonsense exits 2 naming the statuses', async () => {
    const seq = lastSeq();
    const bad = await cli('executions', 'list', 'web-frontend', ...dev, '--status', 'Nonsense');
    expect(bad.out).not.toMatch(/No executions/);
    expect(bad.err).toMatch(/--status "Nonsense": an execution status is one of Cancelled, InProgress, Stopped, Stopping, Succeeded, Superseded, Failed/);
    expect(bad.code).toBe(2);
    expect(callsSince(seq)).toEqual([]);

    const ok = await cli('executions', 'list', 'web-frontend', ...dev, '--status', 'succeeded', '--json');
    expect(ok.code).toBe(0);
    const { executions } = JSON.parse(ok.out) as { executions: Array<{ status: string }> };
    expect(executions.length).toBeGreaterThan(0);
    expect(new Set(executions.map((e) => e.status))).toEqual(new Set(['Succeeded']));
  });

  it.each([
    ['pipelines list', ['pipelines', 'list', '--profile', 'sandbox-dev', '--region', 'mars-1']],
    ['approvals list', ['approvals', 'list', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--region', 'mars-1']],
    ['artifacts audit', ['artifacts', 'audit', '--profile', 'sandbox-dev', '--region', 'mars-1']],
    ['executions list', ['executions', 'list', 'web-frontend', '--profile', 'sandbox-dev', '--region', 'mars-1']],
    ['executions watch', ['executions', 'watch', 'web-frontend', '--profile', 'sandbox-dev', '--region', 'mars-1']],
    [
      'transitions enable',
      ['transitions', 'enable', 'web-frontend', '--profile', 'sandbox-dev', '--region', 'mars-1', '--stage', 'Deploy', '--type', 'inbound'],
    ],
    ['pipelines export', ['pipelines', 'export', 'web-frontend', '--profile', 'sandbox-dev', '--region', 'mars-1', '--format', 'cli-json']],
  ])('%s --region mars-1 exits 2 before any call, naming the regions', async (_name, args) => {
    const seq = lastSeq();
    const r = await cli(...args);
    expect(r.out).not.toMatch(/No (pipelines|approvals)/);
    expect(r.err).toMatch(/--region mars-1: not a region where CodePipeline is offered, nor one set in your AWS config\. Regions: .*us-east-1/);
    expect(r.code).toBe(2);
    expect(callsSince(seq)).toEqual([]);
  });

  it('a region the user configured in a profile is accepted though this build does not list it', async () => {
    const r = await cli('pipelines', 'list', '--profile', 'sandbox-dev', '--region', 'xx-future-1', '--json');
    expect(r.err).not.toMatch(/not a region/);
    expect(r.code).not.toBe(2);
  });

  it('release init into a missing folder exits 2 naming the folder, before reading any pipeline; --env regions are checked too', async () => {
    const seq = lastSeq();
    const target = join(h.dir, 'no-such-folder', 'web.release.yaml');
    const r = await cli('release', 'init', target, '--application', 'web-frontend', '--env', 'dev=sandbox-dev:us-east-1:web-frontend');
    expect(r.err).not.toMatch(/ENOENT/);
    expect(r.err).toContain(`the folder ${join(h.dir, 'no-such-folder')} does not exist; create it first`);
    expect(r.code).toBe(2);
    expect(existsSync(target)).toBe(false);
    expect(callsSince(seq)).toEqual([]);

    const mars = await cli('release', 'init', join(h.dir, 'mars.yaml'), '--application', 'web-frontend', '--env', 'dev=sandbox-dev:mars-1:web-frontend');
    expect(mars.err).toMatch(/--env mars-1: not a region/);
    expect(mars.code).toBe(2);
    expect(existsSync(join(h.dir, 'mars.yaml'))).toBe(false);

    const onFolder = await cli('release', 'init', h.dir, '--force', '--application', 'web-frontend', '--env', 'dev=sandbox-dev:us-east-1:web-frontend');
    expect(onFolder.err).toMatch(/is not a regular file/);
    expect(onFolder.code).toBe(2);
  });

  it('release promote --revision "" (or blank) exits 2 and starts nothing', async () => {
    const file = join(h.dir, 'web.release.yaml');
    writeFileSync(file, EXAMPLE);
    for (const blank of ['', '   ']) {
      const seq = lastSeq();
      const r = await cli('release', 'promote', file, '--to', 'dev', '--revision', blank);
      expect(r.err).toMatch(/--revision is empty: give the commit id, image digest or object version to pin/);
      expect(r.code).toBe(2);
      expect(callsSince(seq).filter((e) => e.operation === 'StartPipelineExecution')).toEqual([]);
      expect(callsSince(seq)).toEqual([]);
    }
    expect(existsSync(join(h.dir, 'pw', 'releases', 'web-frontend', 'promotions.json'))).toBe(false);
  });

  it('a flag commander refuses is bad input too: exit 2, not 1', async () => {
    const r = await cli('executions', 'list', 'web-frontend', ...dev, '--limit', '0');
    expect(r.err).toMatch(/--limit <n>' argument '0' is invalid/);
    expect(r.code).toBe(2);
    expect((await cli('executions', 'list', 'web-frontend', ...dev, '--no-such-flag')).code).toBe(2);
  });
});
