// Issue 23, item 8, red-team finding 1: "retention deletes the newest successful
// run's artifacts when 50+ newer runs did not succeed. […] recentSuccesses reads one
// page of 50 and ignores nextToken; used by the audit and the live re-check. A
// partial read is treated as 'nothing to keep'." Expected: the history is read page
// after page until the policy's K successes are found or it ends, within a bound
// (MAX_HISTORY_PAGES); a read cut short (the bound reached, or a page denied) leaves
// the prefix held and the item unverified, never "nothing to keep".
// Here: the history read itself against the sandbox, and a page denied after the
// first (a sandbox fault) in the audit and at the moment of deleting, through the
// services. The built CLI's run of the red team's reproduction, and the bound reached
// in the audit, the plan and the re-check, are test/cli/hardening-item-08-retention-history-pages.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { startServices } from '../helpers/services';
import { simplePipeline } from '../helpers/pipelines';
import { confirmedCleanup } from '../helpers/confirm';
import { Settings } from '../../src/shared/api/settings';
import { HistoryIncompleteError, historyReadStep, HISTORY_PAGE_SIZE, leftOutOfPlan, MAX_HISTORY_PAGES } from '../../src/shared/artifacts/evidence';
import { buildPlan } from '../../src/shared/artifacts/report';
import type { CleanupPlan } from '../../src/shared/artifacts/plan';
import type { AuditReport } from '../../src/shared/artifacts/report';
import { recentSuccesses } from '../../src/main/aws/pipeline-queries';
import type { ArtifactsService } from '../../src/main/artifacts/service';
import type { Sandbox } from '../../src/sandbox/sandbox';

const DAY = 86_400_000;
const DEV = '111111111111';
const BUCKET = 'item08-pages-artifacts';
const PIPELINE = 'item08-pages';
const NONE = { throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, latencyMs: 0, jitterMs: 0, deleteErrorRate: 0 };

describe('historyReadStep: how far a history is read', () => {
  it('stops once K successes are found or the history ends; reads on below the bound; is cut short at it', () => {
    // The bound the tests below build their histories against: 20 pages of 100.
    expect([MAX_HISTORY_PAGES, HISTORY_PAGE_SIZE]).toEqual([20, 100]);
    expect(historyReadStep(1, 1, 1, true)).toBe('done');
    expect(historyReadStep(0, 1, 3, false)).toBe('done');
    expect(historyReadStep(2, 3, 1, true)).toBe('next');
    expect(historyReadStep(0, 1, MAX_HISTORY_PAGES - 1, true)).toBe('next');
    expect(historyReadStep(0, 1, MAX_HISTORY_PAGES, true)).toBe('cut-short');
    expect(historyReadStep(9, 10, MAX_HISTORY_PAGES, true)).toBe('cut-short');
    expect(historyReadStep(10, 10, MAX_HISTORY_PAGES, true)).toBe('done');
  });
});

let services: Awaited<ReturnType<typeof startServices>>;
let sb: Sandbox;
let artifacts: ArtifactsService;

beforeAll(async () => {
  services = await startServices({ seed: 'empty', settings: Settings.parse({ workspace: { profiles: ['sandbox-dev'], regions: ['us-east-1'] } }) });
  sb = services.sb;
  artifacts = services.artifacts();
  sb.config.startOnCreate = false;
});
afterAll(() => services.stop());
beforeEach(() => {
  sb.faults.clear();
  sb.config.failures.length = 0;
  rmSync(artifacts.auditLogPath, { force: true });
  sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'DeletePipeline', body: { name: PIPELINE } });
  if (sb.s3.buckets.has(BUCKET)) sb.s3.buckets.delete(BUCKET);
  sb.s3.createBucket(BUCKET, DEV, 'us-east-1').versioning = 'Enabled';
  sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'CreatePipeline', body: { pipeline: simplePipeline(PIPELINE, BUCKET) } });
});

const record = () => sb.tables.table(DEV, 'us-east-1').get(PIPELINE)!;

/** `n` successful executions: the keys each wrote, oldest first. */
async function successes(n: number): Promise<string[][]> {
  const b = sb.s3.buckets.get(BUCKET)!;
  const runs: string[][] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Set(b.objects.keys());
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'StartPipelineExecution', body: { name: PIPELINE } });
    await sb.executor.settled();
    runs.push([...b.objects.keys()].filter((k) => !seen.has(k)));
    await delay(5);
  }
  return runs;
}

/**
 * `n` newer executions that failed at Build: one run for real, the rest its copies
 * (new ids, later starts) put in the sandbox's history, as a busy pipeline's would be.
 */
async function failures(n: number): Promise<void> {
  sb.config.failures.push({ pipeline: PIPELINE, stage: 'Build', action: 'Build', mode: 'once' });
  sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'StartPipelineExecution', body: { name: PIPELINE } });
  await sb.executor.settled();
  sb.config.failures.length = 0;
  const p = record();
  const failed = p.executions[0];
  expect(failed.status).toBe('Failed');
  for (let i = 1; i < n; i++) p.executions.unshift({ ...structuredClone(failed), pipelineExecutionId: randomUUID(), startTime: failed.startTime + i });
}

/** Every version of the bucket now as `daysAgo` days old (the executions ran just now). */
function age(daysAgo: number) {
  for (const versions of sb.s3.buckets.get(BUCKET)!.objects.values()) for (const v of versions) v.lastModified = Date.now() - daysAgo * DAY;
}

const ledger = () => Object.fromEntries([...sb.s3.buckets.get(BUCKET)!.objects.entries()].map(([k, vs]) => [k, vs.map((v) => v.versionId).sort()]));
const historyCalls = (since: number) => sb.logEntries(since).filter((e) => e.operation === 'ListPipelineExecutions');
const lastSeq = () => sb.logEntries().at(-1)?.seq ?? 0;
const cp = () =>
  services.accounts.clients.codepipeline(
    services.accounts.profiles().find((p) => p.name === 'sandbox-dev')!,
    'us-east-1',
  );

/**
 * Runs `run` with the first page of the execution history answered and every later
 * page denied (AccessDeniedException): the sandbox holds the first page 300 ms, and
 * the deny rule is added while it waits.
 */
async function laterPagesDenied<T>(run: () => Promise<T>): Promise<T> {
  const pages = { ...NONE, service: 'codepipeline' as const, operation: 'ListPipelineExecutions' };
  sb.faults.set([{ ...pages, latencyMs: 300, remaining: 1 }]);
  const running = run();
  await vi.waitFor(() => expect(sb.faults.list()[0].remaining).toBe(0), { timeout: 30_000, interval: 5 });
  sb.faults.add({ ...pages, denyRate: 1 });
  try {
    return await running;
  } finally {
    sb.faults.clear();
  }
}

const audit = () => artifacts.audit(services.pipelines.targets(), { signal: new AbortController().signal });
const prefixOf = (report: AuditReport) => report.buckets.find((b) => b.name === BUCKET)!.prefixes.find((p) => p.prefix === PIPELINE)!;
const plan = (report: AuditReport): CleanupPlan => {
  const all = buildPlan(report, { include: ['retention'], retention: { keepLast: 1, keepDays: 1 } });
  return { ...all, items: all.items.filter((i) => i.bucket === BUCKET) };
};
const clean = (p: CleanupPlan) =>
  artifacts.clean(p, { against: 'unchecked', confirmed: confirmedCleanup(p), dryRun: false, signal: new AbortController().signal, retryBaseMs: 1 });

describe('recentSuccesses: the history read page after page', () => {
  it('the one success behind 150 failed runs is found on the second page; the read stops once K are found', async () => {
    const [run] = await successes(1);
    await failures(150);
    let seq = lastSeq();
    const found = await recentSuccesses(cp(), PIPELINE, { depth: 1 });
    expect(found).toEqual([{ id: record().executions[150].pipelineExecutionId, time: expect.any(Number), keys: expect.arrayContaining(run) }]);
    expect(historyCalls(seq).length).toBe(2);
    // Found on the first page: one page read, whatever lies behind it.
    await successes(1);
    seq = lastSeq();
    expect(await recentSuccesses(cp(), PIPELINE, { depth: 1 })).toHaveLength(1);
    expect(historyCalls(seq).length).toBe(1);
    // Fewer successes than sought, and the history ends: all there are, complete.
    seq = lastSeq();
    expect(await recentSuccesses(cp(), PIPELINE, { depth: 10 })).toHaveLength(2);
    expect(historyCalls(seq).length).toBe(2);
  });

  it('the bound: a success at the 2,000th execution is found; one further back cuts the read short', async () => {
    await successes(1);
    await failures(1999);
    let seq = lastSeq();
    expect(await recentSuccesses(cp(), PIPELINE, { depth: 1 })).toHaveLength(1);
    expect(historyCalls(seq).length).toBe(20);

    await failures(1);
    seq = lastSeq();
    const cut = await recentSuccesses(cp(), PIPELINE, { depth: 1 }).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(HistoryIncompleteError);
    expect((cut as Error).message).toBe(
      `the last 2000 executions of ${PIPELINE} hold 0 successful executions, fewer than the 1 sought, and its older history was not read: the successes to keep are unknown`,
    );
    expect(historyCalls(seq).length).toBe(20);
  });
});

describe('a page of the history denied after the first', () => {
  it('in the audit: the prefix is held with the AWS error, and the plan leaves its retention out', async () => {
    await successes(1);
    age(40);
    await failures(150);
    const report = await laterPagesDenied(audit);
    const p = prefixOf(report);
    expect(p.class).toBe('live');
    expect(p.held).toMatch(new RegExp(`^execution history of ${PIPELINE} \\(${DEV}, us-east-1\\) unavailable: AccessDeniedException: `));
    expect(report.coverage!.accounts.find((a) => a.accountId === DEV)!.historyFailed).toEqual([
      { pipeline: PIPELINE, region: 'us-east-1', message: expect.stringMatching(/^AccessDeniedException: /) },
    ]);
    expect(plan(report).items).toEqual([]);
    expect(leftOutOfPlan(report).filter((l) => l.bucket === BUCKET)).toEqual([
      { bucket: BUCKET, prefix: PIPELINE, kind: 'stale and retention', reason: p.held },
    ]);
  });

  it('at the moment of deleting: the retention item is skipped as unverified, and nothing is deleted', async () => {
    const [older, latest] = await successes(2);
    age(40);
    const p = plan(await audit());
    expect(p.items).toHaveLength(1);
    expect(p.items[0].keys!.sort()).toEqual([...older].sort());
    // Since the plan: 150 runs failed. The latest success is on the history's second page, which is denied.
    await failures(150);
    const before = ledger();
    const r = await laterPagesDenied(() => clean(p));
    expect(r.deletedVersions).toBe(0);
    expect(ledger()).toEqual(before);
    expect(r.skipped).toEqual([
      {
        bucket: BUCKET,
        prefix: `${PIPELINE}/`,
        reason: expect.stringMatching(
          new RegExp(
            `^Could not re-check before deleting: The execution history of ${PIPELINE} \\(account ${DEV}, us-east-1\\) could not be read far enough to find the last 1 successful executions its policy keeps: .*not authorized`,
          ),
        ),
        unverified: true,
      },
    ]);
    // Read in full, the same plan deletes the older run's keys, and the latest stays.
    const ok = await clean(p);
    expect(ok.skipped).toEqual([]);
    expect(ok.deletedVersions).toBe(older.length);
    expect(latest.filter((k) => !(k in ledger()))).toEqual([]);
  });
});
