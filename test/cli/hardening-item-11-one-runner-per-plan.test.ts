// Issue 23, item 11, as a user runs it: "Two cleanups of the same plan (app and CLI,
// or two resumes) run side by side. Each claims the deletions: 81,716 reported for
// 42,858 real." Two `artifacts clean --plan` processes of one plan, and the app (the
// services in this process, on the CLI's home) beside the CLI, against the sandbox
// with DeleteObjects slowed: the second runner is refused (exit 3), naming the one
// that holds the plan, and what is reported deleted is what left the bucket.
// Red-team finding 3: "two different plans over the same prefix run side by side and
// report double: a second plan identical except the item's reason; both clean --yes
// at once → both exit 0, 8000 reported for 4000 removed." The lock was named after a
// hash of the whole item list. Expected: the prefix being deleted has one deleter, by
// a lock of its own; the other plan's item is left alone, naming the holder (exit 3),
// and what is reported deleted is what left the bucket.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { confirmedCleanup } from '../helpers/confirm';
import { composeServices } from '../../src/main/compose';
import { SandboxService } from '../../src/main/app/sandbox-service';
import { Settings } from '../../src/shared/api/settings';
import { PLAN_VERSION, type CleanupPlan } from '../../src/shared/artifacts/plan';
import { planLockPath, prefixLockPath } from '../../src/main/artifacts/cleanup-executor';

const DEV = '111111111111';
const BUCKET = 'item11-cli-artifacts';
const PREFIX = 'gone-pipeline/';
const NONE = { throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, latencyMs: 0, jitterMs: 0, deleteErrorRate: 0 };

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
let planFile: string;
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
      expected: { objects: 2000, versions: 4000, deleteMarkers: 0, bytes: 0 },
      keep: [],
    },
  ],
};
const cleanArgs = () => ['artifacts', 'clean', '--plan', planFile, '--yes', '--confirm-account', DEV];

beforeAll(async () => {
  h = await cliWithSandbox('item11', { seed: 'empty' });
  planFile = join(h.dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan, null, 2));
});
afterAll(() => h?.stop());
afterEach(() => h.env.sb.faults.clear());

/** 2,000 keys of two versions each under the plan's orphan prefix, and every DeleteObjects slowed to `latencyMs`. */
function plant(latencyMs: number) {
  const sb = h.env.sb;
  if (sb.s3.buckets.has(BUCKET)) sb.s3.buckets.delete(BUCKET);
  const b = sb.s3.createBucket(BUCKET, DEV, 'us-east-1');
  b.versioning = 'Enabled';
  for (let i = 0; i < 2000; i++) {
    const key = `${PREFIX}BuildArtif/K${String(i).padStart(6, '0')}`;
    sb.s3.putObject(b, key, Buffer.from('v1'));
    sb.s3.putObject(b, key, Buffer.from('v2'));
  }
  sb.faults.set([{ ...NONE, service: 's3', operation: 'DeleteObjects', latencyMs }]);
}
const versions = () => [...(h.env.sb.s3.buckets.get(BUCKET)?.objects.values() ?? [])].reduce((n, vs) => n + vs.length, 0);
const reportedDeleted = (out: string) => Number(/deleted (\d+) versions and delete markers/.exec(out)?.[1] ?? 0);

/** `artifacts clean` of `args` (the plan's by default) in the background: its exit code and output once it ends. */
function startClean(args = cleanArgs()) {
  const child = spawn(process.execPath, ['bin/pipewright.js', ...args], { env: h.cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ code: number; out: string; err: string }>((r) => child.once('exit', (code) => r({ code: code ?? -1, out, err })));
  return { pid: child.pid!, done };
}

/** Until the sandbox has listed the prefix for a runner: its first DeleteObjects is then on its way. */
async function deleting(since: number) {
  await vi.waitFor(() => expect(h.env.sb.logEntries(since).some((e) => e.operation === 'ListObjectVersions')).toBe(true), { timeout: 30_000, interval: 20 });
}

/** The app: the services composed as the app composes them, on the CLI's home and AWS config. */
async function app() {
  const saved = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE };
  Object.assign(process.env, { AWS_CONFIG_FILE: h.cliEnv.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: h.cliEnv.AWS_SHARED_CREDENTIALS_FILE });
  const services = composeServices({ home: h.cliEnv.PIPEWRIGHT_HOME!, settings: () => Settings.parse({}), sandbox: new SandboxService() });
  await services.accounts.reload();
  return {
    clean: () =>
      services.artifacts.clean(plan, {
        against: 'unchecked',
        confirmed: confirmedCleanup(plan),
        dryRun: false,
        signal: new AbortController().signal,
        program: 'app',
      }),
    stop() {
      void services.dispose();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

describe('hardening item 11: two cleanups of one plan side by side', () => {
  it('two CLI runs: the second exits 3 naming the first; the deletions are counted once', async () => {
    plant(3000);
    const before = versions();
    const since = h.env.sb.logEntries().at(-1)?.seq ?? 0;
    const first = startClean();
    await deleting(since);
    const second = await runCli(cleanArgs(), h.cliEnv);
    const done = await first.done;
    const removed = before - versions();

    expect(removed).toBe(4000);
    expect(reportedDeleted(done.out) + reportedDeleted(second.out)).toBe(removed);
    expect(done.code).toBe(0);
    expect(second.code).toBe(3);
    expect(second.err).toMatch(
      new RegExp(
        `This plan is already being run by pipewright cli \\(pid ${first.pid} on ${hostname()}, since \\S+\\): one run of a plan at a time, and this one did nothing\\. Run it again once that one has finished, to resume anything left \\(lock: ${planLockPath(h.cliEnv.PIPEWRIGHT_HOME!, plan).replaceAll('/', '\\/')}\\)\\.`,
      ),
    );
    expect(second.out).toBe('');
    expect(existsSync(planLockPath(h.cliEnv.PIPEWRIGHT_HOME!, plan))).toBe(false);
  }, 90_000);

  it('the app and the CLI: whichever runs second is refused, naming the other', async () => {
    const theApp = await app();
    try {
      plant(3000);
      let before = versions();
      let since = h.env.sb.logEntries().at(-1)?.seq ?? 0;
      const running = theApp.clean();
      await deleting(since);
      const cli = await runCli(cleanArgs(), h.cliEnv);
      const r = await running;
      expect(r.deletedVersions + reportedDeleted(cli.out)).toBe(before - versions());
      expect(cli.code).toBe(3);
      expect(cli.err).toContain(`This plan is already being run by app (pid ${process.pid} on ${hostname()}, since `);

      plant(3000);
      before = versions();
      since = h.env.sb.logEntries().at(-1)?.seq ?? 0;
      const first = startClean();
      await deleting(since);
      const refused = await theApp.clean().then(
        (x) => x,
        (e: unknown) => e as Error,
      );
      const done = await first.done;
      expect(done.code).toBe(0);
      expect(reportedDeleted(done.out) + (refused instanceof Error ? 0 : refused.deletedVersions)).toBe(before - versions());
      expect(refused).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining(`This plan is already being run by pipewright cli (pid ${first.pid} on ${hostname()}, since `),
      });
    } finally {
      theApp.stop();
    }
  }, 90_000);
});

describe('hardening item 11: two different plans over one prefix side by side', () => {
  it('a second plan differing only in the reason: its item is left alone naming the first (exit 3); the deletions are counted once', async () => {
    const planB = structuredClone(plan);
    planB.items[0].reason = 'test, made again';
    const fileB = join(h.dir, 'plan-b.json');
    writeFileSync(fileB, JSON.stringify(planB, null, 2));
    plant(1500);
    const before = versions();
    const since = h.env.sb.logEntries().at(-1)?.seq ?? 0;
    const first = startClean();
    await deleting(since);
    const second = startClean(['artifacts', 'clean', '--plan', fileB, '--yes', '--confirm-account', DEV]);
    const [a, b] = await Promise.all([first.done, second.done]);
    const removed = before - versions();

    expect(removed).toBe(4000);
    expect(reportedDeleted(a.out) + reportedDeleted(b.out)).toBe(removed);
    expect(a.code).toBe(0);
    expect(reportedDeleted(a.out)).toBe(4000);
    expect(b.code).toBe(3);
    const lock = prefixLockPath(h.cliEnv.PIPEWRIGHT_HOME!, BUCKET, PREFIX);
    expect(b.out).toMatch(
      new RegExp(
        `^skipped s3://${BUCKET}/${PREFIX}: s3://${BUCKET}/${PREFIX} is being deleted by another run, pipewright cli \\(pid ${first.pid} on ${hostname()}, since \\S+\\): left alone and not counted\\. Run this plan again once that one has finished, to resume it \\(lock: ${lock.replaceAll('/', '\\/')}\\)\\.$`,
        'm',
      ),
    );
    expect(b.out).toContain('deleted 0 versions and delete markers');
    expect(b.out).toContain(
      'Another run was deleting under some prefixes, which were left alone: run the same command again once it has finished, to resume them.',
    );
    expect(existsSync(lock)).toBe(false);

    // Run again once the first has finished, the second plan finds nothing left, and says so.
    const again = await runCli(['artifacts', 'clean', '--plan', fileB, '--yes', '--confirm-account', DEV], h.cliEnv);
    expect(again.code).toBe(0);
    expect(reportedDeleted(again.out)).toBe(0);
  }, 90_000);
});
