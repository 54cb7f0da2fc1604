// The cleanup executor on its own (`executePlan`), against the sandbox through the
// real SDK: what S3 holds afterwards, and what the result, the progress, the
// audit log and the checkpoint say, for each thing the executor promises. The
// re-check is a plain function here, so each case picks its verdict; the guard
// itself is tested in cleanup.test.ts and evidence.property.test.ts.
// Written for the mutation run of issue #22 (docs/testing.md, "Mutation testing"):
// each case pins a promise a weakened executor would break.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { executePlan, planHash, type CleanOptions, type CleanProgress } from '../../src/main/artifacts/cleanup-executor';
import { PLAN_VERSION, type CleanupPlan, type PlanItem } from '../../src/shared/artifacts/plan';
import { startSandbox } from '../helpers/sandbox';

const DEV = '111111111111';
const BUCKET = 'executor-artifacts';
const OTHER = 'executor-other';

let env: Awaited<ReturnType<typeof startSandbox>>;
let dir: string;
let auditLog: string;

beforeAll(async () => {
  env = await startSandbox({ seed: 'empty' });
  dir = mkdtempSync(join(tmpdir(), 'pipewright-executor-'));
  auditLog = join(dir, 'logs', 'cleanup-audit.jsonl');
});
afterAll(async () => {
  await env.sb.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  env.sb.faults.clear();
  rmSync(auditLog, { force: true });
});

const s3 = () => env.s3('dev');
type Bucket = ReturnType<typeof env.sb.s3.createBucket>;

function bucket(name = BUCKET, versioned = true): Bucket {
  env.sb.s3.buckets.delete(name);
  const b = env.sb.s3.createBucket(name, DEV, 'us-east-1');
  if (versioned) b.versioning = 'Enabled';
  return b;
}
const put = (b: Bucket, key: string, bytes: number, at?: number) => env.sb.s3.putObject(b, key, Buffer.alloc(bytes, 1), undefined, at);

/** Every key of a bucket with its versions (and delete markers), sorted. */
function ledger(name = BUCKET): Record<string, string[]> {
  const b = env.sb.s3.buckets.get(name)!;
  return Object.fromEntries([...b.objects.entries()].map(([k, vs]) => [k, vs.map((v) => v.versionId).sort()]));
}

function item(over: Partial<PlanItem> & Pick<PlanItem, 'prefix'>): PlanItem {
  return {
    profile: 'sandbox-dev',
    accountId: DEV,
    accountAlias: 'sandbox-dev',
    region: 'us-east-1',
    bucket: BUCKET,
    class: 'orphan',
    reason: 'test',
    expected: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0 },
    keep: [],
    ...over,
  };
}
const planOf = (...items: PlanItem[]): CleanupPlan => ({
  version: PLAN_VERSION,
  createdAt: new Date().toISOString(),
  auditedAt: new Date().toISOString(),
  items,
});

function run(plan: CleanupPlan, over: Partial<CleanOptions> = {}) {
  const progress: CleanProgress[] = [];
  const result = executePlan(plan, {
    s3For: () => s3(),
    recheck: async () => null,
    dryRun: false,
    signal: new AbortController().signal,
    stateDir: dir,
    auditLog,
    retryBaseMs: 1,
    onProgress: (p) => progress.push(p),
    ...over,
  });
  return { result, progress };
}

const logLines = () =>
  readFileSync(auditLog, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const deleteCalls = (since: number) => env.sb.logEntries(since).filter((e) => e.operation === 'DeleteObjects');
const lastSeq = () => env.sb.logEntries().at(-1)?.seq ?? 0;
const checkpointOf = (plan: CleanupPlan) => join(dir, `cleanup-${planHash(plan)}.json`);

/** gone/: 3 keys x 2 versions (10 and 20 bytes) and a delete marker; old/: one key of 5 bytes; foreign and sibling data. */
function plantTwoPrefixes() {
  const b = bucket();
  for (const k of ['gone/Build/AAAAAAA', 'gone/Build/BBBBBBB', 'gone/Src/CCCCCCC.zip']) {
    put(b, k, 10);
    put(b, k, 20);
  }
  env.sb.s3.deleteObject(b, 'gone/Build/AAAAAAA');
  put(b, 'old/Out/DDDDDDD', 5);
  put(b, 'gone/readme.txt', 7);
  put(b, 'gone-too/Build/EEEEEEE', 3);
  return b;
}
const twoPrefixPlan = () =>
  planOf(
    item({ prefix: 'gone/', expected: { objects: 3, versions: 6, deleteMarkers: 1, bytes: 90 } }),
    item({ prefix: 'old/', expected: { objects: 1, versions: 1, deleteMarkers: 0, bytes: 5 } }),
  );

describe('executePlan', () => {
  it('deletes every version and delete marker of each item, and says so in the result, the progress and the log', async () => {
    plantTwoPrefixes();
    const plan = twoPrefixPlan();
    const { result, progress } = run(plan);
    const r = await result;
    expect(ledger()).toEqual({ 'gone/readme.txt': expect.any(Array), 'gone-too/Build/EEEEEEE': expect.any(Array) });
    expect(r).toMatchObject({ dryRun: false, resumed: false, cancelled: false, failed: [], skipped: [], slowDowns: 0, deletedVersions: 8, deletedBytes: 95 });
    expect(r.checkpoint).toBe(checkpointOf(plan));
    expect(existsSync(r.checkpoint)).toBe(false);
    expect([...r.items].sort((a, b) => a.prefix.localeCompare(b.prefix))).toEqual([
      { bucket: BUCKET, prefix: 'gone/', versions: 7, bytes: 90 },
      { bucket: BUCKET, prefix: 'old/', versions: 1, bytes: 5 },
    ]);

    expect(progress.at(-1)).toEqual({
      item: 2,
      items: 2,
      objects: 8,
      bytes: 95,
      expectedObjects: 8,
      expectedBytes: 95,
      ratePerSec: expect.any(Number),
      etaSec: null,
      message: 'Done',
    });
    expect(progress.map((p) => p.message)).toEqual(expect.arrayContaining(['Deleting s3://executor-artifacts/gone/', 'Deleting s3://executor-artifacts/old/']));
    expect(progress.every((p) => p.ratePerSec >= 0 && p.expectedObjects === 8 && p.items === 2)).toBe(true);
    // While objects are left, the rate and an ETA are given from what this run deleted.
    const midway = progress.filter((p) => p.objects > 0 && p.objects < 8 && p.ratePerSec > 0);
    for (const p of midway) expect(p.etaSec).toBeCloseTo((8 - p.objects) / p.ratePerSec, 5);

    const log = logLines();
    expect(log.every((l) => typeof l.time === 'string' && !Number.isNaN(Date.parse(l.time)))).toBe(true);
    const batches = log.filter((l) => l.event === 'batch');
    expect(batches.map((b) => b.prefix).sort()).toEqual(['gone/', 'old/']);
    expect(batches.find((b) => b.prefix === 'gone/')).toEqual({
      time: expect.any(String),
      event: 'batch',
      profile: 'sandbox-dev',
      accountId: DEV,
      bucket: BUCKET,
      prefix: 'gone/',
      keys: 7,
      deleted: 7,
      result: 'ok',
      errors: [],
    });
    expect(log.at(-1)).toEqual({ time: expect.any(String), event: 'finished', dryRun: false, deletedVersions: 8, deletedBytes: 95, failed: 0, skipped: 0 });
  });

  it('a dry run counts what it would delete, deletes nothing, never reads or removes a checkpoint, and logs as a dry run', async () => {
    plantTwoPrefixes();
    const before = ledger();
    const plan = twoPrefixPlan();
    writeFileSync(checkpointOf(plan), 'not json');
    const { result, progress } = run(plan, { dryRun: true });
    const r = await result;
    expect(ledger()).toEqual(before);
    expect(r).toMatchObject({ dryRun: true, resumed: false, cancelled: false, deletedVersions: 8, deletedBytes: 95, failed: [] });
    expect([...r.items].sort((a, b) => a.prefix.localeCompare(b.prefix))).toEqual([
      { bucket: BUCKET, prefix: 'gone/', versions: 7, bytes: 90 },
      { bucket: BUCKET, prefix: 'old/', versions: 1, bytes: 5 },
    ]);
    expect(readFileSync(checkpointOf(plan), 'utf8')).toBe('not json');
    rmSync(checkpointOf(plan));
    const messages = progress.map((p) => p.message);
    expect(messages).toEqual(expect.arrayContaining(['Counting s3://executor-artifacts/gone/', 'Counting s3://executor-artifacts/old/', 'Done']));
    expect(messages.some((m) => /^Would delete \d+ versions$/.test(m))).toBe(true);
    expect(messages.some((m) => m.startsWith('Deleting'))).toBe(false);
    const log = logLines();
    expect(log.filter((l) => l.event === 'batch')).toEqual([]);
    expect(log.filter((l) => l.event === 'dry-run-item').sort((a, b) => String(a.prefix).localeCompare(String(b.prefix)))).toEqual([
      {
        time: expect.any(String),
        event: 'dry-run-item',
        profile: 'sandbox-dev',
        accountId: DEV,
        bucket: BUCKET,
        prefix: 'gone/',
        keys: 7,
        bytes: 90,
        result: 'would delete',
      },
      {
        time: expect.any(String),
        event: 'dry-run-item',
        profile: 'sandbox-dev',
        accountId: DEV,
        bucket: BUCKET,
        prefix: 'old/',
        keys: 1,
        bytes: 5,
        result: 'would delete',
      },
    ]);
    expect(log.at(-1)).toMatchObject({ event: 'dry-run-finished', dryRun: true, deletedVersions: 8 });
  });

  it('deletes from an unversioned bucket too (its versions are "null")', async () => {
    const b = bucket(OTHER, false);
    put(b, 'gone/Build/AAAAAAA', 4);
    put(b, 'gone/Build/BBBBBBB', 6);
    const { result } = run(planOf(item({ prefix: 'gone/', bucket: OTHER })));
    const r = await result;
    expect(r.failed).toEqual([]);
    expect(r.deletedVersions).toBe(2);
    expect(r.deletedBytes).toBe(10);
    expect(ledger(OTHER)).toEqual({});
  });

  it('reports progress from the start: nothing deleted and no ETA yet, then a rate and an ETA from what this run deleted', async () => {
    const b = bucket();
    for (let i = 0; i < 6; i++) put(b, `gone/Build/K${String(i).padStart(6, '0')}`, 1);
    env.sb.faults.set([
      { service: 's3', operation: 'DeleteObjects', latencyMs: 30, throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, jitterMs: 0, deleteErrorRate: 0 },
    ]);
    const seen: Array<CleanProgress & { at: number }> = [];
    const t0 = Date.now();
    const r = await run(planOf(item({ prefix: 'gone/', expected: { objects: 6, versions: 6, deleteMarkers: 0, bytes: 6 } })), {
      batchSize: 2,
      concurrency: 1,
      onProgress: (p) => seen.push({ ...p, at: Date.now() }),
    }).result;
    expect(r.deletedVersions).toBe(6);
    expect(seen[0]).toMatchObject({ item: 0, objects: 0, ratePerSec: 0, etaSec: null, message: 'Deleting s3://executor-artifacts/gone/' });
    expect(seen.map((p) => p.message).every((m) => m === 'Deleting s3://executor-artifacts/gone/' || m === 'Done')).toBe(true);
    const midway = seen.filter((p) => p.objects > 0 && p.objects < 6);
    expect(midway.map((p) => p.objects)).toEqual([2, 4]);
    for (const p of midway) {
      // At least 30 ms per batch went by since the run started, and no more than the test saw.
      const elapsed = (p.at - t0) / 1000;
      expect(p.ratePerSec).toBeGreaterThanOrEqual(p.objects / elapsed);
      expect(p.ratePerSec).toBeLessThanOrEqual(p.objects / ((30 * p.objects) / 2 / 1000));
      expect(p.etaSec).toBeCloseTo((6 - p.objects) / p.ratePerSec, 5);
    }
  });

  it('counts the rate from this run only when it resumes', async () => {
    const b = bucket();
    for (let i = 0; i < 4; i++) put(b, `gone/Build/K${String(i).padStart(6, '0')}`, 1);
    const plan = planOf(item({ prefix: 'old/' }), item({ prefix: 'gone/', expected: { objects: 4, versions: 4, deleteMarkers: 0, bytes: 4 } }));
    writeFileSync(
      checkpointOf(plan),
      JSON.stringify({ planHash: planHash(plan), done: { [`${DEV}|${BUCKET}|old/`]: { deletedVersions: 1000, deletedBytes: 1 } } }),
    );
    env.sb.faults.set([
      { service: 's3', operation: 'DeleteObjects', latencyMs: 30, throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, jitterMs: 0, deleteErrorRate: 0 },
    ]);
    const seen: CleanProgress[] = [];
    const r = await run(plan, { batchSize: 2, concurrency: 1, onProgress: (p) => seen.push(p) }).result;
    expect(r.resumed).toBe(true);
    expect(r.deletedVersions).toBe(1004);
    const mid = seen.find((p) => p.objects === 1002)!;
    // 2 deleted in at least 30 ms: at most ~67 a second, never the 1,000 carried over.
    expect(mid.ratePerSec).toBeGreaterThan(0);
    expect(mid.ratePerSec).toBeLessThanOrEqual(2 / 0.03);
  });

  it('a cancel while a request is in flight is a cancel, never a key failure', async () => {
    const b = bucket();
    for (let i = 0; i < 4; i++) put(b, `gone/Build/K${String(i).padStart(6, '0')}`, 1);
    env.sb.faults.set([
      { service: 's3', operation: 'DeleteObjects', latencyMs: 300, throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, jitterMs: 0, deleteErrorRate: 0 },
    ]);
    const ac = new AbortController();
    // The real client; the cancel comes once the DeleteObjects request is on its way.
    const client = s3();
    const send = client.send.bind(client) as (c: unknown, o?: unknown) => Promise<unknown>;
    (client as { send: unknown }).send = (command: unknown, options?: unknown) => {
      if (command instanceof DeleteObjectsCommand) setTimeout(() => ac.abort(), 50);
      return send(command, options);
    };
    const r = await run(planOf(item({ prefix: 'gone/' })), { s3For: () => client, signal: ac.signal, keyRetries: 0 }).result;
    expect(r.cancelled).toBe(true);
    expect(r.failed).toEqual([]);
    // The sandbox finishes the abandoned request later: let it, so it lands in no other test's call log.
    await delay(400);
  });

  it('a checkpoint path it cannot read is an error, not a fresh start; a bad checkpoint names at most three problems', async () => {
    plantTwoPrefixes();
    const before = ledger();
    const plan = twoPrefixPlan();
    const path = checkpointOf(plan);
    mkdirSync(path);
    await expect(run(plan).result).rejects.toThrow(/is not one Pipewright wrote: it is a directory, not a regular file/);
    rmSync(path, { recursive: true });
    const bad = { planHash: 5, done: { a: { deletedVersions: -1, deletedBytes: -1, x: 1 }, b: 'no' } };
    writeFileSync(path, JSON.stringify(bad));
    const err = await run(plan).result.catch((e: Error) => e);
    const problems = (err as Error).message.replace(/^.*is not one Pipewright wrote: /, '').replace(/\. Remove it to start this plan over\.$/, '');
    expect(problems.split('; ')).toHaveLength(3);
    expect(ledger()).toEqual(before);
    rmSync(path);
  });

  it('sends nothing and logs no batch for a prefix where everything listed is kept or foreign; runs without a progress listener', async () => {
    const b = bucket();
    put(b, 'app/Build/KEPT001', 1);
    put(b, 'app/notes.txt', 1);
    const before = ledger();
    const since = lastSeq();
    const r = await run(planOf(item({ prefix: 'app/', class: 'stale', keep: ['app/Build/KEPT001'] })), { onProgress: undefined }).result;
    expect(r).toMatchObject({ deletedVersions: 0, failed: [], items: [{ bucket: BUCKET, prefix: 'app/', versions: 0, bytes: 0 }] });
    expect(ledger()).toEqual(before);
    expect(deleteCalls(since)).toEqual([]);
    expect(logLines().map((l) => l.event)).toEqual(['finished']);
  });

  it('skips an item the re-check refuses, with its reason, logs the skip, and still runs the rest', async () => {
    plantTwoPrefixes();
    const { result, progress } = run(twoPrefixPlan(), { recheck: async (i) => (i.prefix === 'gone/' ? 'Live pipeline gone now writes here.' : null) });
    const r = await result;
    expect(r.skipped).toEqual([{ bucket: BUCKET, prefix: 'gone/', reason: 'Live pipeline gone now writes here.', unverified: false }]);
    expect(Object.keys(ledger()).filter((k) => k.startsWith('gone/Build') || k.startsWith('gone/Src'))).toHaveLength(3);
    expect(ledger()['old/Out/DDDDDDD']).toBeUndefined();
    expect(r.deletedVersions).toBe(1);
    expect(progress.some((p) => p.message === 'Deleting s3://executor-artifacts/gone/')).toBe(false);
    const log = logLines();
    expect(log.find((l) => l.event === 'skip')).toEqual({
      time: expect.any(String),
      event: 'skip',
      profile: 'sandbox-dev',
      accountId: DEV,
      bucket: BUCKET,
      prefix: 'gone/',
      reason: 'Live pipeline gone now writes here.',
    });
    expect(log.at(-1)).toMatchObject({ event: 'finished', skipped: 1, failed: 0 });
  });

  it('keeps what the item keeps, and for retention deletes only its listed keys older than its cutoff, to the millisecond', async () => {
    const b = bucket();
    const cutoff = Date.parse('2026-01-10T00:00:00.000Z');
    put(b, 'app/Build/AAAAAAA', 1, cutoff - 1); // older: goes
    put(b, 'app/Build/AAAAAAA', 2, cutoff); // exactly at the cutoff: stays
    put(b, 'app/Build/AAAAAAA', 4, cutoff + 1); // younger: stays
    put(b, 'app/Build/BBBBBBB', 8, cutoff - 5000); // listed but kept: stays
    put(b, 'app/Build/CCCCCCC', 16, cutoff - 5000); // old but not listed: stays
    env.sb.s3.deleteObject(b, 'app/Build/AAAAAAA'); // a delete marker made now, younger than the cutoff: stays
    const before = ledger();
    const retention = item({
      prefix: 'app/',
      class: 'retention',
      keys: ['app/Build/AAAAAAA', 'app/Build/BBBBBBB'],
      keep: ['app/Build/BBBBBBB'],
      retention: { keepLast: 1, keepDays: 1, cutoff: new Date(cutoff).toISOString() },
    });
    const r = await run(planOf(retention)).result;
    expect(r.failed).toEqual([]);
    expect(r.deletedVersions).toBe(1);
    expect(r.deletedBytes).toBe(1);
    const after = ledger();
    expect(after['app/Build/AAAAAAA']).toHaveLength(3);
    expect(before['app/Build/AAAAAAA'].filter((v) => !after['app/Build/AAAAAAA'].includes(v))).toHaveLength(1);
    expect(after['app/Build/BBBBBBB']).toEqual(before['app/Build/BBBBBBB']);
    expect(after['app/Build/CCCCCCC']).toEqual(before['app/Build/CCCCCCC']);
    // A stale-folder item has no cutoff: it deletes every version of its folder that is not kept.
    const stale = item({ prefix: 'app/Build/', class: 'stale', keep: ['app/Build/CCCCCCC'] });
    const s = await run(planOf(stale)).result;
    expect(s.deletedVersions).toBe(4);
    expect(ledger()).toEqual({ 'app/Build/CCCCCCC': before['app/Build/CCCCCCC'] });
  });

  it('sends batches of at most batchSize keys', async () => {
    const b = bucket();
    for (const c of 'ABCDE') put(b, `gone/Build/${c.repeat(7)}`, 1);
    const since = lastSeq();
    const r = await run(planOf(item({ prefix: 'gone/' })), { batchSize: 2 }).result;
    expect(r.deletedVersions).toBe(5);
    expect(ledger()).toEqual({});
    expect(
      logLines()
        .filter((l) => l.event === 'batch')
        .map((l) => l.keys),
    ).toEqual([2, 2, 1]);
    expect(deleteCalls(since)).toHaveLength(3);
  });

  it('paces a SlowDown and sends the batch again: never a failure, counted in the result, the log and the progress', async () => {
    const b = bucket();
    for (const c of 'ABC') put(b, `gone/Build/${c.repeat(7)}`, 2);
    env.sb.faults.set([
      {
        service: 's3',
        operation: 'DeleteObjects',
        throttleRate: 1,
        remaining: 2,
        errorRate: 0,
        resetRate: 0,
        denyRate: 0,
        latencyMs: 0,
        jitterMs: 0,
        deleteErrorRate: 0,
      },
    ]);
    const { result, progress } = run(planOf(item({ prefix: 'gone/' })), { keyRetries: 0 });
    const r = await result;
    expect(r.failed).toEqual([]);
    expect(r.slowDowns).toBe(2);
    expect(r.deletedVersions).toBe(3);
    expect(ledger()).toEqual({});
    expect(logLines().find((l) => l.event === 'batch')).toMatchObject({ keys: 3, deleted: 3, result: 'ok', slowDowns: 2 });
    expect(progress.some((p) => p.message === 'Deleting s3://executor-artifacts/gone/ (S3 asked to slow down 2 times: paced)')).toBe(true);
  });

  it('retries the keys a batch reports as failed, and counts only what was deleted', async () => {
    const b = bucket();
    const keys = Array.from({ length: 40 }, (_, i) => `gone/Build/K${String(i).padStart(6, '0')}`);
    for (const k of keys) put(b, k, 3);
    env.sb.faults.set([
      {
        service: 's3',
        operation: 'DeleteObjects',
        deleteErrorRate: 0.5,
        remaining: 1,
        throttleRate: 0,
        errorRate: 0,
        resetRate: 0,
        denyRate: 0,
        latencyMs: 0,
        jitterMs: 0,
      },
    ]);
    const r = await run(planOf(item({ prefix: 'gone/' })), { keyRetries: 2 }).result;
    expect(r.failed).toEqual([]);
    expect(ledger()).toEqual({});
    expect(r.deletedVersions).toBe(40);
    expect(r.deletedBytes).toBe(120);
    const batch = logLines().find((l) => l.event === 'batch')!;
    expect(batch).toMatchObject({ keys: 40, deleted: 40, result: 'ok' });
  });

  it('reports keys that keep failing (the last pass only), keeps the checkpoint, and logs at most 20 errors a batch', async () => {
    const b = bucket();
    for (let i = 0; i < 30; i++) put(b, `gone/Build/K${String(i).padStart(6, '0')}`, 1);
    plantOld(b);
    const before = ledger();
    const plan = planOf(item({ prefix: 'old/' }), item({ prefix: 'gone/' }));
    // old/ first, alone, before the faults: it is done, and the checkpoint records it.
    let since = 0;
    const r = await run(plan, {
      keyRetries: 1,
      prefixConcurrency: 1,
      recheck: async (i) => {
        if (i.prefix === 'gone/') {
          env.sb.faults.set([
            {
              service: 's3',
              operation: 'DeleteObjects',
              deleteErrorRate: 1,
              throttleRate: 0,
              errorRate: 0,
              resetRate: 0,
              denyRate: 0,
              latencyMs: 0,
              jitterMs: 0,
            },
          ]);
          since = lastSeq();
        }
        return null;
      },
    }).result;
    const { ['old/Out/DDDDDDD']: _gone, ...rest } = before;
    expect(ledger()).toEqual(rest);
    expect(r.deletedVersions).toBe(1);
    expect(r.failed).toHaveLength(30);
    const versions = new Set(Object.entries(before).flatMap(([k, vs]) => vs.map((v) => `${k} ${v}`)));
    for (const f of r.failed) {
      expect(f).toEqual({
        bucket: BUCKET,
        key: expect.stringMatching(/^gone\/Build\//),
        versionId: expect.any(String),
        code: 'InternalError',
        message: expect.stringMatching(/\S/),
      });
      expect(versions.has(`${f.key} ${f.versionId}`)).toBe(true);
    }
    // keyRetries 1: each batch is sent twice a pass; a pass again while anything is listed (four in all).
    expect(deleteCalls(since)).toHaveLength(2 * 4);
    expect(JSON.parse(readFileSync(r.checkpoint, 'utf8')).done).toEqual({ [`${DEV}|${BUCKET}|old/`]: { deletedVersions: 1, deletedBytes: 5 } });
    const log = logLines();
    const batches = log.filter((l) => l.event === 'batch' && l.prefix === 'gone/');
    expect(batches).toHaveLength(4);
    expect(batches.every((l) => l.result === 'failed' && l.deleted === 0 && (l.errors as unknown[]).length === 20)).toBe(true);
    expect((batches[0].errors as Array<Record<string, unknown>>)[0]).toEqual({
      key: expect.stringMatching(/^gone\/Build\//),
      versionId: expect.any(String),
      code: 'InternalError',
    });
    expect(log.at(-1)).toMatchObject({ event: 'finished', failed: 30 });
    env.sb.faults.clear();
    // The next run resumes: old/ is done; gone/ was not, so it is listed again and finished.
    const again = await run(plan).result;
    expect(again.resumed).toBe(true);
    expect(again.failed).toEqual([]);
    expect(again.deletedVersions).toBe(31);
    expect(ledger()).toEqual({});
    expect(existsSync(r.checkpoint)).toBe(false);
  });

  it('logs a batch where some keys failed as partial', async () => {
    const b = bucket();
    for (let i = 0; i < 40; i++) put(b, `gone/Build/K${String(i).padStart(6, '0')}`, 1);
    env.sb.faults.set([
      { service: 's3', operation: 'DeleteObjects', deleteErrorRate: 0.5, throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, latencyMs: 0, jitterMs: 0 },
    ]);
    const r = await run(planOf(item({ prefix: 'gone/' })), { keyRetries: 0 }).result;
    const batches = logLines().filter((l) => l.event === 'batch');
    expect(batches[0].result).toBe('partial');
    expect(batches[0].deleted).toBeGreaterThan(0);
    expect(batches[0].deleted).toBeLessThan(40);
    expect(r.deletedVersions).toBe(batches.reduce((n, l) => n + (l.deleted as number), 0));
    expect(r.deletedVersions + r.failed.length).toBe(40);
    expect(Object.keys(ledger())).toHaveLength(r.failed.length);
  });

  it('a request that fails as a whole leaves every key of it pending and named, with the AWS error', async () => {
    const b = bucket();
    for (const c of 'AB') put(b, `gone/Build/${c.repeat(7)}`, 1);
    const before = ledger();
    env.sb.faults.set([
      { service: 's3', operation: 'DeleteObjects', errorRate: 1, throttleRate: 0, resetRate: 0, denyRate: 0, latencyMs: 0, jitterMs: 0, deleteErrorRate: 0 },
    ]);
    const r = await run(planOf(item({ prefix: 'gone/' })), { keyRetries: 0 }).result;
    expect(ledger()).toEqual(before);
    expect(r.failed.map((f) => `${f.key} ${f.versionId}`).sort()).toEqual(
      Object.entries(before)
        .flatMap(([k, vs]) => vs.map((v) => `${k} ${v}`))
        .sort(),
    );
    expect(r.failed.every((f) => f.bucket === BUCKET && f.code === 'InternalError' && f.message.length > 0)).toBe(true);
  });

  it('reports versions still listed after every pass (something keeps writing) as StillPresent', async () => {
    const b = bucket();
    put(b, 'gone/Build/AAAAAAA', 1);
    // A writer that puts a new version each time a batch is deleted.
    const { result } = run(planOf(item({ prefix: 'gone/' })), {
      onProgress: (p) => {
        if (p.message.startsWith('Deleting') && p.objects > 0) put(b, 'gone/Build/AAAAAAA', 1);
      },
    });
    const r = await result;
    expect(r.failed).toEqual([
      { bucket: BUCKET, key: 'gone/', versionId: '*', code: 'StillPresent', message: 'Versions were still listed under the prefix after 4 passes.' },
    ]);
    expect(r.deletedVersions).toBe(4);
    // Not done: no checkpoint records it, so the next run lists it again.
    expect(existsSync(r.checkpoint)).toBe(false);
  });

  it('resumes from its checkpoint: an item recorded as done is not touched again, and its counts carry over', async () => {
    plantTwoPrefixes();
    const before = ledger();
    const plan = twoPrefixPlan();
    writeFileSync(
      checkpointOf(plan),
      JSON.stringify({ planHash: planHash(plan), done: { [`${DEV}|${BUCKET}|gone/`]: { deletedVersions: 7, deletedBytes: 90 } } }),
    );
    const r = await run(plan).result;
    expect(r.resumed).toBe(true);
    expect(r.deletedVersions).toBe(8);
    expect(r.deletedBytes).toBe(95);
    const after = ledger();
    for (const k of Object.keys(before).filter((k) => k.startsWith('gone/'))) expect(after[k]).toEqual(before[k]);
    expect(after['old/Out/DDDDDDD']).toBeUndefined();
    expect(existsSync(checkpointOf(plan))).toBe(false);
  });

  it('a checkpoint that records nothing done, or another plan, is no resume', async () => {
    plantTwoPrefixes();
    const plan = twoPrefixPlan();
    writeFileSync(checkpointOf(plan), JSON.stringify({ planHash: planHash(plan), done: {} }));
    expect((await run(plan).result).resumed).toBe(false);
    plantTwoPrefixes();
    writeFileSync(
      checkpointOf(plan),
      JSON.stringify({ planHash: 'another-plan', done: { [`${DEV}|${BUCKET}|gone/`]: { deletedVersions: 7, deletedBytes: 90 } } }),
    );
    const r = await run(plan).result;
    expect(r.resumed).toBe(false);
    expect(r.deletedVersions).toBe(8);
    expect(Object.keys(ledger()).sort()).toEqual(['gone-too/Build/EEEEEEE', 'gone/readme.txt']);
  });

  it('refuses a checkpoint it cannot trust, naming the file, and deletes nothing', async () => {
    plantTwoPrefixes();
    const before = ledger();
    const plan = twoPrefixPlan();
    const path = checkpointOf(plan);
    writeFileSync(path, '{ not json');
    await expect(run(plan).result).rejects.toThrow(`The cleanup checkpoint ${path} is not valid JSON (`);
    await expect(run(plan).result).rejects.toThrow(/: remove it to start this plan over \(deleted versions stay deleted\)\.$/);
    writeFileSync(path, JSON.stringify({ planHash: planHash(plan), done: { x: { deletedVersions: -1, deletedBytes: 0 } }, extra: 1 }));
    await expect(run(plan).result).rejects.toThrow(
      new RegExp(`^The cleanup checkpoint ${path} is not one Pipewright wrote: .*done\\.x\\.deletedVersions: .*Remove it to start this plan over\\.$`),
    );
    writeFileSync(path, '[]');
    await expect(run(plan).result).rejects.toThrow(/is not one Pipewright wrote: \(file\): /);
    expect(ledger()).toEqual(before);
    rmSync(path);
  });

  it('cancelled before it starts: deletes nothing, says cancelled, logs it', async () => {
    plantTwoPrefixes();
    const before = ledger();
    const ac = new AbortController();
    ac.abort();
    const { result, progress } = run(twoPrefixPlan(), { signal: ac.signal });
    const r = await result;
    expect(r.cancelled).toBe(true);
    expect(r.deletedVersions).toBe(0);
    expect(ledger()).toEqual(before);
    expect(progress.at(-1)?.message).toBe('Cancelled');
    expect(logLines().at(-1)).toMatchObject({ event: 'cancelled', dryRun: false });
  });

  it('cancelled midway: what is done stays in the checkpoint for the resume; a dry run cancelled logs as one', async () => {
    const b = bucket();
    for (let i = 0; i < 6; i++) put(b, `gone/Build/K${String(i).padStart(6, '0')}`, 1);
    plantOld(b);
    const plan = planOf(item({ prefix: 'old/' }), item({ prefix: 'gone/' }));
    const ac = new AbortController();
    // The first item finishes; the second is cancelled after its first batch.
    const r = await run(plan, { signal: ac.signal, batchSize: 2, concurrency: 1, prefixConcurrency: 1, onProgress: (p) => p.objects >= 3 && ac.abort() })
      .result;
    expect(r.cancelled).toBe(true);
    expect(r.deletedVersions).toBeLessThan(7);
    expect(JSON.parse(readFileSync(r.checkpoint, 'utf8'))).toEqual({
      planHash: planHash(plan),
      done: { [`${DEV}|${BUCKET}|old/`]: { deletedVersions: 1, deletedBytes: 5 } },
    });
    expect(logLines().at(-1)).toMatchObject({ event: 'cancelled' });
    const resumed = await run(plan).result;
    expect(resumed.resumed).toBe(true);
    // The checkpoint's count for old/, plus what is left of gone/.
    expect(resumed.deletedVersions).toBe(1 + 6 - (r.deletedVersions - 1));
    expect(ledger()).toEqual({});
    const dry = new AbortController();
    dry.abort();
    await run(plan, { dryRun: true, signal: dry.signal }).result;
    expect(logLines().at(-1)).toMatchObject({ event: 'dry-run-cancelled', dryRun: true });
  });

  it('the first error stops the plan: items not started never start, and the error is the caller’s', async () => {
    plantTwoPrefixes();
    const before = ledger();
    const plan = planOf(item({ prefix: 'gone/', bucket: 'no-such-bucket-here' }), item({ prefix: 'old/' }));
    await expect(run(plan, { prefixConcurrency: 1 }).result).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(ledger()).toEqual(before);
    expect(logLines().at(-1)).toMatchObject({ event: 'finished', deletedVersions: 0 });
  });

  it('an item whose re-check throws is skipped as unverified with the AWS error, and the job does not fail', async () => {
    plantTwoPrefixes();
    const err = Object.assign(new Error('User is not authorized to perform codepipeline:ListPipelines'), { name: 'AccessDeniedException' });
    const r = await run(twoPrefixPlan(), { recheck: async (i) => (i.prefix === 'old/' ? Promise.reject(err) : null) }).result;
    expect(r.skipped).toEqual([
      {
        bucket: BUCKET,
        prefix: 'old/',
        reason: 'Could not re-check before deleting: User is not authorized to perform codepipeline:ListPipelines',
        unverified: true,
      },
    ]);
    expect(ledger()['old/Out/DDDDDDD']).toHaveLength(1);
    expect(r.deletedVersions).toBe(7);
  });
});

function plantOld(b: Bucket) {
  put(b, 'old/Out/DDDDDDD', 5);
}
