// Frame intervals in a Playwright page (requestAnimationFrame deltas) and the
// main-thread work of each frame (from a Chromium trace) while something
// happens, and the statistics the benchmarks print from them.
import type { Browser, Page } from 'playwright-core';

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

type TraceEvent = {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id?: string;
  id2?: { local?: string };
  args?: { name?: string };
};

/**
 * The main-thread work of each animation frame while `during` runs: the time
 * the renderer's main thread was busy (its tasks: input, script, rAF, style,
 * layout, paint) within each of Chromium's "AnimationFrame" trace spans, which
 * run from the first task that fed a frame to the end of its rendering. Frame
 * intervals are held at the display's 16.7 ms however light the work; this is
 * the cost itself, the figure a frame budget is about.
 */
export async function frameWork(browser: Browser, page: Page, during: () => Promise<void>): Promise<{ busy: number[]; spans: number[] }> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
  await during();
  const raw = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : raw.traceEvents;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => main.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.dur !== undefined);
  const begun = new Map<string, number>();
  const spans: Array<[number, number]> = [];
  for (const e of onMain) {
    if (e.name !== 'AnimationFrame') continue;
    const id = e.id ?? e.id2?.local ?? '';
    if (e.ph === 'b') begun.set(id, e.ts);
    else if (e.ph === 'e' && begun.has(id)) {
      spans.push([begun.get(id)!, e.ts]);
      begun.delete(id);
    }
  }
  // Busy time inside each span: its tasks, clipped to the span.
  return {
    busy: spans.map(([from, to]) => tasks.reduce((busy, t) => busy + Math.max(0, Math.min(to, t.ts + t.dur!) - Math.max(from, t.ts)), 0) / 1000),
    spans: spans.map(([from, to]) => (to - from) / 1000),
  };
}

export const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
