import { expect, it } from 'vitest';
import { PrefixPacer } from './prefix-pacer';

/** A pacer on a fake clock: acquire() advances time instead of sleeping. */
function pacer(opts: ConstructorParameters<typeof PrefixPacer>[0] = {}) {
  let now = 0;
  const p = new PrefixPacer({ ...opts, now: () => now, sleep: async (ms) => void (now += ms) });
  return { p, at: () => now, advance: (ms: number) => void (now += ms) };
}

it('spaces batches at the pace, doubles it while unthrottled, then cuts it on SlowDown and grows it additively', async () => {
  const { p, at } = pacer({ initialPerSec: 1000, increasePerSec: 100, decrease: 0.5 });
  await p.acquire(500);
  await p.acquire(500);
  expect(at()).toBe(500); // the second batch waited its 500 ms
  await p.acquire(500);
  await p.acquire(500);
  expect(p.rate).toBe(2000); // a second of held-back sends: slow start doubles
  p.slowDown();
  expect(p.rate).toBe(1000);
  p.slowDown(); // a burst of refusals is one signal
  expect(p.rate).toBe(1000);
  for (let i = 0; i < 8; i++) await p.acquire(250);
  expect(p.rate).toBeGreaterThan(1000);
  expect(p.rate).toBeLessThanOrEqual(1200); // additive now, not doubling
  expect(p.slowDowns).toBe(2);
});

it('an idle prefix keeps its pace: no credit for time it did not use', async () => {
  const { p, advance } = pacer({ initialPerSec: 1000 });
  await p.acquire(100);
  advance(10_000);
  await p.acquire(100);
  expect(p.rate).toBe(1000);
});
