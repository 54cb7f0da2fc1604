// Issue 23, item 8, red-team finding 1, as a user runs it: "retention deletes the
// newest successful run's artifacts when 50+ newer runs did not succeed. One
// successful run (keys aged 40 days), then 55 runs with Build failing; audit, plan
// --include retention --keep-last 1 --keep-days 1, clean --report --yes: the plan
// listed both keys of the only successful run with keep [] and deleted them."
// Expected: the history is read page after page until the policy's K successes are
// found or it ends, within a bound (MAX_HISTORY_PAGES of HISTORY_PAGE_SIZE); a read
// cut short at the bound holds the prefix (audit and plan exit 4, "Left out") and
// skips the item at the moment of deleting as unverified (exit 4), never "nothing to
// keep". The built CLI against the sandbox; a page denied after the first, and the
// read's own bounds, are in test/artifacts/hardening-item-08-retention-history-pages.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { simplePipeline } from '../helpers/pipelines';

const DAY = 86_400_000;
const DEV = '111111111111';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
const cli = (...args: string[]) => runCli(['artifacts', ...args], h.cliEnv, 60_000);

beforeAll(async () => {
  h = await cliWithSandbox('item08-pages', { seed: 'empty' });
  h.env.sb.config.startOnCreate = false;
});
afterAll(() => h?.stop());

interface PlanFile {
  items: Array<{ bucket: string; prefix: string; keys?: string[]; keep: string[] }>;
}

/** A live pipeline writing to its own bucket, with `n` successful executions aged 40 days: the keys each wrote, oldest first. */
async function pipelineWithSuccesses(name: string, n: number) {
  const sb = h.env.sb;
  const b = sb.s3.createBucket(`${name}-artifacts`, DEV, 'us-east-1');
  b.versioning = 'Enabled';
  sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'CreatePipeline', body: { pipeline: simplePipeline(name, b.name) } });
  const runs: string[][] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Set(b.objects.keys());
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'StartPipelineExecution', body: { name } });
    await sb.executor.settled();
    runs.push([...b.objects.keys()].filter((k) => !seen.has(k)));
    await delay(5);
  }
  for (const vs of b.objects.values()) for (const v of vs) v.lastModified = Date.now() - 40 * DAY;
  const present = () => new Set(b.objects.keys());
  return { bucket: b.name, runs, present };
}

/** `n` newer runs of `name` that failed at Build, each for real. */
async function failedRuns(name: string, n: number) {
  const sb = h.env.sb;
  sb.config.failures.push({ pipeline: name, stage: 'Build', action: 'Build', mode: 'always' });
  for (let i = 0; i < n; i++) {
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'StartPipelineExecution', body: { name } });
    await sb.executor.settled();
    await delay(1);
  }
  sb.config.failures.length = 0;
}

/** `n` newer failed runs of `name`: one for real, the rest its copies in the sandbox's history (a busy pipeline's year). */
async function manyFailedRuns(name: string, n: number) {
  await failedRuns(name, 1);
  const p = h.env.sb.tables.table(DEV, 'us-east-1').get(name)!;
  const failed = p.executions[0];
  for (let i = 1; i < n; i++) p.executions.unshift({ ...structuredClone(failed), pipelineExecutionId: randomUUID(), startTime: failed.startTime + i });
}

async function audit(tag: string) {
  const report = join(h.dir, `report-${tag}.json`);
  const r = await cli('audit', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--out', report);
  return { ...r, report };
}

async function planRetention(report: string, tag: string) {
  const out = join(h.dir, `plan-${tag}.json`);
  const r = await cli('plan', '--from', report, '--include', 'retention', '--keep-last', '1', '--keep-days', '1', '--out', out);
  return { ...r, file: out, plan: JSON.parse(readFileSync(out, 'utf8')) as PlanFile };
}

describe('hardening item 08: the history read past its first page', () => {
  it('the latest success behind 105 failed runs is kept by the plan and by the cleanup; a plan edited to name it is refused', async () => {
    const p = await pipelineWithSuccesses('item08-many', 2);
    const [older, latest] = p.runs;
    await failedRuns('item08-many', 105);
    const a = await audit('many');
    expect(a.code).toBe(0);
    const made = await planRetention(a.report, 'many');
    expect(made.code).toBe(0);
    const item = made.plan.items.find((i) => i.prefix === 'item08-many/')!;
    // Only the older success's keys: the latest is kept, however many runs failed since.
    expect([...item.keys!].sort()).toEqual([...older].sort());
    expect(item.keep).toEqual(expect.arrayContaining(latest));

    const r = await cli('clean', '--plan', made.file, '--report', a.report, '--yes', '--confirm-account', DEV);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`deleted ${older.length} versions and delete markers`);
    const left = p.present();
    expect(latest.filter((k) => !left.has(k))).toEqual([]);
    expect(older.filter((k) => left.has(k))).toEqual([]);

    // The same plan edited to delete the latest success's keys, run without --report:
    // the live re-check reads past the first page, finds it, and refuses.
    item.keys = [...latest];
    const edited = join(h.dir, 'edited-many.json');
    writeFileSync(edited, JSON.stringify({ ...made.plan, items: [item] }, null, 2));
    const refused = await cli('clean', '--plan', edited, '--yes', '--confirm-account', DEV);
    expect(refused.code).toBe(0);
    expect(refused.out).toContain('deleted 0 versions and delete markers');
    expect(refused.out).toMatch(
      /skipped s3:\/\/item08-many-artifacts\/item08-many\/: item08-many\/\S+ now belongs to item08-many's latest successful execution, which is always kept\./,
    );
    const after = p.present();
    expect(latest.filter((k) => !after.has(k))).toEqual([]);
  }, 120_000);

  it(`a read cut short at the bound (20 pages of 100): the cleanup skips the item as unverified; the audit holds the prefix and the plan leaves it out`, async () => {
    const p = await pipelineWithSuccesses('item08-bound', 2);
    const [older, latest] = p.runs;
    const a = await audit('bound');
    expect(a.code).toBe(0);
    const made = await planRetention(a.report, 'bound');
    const item = made.plan.items.find((i) => i.prefix === 'item08-bound/')!;
    expect([...item.keys!].sort()).toEqual([...older].sort());
    made.plan.items = [item];
    writeFileSync(made.file, JSON.stringify(made.plan, null, 2));

    // Since the plan: 2,000 runs failed. The latest success is behind them, past the bound.
    await manyFailedRuns('item08-bound', 2000);
    const r = await cli('clean', '--plan', made.file, '--yes', '--confirm-account', DEV);
    expect(r.code).toBe(4);
    expect(r.out).toContain('deleted 0 versions and delete markers');
    expect(r.out).toContain(
      'skipped s3://item08-bound-artifacts/item08-bound/: Could not re-check before deleting: The execution history of item08-bound (account 111111111111, us-east-1) could not be read far enough to find the last 1 successful executions its policy keeps: the last 2000 executions of item08-bound hold 0 successful executions, fewer than the 1 sought, and its older history was not read: the successes to keep are unknown.',
    );
    expect(r.out).toContain('Some prefixes could not be re-checked and were left alone');
    const left = p.present();
    expect([...older, ...latest].filter((k) => !left.has(k))).toEqual([]);

    // Audited now: the prefix is held, with the reason, and the plan leaves its retention out.
    const again = await audit('bound-again');
    expect(again.code).toBe(4);
    const held =
      'execution history of item08-bound (111111111111, us-east-1) unavailable: HistoryIncomplete: the last 2000 executions of item08-bound hold 0 successful executions, fewer than the 10 sought, and its older history was not read: the successes to keep are unknown';
    expect(again.out).toContain(
      'no history us-east-1 item08-bound: HistoryIncomplete: the last 2000 executions of item08-bound hold 0 successful executions, fewer than the 10 sought',
    );
    const report = JSON.parse(readFileSync(again.report, 'utf8')) as { buckets: Array<{ name: string; prefixes: Array<{ prefix: string; held?: string }> }> };
    expect(report.buckets.find((b) => b.name === p.bucket)!.prefixes.find((x) => x.prefix === 'item08-bound')!.held).toBe(held);
    const replanned = await planRetention(again.report, 'bound-again');
    expect(replanned.code).toBe(4);
    expect(replanned.err).toContain(`Left out (stale and retention): s3://item08-bound-artifacts/item08-bound/: ${held}`);
    expect(replanned.plan.items.filter((i) => i.prefix === 'item08-bound/')).toEqual([]);
  }, 120_000);
});
