// The layout worker's fallback: where a Web Worker cannot start (its script is
// refused, or the constructor throws), the canvas lays out on the main thread
// instead of waiting for a worker that never answers.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startElkWorker } from '../../src/renderer/src/lib/elk-workers';

const g = globalThis as unknown as { Worker?: unknown };
afterEach(() => {
  delete g.Worker;
  vi.restoreAllMocks();
});

/** A worker whose script fails to load: it reports an error event and never answers. */
class RefusedWorker {
  private listeners: Array<(e: { message: string }) => void> = [];
  terminated = false;
  onmessage: unknown = null;
  postMessage() {
    // Behaviour, not a wait: as from a real worker, the error event comes later, in a task of its own.
    setTimeout(() => this.listeners.forEach((l) => l({ message: 'Refused to load the script (CSP)' })), 0);
  }
  addEventListener(type: string, l: (e: { message: string }) => void) {
    if (type === 'error') this.listeners.push(l);
  }
  terminate() {
    this.terminated = true;
  }
}

async function laysOut(engine: Awaited<ReturnType<typeof startElkWorker>>) {
  const out = await engine.layout({
    id: 'r',
    layoutOptions: { 'elk.algorithm': 'layered' },
    children: [
      { id: 'a', width: 10, height: 10 },
      { id: 'b', width: 10, height: 10 },
    ],
    edges: [{ id: 'e', sources: ['a'], targets: ['b'] }],
  });
  return out.children?.map((c) => typeof c.x === 'number');
}

describe('layout worker', () => {
  it('falls back to in-thread elk when the worker reports an error', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const made: RefusedWorker[] = [];
    g.Worker = class extends RefusedWorker {
      constructor() {
        super();
        made.push(this);
      }
    };
    const engine = await startElkWorker();
    expect(await laysOut(engine)).toEqual([true, true]);
    expect(made).toHaveLength(1);
    expect(made[0].terminated).toBe(true);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/layout worker is unavailable/);
  });

  it('falls back when constructing the worker throws', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    g.Worker = class {
      constructor() {
        throw new Error('SecurityError: workers from file: are not allowed');
      }
    };
    expect(await laysOut(await startElkWorker())).toEqual([true, true]);
  });
});
