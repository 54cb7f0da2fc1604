// Example-based tests of the planner and the report helpers: the exact plan items
// (prefix, reason, counts, keep-list, keys) a report gives, and what the app selects.
import { describe, expect, it } from 'vitest';
import type { KeyStat, PrefixReport } from './classify';
import { auditedPrefixes, buildPlan, planForAudit, selectionKey, selectRows, slimReport, withCosts, type AuditReport, type BucketReport } from './report';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
const BUCKET = 'codepipeline-us-east-1-111111111111';

type Prefix = BucketReport['prefixes'][number];

const counts = { objects: 1, versions: 2, deleteMarkers: 1, bytes: 30 };
const folder = (name: string, stale: boolean, ageDays: number) => ({
  folder: name,
  ...counts,
  oldest: NOW - ageDays * DAY,
  newest: NOW - ageDays * DAY,
  stale,
});
const keyStat = (key: string, ageDays: number, o: Partial<KeyStat> = {}): KeyStat => ({
  key,
  versions: 2,
  deleteMarkers: 1,
  bytes: 20,
  current: true,
  newest: NOW - ageDays * DAY,
  ...o,
});

const prefix = (o: Partial<Prefix> & Pick<Prefix, 'prefix' | 'class'>): Prefix => ({
  objects: 2,
  versions: 3,
  deleteMarkers: 1,
  bytes: 100,
  oldest: NOW - 90 * DAY,
  newest: NOW - 60 * DAY,
  claimedBy: [],
  folders: [],
  keep: [],
  monthlyCost: 0,
  ...o,
});

const web = { accountId: '111111111111', region: 'us-east-1', name: 'web' };

const bucket = (prefixes: Prefix[], o: Partial<BucketReport> = {}): BucketReport => ({
  profile: 'dev',
  accountId: '111111111111',
  accountAlias: 'dev-account',
  region: 'us-east-1',
  name: BUCKET,
  versioning: 'Enabled',
  encryption: null,
  tags: {},
  protected: false,
  declaredBy: [],
  shapedLikeDefault: true,
  unused: false,
  sharedWith: [],
  coverage: { complete: true, gaps: [] },
  totals: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0, oldest: null, newest: null, monthlyCost: 0 },
  foreign: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0, oldest: null, newest: null, sample: [] },
  prefixes,
  ...o,
});

const report = (buckets: BucketReport[]): AuditReport => ({
  version: 1,
  generatedAt: new Date(NOW).toISOString(),
  pricePerGbMonth: 0.023,
  buckets,
  errors: [],
  coverage: { complete: true, scopeRegions: ['us-east-1'], accounts: [], unreachableProfiles: [] },
  unverified: [],
});

const base = { profile: 'dev', accountId: '111111111111', accountAlias: 'dev-account', region: 'us-east-1', bucket: BUCKET };
const expected = { objects: 2, versions: 3, deleteMarkers: 1, bytes: 100 };
const orphanItem = (name: string) => ({
  ...base,
  prefix: `${name}/`,
  class: 'orphan',
  reason: `No live pipeline in the workspace is named ${name}…`,
  expected,
  keep: [],
});

describe('auditedPrefixes', () => {
  it("lists every prefix with its stale folders and keep-list, held back by the prefix's own reason or the bucket's gaps", () => {
    const live = prefix({
      prefix: 'web',
      class: 'live',
      claimedBy: [web],
      folders: [folder('Src', false, 1), folder('Old', true, 40), folder('Older', true, 50)],
      keep: ['web/Src/AAAAAAA'],
    });
    const r = report([
      bucket([live, prefix({ prefix: 'gone', class: 'orphan' })]),
      bucket([prefix({ prefix: 'api', class: 'live', claimedBy: [web] }), prefix({ prefix: 'app', class: 'live', held: 'history of app unavailable' })], {
        name: 'b2',
        region: 'eu-west-1',
        protected: true,
        coverage: { complete: false, gaps: ['account 2, eu-west-1: AccessDenied', 'account 3, us-east-1: Throttling'] },
      }),
    ]);
    const a = { accountId: '111111111111', region: 'us-east-1', bucket: BUCKET, protected: false };
    expect(auditedPrefixes(r)).toEqual([
      { ...a, prefix: 'web', class: 'live', staleFolders: ['Old', 'Older'], keep: ['web/Src/AAAAAAA'], held: undefined },
      { ...a, prefix: 'gone', class: 'orphan', staleFolders: [], keep: [], held: undefined },
      {
        ...a,
        region: 'eu-west-1',
        bucket: 'b2',
        protected: true,
        prefix: 'api',
        class: 'live',
        staleFolders: [],
        keep: [],
        held: 'account 2, eu-west-1: AccessDenied; account 3, us-east-1: Throttling',
      },
      {
        ...a,
        region: 'eu-west-1',
        bucket: 'b2',
        protected: true,
        prefix: 'app',
        class: 'live',
        staleFolders: [],
        keep: [],
        held: 'history of app unavailable',
      },
    ]);
    // `held` is absent (not an empty reason) when coverage is complete.
    expect(auditedPrefixes(r)[0]).not.toHaveProperty('held', '');
    expect(auditedPrefixes(r)[0].held).toBeUndefined();
  });

  it('holds nothing back for a report written before coverage was recorded', () => {
    const r = report([bucket([prefix({ prefix: 'gone', class: 'orphan' })], { coverage: undefined as unknown as BucketReport['coverage'] })]);
    expect(auditedPrefixes(r)[0].held).toBeUndefined();
  });
});

describe('buildPlan: orphans', () => {
  it('plans each orphan prefix of an unprotected bucket, with its counts', () => {
    const r = report([
      bucket([prefix({ prefix: 'gone', class: 'orphan' }), prefix({ prefix: 'web', class: 'live', claimedBy: [web] })]),
      bucket([prefix({ prefix: 'kept', class: 'orphan' })], { name: 'protected-bucket', protected: true }),
    ]);
    expect(buildPlan(r, { include: ['orphan'], now: NOW })).toEqual({
      version: 1,
      createdAt: '2026-11-23T12:00:00.000Z',
      auditedAt: '2026-11-23T12:00:00.000Z',
      items: [orphanItem('gone')],
    });
    expect(buildPlan(r, { include: ['stale', 'retention'], now: NOW }).items).toEqual([]);
  });

  it('with olderThanDays, plans only prefixes whose newest object is strictly older', () => {
    const r = report([
      bucket([
        prefix({ prefix: 'ten', class: 'orphan', newest: NOW - 10 * DAY }),
        prefix({ prefix: 'five', class: 'orphan', newest: NOW - 5 * DAY }),
        prefix({ prefix: 'empty', class: 'orphan', objects: 0, versions: 0, deleteMarkers: 0, bytes: 0, oldest: null, newest: null }),
      ]),
    ]);
    expect(buildPlan(r, { include: ['orphan'], olderThanDays: 5, now: NOW }).items.map((i) => i.prefix)).toEqual(['ten/']);
    expect(buildPlan(r, { include: ['orphan'], olderThanDays: 20, now: NOW }).items).toEqual([]);
    // Without an age limit, any prefix with a known age; one of no known age is never planned.
    expect(buildPlan(r, { include: ['orphan'], now: NOW }).items.map((i) => i.prefix)).toEqual(['ten/', 'five/']);
  });
});

describe('buildPlan: stale folders', () => {
  it('plans the old stale folders of live and shared prefixes, naming the claimers and keeping their keys in the folder', () => {
    const r = report([
      bucket([
        prefix({
          prefix: 'web',
          class: 'live',
          claimedBy: [web],
          folders: [folder('Src', false, 40), folder('Old', true, 40), folder('Young', true, 2)],
          keep: ['web/Src/AAAAAAA', 'web/Old/BBBBBBB'],
        }),
        prefix({
          prefix: 'payments-service-api',
          class: 'shared',
          claimedBy: [
            { ...web, name: 'payments-service-api-blue' },
            { ...web, name: 'payments-service-api-green' },
          ],
          folders: [folder('Gone', true, 40)],
        }),
        prefix({ prefix: 'gone', class: 'orphan', folders: [folder('Src', false, 40)] }),
      ]),
    ]);
    const stale = { ...base, class: 'stale', expected: counts };
    expect(buildPlan(r, { include: ['stale'], olderThanDays: 7, now: NOW }).items).toEqual([
      { ...stale, prefix: 'web/Old/', reason: 'web no longer produces an artifact named Old…', keep: ['web/Old/BBBBBBB'] },
      {
        ...stale,
        prefix: 'payments-service-api/Gone/',
        reason: 'payments-service-api-blue, payments-service-api-green no longer produces an artifact named Gone…',
        keep: [],
      },
    ]);
  });

  it('plans nothing inside a live prefix whose evidence is held back', () => {
    const r = report([
      bucket([
        prefix({
          prefix: 'web',
          class: 'live',
          claimedBy: [web],
          held: 'history of web unavailable',
          folders: [folder('Old', true, 40)],
          keys: [keyStat('web/Old/BBBBBBB', 40)],
        }),
      ]),
    ]);
    expect(buildPlan(r, { include: ['orphan', 'stale', 'retention'], now: NOW }).items).toEqual([]);
  });
});

describe('buildPlan: retention', () => {
  const live = (o: Partial<Prefix> = {}) =>
    prefix({
      prefix: 'web',
      class: 'live',
      claimedBy: [web, { ...web, region: 'eu-west-1' }],
      folders: [folder('Src', false, 40), folder('Old', true, 40)],
      keep: ['web/Src/KEEPAAA', 'other/Src/AAAAAAA', 'web/notes.txt'],
      keys: [
        keyStat('web/Src/KEEPAAA', 50),
        keyStat('web/Src/OLDAAAA', 45, { current: false, bytes: 5 }),
        keyStat('web/Src/NEWAAAA', 3),
        keyStat('web/Old/OLDBBBB', 40, { versions: 1, deleteMarkers: 0 }),
      ],
      successes: [],
      ...o,
    });
  const retentionItem = (keys: string[], expectedCounts: object) => ({
    ...base,
    prefix: 'web/',
    class: 'retention',
    reason: 'Retention for web, web: keeps the last 3 successful executions and everything from the last 30 days.',
    expected: expectedCounts,
    keep: ['web/Src/KEEPAAA'],
    keys,
    retention: { keepLast: 3, keepDays: 30, cutoff: new Date(NOW - 30 * DAY).toISOString() },
  });

  it('deletes the old keys no success keeps, keeping only artifact keys under the prefix', () => {
    const r = report([bucket([live()])]);
    expect(buildPlan(r, { include: ['retention'], now: NOW }).items).toEqual([
      retentionItem(['web/Src/OLDAAAA', 'web/Old/OLDBBBB'], { objects: 1, versions: 3, deleteMarkers: 1, bytes: 25 }),
    ]);
  });

  it('leaves out the keys of stale folders planned in the same plan', () => {
    const r = report([bucket([live()])]);
    const items = buildPlan(r, { include: ['stale', 'retention'], now: NOW }).items;
    expect(items.map((i) => [i.class, i.prefix])).toEqual([
      ['stale', 'web/Old/'],
      ['retention', 'web/'],
    ]);
    expect(items[1]).toEqual(retentionItem(['web/Src/OLDAAAA'], { objects: 0, versions: 2, deleteMarkers: 1, bytes: 5 }));
  });

  it('uses the policy given, and plans nothing when it lets nothing go', () => {
    const r = report([bucket([live()])]);
    expect(buildPlan(r, { include: ['retention'], retention: { keepLast: 1, keepDays: 60 }, now: NOW }).items).toEqual([]);
    expect(buildPlan(r, { include: ['retention'], retention: { keepLast: 2, keepDays: 44 }, now: NOW }).items[0]).toMatchObject({
      keys: ['web/Src/OLDAAAA'],
      reason: 'Retention for web, web: keeps the last 2 successful executions and everything from the last 44 days.',
      retention: { keepLast: 2, keepDays: 44, cutoff: new Date(NOW - 44 * DAY).toISOString() },
    });
  });

  it('applies to shared prefixes too, never to orphans', () => {
    const r = report([bucket([live({ class: 'shared' }), prefix({ prefix: 'gone', class: 'orphan', keys: [keyStat('gone/Src/AAAAAAA', 90)] })])]);
    expect(buildPlan(r, { include: ['retention'], now: NOW }).items.map((i) => [i.class, i.prefix])).toEqual([['retention', 'web/']]);
  });
});

describe('the app: selection, slim report, costs', () => {
  it('keys a row by bucket and prefix, marking retention apart from a stale folder or orphan of the same prefix', () => {
    expect(selectionKey({ bucket: 'b', prefix: 'web/', class: 'retention' })).toBe('b|retention:web/');
    expect(selectionKey({ bucket: 'b', prefix: 'web/', class: 'orphan' })).toBe('b|web/');
    expect(selectionKey({ bucket: 'b', prefix: 'web/Old/', class: 'stale' })).toBe('b|web/Old/');
  });

  it('selects exactly the chosen rows', () => {
    const all = {
      createdAt: 'c',
      items: [
        { bucket: 'b', prefix: 'web/', class: 'retention' as const },
        { bucket: 'b', prefix: 'gone/', class: 'orphan' as const },
        { bucket: 'c', prefix: 'gone/', class: 'orphan' as const },
      ],
    };
    expect(selectRows(all, ['b|retention:web/', 'c|gone/', 'b|web/'])).toEqual({ createdAt: 'c', items: [all.items[0], all.items[2]] });
  });

  it('plans everything the app can select, judged as of the audit', () => {
    const r = report([
      bucket([
        prefix({ prefix: 'gone', class: 'orphan' }),
        prefix({
          prefix: 'web',
          class: 'live',
          claimedBy: [web],
          folders: [folder('Old', true, 40)],
          keys: [keyStat('web/Src/OLDAAAA', 10)],
          successes: [],
        }),
      ]),
    ]);
    r.generatedAt = new Date(NOW - 5 * DAY).toISOString();
    const plan = planForAudit(r, { keepLast: 1, keepDays: 7 });
    expect(plan.createdAt).toBe(r.generatedAt);
    expect(plan.items.map((i) => [i.class, i.prefix])).toEqual([
      ['orphan', 'gone/'],
      ['stale', 'web/Old/'],
    ]);
    expect(planForAudit(r, { keepLast: 1, keepDays: 4 }).items.map((i) => [i.class, i.prefix, i.keys])).toEqual([
      ['orphan', 'gone/', undefined],
      ['stale', 'web/Old/', undefined],
      ['retention', 'web/', ['web/Src/OLDAAAA']],
    ]);
  });

  it('slims a report to what the page shows: no per-key detail', () => {
    const full = report([
      bucket([
        prefix({ prefix: 'web', class: 'live', claimedBy: [web], keys: [keyStat('web/Src/AAAAAAA', 1)], successes: [] }),
        prefix({ prefix: 'gone', class: 'orphan' }),
      ]),
    ]);
    const slim = slimReport(full);
    expect(slim.buckets[0].prefixes).toEqual([prefix({ prefix: 'web', class: 'live', claimedBy: [web] }), prefix({ prefix: 'gone', class: 'orphan' })]);
    expect(slim.buckets[0].prefixes[0]).not.toHaveProperty('keys');
    expect(slim.buckets[0].prefixes[0]).not.toHaveProperty('successes');
    expect({ ...slim, buckets: [] }).toEqual({ ...full, buckets: [] });
    expect(full.buckets[0].prefixes[0].keys).toHaveLength(1);
  });

  it("prices each prefix's bytes", () => {
    const p: PrefixReport = { ...prefix({ prefix: 'gone', class: 'orphan', bytes: 2 * 2 ** 30 }) };
    expect(withCosts([p], 0.05)).toEqual([{ ...p, monthlyCost: 0.1 }]);
  });
});
