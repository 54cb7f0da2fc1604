// Issue 23, item 8: "A hand-edited retention plan deleted a recent successful run's
// artifacts. Without --report, the executor trusts the item's cutoff: keepDays: 1
// with a cutoff in 2099 deleted keys minutes old." At the moment of deleting, the
// executor re-derives the cutoff from the item's own policy and now, and refuses one
// in the future or one that contradicts keepDays (nothing deleted, the reason in the
// result and the audit log); and the deletion guard re-checks "keep the last K
// successes" live, all K, not only the latest.
// A plan file edited by hand, read back as `artifacts clean --plan` reads it, run
// through the service (the executor and the deletion guard) against the sandbox. The
// built CLI's run of the same reproduction is test/cli/hardening-item-08-retention-cutoff.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startServices } from '../helpers/services';
import { simplePipeline } from '../helpers/pipelines';
import { confirmedCleanup } from '../helpers/confirm';
import { Settings } from '../../src/shared/api/settings';
import { parsePlan, PLAN_VERSION, type CleanupPlan, type PlanItem } from '../../src/shared/artifacts/plan';
import { RetentionError, retentionCutoffAt } from '../../src/shared/artifacts/retention';
import { executePlan } from '../../src/main/artifacts/cleanup-executor';
import type { ArtifactsService } from '../../src/main/artifacts/service';
import type { Sandbox } from '../../src/sandbox/sandbox';

const DAY = 86_400_000;
const DEV = '111111111111';
const BUCKET = 'item08-artifacts';
const PIPELINE = 'item08-pipeline';

describe('retentionCutoffAt: the cutoff judged again from the policy and now', () => {
  const NOW = Date.parse('2026-11-23T00:00:00.000Z');
  const at = (cutoff: number | string, keepDays = 7, keepLast = 3) =>
    retentionCutoffAt({ keepLast, keepDays, cutoff: typeof cutoff === 'string' ? cutoff : new Date(cutoff).toISOString() }, NOW);
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      expect(err).toBeInstanceOf(RetentionError);
      return (err as Error).message;
    }
    throw new Error('not refused');
  };

  it('accepts a cutoff at or before now less keepDays, and returns the plan’s own (the earlier)', () => {
    expect(at(NOW - 7 * DAY)).toBe(NOW - 7 * DAY);
    expect(at(NOW - 30 * DAY)).toBe(NOW - 30 * DAY);
    expect(at(NOW - DAY, 1)).toBe(NOW - DAY);
  });

  it('refuses one a millisecond inside the keepDays window, naming both', () => {
    expect(refusal(() => at(NOW - 7 * DAY + 1))).toBe(
      'The cutoff 2026-11-16T00:00:00.001Z is later than keepDays (7 days) allows, 2026-11-16T00:00:00.000Z now: it would delete artifacts younger than 7 days.',
    );
    expect(refusal(() => at(NOW, 1))).toBe(
      'The cutoff 2026-11-23T00:00:00.000Z is later than keepDays (1 day) allows, 2026-11-22T00:00:00.000Z now: it would delete artifacts younger than 1 day.',
    );
  });

  it('refuses one in the future, from a millisecond on', () => {
    expect(refusal(() => at(NOW + 1, 1))).toBe('The cutoff 2026-11-23T00:00:00.001Z is in the future: it would delete artifacts of any age.');
    expect(refusal(() => at('2099-01-01T00:00:00.000Z', 1))).toBe(
      'The cutoff 2099-01-01T00:00:00.000Z is in the future: it would delete artifacts of any age.',
    );
  });

  it('refuses a cutoff that is not a date, and a policy outside the rules', () => {
    expect(refusal(() => at('soon'))).toBe('The cutoff "soon" is not a date.');
    expect(refusal(() => at(NOW - 30 * DAY, 7, 0))).toBe('Keep at least the last successful execution: it is always kept.');
    expect(refusal(() => at(NOW - 30 * DAY, 7, 11))).toMatch(/^Keep at most the last 10 successful executions/);
    expect(refusal(() => at(NOW - 30 * DAY, 0.5))).toBe('Keep at least a day of artifacts: younger ones may belong to running executions.');
    expect(refusal(() => at(NOW - 30 * DAY, 1.5))).toBe('Keep whole days.');
  });
});

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
  sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'DeletePipeline', body: { name: PIPELINE } });
  if (sb.s3.buckets.has(BUCKET)) sb.s3.buckets.delete(BUCKET);
  sb.s3.createBucket(BUCKET, DEV, 'us-east-1').versioning = 'Enabled';
});

/** A live pipeline with `n` successful executions: the keys each wrote, oldest first. */
async function successes(n: number): Promise<string[][]> {
  const b = sb.s3.buckets.get(BUCKET)!;
  sb.config.startOnCreate = false;
  sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'CreatePipeline', body: { pipeline: simplePipeline(PIPELINE, BUCKET) } });
  const runs: string[][] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Set(b.objects.keys());
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'StartPipelineExecution', body: { name: PIPELINE } });
    await sb.executor.settled();
    runs.push([...b.objects.keys()].filter((k) => !seen.has(k)));
    expect(runs[i].length).toBeGreaterThan(0);
    // Executions apart in time, so newest-first is one order.
    await delay(5);
  }
  return runs;
}

/** Every version of the bucket now as `daysAgo` days old (the executions ran just now). */
function age(daysAgo: number) {
  for (const versions of sb.s3.buckets.get(BUCKET)!.objects.values()) for (const v of versions) v.lastModified = Date.now() - daysAgo * DAY;
}

const ledger = () => Object.fromEntries([...sb.s3.buckets.get(BUCKET)!.objects.entries()].map(([k, vs]) => [k, vs.map((v) => v.versionId).sort()]));

/** A plan file as a person edited it, read back as `artifacts clean --plan` reads it. */
function editedPlan(retention: NonNullable<PlanItem['retention']>, keys: string[]): CleanupPlan {
  const plan = {
    version: PLAN_VERSION,
    createdAt: new Date().toISOString(),
    auditedAt: new Date().toISOString(),
    items: [
      {
        profile: 'sandbox-dev',
        accountId: DEV,
        accountAlias: 'sandbox-dev',
        region: 'us-east-1',
        bucket: BUCKET,
        prefix: `${PIPELINE}/`,
        class: 'retention',
        reason: 'Retention for item08-pipeline',
        expected: { objects: keys.length, versions: keys.length, deleteMarkers: 0, bytes: 0 },
        keep: [],
        keys,
        retention,
      },
    ],
  };
  const file = join(home, 'edited-plan.json');
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return parsePlan(readFileSync(file, 'utf8'));
}

/** As `artifacts clean --plan … --yes` without --report: unchecked against an audit, confirmed. */
const clean = (plan: CleanupPlan, dryRun = false) =>
  artifacts.clean(plan, {
    against: 'unchecked',
    confirmed: dryRun ? null : confirmedCleanup(plan),
    dryRun,
    signal: new AbortController().signal,
    retryBaseMs: 1,
  });

const logged = () =>
  readFileSync(artifacts.auditLogPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a hand-edited retention cutoff', () => {
  it('keepDays 1 with a cutoff in 2099 is refused: the keys minutes old stay, and the refusal is reported and logged', async () => {
    const [first, second] = await successes(3);
    const before = ledger();
    const plan = editedPlan({ keepLast: 1, keepDays: 1, cutoff: '2099-01-01T00:00:00.000Z' }, [...first, ...second]);
    const reason =
      'Refused, nothing in it deleted: The cutoff 2099-01-01T00:00:00.000Z is in the future: it would delete artifacts of any age. Make the plan again rather than editing it.';
    for (const dryRun of [true, false]) {
      const seq = sb.logEntries().at(-1)?.seq ?? 0;
      const r = await clean(plan, dryRun);
      expect(r.deletedVersions).toBe(0);
      expect(ledger()).toEqual(before);
      expect(r.skipped).toEqual([{ bucket: BUCKET, prefix: `${PIPELINE}/`, reason, unverified: false }]);
      expect(r.failed).toEqual([]);
      // Refused before the re-check: neither S3 nor CodePipeline was asked anything for it.
      expect(sb.logEntries().filter((e) => e.seq > seq && (e.service === 's3' || e.service === 'codepipeline'))).toEqual([]);
    }
    const skips = logged().filter((l) => l.event === 'skip');
    expect(skips).toHaveLength(2);
    expect(skips[1]).toEqual({
      time: expect.any(String),
      event: 'skip',
      profile: 'sandbox-dev',
      accountId: DEV,
      bucket: BUCKET,
      prefix: `${PIPELINE}/`,
      reason,
    });
  });

  it('a cutoff in the past but inside keepDays is refused too; one outside it deletes only what is older', async () => {
    const [first, second] = await successes(3);
    const before = ledger();
    const inside = editedPlan({ keepLast: 1, keepDays: 2, cutoff: new Date(Date.now() - DAY).toISOString() }, [...first, ...second]);
    const r = await clean(inside);
    expect(r.deletedVersions).toBe(0);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0].reason).toMatch(
      /^Refused, nothing in it deleted: The cutoff \S+ is later than keepDays \(2 days\) allows, \S+ now: it would delete artifacts younger than 2 days\./,
    );
    expect(ledger()).toEqual(before);
    // The same keys, a valid cutoff: they are minutes old, younger than it, so nothing goes either.
    const valid = editedPlan({ keepLast: 1, keepDays: 2, cutoff: new Date(Date.now() - 2 * DAY - 1000).toISOString() }, [...first, ...second]);
    const ok = await clean(valid);
    expect(ok.skipped).toEqual([]);
    expect(ok.deletedVersions).toBe(0);
    expect(ledger()).toEqual(before);
    // Aged past it, they go: the plan's cutoff applies, judged valid.
    age(3);
    const aged = await clean(valid);
    expect(aged.skipped).toEqual([]);
    expect(aged.deletedVersions).toBe(first.length + second.length);
    expect(Object.keys(ledger()).sort()).toEqual(
      Object.keys(before)
        .filter((k) => !first.includes(k) && !second.includes(k))
        .sort(),
    );
  });

  it('is judged per item by the executor itself, before any re-check: the other items still run', async () => {
    const b = sb.s3.buckets.get(BUCKET)!;
    sb.s3.putObject(b, 'gone-pipeline/BuildArtif/AAAAAAA', Buffer.from('x'));
    const refused = editedPlan({ keepLast: 1, keepDays: 1, cutoff: '2099-01-01T00:00:00.000Z' }, ['item08-pipeline/BuildArtif/BBBBBBB']).items[0];
    const orphan: PlanItem = { ...refused, prefix: 'gone-pipeline/', class: 'orphan', keys: undefined, retention: undefined };
    const rechecked: string[] = [];
    const r = await executePlan(
      { version: PLAN_VERSION, createdAt: '', auditedAt: '', items: [refused, orphan] },
      {
        s3For: () =>
          services.accounts.clients.s3(
            services.accounts.profiles().find((p) => p.name === 'sandbox-dev')!,
            'us-east-1',
          ),
        recheck: async (i) => {
          rechecked.push(i.prefix);
          return null;
        },
        dryRun: false,
        signal: new AbortController().signal,
        stateDir: home,
        auditLog: artifacts.auditLogPath,
      },
    );
    expect(rechecked).toEqual(['gone-pipeline/']);
    expect(r.skipped.map((s) => s.prefix)).toEqual([`${PIPELINE}/`]);
    expect(r.deletedVersions).toBe(1);
  });
});

describe('keep the last K successes, re-checked live', () => {
  it('keepLast 3: the 2nd and 3rd newest successes’ keys survive a plan that names them; the 4th and 5th go', async () => {
    const runs = await successes(5);
    const [e1, e2, e3, e4] = runs;
    // Old enough for any cutoff: only the K rule stands between them and deletion.
    age(40);
    const before = ledger();
    const cutoff = new Date(Date.now() - 2 * DAY).toISOString();
    const policy = { keepLast: 3, keepDays: 1, cutoff };

    const second = await clean(editedPlan(policy, [...e1, ...e2, ...e4]));
    expect(second.deletedVersions).toBe(0);
    expect(Object.keys(ledger()).filter((k) => e4.includes(k))).toEqual(e4);
    expect(ledger()).toEqual(before);
    expect(second.skipped).toEqual([
      {
        bucket: BUCKET,
        prefix: `${PIPELINE}/`,
        reason: expect.stringMatching(
          new RegExp(
            `^${e4[0].replaceAll('/', '\\/')} belongs to item08-pipeline's successful execution \\S+ \\(newest but 1\\), one of the last 3 its policy keeps\\.$`,
          ),
        ),
        unverified: false,
      },
    ]);

    // The 3rd newest is the last the policy keeps.
    const third = await clean(editedPlan(policy, [...e1, ...e3]));
    expect(third.deletedVersions).toBe(0);
    expect(ledger()).toEqual(before);
    expect(third.skipped[0]?.reason).toMatch(/ \(newest but 2\), one of the last 3 its policy keeps\.$/);

    // The 4th and 5th newest are past it: they go, and the last three stay whole.
    const past = await clean(editedPlan(policy, [...e1, ...e2]));
    expect(past.skipped).toEqual([]);
    expect(past.deletedVersions).toBe(e1.length + e2.length);
    expect(Object.keys(ledger()).sort()).toEqual(
      Object.keys(before)
        .filter((k) => !e1.includes(k) && !e2.includes(k))
        .sort(),
    );
    for (const k of [...e3, ...e4, ...runs[4]]) expect(ledger()[k]).toEqual(before[k]);
  });

  it('keepLast 2: the 3rd newest is no longer kept; the latest is named as always kept', async () => {
    const [e1, e2, e3] = await successes(3);
    age(40);
    const cutoff = new Date(Date.now() - 2 * DAY).toISOString();
    const latest = await clean(editedPlan({ keepLast: 2, keepDays: 1, cutoff }, [...e3]));
    expect(latest.deletedVersions).toBe(0);
    const [, named] =
      /^(\S+) now belongs to item08-pipeline's latest successful execution, which is always kept\.$/.exec(latest.skipped[0]?.reason ?? '') ?? [];
    expect(e3).toContain(named);
    const r = await clean(editedPlan({ keepLast: 2, keepDays: 1, cutoff }, [...e1]));
    expect(r.skipped).toEqual([]);
    expect(r.deletedVersions).toBe(e1.length);
    expect(Object.keys(ledger()).filter((k) => e2.includes(k) || e3.includes(k))).toHaveLength(e2.length + e3.length);
  });
});
