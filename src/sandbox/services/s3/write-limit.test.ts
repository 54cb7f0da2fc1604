import { expect, it } from 'vitest';
import { S3WriteLimit, S3WriteLimiter } from './write-limit';

it('counts each key against its prefix, refuses a batch whole, refills at the rate, keeps prefixes apart', () => {
  const l = new S3WriteLimiter();
  expect(l.admit('b', ['a/1'], 0)).toBe(true); // off: everything passes
  l.set(S3WriteLimit.parse({ perSecond: 1000, burstSeconds: 1 }));
  const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}/Build/${i}`);
  expect(l.admit('b', keys('p1', 800), 0)).toBe(true);
  // 200 tokens left in p1: 300 keys are refused whole, and take nothing.
  expect(l.admit('b', keys('p1', 300), 0)).toBe(false);
  expect(l.admit('b', keys('p1', 200), 0)).toBe(true);
  // Another prefix, or another bucket, has its own bucket of tokens.
  expect(l.admit('b', keys('p2', 1000), 0)).toBe(true);
  expect(l.admit('other', keys('p1', 1000), 0)).toBe(true);
  // A batch across prefixes needs room in each.
  expect(l.admit('b', [...keys('p3', 10), ...keys('p1', 10)], 0)).toBe(false);
  // 100 ms later p1 has 100 tokens.
  expect(l.admit('b', keys('p1', 100), 100)).toBe(true);
  expect(l.admit('b', keys('p1', 1), 100)).toBe(false);
  expect(l.slowDowns).toBe(3);
  expect(l.partitionOf('pipeline/BuildArtif/abc')).toBe('pipeline/');
  l.set(S3WriteLimit.parse({ prefixDepth: 2 }));
  expect(l.partitionOf('pipeline/BuildArtif/abc')).toBe('pipeline/BuildArtif/');
  expect(l.partitionOf('top')).toBe('');
});
