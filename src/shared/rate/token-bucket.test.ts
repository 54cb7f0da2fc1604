import { expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

it('bursts up to its capacity, then admits at its rate, and a refusal takes nothing', () => {
  const b = new TokenBucket({ perSecond: 20 });
  let admitted = 0;
  for (let i = 0; i < 60; i++) if (b.take(1000)) admitted++;
  expect(admitted).toBe(20);
  expect(b.take(1000)).toBe(false);
  expect(b.waitMs(1000)).toBe(50);
  // 50 ms later: one token, not more (the refusals above took nothing away, nor added).
  expect(b.take(1050)).toBe(true);
  expect(b.take(1050)).toBe(false);
  // A second later it is full again, never fuller than its capacity.
  let later = 0;
  for (let i = 0; i < 60; i++) if (b.take(10_000)) later++;
  expect(later).toBe(20);
  // A clock that steps back neither adds tokens nor breaks the bucket.
  expect(b.take(5000)).toBe(false);
});

it('takes a capacity of its own and refuses a rate of zero', () => {
  const b = new TokenBucket({ perSecond: 10, capacity: 3 });
  expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
  expect(b.take(100)).toBe(true);
  expect(() => new TokenBucket({ perSecond: 0 })).toThrow(RangeError);
});

it('changes its rate from a moment on, keeping what was earned at the old rate', () => {
  const b = new TokenBucket({ perSecond: 20, capacity: 1 });
  expect(b.take(0)).toBe(true);
  // 25 ms at 20/s earned half a token; from here on 10/s: the other half takes 50 ms.
  b.setRate(10, 25);
  expect(b.perSecond).toBe(10);
  expect(b.waitMs(25)).toBe(50);
  expect(b.take(74)).toBe(false);
  expect(b.take(75)).toBe(true);
  expect(() => b.setRate(0, 100)).toThrow(RangeError);
});
