// Issue 23, item 11: "Two cleanups of the same plan (app and CLI, or two resumes)
// run side by side. Each claims the deletions: 81,716 reported for 42,858 real."
// S3 answers a delete of a version already gone as deleted, so each runner counted
// every version. A plan has one runner at a time: a lock file beside its checkpoint
// names the holder, and a second runner is refused, naming it; and only what S3
// confirmed deleted is counted. Two runners of one plan side by side through the
// service, against the sandbox with DeleteObjects slowed, the bucket listed before
// and after; the built CLI's runs are in test/cli/hardening-item-11-one-runner-per-plan.test.ts.
// Red-team finding 3: "two different plans over the same prefix run side by side and
// report double […] the lock is named after a hash of the whole item list." Each
// item's deletion now holds its pipeline prefix's lock, whichever plan names it: the
// other plan's item there is skipped, naming the holder, and counted by nobody twice.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { hostname, uptime } from 'node:os';
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { startServices } from '../helpers/services';
import { confirmedCleanup } from '../helpers/confirm';
import { Settings } from '../../src/shared/api/settings';
import { AppError } from '../../src/shared/api/errors';
import { PLAN_VERSION, type CleanupPlan, type CleanResult } from '../../src/shared/artifacts/plan';
import { executePlan, planLockPath, prefixLockPath, type CleanOptions } from '../../src/main/artifacts/cleanup-executor';
import type { ArtifactsService } from '../../src/main/artifacts/service';
import type { Sandbox } from '../../src/sandbox/sandbox';

const DEV = '111111111111';
const BUCKET = 'item11-artifacts';
const PREFIX = 'gone-pipeline/';
const NONE = { throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, latencyMs: 0, jitterMs: 0, deleteErrorRate: 0 };

let services: Awaited<ReturnType<typeof startServices>>;
let sb: Sandbox;
let artifacts: ArtifactsService;
let home: string;

beforeAll(async () => {
  services = await startServices({ seed: 'empty', settings: Settings.parse({ workspace: { profiles: ['sandbox-dev'], regions: ['us-east-1'] } }) });
  ({ sb, home } = services);
  artifacts = services.artifacts();
});
afterAll(() => services.stop());
beforeEach(() => {
  sb.faults.clear();
  rmSync(artifacts.auditLogPath, { force: true });
});

/** An orphan prefix of `keys` keys, two versions each. */
function plant(keys: number) {
  if (sb.s3.buckets.has(BUCKET)) sb.s3.buckets.delete(BUCKET);
  const b = sb.s3.createBucket(BUCKET, DEV, 'us-east-1');
  b.versioning = 'Enabled';
  for (let i = 0; i < keys; i++) {
    const key = `${PREFIX}BuildArtif/K${String(i).padStart(6, '0')}`;
    sb.s3.putObject(b, key, Buffer.from('v1'));
    sb.s3.putObject(b, key, Buffer.from('v2'));
  }
}
/** Every version under the prefix, listed from the sandbox's store. */
const versions = () => [...(sb.s3.buckets.get(BUCKET)?.objects.entries() ?? [])].filter(([k]) => k.startsWith(PREFIX)).reduce((n, [, vs]) => n + vs.length, 0);

const plan: CleanupPlan = {
  version: PLAN_VERSION,
  createdAt: '2026-11-01T00:00:00.000Z',
  auditedAt: '2026-11-01T00:00:00.000Z',
  items: [
    {
      profile: 'sandbox-dev',
      accountId: DEV,
      accountAlias: 'sandbox-dev',
      region: 'us-east-1',
      bucket: BUCKET,
      prefix: PREFIX,
      class: 'orphan',
      reason: 'test',
      expected: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0 },
      keep: [],
    },
  ],
};

/** A real run through the service, as the app (`program: 'app'`) or the CLI runs it: small batches, one at a time. */
const clean = (program: string, onProgress?: (objects: number) => void, dryRun = false, which = plan) =>
  artifacts.clean(which, {
    against: 'unchecked',
    confirmed: dryRun ? null : confirmedCleanup(which),
    dryRun,
    signal: new AbortController().signal,
    program,
    batchSize: 100,
    concurrency: 1,
    retryBaseMs: 1,
    onProgress: (p) => onProgress?.(p.objects),
  });

const logged = () =>
  readFileSync(artifacts.auditLogPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const devS3 = () =>
  services.accounts.clients.s3(
    services.accounts.profiles().find((p) => p.name === 'sandbox-dev')!,
    'us-east-1',
  );

/** The executor on its own, with this client. */
const execute = (s3: S3Client, over: Partial<CleanOptions> = {}) =>
  executePlan(plan, {
    s3For: () => s3,
    recheck: async () => null,
    dryRun: false,
    signal: new AbortController().signal,
    stateDir: home,
    auditLog: artifacts.auditLogPath,
    retryBaseMs: 1,
    ...over,
  });

describe('hardening item 11: one runner per plan', () => {
  it('a second runner of the same plan is refused, naming the first; the deletions are counted once', async () => {
    plant(1500);
    const before = versions();
    expect(before).toBe(3000);
    // Each DeleteObjects takes 30 ms: the first run is deleting for about a second.
    sb.faults.set([{ ...NONE, service: 's3', operation: 'DeleteObjects', latencyMs: 30 }]);
    let started!: () => void;
    const deleting = new Promise<void>((r) => (started = r));
    const first = clean('app', (objects) => objects > 0 && started());
    await deleting;
    const both = Promise.allSettled([first, clean('cli')]);
    // A dry run deletes nothing and takes no lock: it runs beside them.
    const dry = await clean('cli', undefined, true);
    expect(dry.dryRun).toBe(true);
    const results = await both;
    const reported = results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value.deletedVersions : 0), 0);
    const removed = before - versions();

    expect(removed).toBe(3000);
    expect(reported).toBe(removed);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { deletedVersions: 3000, failed: [], cancelled: false } });
    const refusal = results[1].status === 'rejected' ? (results[1].reason as AppError) : null;
    expect(refusal).toBeInstanceOf(AppError);
    const lock = planLockPath(home, plan);
    expect(refusal).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        new RegExp(
          `^This plan is already being run by app \\(pid ${process.pid} on ${hostname()}, since \\S+\\): one run of a plan at a time, and this one did nothing\\. Run it again once that one has finished, to resume anything left \\(lock: ${lock.replaceAll('/', '\\/')}\\)\\.$`,
        ),
      ),
      details: { lock, holder: { program: 'app', pid: process.pid, host: hostname(), plan: expect.any(String) } },
    });
    // The refusal is in the audit log, with the holder; the lock is gone with its holder.
    expect(logged().filter((l) => l.event === 'refused-busy')).toEqual([
      {
        time: expect.any(String),
        event: 'refused-busy',
        reason: expect.stringContaining(`is held by app (pid ${process.pid} on ${hostname()}`),
        lock,
        holder: expect.objectContaining({ program: 'app', pid: process.pid }),
      },
    ]);
    expect(existsSync(lock)).toBe(false);

    // Running it again now (a resume) is allowed, and finds nothing left to count.
    const again = await clean('cli');
    expect(again.deletedVersions).toBe(0);
  });

  it('a lock left by a holder that crashed is taken over; one whose holder lives is not, though its heartbeat is minutes old', async () => {
    plant(10);
    const lock = planLockPath(home, plan);
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    // Started since this machine booted, its heartbeat stopped four expiries ago (a laptop that slept): fewer than the ten that say its pid was reused.
    const minutesAgo = (m: number) => new Date(Math.max(Date.now() - uptime() * 1000, Date.now() - m * 60_000)).toISOString();
    const holder = { program: 'cli', host: hostname(), startedAt: minutesAgo(5), expiresAt: minutesAgo(4), token: 'x' };
    writeFileSync(lock, JSON.stringify({ ...holder, pid: process.ppid }));
    await expect(clean('app')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`already being run by cli (pid ${process.ppid} on`),
    });
    expect(versions()).toBe(20);
    writeFileSync(lock, JSON.stringify({ ...holder, pid: child.pid }));
    const r = await clean('app');
    expect(r.deletedVersions).toBe(20);
    expect(versions()).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('a run whose lock is taken over (its heartbeat found another holder) stops', async () => {
    plant(400);
    sb.faults.set([{ ...NONE, service: 's3', operation: 'DeleteObjects', latencyMs: 30 }]);
    const lock = planLockPath(home, plan);
    const thief = {
      program: 'cli',
      pid: process.ppid,
      host: 'elsewhere',
      startedAt: '2026-11-01T00:00:00.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
      token: 'thief',
    };
    const run = execute(devS3(), {
      batchSize: 50,
      concurrency: 1,
      lockTtlMs: 150,
      onProgress: (p) =>
        p.objects > 0 && existsSync(lock) && JSON.parse(readFileSync(lock, 'utf8')).token !== 'thief' && writeFileSync(lock, JSON.stringify(thief)),
    });
    await expect(run).rejects.toMatchObject({
      name: 'LockLostError',
      message: `${lock} was taken over by cli (pid ${process.ppid} on elsewhere, since 2026-11-01T00:00:00.000Z).`,
    });
    expect(versions()).toBeGreaterThan(0);
    expect(logged().at(-1)).toMatchObject({ event: 'cancelled' });
    // The thief's lock is left as it is.
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toEqual(thief);
    rmSync(lock);
  });
});

describe('hardening item 11: only what S3 confirmed counts', () => {
  it('a key a DeleteObjects answer does not confirm is not counted until S3 confirms it', async () => {
    plant(50);
    const before = versions();
    const client = devS3();
    const send = client.send.bind(client) as (c: unknown, o?: unknown) => Promise<unknown>;
    let dropped = 0;
    // The first request reaches S3 without its first key: S3 neither deletes it nor answers for it.
    (client as { send: unknown }).send = (command: unknown, options?: unknown) => {
      if (command instanceof DeleteObjectsCommand && !dropped) {
        dropped = 1;
        command.input.Delete!.Objects = command.input.Delete!.Objects!.slice(1);
      }
      return send(command, options);
    };
    const r: CleanResult = await execute(client, { keyRetries: 0 });
    const removed = before - versions();
    expect(removed).toBe(100);
    expect(r.deletedVersions).toBe(removed);
    expect(r.failed).toEqual([]);
    // The batch said what S3 confirmed: all but the one it never heard of.
    const batches = logged().filter((l) => l.event === 'batch');
    expect(batches.map((b) => [b.keys, b.deleted, b.result])).toEqual([
      [100, 99, 'partial'],
      [1, 1, 'ok'],
    ]);
    expect(batches[0].errors).toEqual([{ key: expect.stringMatching(/^gone-pipeline\/BuildArtif\/K/), versionId: expect.any(String), code: 'NotConfirmed' }]);
  });

  it('keys S3 answers with per-key Errors are failures, never counted as deleted', async () => {
    plant(100);
    const before = versions();
    sb.faults.set([{ ...NONE, service: 's3', operation: 'DeleteObjects', deleteErrorRate: 0.5 }]);
    const r = await execute(devS3(), { keyRetries: 0 });
    sb.faults.clear();
    const left = versions();
    expect(r.deletedVersions).toBe(before - left);
    expect(r.deletedVersions).toBeGreaterThan(0);
    // Every version still there is a failure (of the last pass), named with S3's error.
    expect(r.failed).toHaveLength(left);
    expect(left).toBeGreaterThan(0); // half the keys fail: the loop below has failures to check
    const present = sb.s3.buckets.get(BUCKET)!.objects;
    for (const f of r.failed) {
      expect(f.code).toBe('InternalError');
      expect(present.get(f.key)?.some((v) => v.versionId === f.versionId)).toBe(true);
    }
    const batches = logged().filter((l) => l.event === 'batch');
    expect(batches.reduce((n, b) => n + (b.deleted as number), 0)).toBe(before - left);
  });
});

describe('hardening item 11: one deleter per prefix, whichever plan names it', () => {
  it('an orphan prefix and, from another audit, a stale folder in it: the second is left alone naming the first; counted once', async () => {
    plant(1500);
    const before = versions();
    const stale: CleanupPlan = {
      ...plan,
      auditedAt: '2026-11-02T00:00:00.000Z',
      items: [{ ...plan.items[0], prefix: `${PREFIX}BuildArtif/`, class: 'stale', reason: 'gone-pipeline no longer produces BuildArtif…' }],
    };
    sb.faults.set([{ ...NONE, service: 's3', operation: 'DeleteObjects', latencyMs: 30 }]);
    let started!: () => void;
    const deleting = new Promise<void>((r) => (started = r));
    const first = clean('app', (objects) => objects > 0 && started());
    await deleting;
    const second = await clean('cli', undefined, false, stale);
    const done = await first;
    const removed = before - versions();

    expect(removed).toBe(3000);
    expect(done.deletedVersions + second.deletedVersions).toBe(removed);
    expect(done).toMatchObject({ deletedVersions: 3000, skipped: [], failed: [] });
    const lock = prefixLockPath(home, BUCKET, PREFIX);
    expect(second).toMatchObject({ deletedVersions: 0, failed: [], cancelled: false });
    expect(second.skipped).toEqual([
      {
        bucket: BUCKET,
        prefix: `${PREFIX}BuildArtif/`,
        reason: expect.stringMatching(
          new RegExp(
            `^s3://${BUCKET}/${PREFIX} is being deleted by another run, app \\(pid ${process.pid} on ${hostname()}, since \\S+\\): left alone and not counted\\. Run this plan again once that one has finished, to resume it \\(lock: ${lock.replaceAll('/', '\\/')}\\)\\.$`,
          ),
        ),
        unverified: false,
        busy: true,
      },
    ]);
    // The skip is in the audit log with the lock and its holder; no lock is left behind.
    expect(logged().filter((l) => l.event === 'skip')).toEqual([
      expect.objectContaining({
        prefix: `${PREFIX}BuildArtif/`,
        lock,
        holder: expect.objectContaining({ program: 'app', pid: process.pid, bucket: BUCKET, prefix: PREFIX }),
      }),
    ]);
    expect(existsSync(lock)).toBe(false);
  });

  it("one plan's items under one prefix share its lock: both run, none is refused by its own run", async () => {
    plant(100);
    const b = sb.s3.buckets.get(BUCKET)!;
    for (let i = 0; i < 100; i++) sb.s3.putObject(b, `${PREFIX}SourceArti/S${String(i).padStart(6, '0')}`, Buffer.from('s'));
    const folders: CleanupPlan = {
      ...plan,
      items: ['BuildArtif', 'SourceArti'].map((folder) => ({ ...plan.items[0], prefix: `${PREFIX}${folder}/`, class: 'stale' as const })),
    };
    const r = await executePlan(folders, {
      s3For: () => devS3(),
      recheck: async () => null,
      dryRun: false,
      signal: new AbortController().signal,
      stateDir: home,
      auditLog: artifacts.auditLogPath,
      retryBaseMs: 1,
      prefixConcurrency: 2,
    });
    expect(r).toMatchObject({ deletedVersions: 300, skipped: [], failed: [] });
    expect(versions()).toBe(0);
    expect(existsSync(prefixLockPath(home, BUCKET, PREFIX))).toBe(false);
  });
});
