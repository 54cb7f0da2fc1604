// Executes a cleanup plan: for each item, re-check that no live pipeline claims
// it now, list its versions (never a key outside the item, never a kept key),
// and delete them in DeleteObjects batches of up to 1,000 on a worker pool,
// retrying the keys a batch reports as failed. A checkpoint file makes a killed
// job resumable (listing again never re-deletes: deleted versions are gone), and
// an append-only JSONL audit log records every batch.
// A plan has one runner at a time (the app, the CLI, a second resume): a lock file
// beside its checkpoint names the holder, and a second runner is refused. And what
// is deleted has one deleter at a time, whichever plan names it: two plans made by
// two audits, or differing in one field, cover the same prefix under two plan locks.
// So each item's deletion also holds its pipeline prefix's lock (one per bucket and
// top-level prefix); another runner's item there is skipped, naming the holder, and
// left for a later run. S3 answers a delete of a version already gone as deleted, so
// two deleters would each count every version: with one deleter per prefix, a
// version counts only when this runner listed it just before and S3 confirmed it.
import { createHash } from 'node:crypto';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { S3Client } from '@aws-sdk/client-s3';
import { ARTIFACT_KEY } from '../../shared/artifacts/classify';
import type { CleanFailure, CleanResult, CleanupPlan, PlanItem } from '../../shared/artifacts/plan';
import { writeFileAtomic } from '../../node/atomic-file';
import { JsonFileError, readJsonFile } from '../../node/json-file';
import { appendJsonLine, appendLine } from '../../node/jsonl-file';
import { acquireLock, describeHolder, LockHeldError, LockLostError, type HeldLock } from '../../node/lock-file';
import { RetentionError, retentionCutoffAt } from '../../shared/artifacts/retention';
import { classifyAwsError } from '../aws/errors';
import { paginateObjectVersions } from '../aws/s3-versions';
import { PrefixPacers, SlowDownError, type PrefixPacer } from './prefix-pacer';
import { deleteVersions } from './bucket-calls';

export interface CleanProgress {
  item: number;
  items: number;
  objects: number;
  bytes: number;
  expectedObjects: number;
  expectedBytes: number;
  ratePerSec: number;
  etaSec: number | null;
  message: string;
}

export type { CleanFailure, CleanResult };

export interface CleanOptions {
  /** S3 client for an item (its account and the bucket's region). */
  s3For(item: PlanItem): S3Client;
  /** Re-check just before deleting: a reason to skip, or null to go ahead. */
  recheck(item: PlanItem): Promise<string | null>;
  dryRun: boolean;
  signal: AbortSignal;
  /** Directory for checkpoints (one file per plan). */
  stateDir: string;
  /** The append-only audit log (JSONL). */
  auditLog: string;
  onProgress?(p: CleanProgress): void;
  /** DeleteObjects requests in flight across the plan. */
  concurrency?: number;
  /** Prefixes deleted side by side (each at its own pace). */
  prefixConcurrency?: number;
  batchSize?: number;
  /** Retries for keys a batch reports as failed (the SDK retries whole requests itself). */
  keyRetries?: number;
  retryBaseMs?: number;
  /** Who runs it ('app', 'cli'): named in the plan's and the prefixes' locks, for another runner to be told. */
  program?: string;
  /** How long the plan's and the prefixes' locks stand past their last heartbeat (PLAN_LOCK_TTL_MS). */
  lockTtlMs?: number;
}

/** A plan's lock stands this long past its last heartbeat (which comes every third of it) for a holder on another host. */
export const PLAN_LOCK_TTL_MS = 60_000;

/** The lock that gives a plan one runner at a time, beside its checkpoint. */
export const planLockPath = (stateDir: string, plan: CleanupPlan) => join(stateDir, `cleanup-${planHash(plan)}.lock`);

/**
 * The lock held while anything under a pipeline prefix of a bucket is deleted, by any
 * plan. Keyed by the bucket and the top-level prefix alone: an orphan prefix, a stale
 * folder in it and a retention item over it all overlap there; and a bucket's name is
 * global, so a plan's account or region (written differently by hand, or by another
 * audit) can never make the same prefix two locks.
 */
export const prefixLockPath = (stateDir: string, bucket: string, prefix: string) =>
  join(
    stateDir,
    `cleanup-prefix-${createHash('sha256')
      .update(`${bucket}/${prefix.split('/')[0]}/`)
      .digest('hex')
      .slice(0, 16)}.lock`,
  );

const Checkpoint = z.strictObject({
  planHash: z.string().max(64),
  done: z.record(z.string().max(512), z.strictObject({ deletedVersions: z.number().int().min(0), deletedBytes: z.number().min(0) })),
});
type Checkpoint = z.infer<typeof Checkpoint>;

/** The checkpoint of an earlier run of this plan, or null; a file that is not one is named, never trusted. */
async function readCheckpoint(path: string, planHash: string): Promise<Checkpoint | null> {
  let checkpoint: Checkpoint;
  try {
    checkpoint = await readJsonFile(path, Checkpoint);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (!(err instanceof JsonFileError)) throw err;
    if (err.kind === 'syntax')
      throw new Error(`The cleanup checkpoint ${path} is ${err.detail}: remove it to start this plan over (deleted versions stay deleted).`);
    throw new Error(`The cleanup checkpoint ${path} is not one Pipewright wrote: ${err.detail}. Remove it to start this plan over.`);
  }
  return checkpoint.planHash === planHash ? checkpoint : null;
}

export function planHash(plan: CleanupPlan): string {
  return createHash('sha256').update(JSON.stringify(plan.items)).digest('hex').slice(0, 16);
}

const MAX_PASSES = 4;

const itemKey = (i: PlanItem) => `${i.accountId}|${i.bucket}|${i.prefix}`;

/**
 * The prefix locks of one run. A lock is taken when the first of the run's items
 * under its prefix starts and released when the last of them ends: the run's own
 * items there (a stale folder beside a retention item) share it, and run side by
 * side as before; another runner's are refused.
 */
class PrefixLocks {
  private entries = new Map<string, { lock: Promise<HeldLock>; users: number }>();
  /** A lock being released: taking it again waits for that, or this run would find itself the holder. */
  private releasing = new Map<string, Promise<void>>();
  /** The locks held now, for the heartbeat. */
  readonly held = new Set<HeldLock>();

  constructor(
    private readonly stateDir: string,
    private readonly holder: { program: string; plan: string },
    private readonly ttlMs: number,
  ) {}

  /** Runs `work` holding the item's prefix lock; throws LockHeldError, and runs nothing, when another runner holds it. */
  async hold<T>(item: PlanItem, work: () => Promise<T>): Promise<T> {
    const path = prefixLockPath(this.stateDir, item.bucket, item.prefix);
    let entry = this.entries.get(path);
    if (!entry) {
      const prefix = `${item.prefix.split('/')[0]}/`;
      const lock = (this.releasing.get(path) ?? Promise.resolve()).then(() =>
        acquireLock(path, { ...this.holder, bucket: item.bucket, prefix }, { ttlMs: this.ttlMs }),
      );
      entry = { lock, users: 0 };
      this.entries.set(path, entry);
    }
    const mine = entry;
    mine.users++;
    try {
      const lock = await mine.lock;
      this.held.add(lock);
      return await work();
    } finally {
      if (--mine.users === 0) {
        this.entries.delete(path);
        const released = mine.lock.then(
          async (lock) => {
            this.held.delete(lock);
            await lock.release().catch(() => undefined);
          },
          () => undefined,
        );
        this.releasing.set(path, released);
        await released;
        if (this.releasing.get(path) === released) this.releasing.delete(path);
      }
    }
  }
}

/** Why an item was left alone: another runner is deleting under its prefix. */
function busyReason(item: PlanItem, err: LockHeldError): string {
  const where = `s3://${item.bucket}/${item.prefix.split('/')[0]}/`;
  return err.holder
    ? `${where} is being deleted by another run, ${describeHolder(err.holder)}: left alone and not counted. Run this plan again once that one has finished, to resume it (lock: ${err.path}).`
    : `${err.message} Left alone and not counted.`;
}

/**
 * Runs a plan, holding its lock for a real run: a second runner of the same plan is
 * refused with LockHeldError (logged), naming the holder. Each item's deletion holds
 * its prefix's lock too: an item whose prefix another run is deleting is skipped
 * (`busy`), naming it. A dry run deletes nothing and takes no lock.
 */
export async function executePlan(plan: CleanupPlan, opts: CleanOptions): Promise<CleanResult> {
  if (opts.dryRun) return runPlan(plan, opts, null);
  const path = planLockPath(opts.stateDir, plan);
  const ttlMs = opts.lockTtlMs ?? PLAN_LOCK_TTL_MS;
  const lock = await acquireLock(path, { program: opts.program ?? 'pipewright', plan: planHash(plan) }, { ttlMs }).catch(async (err: unknown) => {
    if (err instanceof LockHeldError)
      await appendJsonLine(
        opts.auditLog,
        { time: new Date().toISOString(), event: 'refused-busy', reason: err.message, lock: path, holder: err.holder },
        0o600,
      );
    throw err;
  });
  const prefixes = new PrefixLocks(opts.stateDir, { program: opts.program ?? 'pipewright', plan: planHash(plan) }, ttlMs);
  // The heartbeat, for the plan's lock and every prefix lock held: one taken over (from
  // another host, past its expiry) stops this run.
  const lost = new AbortController();
  let lostTo: LockLostError | undefined;
  const heartbeat = setInterval(() => {
    for (const held of [lock, ...prefixes.held])
      held.refresh().catch((err: unknown) => {
        // A refresh that could not write is tried again at the next beat.
        if (!(err instanceof LockLostError)) return;
        lostTo ??= err;
        lost.abort();
      });
  }, ttlMs / 3);
  heartbeat.unref();
  try {
    const result = await runPlan(plan, { ...opts, signal: AbortSignal.any([opts.signal, lost.signal]) }, prefixes);
    if (lostTo) throw lostTo;
    return result;
  } finally {
    clearInterval(heartbeat);
    // A lock left behind (a release that failed) names this pid: taken over once it exits.
    await lock.release().catch(() => undefined);
  }
}

async function runPlan(plan: CleanupPlan, opts: CleanOptions, prefixes: PrefixLocks | null): Promise<CleanResult> {
  const hash = planHash(plan);
  const checkpointPath = join(opts.stateDir, `cleanup-${hash}.json`);
  let checkpoint: Checkpoint = { planHash: hash, done: {} };
  let resumed = false;
  if (!opts.dryRun) {
    const earlier = await readCheckpoint(checkpointPath, hash);
    if (earlier) {
      checkpoint = earlier;
      resumed = Object.keys(checkpoint.done).length > 0;
    }
  }
  await mkdir(dirname(opts.auditLog), { recursive: true });
  // Readable too ('a+'): each append checks the last byte, so an entry never joins a line torn by a crash.
  const log = await open(opts.auditLog, 'a+', 0o600);
  const result: CleanResult = {
    dryRun: opts.dryRun,
    resumed,
    deletedVersions: 0,
    deletedBytes: 0,
    skipped: [],
    failed: [],
    cancelled: false,
    checkpoint: checkpointPath,
    items: [],
    slowDowns: 0,
  };
  const expectedObjects = plan.items.reduce((n, i) => n + i.expected.versions + i.expected.deleteMarkers, 0);
  const expectedBytes = plan.items.reduce((n, i) => n + i.expected.bytes, 0);
  for (const d of Object.values(checkpoint.done)) {
    result.deletedVersions += d.deletedVersions;
    result.deletedBytes += d.deletedBytes;
  }
  const started = Date.now();
  const baseline = result.deletedVersions;
  const report = (item: number, message: string) => {
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? (result.deletedVersions - baseline) / secs : 0;
    const left = expectedObjects - result.deletedVersions;
    opts.onProgress?.({
      item,
      items: plan.items.length,
      objects: result.deletedVersions,
      bytes: result.deletedBytes,
      expectedObjects,
      expectedBytes,
      ratePerSec: rate,
      etaSec: rate > 0 && left > 0 ? left / rate : null,
      message,
    });
  };
  const pool = pLimit(opts.concurrency ?? 8);
  const batchSize = Math.min(1000, opts.batchSize ?? 1000);
  // Each prefix is its own S3 partition with its own write rate: prefixes run side by
  // side, each paced by its own pacer, so one slowed prefix never slows another.
  const pacers = new PrefixPacers();
  const perItemInflight = Math.max(2, (opts.concurrency ?? 8) * 2);

  const skipItem = async (item: PlanItem, reason: string, unverified: boolean, busy?: LockHeldError) => {
    result.skipped.push({ bucket: item.bucket, prefix: item.prefix, reason, unverified, ...(busy ? { busy: true } : {}) });
    await appendLog(log, {
      event: 'skip',
      profile: item.profile,
      accountId: item.accountId,
      bucket: item.bucket,
      prefix: item.prefix,
      reason,
      ...(busy ? { lock: busy.path, holder: busy.holder } : {}),
    });
  };

  // A real run deletes an item only while holding its prefix's lock: taken before the
  // re-check and the listing, so what it lists, deletes and counts no other run touches.
  const cleanItem = async (n: number, item: PlanItem): Promise<void> => {
    if (opts.signal.aborted || checkpoint.done[itemKey(item)]) return;
    if (!prefixes) return deleteItem(n, item);
    try {
      await prefixes.hold(item, () => deleteItem(n, item));
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
      // Not done: a later run (this plan again, or a resume) lists it afresh.
      await skipItem(item, busyReason(item, err), false, err);
    }
  };

  const deleteItem = async (n: number, item: PlanItem): Promise<void> => {
    if (opts.signal.aborted) return;
    const skip = (reason: string, unverified: boolean) => skipItem(item, reason, unverified);
    // A retention item deletes only versions older than its cutoff, judged again here from
    // its own policy and now: a hand-edited cutoff (in the future, inside keepDays) is refused.
    let cutoff = Infinity;
    if (item.retention) {
      try {
        cutoff = retentionCutoffAt(item.retention, Date.now());
      } catch (err) {
        if (!(err instanceof RetentionError)) throw err;
        return skip(`Refused, nothing in it deleted: ${err.message} Make the plan again rather than editing it.`, false);
      }
    }
    // A target that cannot be re-checked (a locked MFA profile, an outage) skips the
    // item, failing closed for it alone: the rest of the plan still runs.
    let unverified = false;
    const reason = await opts.recheck(item).catch((err: unknown) => {
      unverified = true;
      return `Could not re-check before deleting: ${classifyAwsError(err).message}`;
    });
    if (reason) return skip(reason, unverified);
    report(n, `${opts.dryRun ? 'Counting' : 'Deleting'} s3://${item.bucket}/${item.prefix}`);
    const s3 = opts.s3For(item);
    const pacer = pacers.for(item.bucket, item.prefix);
    const keep = new Set(item.keep);
    // A retention item deletes only its listed keys (and only versions older than its cutoff).
    const only = item.keys ? new Set(item.keys) : null;
    let itemVersions = 0;
    let itemBytes = 0;
    // Pass after pass until a listing finds nothing left to delete: listing while
    // deleting can miss a version, and a missed version must never go unreported.
    let passFailures: CleanFailure[] = [];
    for (let pass = 1; pass <= MAX_PASSES && !opts.signal.aborted; pass++) {
      let found = 0;
      passFailures = [];
      const inflight = new Set<Promise<void>>();
      const settled: Array<Promise<void>> = [];
      let listError: unknown;
      try {
        for await (const page of paginateObjectVersions(s3, { Bucket: item.bucket, Prefix: item.prefix, MaxKeys: batchSize }, { signal: opts.signal })) {
          const batch = [
            ...(page.Versions ?? []).map((v) => ({ Key: v.Key!, VersionId: v.VersionId ?? 'null', size: v.Size ?? 0, at: v.LastModified?.getTime() ?? 0 })),
            ...(page.DeleteMarkers ?? []).map((m) => ({ Key: m.Key!, VersionId: m.VersionId ?? 'null', size: 0, at: m.LastModified?.getTime() ?? 0 })),
            // Never a key outside the item, never a foreign-shaped one, never a kept one.
          ].filter((o) => o.Key.startsWith(item.prefix) && ARTIFACT_KEY.test(o.Key) && !keep.has(o.Key) && (!only || (only.has(o.Key) && o.at < cutoff)));
          if (!batch.length) continue;
          found += batch.length;
          if (opts.dryRun) {
            const bytes = batch.reduce((s, o) => s + o.size, 0);
            itemVersions += batch.length;
            itemBytes += bytes;
            result.deletedVersions += batch.length;
            result.deletedBytes += bytes;
            report(n, `Would delete ${result.deletedVersions} versions`);
            continue;
          }
          // Listing never runs far ahead of deleting: memory stays bounded on any prefix.
          while (inflight.size >= perItemInflight) await Promise.race(inflight);
          // The batch's turn at this prefix's pace comes before it takes a worker.
          await pacer.acquire(batch.length, opts.signal);
          const batchDone = pool(async () => {
            if (opts.signal.aborted) return;
            const r = await deleteBatch(s3, item, batch, pacer, opts);
            itemVersions += r.deleted;
            itemBytes += r.bytes;
            result.deletedVersions += r.deleted;
            result.deletedBytes += r.bytes;
            passFailures.push(...r.failed);
            await appendLog(log, {
              event: 'batch',
              profile: item.profile,
              accountId: item.accountId,
              bucket: item.bucket,
              prefix: item.prefix,
              keys: batch.length,
              deleted: r.deleted,
              result: r.failed.length ? (r.deleted ? 'partial' : 'failed') : 'ok',
              ...(r.slowDowns ? { slowDowns: r.slowDowns } : {}),
              errors: r.failed.slice(0, 20).map((f) => ({ key: f.key, versionId: f.versionId, code: f.code })),
            });
            report(n, `Deleting s3://${item.bucket}/${item.prefix}${pacers.slowDowns ? ` (S3 asked to slow down ${pacers.slowDowns} times: paced)` : ''}`);
          });
          // Settled below with allSettled; until then a batch rejected by a cancel must
          // not count as an unhandled rejection while the listing awaits its next page.
          const tracked = batchDone.catch(() => undefined).finally(() => inflight.delete(tracked));
          inflight.add(tracked);
          settled.push(batchDone);
        }
      } catch (err) {
        listError = err;
      }
      // Every batch in flight settles before the run moves on or stops: none outlives it.
      const rejected = (await Promise.allSettled(settled)).find((x): x is PromiseRejectedResult => x.status === 'rejected');
      if (!opts.signal.aborted && (listError || rejected)) throw listError ?? rejected!.reason;

      if (opts.dryRun || found === 0) break;
      if (pass === MAX_PASSES && !passFailures.length)
        passFailures.push({
          bucket: item.bucket,
          key: item.prefix,
          versionId: '*',
          code: 'StillPresent',
          message: `Versions were still listed under the prefix after ${MAX_PASSES} passes.`,
        });
    }
    // Only the last pass's failures stand: an earlier failure may have succeeded later.
    result.failed.push(...passFailures);
    result.items.push({ bucket: item.bucket, prefix: item.prefix, versions: itemVersions, bytes: itemBytes });
    if (opts.dryRun)
      await appendLog(log, {
        event: 'dry-run-item',
        profile: item.profile,
        accountId: item.accountId,
        bucket: item.bucket,
        prefix: item.prefix,
        keys: itemVersions,
        bytes: itemBytes,
        result: 'would delete',
      });
    if (opts.signal.aborted) return;
    // An item with failed keys is not done: a later run lists it again and retries them.
    if (!opts.dryRun && !passFailures.length) {
      checkpoint.done[itemKey(item)] = { deletedVersions: itemVersions, deletedBytes: itemBytes };
      await saveCheckpoint();
    }
  };
  // Checkpoint writes are chained: items finishing together never interleave their files.
  let saving: Promise<void> = Promise.resolve();
  const saveCheckpoint = () => (saving = saving.then(() => writeFileAtomic(checkpointPath, JSON.stringify(checkpoint))));

  try {
    const items = pLimit(Math.max(1, opts.prefixConcurrency ?? 4));
    // The first error stops the plan: items not started yet never start.
    let failure: { error: unknown } | undefined;
    await Promise.all(
      plan.items.map((item, n) =>
        items(async () => {
          if (failure) return;
          await cleanItem(n, item).catch((error: unknown) => {
            failure ??= { error };
          });
        }),
      ),
    );
    if (failure) throw failure.error;
  } catch (err) {
    if (!opts.signal.aborted) throw err;
  } finally {
    result.cancelled = opts.signal.aborted;
    result.slowDowns = pacers.slowDowns;
    // A dry run is logged as one, so the log never reads as if something was deleted.
    await appendLog(log, {
      event: `${opts.dryRun ? 'dry-run-' : ''}${result.cancelled ? 'cancelled' : 'finished'}`,
      dryRun: opts.dryRun,
      deletedVersions: result.deletedVersions,
      deletedBytes: result.deletedBytes,
      failed: result.failed.length,
      skipped: result.skipped.length,
    });
    await log.close();
  }
  // A finished run leaves no checkpoint; a cancelled or partly failed one keeps it for resume.
  if (!opts.dryRun && !result.cancelled && !result.failed.length) await rm(checkpointPath, { force: true });
  report(plan.items.length, result.cancelled ? 'Cancelled' : 'Done');
  return result;
}

async function deleteBatch(
  s3: S3Client,
  item: PlanItem,
  batch: Array<{ Key: string; VersionId: string; size: number }>,
  pacer: PrefixPacer,
  opts: CleanOptions,
) {
  let pending = batch;
  let deleted = 0;
  let bytes = 0;
  let slowDowns = 0;
  let failed: CleanFailure[] = [];
  const id = (key: string | undefined, versionId: string | undefined) => `${key}\u0000${versionId ?? 'null'}`;
  // `attempt` counts requests S3 answered (or that failed past the SDK's retries); a
  // SlowDown is not one of them. The caller took this batch's first turn at the pace.
  let paced = true;
  for (let attempt = 0; pending.length && attempt <= (opts.keyRetries ?? 4);) {
    if (!paced) await pacer.acquire(pending.length, opts.signal);
    paced = false;
    try {
      const r = await deleteVersions(s3, item.bucket, pending, opts.signal);
      // Deleted is what S3 confirmed, of what this runner listed just before (the batch
      // comes from its listing, under the prefix's lock): only that counts, each version
      // once (a confirmed one leaves `pending`). A key S3 refused (Errors) or did not
      // answer for is not deleted, and is sent again.
      const confirmed = new Set((r.Deleted ?? []).map((d) => id(d.Key, d.VersionId)));
      const errors = new Map((r.Errors ?? []).map((e) => [id(e.Key, e.VersionId), e]));
      const left: typeof pending = [];
      failed = [];
      for (const o of pending) {
        if (confirmed.has(id(o.Key, o.VersionId))) {
          deleted++;
          bytes += o.size;
          continue;
        }
        left.push(o);
        const e = errors.get(id(o.Key, o.VersionId));
        failed.push({
          bucket: item.bucket,
          key: o.Key,
          versionId: o.VersionId,
          code: e ? (e.Code ?? 'Error') : 'NotConfirmed',
          message: e ? (e.Message ?? '') : 'S3 answered without confirming or refusing this delete.',
        });
      }
      pending = left;
    } catch (err) {
      if (opts.signal.aborted) throw err;
      if (err instanceof SlowDownError) {
        // Throttling is never a key's failure: the pace drops and the batch waits its turn
        // again, as often as it takes (a cancel stops it).
        slowDowns++;
        pacer.slowDown();
        continue;
      }
      // The whole request failed after the SDK's own retries: every key stays pending.
      const c = classifyAwsError(err);
      failed = pending.map((o) => ({ bucket: item.bucket, key: o.Key, versionId: o.VersionId, code: c.code, message: c.message }));
    }
    attempt++;
    if (pending.length && attempt <= (opts.keyRetries ?? 4)) await delay((opts.retryBaseMs ?? 100) * 2 ** (attempt - 1), undefined, { signal: opts.signal });
  }
  return { deleted, bytes, failed, slowDowns };
}

async function appendLog(log: FileHandle, entry: Record<string, unknown>): Promise<void> {
  await appendLine(log, JSON.stringify({ time: new Date().toISOString(), ...entry }));
  await log.datasync();
}
