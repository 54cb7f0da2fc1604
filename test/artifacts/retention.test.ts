// The retention policy's rules, one by one: bounds, per-pipeline counting,
// the latest success always kept, the age cutoff, and exclusions.
import { describe, expect, it } from 'vitest';
import { checkPolicy, RETENTION_DEPTH, RetentionError, retainedKeys, retentionDeletions } from '../../src/shared/artifacts/retention';
import { retentionAgeRules } from '../../src/shared/artifacts/lifecycle';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T00:00:00Z');
const ok = (pipeline: string, accountId: string, n: number, keys: string[]) => ({
  pipeline,
  accountId,
  region: 'us-east-1',
  id: `${pipeline}-${n}`,
  time: NOW - n * DAY,
  keys,
});
const key = (k: string, ageDays: number) => ({ key: k, versions: 1, deleteMarkers: 0, bytes: 10, current: true, newest: NOW - ageDays * DAY });

describe('retention', () => {
  it('refuses policies that could drop the latest success or running work, or reach past what the audit maps', () => {
    expect(() => checkPolicy({ keepLast: 0, keepDays: 30 })).toThrow(RetentionError);
    expect(() => checkPolicy({ keepLast: 1.5, keepDays: 30 })).toThrow(/Keep at least the last successful execution/);
    expect(() => checkPolicy({ keepLast: 1, keepDays: 0.5 })).toThrow(/at least a day/);
    expect(() => checkPolicy({ keepLast: RETENTION_DEPTH + 1, keepDays: 30 })).toThrow(/at most the last 10/);
    expect(() => checkPolicy({ keepLast: RETENTION_DEPTH, keepDays: 1 })).not.toThrow();
  });

  it('counts the last K per pipeline (the same name in another account is another pipeline), and always the latest', () => {
    const prefix = {
      keep: ['app/Src/LATEST1'],
      successes: [
        ok('app', '1', 0, ['app/Src/AAAAAAA']),
        ok('app', '1', 1, ['app/Src/BBBBBBB']),
        ok('app', '2', 2, ['app/Src/CCCCCCC']),
        ok('app', '2', 3, ['app/Src/DDDDDDD']),
      ],
    };
    expect([...retainedKeys(prefix, { keepLast: 1, keepDays: 1 })].sort()).toEqual(['app/Src/AAAAAAA', 'app/Src/CCCCCCC', 'app/Src/LATEST1']);
  });

  it('lets go of what is neither retained nor younger than the cutoff, minus exclusions', () => {
    const prefix = {
      keep: ['app/Src/AAAAAAA'],
      successes: [ok('app', '1', 0, ['app/Src/AAAAAAA']), ok('app', '1', 10, ['app/Src/BBBBBBB'])],
      keys: [key('app/Src/AAAAAAA', 40), key('app/Src/BBBBBBB', 40), key('app/Src/CCCCCCC', 40), key('app/Src/DDDDDDD', 3), key('app/Old/EEEEEEE', 40)],
    };
    const r = retentionDeletions(prefix, { keepLast: 1, keepDays: 7 }, NOW, (k) => k.startsWith('app/Old/'));
    expect(r.cutoff).toBe(NOW - 7 * DAY);
    expect(r.delete.map((k) => k.key)).toEqual(['app/Src/BBBBBBB', 'app/Src/CCCCCCC']);
    expect(retentionDeletions(prefix, { keepLast: 2, keepDays: 7 }, NOW).delete.map((k) => k.key)).toEqual(['app/Src/CCCCCCC', 'app/Old/EEEEEEE']);
  });

  it('has an age-only lifecycle form, under its own rule IDs', () => {
    const rules = retentionAgeRules('app/', 30);
    expect(rules.map((r) => r.ID)).toEqual(['pipewright-retain-app/', 'pipewright-retain-app/markers']);
    expect(rules[0]).toMatchObject({ Filter: { Prefix: 'app/' }, Expiration: { Days: 30 }, NoncurrentVersionExpiration: { NoncurrentDays: 30 } });
    expect(() => retentionAgeRules('app/', 0)).toThrow(/at least a day/);
  });
});
