// Runs `openFileText` in the open worker; where no worker can start (tests in
// jsdom, an unusual embedding) it runs in the page instead.
import { openFileText, type OpenResult } from '../../../../shared/pipeline/open-file';

type Pending = Map<number, (r: OpenResult) => void>;
let worker: { post(id: number, text: string, logicalId?: string): void; pending: Pending } | null | undefined;
let nextId = 1;

function startWorker(): typeof worker {
  if (typeof Worker === 'undefined') return null;
  try {
    const w = new Worker(new URL('./open-worker.ts', import.meta.url), { type: 'module' });
    const pending: Pending = new Map();
    w.onmessage = (e: MessageEvent<{ id: number; result: OpenResult }>) => {
      pending.get(e.data.id)?.(e.data.result);
      pending.delete(e.data.id);
    };
    w.onerror = (e) => {
      // A worker that fails answers every waiting call with the error; the next call runs in the page.
      for (const done of pending.values()) done({ kind: 'error', message: `The file could not be opened: ${e.message || 'the worker failed'}.` });
      pending.clear();
      worker = null;
    };
    return { post: (id, text, logicalId) => w.postMessage({ id, text, logicalId }), pending };
  } catch {
    return null;
  }
}

export function openInWorker(text: string, logicalId?: string): Promise<OpenResult> {
  if (worker === undefined) worker = startWorker();
  const w = worker;
  if (!w) return Promise.resolve(openFileText(text, logicalId));
  const id = nextId++;
  return new Promise((resolve) => {
    w.pending.set(id, resolve);
    w.post(id, text, logicalId);
  });
}
