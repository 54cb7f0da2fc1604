import { describe, expect, it } from 'vitest';
import { leaseKey, logGaps, logKey, logSequenceOf, parseS3Location, promotionIdOf, promotionKey, s3Url } from './s3-layout';

describe('a shared release location', () => {
  it('takes s3://bucket/prefix/, a prefix without its slash, the release file URL, or the bucket root', () => {
    expect(parseS3Location('s3://team-releases/web/frontend/')).toEqual({ bucket: 'team-releases', prefix: 'web/frontend/' });
    expect(parseS3Location('s3://team-releases/web/frontend')).toEqual({ bucket: 'team-releases', prefix: 'web/frontend/' });
    expect(parseS3Location('s3://team-releases/web/release.yaml')).toEqual({ bucket: 'team-releases', prefix: 'web/' });
    expect(parseS3Location('s3://team-releases/release.yaml')).toEqual({ bucket: 'team-releases', prefix: '' });
    expect(parseS3Location('s3://team-releases')).toEqual({ bucket: 'team-releases', prefix: '' });
    expect(parseS3Location('s3://team-releases/')).toEqual({ bucket: 'team-releases', prefix: '' });
    expect(s3Url({ bucket: 'b1b', prefix: 'p/' }, 'log/x.json')).toBe('s3://b1b/p/log/x.json');
  });

  it('refuses what is not one: another scheme, a bucket S3 would not name, empty or dot parts that would make two releases look like one', () => {
    for (const bad of [
      'https://b/p/',
      'team-releases/p',
      's3://Team/p/',
      's3://ab/p/',
      's3://b..c/p',
      's3://bucket//p/',
      's3://bucket/a/../b/',
      's3://bucket/./a',
    ])
      expect(() => parseS3Location(bad), bad).toThrow(/S3|bucket|prefix/);
  });
});

describe('keys', () => {
  it('log keys are 20 digits, zero-padded, so the listing order is the log order', () => {
    expect(logKey(1)).toBe('log/00000000000000000001.json');
    expect(logKey(12345)).toBe('log/00000000000000012345.json');
    expect([logKey(10), logKey(9), logKey(100)].sort()).toEqual([logKey(9), logKey(10), logKey(100)]);
    expect(logSequenceOf(logKey(42))).toBe(42);
    expect(logSequenceOf(logKey(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    for (const other of ['log/42.json', 'log/00000000000000000042.txt', 'log/notes.json', 'log/00000000000000000000.json', 'log/99999999999999999999.json'])
      expect(logSequenceOf(other), other).toBeNull();
    for (const bad of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1]) expect(() => logKey(bad)).toThrow(/sequence/);
  });

  it('a promotion id or environment is one key segment: never a slash or a dot segment', () => {
    expect(promotionKey('prod-2026-12-07T12-01-09-000Z-1a2b3c4d')).toBe('promotions/prod-2026-12-07T12-01-09-000Z-1a2b3c4d.json');
    expect(promotionIdOf('promotions/prod-1.json')).toBe('prod-1');
    expect(promotionIdOf('promotions/notes.txt')).toBeNull();
    expect(promotionIdOf('promotions/a/b.json')).toBeNull();
    expect(leaseKey('prod')).toBe('leases/prod.json');
    for (const bad of ['../prod', 'a/b', '.', '', 'prod env']) {
      expect(() => leaseKey(bad), bad).toThrow(/cannot name/);
      expect(() => promotionKey(bad), bad).toThrow(/cannot name/);
    }
  });
});

describe('gaps in the log', () => {
  it('names each run of missing numbers below the highest, whatever order the numbers come in', () => {
    expect(logGaps([])).toEqual([]);
    expect(logGaps([1, 2, 3])).toEqual([]);
    expect(logGaps([3, 1, 2, 2])).toEqual([]);
    expect(logGaps([2, 3])).toEqual([[1, 1]]);
    expect(logGaps([1, 2, 5, 6, 9])).toEqual([
      [3, 4],
      [7, 8],
    ]);
    expect(logGaps([1, 1_000_000])).toEqual([[2, 999_999]]);
  });
});
