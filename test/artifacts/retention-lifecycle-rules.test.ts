// Retention's and lifecycle's edges, each on its own: the cutoff to the
// millisecond, the policy checked wherever deletions are computed, the keep-list
// as the plan shows it, and the lifecycle rules' exact shape and limits.
// (retention.test.ts and lifecycle.test.ts hold the main cases; these pin the
// boundaries a weakened rule would cross. See docs/testing.md, mutation testing.)
import { describe, expect, it } from 'vitest';
import { checkPolicy, DEFAULT_RETENTION, RetentionError, retainedKeys, retentionDeletions } from '../../src/shared/artifacts/retention';
import { mergeLifecycleRules, prefixExpiryRules, retentionAgeRules, type LifecycleRule } from '../../src/shared/artifacts/lifecycle';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T00:00:00Z');
const success = (pipeline: string, ageDays: number, keys: string[], where: { accountId?: string; region?: string } = {}) => ({
  pipeline,
  accountId: where.accountId ?? '111111111111',
  region: where.region ?? 'us-east-1',
  id: `${pipeline}-${ageDays}`,
  time: NOW - ageDays * DAY,
  keys,
});
const key = (k: string, newest: number) => ({ key: k, versions: 1, deleteMarkers: 0, bytes: 10, current: true, newest });

describe('retention edges', () => {
  it('keeps a key whose newest version is exactly at the cutoff, and lets go of one a millisecond older', () => {
    const cutoff = NOW - 7 * DAY;
    const prefix = { keep: [], successes: [], keys: [key('app/Src/ATCUTOF', cutoff), key('app/Src/OLDER01', cutoff - 1), key('app/Src/YOUNGER', cutoff + 1)] };
    const r = retentionDeletions(prefix, { keepLast: 1, keepDays: 7 }, NOW);
    expect(r.cutoff).toBe(cutoff);
    expect(r.delete.map((k) => k.key)).toEqual(['app/Src/OLDER01']);
  });

  it('checks the policy before computing anything', () => {
    const prefix = { keep: [], successes: [], keys: [key('app/Src/OLDER01', 0)] };
    expect(() => retentionDeletions(prefix, { keepLast: 0, keepDays: 7 }, NOW)).toThrow(RetentionError);
    expect(() => retentionDeletions(prefix, { keepLast: 1, keepDays: 0 }, NOW)).toThrow(/at least a day/);
  });

  it('says what to change, in the first rule broken, as a RetentionError', () => {
    let err: unknown;
    try {
      checkPolicy({ keepLast: 0, keepDays: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RetentionError);
    expect((err as Error).name).toBe('RetentionError');
    expect((err as Error).message).toBe('Keep at least the last successful execution: it is always kept.');
    expect(() => checkPolicy({ keepLast: 1, keepDays: 1.5 })).toThrow('Keep whole days.');
    expect(() => checkPolicy({ keepLast: 1, keepDays: 36_501 })).toThrow(RetentionError);
    expect(() => checkPolicy(DEFAULT_RETENTION)).not.toThrow();
    expect(DEFAULT_RETENTION).toEqual({ keepLast: 3, keepDays: 30 });
  });

  it('lists the keys it keeps, sorted, with the latest successes however old', () => {
    const prefix = {
      keep: ['app/Src/ZLATEST'],
      successes: [success('app', 400, ['app/Src/MOLD001']), success('app', 500, ['app/Src/AOLDER2'])],
      keys: [key('app/Src/ZLATEST', 0), key('app/Src/MOLD001', 0), key('app/Src/AOLDER2', 0), key('app/Src/GONE001', 0)],
    };
    const r = retentionDeletions(prefix, { keepLast: 2, keepDays: 1 }, NOW);
    expect(r.keep).toEqual(['app/Src/AOLDER2', 'app/Src/MOLD001', 'app/Src/ZLATEST']);
    expect(r.delete.map((k) => k.key)).toEqual(['app/Src/GONE001']);
  });

  it('counts the same pipeline name in another region as another pipeline, and takes the newest first whatever the order given', () => {
    const prefix = {
      keep: [],
      successes: [
        success('app', 9, ['app/Src/OLDEAST']),
        success('app', 2, ['app/Src/NEWWEST'], { region: 'eu-west-1' }),
        success('app', 1, ['app/Src/NEWEAST']),
        success('app', 8, ['app/Src/OLDWEST'], { region: 'eu-west-1' }),
      ],
    };
    expect([...retainedKeys(prefix, { keepLast: 1, keepDays: 1 })].sort()).toEqual(['app/Src/NEWEAST', 'app/Src/NEWWEST']);
    // An audit without history for the prefix keeps its keep-list only.
    expect([...retainedKeys({ keep: ['app/Src/LATEST1'] }, { keepLast: 3, keepDays: 1 })]).toEqual(['app/Src/LATEST1']);
  });

  it('deletes nothing from a prefix the audit recorded no keys for', () => {
    expect(retentionDeletions({ keep: [], successes: [] }, { keepLast: 1, keepDays: 1 }, NOW).delete).toEqual([]);
  });
});

describe('lifecycle edges', () => {
  it('writes the two expiry rules in full, a day by default, under the expire IDs', () => {
    expect(prefixExpiryRules('gone/')).toEqual([
      {
        ID: 'pipewright-expire-gone/',
        Status: 'Enabled',
        Filter: { Prefix: 'gone/' },
        Expiration: { Days: 1 },
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
      { ID: 'pipewright-expire-gone/markers', Status: 'Enabled', Filter: { Prefix: 'gone/' }, Expiration: { ExpiredObjectDeleteMarker: true } },
    ]);
    expect(prefixExpiryRules('gone/', 5)[0]).toMatchObject({ Expiration: { Days: 5 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 5 } });
  });

  it('refuses "/" alone (the whole bucket) and says which prefix it refused', () => {
    expect(() => prefixExpiryRules('/')).toThrow('A lifecycle rule is written for one artifact prefix ending in "/", not "/".');
    expect(() => prefixExpiryRules('a/')).not.toThrow();
  });

  it('keeps retention rules to whole days, at least one', () => {
    expect(() => retentionAgeRules('app/', 1.5)).toThrow('A retention rule keeps at least a day.');
    expect(() => retentionAgeRules('app/', -3)).toThrow(/at least a day/);
    expect(retentionAgeRules('app/', 1)[0]).toMatchObject({ ID: 'pipewright-retain-app/', Expiration: { Days: 1 } });
  });

  it('allows exactly 1,000 rules, and says how many there would be beyond', () => {
    const own = (i: number): LifecycleRule => ({ ID: `r${i}`, Status: 'Enabled', Filter: { Prefix: `p${i}/` }, Expiration: { Days: 30 } });
    const existing = Array.from({ length: 998 }, (_, i) => own(i));
    expect(mergeLifecycleRules(existing, prefixExpiryRules('a/'))).toHaveLength(1000);
    expect(() => mergeLifecycleRules([...existing, own(998)], prefixExpiryRules('a/'))).toThrow('The bucket would have 1001 lifecycle rules; S3 allows 1,000.');
    // Replacing ours by ID does not count them twice.
    const ours = prefixExpiryRules('a/');
    expect(mergeLifecycleRules([...existing, ...ours], prefixExpiryRules('a/', 7))).toHaveLength(1000);
  });
});
