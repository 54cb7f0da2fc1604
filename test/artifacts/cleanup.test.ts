// Cleanup against the sandbox, with faults: a ledger of every version before and
// after proves that exactly the plan's keys are gone, nothing else is touched,
// and every failure is reported. Cancel-then-resume and a re-check too.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rmSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServices } from '../helpers/services';
import { ArtifactsService } from '../../src/main/artifacts/service';
import { Settings } from '../../src/shared/api/settings';
import { PLAN_VERSION, type CleanupPlan, type PlanItem } from '../../src/shared/artifacts/plan';
import { simplePipeline } from '../helpers/pipelines';
import type { Sandbox } from '../../src/sandbox/sandbox';
import { confirmedCleanup } from '../helpers/confirm';
import { confirm, planAccounts } from '../../src/shared/safety/confirmation';

let services: Awaited<ReturnType<typeof startServices>>;
let sb: Sandbox;
let artifacts: ArtifactsService;
let home: string;
const BUCKET = 'cleanup-artifacts';
const DEV = '111111111111';

beforeAll(async () => {
  services = await startServices({ seed: 'empty', settings: Settings.parse({ workspace: { profiles: ['sandbox-dev'], regions: ['us-east-1'] } }) });
  ({ sb, home } = services);
  artifacts = services.artifacts();
});
afterAll(() => services.stop());

const id7 = (n: number) => `K${String(n).padStart(6, '0')}`;

/** Orphan prefix with N keys x 2 versions (+ delete markers on some), a live prefix, foreign data. */
function plant(n: number) {
  sb.faults.clear();
  if (sb.s3.buckets.has(BUCKET)) sb.s3.buckets.delete(BUCKET);
  const b = sb.s3.createBucket(BUCKET, DEV, 'us-east-1');
  b.versioning = 'Enabled';
  for (let i = 0; i < n; i++) {
    const key = `gone-pipeline/BuildArtif/${id7(i)}`;
    sb.s3.putObject(b, key, Buffer.from('v1'));
    sb.s3.putObject(b, key, Buffer.from('v2-longer'));
    if (i % 10 === 0) sb.s3.deleteObject(b, key);
  }
  sb.s3.putObject(b, 'gone-pipeline/notes-not-an-artifact.txt', Buffer.from('keep me'));
  sb.s3.putObject(b, 'alive-pipeline/SourceArti/AAAAAAA.zip', Buffer.from('live'));
  sb.s3.putObject(b, 'alive-pipeline/OldOutput/BBBBBBB', Buffer.from('stale'));
  sb.s3.putObject(b, 'alive-pipeline/OldOutput/CCCCCCC', Buffer.from('stale but latest success'));
  return b;
}

function ledger(): Map<string, string[]> {
  const b = sb.s3.buckets.get(BUCKET)!;
  return new Map([...b.objects.entries()].map(([k, vs]) => [k, vs.map((v) => v.versionId).sort()]));
}

function plan(items: Array<Partial<PlanItem> & Pick<PlanItem, 'prefix' | 'class'>>): CleanupPlan {
  return {
    version: PLAN_VERSION,
    createdAt: new Date().toISOString(),
    auditedAt: new Date().toISOString(),
    items: items.map((i) => ({
      profile: 'sandbox-dev',
      accountId: DEV,
      accountAlias: 'sandbox-dev',
      region: 'us-east-1',
      bucket: BUCKET,
      reason: 'test',
      expected: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0 },
      keep: [],
      ...i,
    })),
  };
}

const run = (p: CleanupPlan, signal = new AbortController().signal, dryRun = false, onProgress?: (objects: number) => void) =>
  artifacts.clean(p, {
    against: 'unchecked',
    confirmed: dryRun ? null : confirmedCleanup(p),
    dryRun,
    signal,
    retryBaseMs: 5,
    concurrency: 4,
    onProgress: (x) => onProgress?.(x.objects),
  });

/** Exactly the planned keys are gone; everything else is as it was. */
function expectOnlyPlannedGone(before: Map<string, string[]>, planned: (key: string) => boolean) {
  const after = ledger();
  for (const [key, versions] of before) {
    if (planned(key)) expect(after.has(key), key).toBe(false);
    else expect(after.get(key), key).toEqual(versions);
  }
  for (const key of after.keys()) expect(before.has(key), `new key ${key}`).toBe(true);
}

const orphanKey = (k: string) => /^gone-pipeline\/BuildArtif\//.test(k);

beforeEach(() => rmSync(join(home, 'artifact-cleanup-audit.jsonl'), { force: true }));

describe('cleanup', () => {
  it('a production account is confirmed as production even when the plan does not say so (live profiles read at the moment of running)', async () => {
    const seq = sb.logEntries().at(-1)?.seq ?? 0;
    // A hand-edited plan: the prod account with no alias and a profile whose name says nothing.
    const edited = plan([{ prefix: 'gone-pipeline/', class: 'orphan', accountId: '333333333333', accountAlias: null, profile: 'ops' }]);
    // From the plan alone the account is of unknown production: its id is typed twice.
    const fromPlanAlone = confirm({ kind: 'cleanup', accounts: planAccounts(edited.items) }, { words: ['333333333333'], production: ['333333333333'] });
    await expect(
      artifacts.clean(edited, { against: 'unchecked', confirmed: fromPlanAlone, dryRun: false, signal: new AbortController().signal }),
    ).rejects.toThrow(/Confirm production accounts a second time: sandbox-prod/);
    // What the service asks for names the word the person must type.
    const request = await artifacts.cleanupRequest(edited);
    expect(request.accounts[0]).toMatchObject({ accountId: '333333333333', accountAlias: 'sandbox-prod' });
    // Nothing was asked of S3.
    expect(sb.logEntries().filter((e) => e.seq > seq && e.service === 's3')).toEqual([]);
  });

  it('runs a plan only within its audit, and for real only with a confirmation a person gave', async () => {
    const seq = sb.logEntries().at(-1)?.seq ?? 0;
    const p = plan([{ prefix: 'gone-pipeline/', class: 'orphan' }]);
    const audit = { version: 1 as const, generatedAt: p.auditedAt, pricePerGbMonth: 0.023, buckets: [], errors: [] };
    const signal = new AbortController().signal;
    for (const dryRun of [true, false])
      await expect(artifacts.clean(p, { against: audit, confirmed: confirmedCleanup(p), dryRun, signal })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/was not in the audit: a plan may only name audited prefixes/),
      });
    await expect(artifacts.clean(p, { against: 'unchecked', confirmed: null, dryRun: false, signal })).rejects.toThrow(
      /needs a confirmation typed by a person/,
    );
    expect(sb.logEntries().filter((e) => e.seq > seq && e.service === 's3')).toEqual([]);
  });

  it('dry run counts and deletes nothing', async () => {
    plant(1200);
    const before = ledger();
    const r = await run(plan([{ prefix: 'gone-pipeline/', class: 'orphan' }]), undefined, true);
    expect(r.deletedVersions).toBe(1200 * 2 + 120);
    expect(ledger()).toEqual(before);
  });

  it('deletes every version and delete marker of the planned prefix, keeps the rest, logs every batch', async () => {
    plant(2500);
    const before = ledger();
    const p = plan([
      { prefix: 'gone-pipeline/', class: 'orphan' },
      { prefix: 'alive-pipeline/OldOutput/', class: 'stale', keep: ['alive-pipeline/OldOutput/CCCCCCC'] },
    ]);
    const r = await run(p);
    expect(r.failed).toEqual([]);
    expect(r.deletedVersions).toBe(2500 * 2 + 250 + 1);
    expectOnlyPlannedGone(before, (k) => orphanKey(k) || k === 'alive-pipeline/OldOutput/BBBBBBB');
    const log = readFileSync(artifacts.auditLogPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const batches = log.filter((l) => l.event === 'batch');
    expect(batches.length).toBeGreaterThanOrEqual(6);
    expect(batches.every((b) => b.keys <= 1000 && b.accountId === DEV && b.bucket === BUCKET && b.result === 'ok')).toBe(true);
    expect(existsSync(r.checkpoint)).toBe(false);
  });

  it('recovers from SlowDown, 500s, dropped connections and partial batch failures', async () => {
    plant(3000);
    const before = ledger();
    const none = { throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, latencyMs: 0, jitterMs: 0, deleteErrorRate: 0 };
    sb.faults.set([
      // The first three DeleteObjects calls are certain to meet a reset, a SlowDown and a 500
      // (each rule counts down on every matching call); random faults follow. Without these,
      // which call met which fault depended on how listing and deleting interleaved.
      { ...none, service: 's3', operation: 'DeleteObjects', resetRate: 1, remaining: 1 },
      { ...none, service: 's3', operation: 'DeleteObjects', throttleRate: 1, remaining: 2 },
      { ...none, service: 's3', operation: 'DeleteObjects', errorRate: 1, remaining: 3 },
      {
        service: 's3',
        operation: 'DeleteObjects',
        throttleRate: 0.2,
        errorRate: 0.1,
        resetRate: 0.05,
        denyRate: 0,
        latencyMs: 0,
        jitterMs: 0,
        deleteErrorRate: 0.1,
      },
      {
        service: 's3',
        operation: 'ListObjectVersions',
        throttleRate: 0.1,
        errorRate: 0.05,
        resetRate: 0,
        denyRate: 0,
        latencyMs: 0,
        jitterMs: 0,
        deleteErrorRate: 0,
      },
    ]);
    const r = await run(plan([{ prefix: 'gone-pipeline/', class: 'orphan' }]));
    expect(r.failed).toEqual([]);
    expectOnlyPlannedGone(before, orphanKey);
    const log = sb.logEntries();
    expect(log.some((e) => e.errorCode === 'SlowDown')).toBe(true);
    expect(log.some((e) => e.status === 500)).toBe(true);
    expect(log.some((e) => e.errorCode === 'ConnectionReset')).toBe(true);
  }, 120_000);

  it('reports keys that keep failing, and keeps the checkpoint', async () => {
    plant(50);
    const before = ledger();
    sb.faults.set([
      { service: 's3', operation: 'DeleteObjects', deleteErrorRate: 1, throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, latencyMs: 0, jitterMs: 0 },
    ]);
    const r = await run(plan([{ prefix: 'gone-pipeline/', class: 'orphan' }]));
    expect(r.failed.length).toBe(105);
    expect(r.failed[0]).toMatchObject({ bucket: BUCKET, code: 'InternalError' });
    expect(ledger()).toEqual(before);
    const log = readFileSync(artifacts.auditLogPath, 'utf8');
    expect(log).toContain('"result":"failed"');
    sb.faults.clear();
    const again = await run(plan([{ prefix: 'gone-pipeline/', class: 'orphan' }]));
    expect(again.failed).toEqual([]);
    expectOnlyPlannedGone(before, orphanKey);
  });

  it('cancel, then resume: continues without re-deleting or skipping', async () => {
    plant(4000);
    const before = ledger();
    const p = plan([
      { prefix: 'alive-pipeline/OldOutput/', class: 'stale', keep: ['alive-pipeline/OldOutput/CCCCCCC'] },
      { prefix: 'gone-pipeline/', class: 'orphan' },
    ]);
    sb.faults.set([
      { service: 's3', operation: 'DeleteObjects', latencyMs: 30, jitterMs: 0, throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, deleteErrorRate: 0 },
    ]);
    const ac = new AbortController();
    // Killed part-way: once a few batches of the orphan prefix are gone.
    const r1 = await run(p, ac.signal, false, (objects) => objects > 2500 && ac.abort());
    expect(r1.cancelled).toBe(true);
    expect(existsSync(r1.checkpoint)).toBe(true);
    const midway = ledger();
    expect([...midway.keys()].filter(orphanKey).length).toBeLessThan(4000); // some deleted
    const deletesBefore = sb.logEntries().filter((e) => e.operation === 'DeleteObjects').length;
    const r2 = await run(p);
    expect(r2.resumed).toBe(true);
    expect(r2.failed).toEqual([]);
    expectOnlyPlannedGone(before, (k) => orphanKey(k) || k === 'alive-pipeline/OldOutput/BBBBBBB');
    // The stale item finished in the first run: the resume did not list or delete it again.
    const resumedDeletes = sb
      .logEntries()
      .filter((e) => e.operation === 'DeleteObjects')
      .slice(deletesBefore);
    expect(resumedDeletes.length).toBeLessThanOrEqual(Math.ceil((4000 * 2 + 400) / 1000) + 1);
  });

  it('re-checks before deleting: a pipeline created since the audit saves its prefix', async () => {
    plant(20);
    const before = ledger();
    sb.config.startOnCreate = false;
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'CreatePipeline', body: { pipeline: simplePipeline('gone-pipeline', BUCKET) } });
    const r = await run(plan([{ prefix: 'gone-pipeline/', class: 'orphan' }]));
    expect(r.skipped).toEqual([
      {
        bucket: BUCKET,
        prefix: 'gone-pipeline/',
        reason: expect.stringMatching(/Live pipeline gone-pipeline .* now writes to this prefix/),
        unverified: false,
      },
    ]);
    expect(ledger()).toEqual(before);
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'DeletePipeline', body: { name: 'gone-pipeline' } });
  });

  it('an item that cannot be re-checked is skipped with the reason; the job does not fail', async () => {
    plant(20);
    const before = ledger();
    // CodePipeline denies every call: the re-check cannot prove the prefix is still an orphan.
    sb.faults.set([
      { service: 'codepipeline', operation: '*', denyRate: 1, throttleRate: 0, errorRate: 0, resetRate: 0, latencyMs: 0, jitterMs: 0, deleteErrorRate: 0 },
    ]);
    const r = await run(plan([{ prefix: 'gone-pipeline/', class: 'orphan' }]));
    expect(r.skipped).toEqual([
      { bucket: BUCKET, prefix: 'gone-pipeline/', reason: expect.stringMatching(/^Could not re-check before deleting: /), unverified: true },
    ]);
    expect(r.deletedVersions).toBe(0);
    expect(ledger()).toEqual(before);
    sb.faults.clear();
  });

  it('retention deletes exactly its listed keys, and only versions older than its cutoff', async () => {
    const DAY = 86_400_000;
    const b = plant(5);
    // DDDDDDD's two versions are ten days old; the planted BBBBBBB is new.
    sb.s3.putObject(b, 'alive-pipeline/BuildOutpu/DDDDDDD', Buffer.from('old build'), undefined, Date.now() - 10 * DAY);
    sb.s3.putObject(b, 'alive-pipeline/BuildOutpu/DDDDDDD', Buffer.from('older build, second version'), undefined, Date.now() - 10 * DAY + 1000);
    const before = ledger();
    const item = (cutoff: number) => ({
      prefix: 'alive-pipeline/',
      class: 'retention' as const,
      keys: ['alive-pipeline/OldOutput/BBBBBBB', 'alive-pipeline/BuildOutpu/DDDDDDD'],
      keep: ['alive-pipeline/SourceArti/AAAAAAA.zip'],
      retention: { keepLast: 1, keepDays: 1, cutoff: new Date(cutoff).toISOString() },
    });
    // Every version is younger than a cutoff further back: nothing goes.
    const early = await run(plan([item(Date.now() - 20 * DAY)]));
    expect(early.deletedVersions).toBe(0);
    expect(ledger()).toEqual(before);
    const r = await run(plan([item(Date.now() - 2 * DAY)]));
    expect(r.failed).toEqual([]);
    expect(r.deletedVersions).toBe(2);
    expectOnlyPlannedGone(before, (k) => k === 'alive-pipeline/BuildOutpu/DDDDDDD');
  });

  it('re-checks retention: a planned key that belongs to the latest successful execution now is skipped', async () => {
    const b = plant(1);
    const before0 = new Set(b.objects.keys());
    sb.config.startOnCreate = true;
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'CreatePipeline', body: { pipeline: simplePipeline('alive-pipeline', BUCKET) } });
    await sb.executor.settled();
    const written = [...b.objects.keys()].filter((k) => k.startsWith('alive-pipeline/') && !before0.has(k));
    expect(written.length).toBeGreaterThan(0);
    const before = ledger();
    const r = await run(
      plan([
        {
          prefix: 'alive-pipeline/',
          class: 'retention',
          keys: [written[0], 'alive-pipeline/OldOutput/BBBBBBB'],
          retention: { keepLast: 1, keepDays: 1, cutoff: new Date(Date.now() - 2 * 86_400_000).toISOString() },
        },
      ]),
    );
    expect(r.skipped).toEqual([
      {
        bucket: BUCKET,
        prefix: 'alive-pipeline/',
        reason: expect.stringMatching(/belongs to alive-pipeline's latest successful execution/),
        unverified: false,
      },
    ]);
    expect(ledger()).toEqual(before);
    sb.config.startOnCreate = false;
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'DeletePipeline', body: { name: 'alive-pipeline' } });
  });
});
