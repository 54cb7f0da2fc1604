// Frame intervals in a Playwright page (requestAnimationFrame deltas) while
// something happens, and the statistics the benchmarks print from them.
import type { Page } from 'playwright-core';

type Win = { __frames: number[]; __on: boolean; requestAnimationFrame(cb: (t: number) => void): void };

export async function frameTimes(page: Page, during: () => Promise<void>): Promise<number[]> {
  // In-page functions see the page's globals; this file is type-checked without the DOM library.
  await page.evaluate(() => {
    const w = globalThis as unknown as Win;
    w.__frames = [];
    w.__on = true;
    let last = performance.now();
    const tick = (t: number) => {
      w.__frames.push(t - last);
      last = t;
      if (w.__on) w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame(tick);
  });
  await during();
  return page.evaluate(() => {
    const w = globalThis as unknown as Win;
    w.__on = false;
    return w.__frames.slice(1);
  });
}

export const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
