import { describe, expect, it } from 'vitest';
import { logCount, logText, mib, money, prefixes } from './artifacts-format';
import {
  bytesByAge,
  bytesByClass,
  emptiedBuckets,
  offerAgeOnlyRule,
  offerWholeExpiry,
  planTotals,
  previewForReport,
  retentionByPrefix,
  retentionItemsOf,
  topByCost,
} from './artifacts-selectors';
import { retentionKey } from './artifacts-store';
import { bucketOf, planItemOf, prefixOf, reportOf } from './artifacts-test-fixtures';

const DAY = 86_400_000;
const audited = Date.parse('2026-06-01T00:00:00.000Z');

describe('chart series', () => {
  const report = reportOf([
    bucketOf({
      name: 'a',
      foreign: { objects: 1, versions: 1, deleteMarkers: 0, bytes: 5, oldest: null, newest: null, sample: ['x'] },
      prefixes: [
        prefixOf({
          prefix: 'web',
          class: 'live',
          bytes: 100,
          newest: audited - 2 * DAY,
          monthlyCost: 3,
          folders: [{ folder: 'Old', stale: true, objects: 1, versions: 1, deleteMarkers: 0, bytes: 30, oldest: null, newest: null }],
        }),
        prefixOf({ prefix: 'gone', class: 'orphan', bytes: 50, newest: audited - 40 * DAY, monthlyCost: 1 }),
        prefixOf({ prefix: 'old', class: 'orphan', bytes: 7, newest: audited - 400 * DAY, monthlyCost: 0.001 }),
      ],
    }),
  ]);

  it('counts stale folders as stale, not as their prefix class, and foreign data apart', () => {
    expect(Object.fromEntries(bytesByClass(report).map(([c, v]) => [c, v]))).toEqual({ live: 70, shared: 0, orphan: 57, unverified: 0, stale: 30, foreign: 5 });
  });

  it('bins by the newest object as of the audit', () => {
    expect(bytesByAge(report).map(([, v]) => v)).toEqual([100, 0, 50, 7]);
  });

  it('lists the costliest prefixes first, cut at n', () => {
    expect(topByCost(report, 2)).toEqual([
      ['a/web', 3, '$3.00'],
      ['a/gone', 1, '$1.00'],
    ]);
  });

  it('is empty, not broken, without a report', () => {
    expect(bytesByClass(null).every(([, v]) => v === 0)).toBe(true);
    expect(topByCost(null)).toEqual([]);
  });
});

describe('plans', () => {
  const items = [
    planItemOf({ bucket: 'a', prefix: 'gone/', class: 'orphan', expected: { objects: 1, versions: 4, deleteMarkers: 1, bytes: 10 } }),
    planItemOf({ bucket: 'a', prefix: 'web/', class: 'retention', keyCount: 3, expected: { objects: 3, versions: 3, deleteMarkers: 0, bytes: 20 } }),
  ];
  const plan = { createdAt: 'c', auditedAt: '2026-06-01T00:00:00.000Z', items };

  it('adds up items, retention items, versions with markers, and bytes', () => {
    expect(planTotals(plan)).toEqual({ items: 2, retention: 1, versions: 8, bytes: 30 });
    expect(planTotals(null)).toEqual({ items: 0, retention: 0, versions: 0, bytes: 0 });
  });

  it('offers a preview only for the audit it was made from', () => {
    const preview = { plan, retention: { keepLast: 3, keepDays: 30 } };
    expect(previewForReport(preview, reportOf([]))).toBe(preview);
    expect(previewForReport(preview, reportOf([], '2026-06-02T00:00:00.000Z'))).toBeNull();
    expect(previewForReport(preview, null)).toBeNull();
  });

  it('finds retention items by their selection key', () => {
    const retention = retentionItemsOf(plan);
    expect(retention.map((i) => i.prefix)).toEqual(['web/']);
    expect(retentionByPrefix(retention).get(retentionKey('a', 'web/'))?.keyCount).toBe(3);
  });
});

describe('what the page offers follows the main process rules', () => {
  const done = { dryRun: false, cancelled: false };
  const lastPlan = { items: [planItemOf({ bucket: 'free', prefix: 'p/', class: 'orphan' }), planItemOf({ bucket: 'used', prefix: 'p/', class: 'orphan' })] };

  it('offers to delete only buckets the cleanup worked on that are unused and unprotected, after a real run', () => {
    const report = reportOf([bucketOf({ name: 'free', unused: true }), bucketOf({ name: 'used' }), bucketOf({ name: 'other', unused: true })]);
    expect(emptiedBuckets(report, done, lastPlan)).toEqual(['free']);
    expect(emptiedBuckets(reportOf([bucketOf({ name: 'free', unused: true, protected: true })]), done, lastPlan)).toEqual([]);
    expect(emptiedBuckets(report, { dryRun: true, cancelled: false }, lastPlan)).toEqual([]);
    expect(emptiedBuckets(report, { dryRun: false, cancelled: true }, lastPlan)).toEqual([]);
    expect(emptiedBuckets(report, null, lastPlan)).toEqual([]);
  });

  it('offers whole expiry for a huge orphan prefix of an unprotected bucket only', () => {
    const limits = { versions: 100, bytes: 1000 };
    const huge = prefixOf({ prefix: 'gone', class: 'orphan', versions: 99, deleteMarkers: 1 });
    expect(offerWholeExpiry({ protected: false }, huge, limits)).toBe(true);
    expect(offerWholeExpiry({ protected: false }, prefixOf({ prefix: 'big', class: 'orphan', bytes: 1000 }), limits)).toBe(true);
    expect(offerWholeExpiry({ protected: false }, prefixOf({ prefix: 'small', class: 'orphan', versions: 99 }), limits)).toBe(false);
    expect(offerWholeExpiry({ protected: true }, huge, limits)).toBe(false);
    expect(offerWholeExpiry({ protected: false }, { ...huge, class: 'unverified' }, limits)).toBe(false);
  });

  it('offers the age-only rule on a live prefix retention lets something go of', () => {
    const item = planItemOf({ bucket: 'a', prefix: 'web/', class: 'retention' });
    const live = prefixOf({ prefix: 'web', class: 'live' });
    expect(offerAgeOnlyRule({ protected: false }, live, item, 30)).toBe(true);
    expect(offerAgeOnlyRule({ protected: false }, live, undefined, 30)).toBe(false);
    expect(offerAgeOnlyRule({ protected: true }, live, item, 30)).toBe(false);
    expect(offerAgeOnlyRule({ protected: false }, { ...live, class: 'foreign' }, item, 30)).toBe(false);
  });
});

describe('formatting', () => {
  it('writes sizes, costs and counts as people read them', () => {
    expect([mib(512), mib(3 * 2 ** 20), mib(2 ** 31)]).toEqual(['0.5 KiB', '3.0 MiB', '2.00 GiB']);
    expect([money(0), money(0.004), money(1.5)]).toEqual(['$0', '< $0.01', '$1.50']);
    expect([prefixes(1), prefixes(2)]).toEqual(['1 prefix', '2 prefixes']);
  });

  it('reads audit log entries of any JSON shape', () => {
    expect(logText({ a: 1 })).toBe('{"a":1}');
    expect(logText(null)).toBe('');
    expect(logCount({ event: 'batch', deleted: 998, keys: 1000 })).toBe('998/1000 keys');
    expect(logCount({ event: 'dry-run-finished', deletedVersions: 5, deletedBytes: 2048 })).toBe('would delete 5 versions, 2.0 KiB');
    expect(logCount({ event: 'finished', deletedVersions: 5 })).toBe('deleted 5 versions');
    expect(logCount({ event: 'bucket-deleted' })).toBe('');
  });
});
