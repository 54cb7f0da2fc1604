// elk in a Web Worker: layouts run off the main thread, so the canvas stays
// responsive while a large design is laid out. One worker: two, each laying
// out half the stages, were slower on two cores (each worker warms its own JIT,
// and they compete with the page). Where a worker cannot start (an unusual
// embedding), the canvas keeps elk's in-thread build.
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { inThreadEngine, warmUpGraph, type LayoutEngine } from './pipeline-layout';

const PROOF = {
  id: 'proof',
  children: [
    { id: 'a', width: 10, height: 10 },
    { id: 'b', width: 10, height: 10 },
  ],
  edges: [{ id: 'e', sources: ['a'], targets: ['b'] }],
};
const START_TIMEOUT_MS = 10_000;
/** Background warm-up layouts; each is a few milliseconds once warm. */
const WARM_UP_PARTS = 40;

/**
 * A worker's engine. Until it is warm it lays out small warm-up graphs in the
 * background, one at a time and only while no real layout is waiting, so a
 * real layout never queues behind more than one of them.
 */
class WorkerEngine implements LayoutEngine {
  private pending = 0;

  constructor(private readonly elk: InstanceType<typeof ELK>) {}

  async layout(graph: ElkNode): Promise<ElkNode> {
    this.pending++;
    try {
      return await this.elk.layout(graph);
    } finally {
      this.pending--;
    }
  }

  async warmUp(): Promise<void> {
    for (let part = 0; part < WARM_UP_PARTS; part++) {
      while (this.pending) await new Promise((r) => setTimeout(r, 50));
      await this.elk.layout(warmUpGraph(part));
    }
  }
}

/** What this module uses of a Web Worker (typed here: the tests that import it run without the DOM library). */
type WorkerLike = { addEventListener(type: 'error', listener: (e: { message?: string }) => void): void };
type WorkerConstructor = new (url: string) => WorkerLike;

/** One worker, proven by a first tiny layout. */
async function startWorker(): Promise<WorkerEngine> {
  // Adapter: this file is also type-checked for Node (tests), whose globals have no Worker.
  const WorkerCtor = (globalThis as unknown as { Worker: WorkerConstructor }).Worker;
  let worker: WorkerLike | undefined;
  const elk = new ELK({
    // elk-api's factory is typed with the DOM's Worker; the object is one.
    workerFactory: ((url?: string) => (worker = new WorkerCtor(url ?? elkWorkerUrl))) as never,
    workerUrl: elkWorkerUrl,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failed = new Promise<never>((_, reject) => {
    worker?.addEventListener('error', (e) => reject(new Error(e.message || 'layout worker failed to start')));
    timer = setTimeout(() => reject(new Error('layout worker did not start')), START_TIMEOUT_MS);
  });
  try {
    await Promise.race([elk.layout(PROOF), failed]);
    return new WorkerEngine(elk);
  } catch (err) {
    elk.terminateWorker();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the layout worker, and warms it up in the background; falls back to in-thread elk. */
export async function startElkWorker(): Promise<LayoutEngine> {
  try {
    const engine = await startWorker();
    void engine.warmUp().catch(() => undefined);
    return engine;
  } catch (err) {
    console.warn('Pipewright: the layout worker is unavailable; laying out on the main thread.', err);
    return inThreadEngine();
  }
}
