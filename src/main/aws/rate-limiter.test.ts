import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('admits at its rate, first come first served, urgent callers first', async () => {
    const l = new RateLimiter({ perSecond: 50, capacity: 1 });
    const order: string[] = [];
    const t0 = performance.now();
    const all = ['a', 'b', 'c', 'd'].map((x) => l.acquire().then(() => order.push(x)));
    const urgent = l.acquire(undefined, true).then(() => order.push('urgent'));
    await Promise.all([...all, urgent]);
    // 'a' took the one token there was; the urgent caller went before b, c and d.
    expect(order).toEqual(['a', 'urgent', 'b', 'c', 'd']);
    // Five admissions at 50/s with no burst beyond one: at least 80 ms.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
    expect(l.admitted).toBe(5);
  });

  it('halves its rate on a 429 once per second however many arrive, and earns it back with successes', () => {
    let now = 0;
    const l = new RateLimiter({ perSecond: 20, minPerSecond: 2, now: () => now, increasePerSuccess: 1 });
    l.throttled();
    l.throttled();
    l.throttled();
    expect(l.rate).toBe(10);
    now = 1500;
    l.throttled();
    expect(l.rate).toBe(5);
    for (let i = 0; i < 30; i++) l.succeeded();
    expect(l.rate).toBe(20);
    for (let i = 0; i < 10; i++) {
      now += 1000;
      l.throttled();
    }
    expect(l.rate).toBe(2);
  });

  it('lets a waiting caller leave when its signal aborts, and the others still get their turn', async () => {
    const l = new RateLimiter({ perSecond: 20, capacity: 1 });
    await l.acquire();
    const ac = new AbortController();
    const leaving = l.acquire(ac.signal);
    const staying = l.acquire();
    ac.abort();
    await expect(leaving).rejects.toMatchObject({ name: 'AbortError' });
    await expect(staying).resolves.toBeUndefined();
    await expect(l.acquire(ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
