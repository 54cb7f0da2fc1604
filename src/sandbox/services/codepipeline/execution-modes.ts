// The execution modes at a stage's door. SUPERSEDED and QUEUED executions queue
// per stage and one holds a stage at a time (SUPERSEDED: a newer one waiting for
// the same stage replaces the older waiting ones); PARALLEL executions never
// wait for each other. Every mode waits while a transition into the stage is disabled.
import { current, type ExecutionRecord, type PipelineRecord } from './records';
import type { PipelineDeclaration } from '../../../shared/pipeline/model';
import { Halt, type ExecutionContext } from './execution-runtime';

/** Whether an execution in this mode holds the stage it runs (so the next one waits). */
export const holdsStage = (mode: ExecutionRecord['executionMode']): boolean => mode !== 'PARALLEL';

export function transitionOpen(p: PipelineRecord, decl: PipelineDeclaration, si: number): boolean {
  if (si === 0) return true;
  const into = decl.stages[si].name;
  const outOf = decl.stages[si - 1].name;
  return p.inbound[into]?.enabled !== false && p.outbound[outOf]?.enabled !== false;
}

/** Waits until the execution may enter stage `si`, by the pipeline's execution mode. */
export async function enterStage(ctx: ExecutionContext, p: PipelineRecord, e: ExecutionRecord, si: number, signal: AbortSignal): Promise<void> {
  const r = ctx.rt(p);
  e.waiting = true;
  const mode = e.executionMode;
  if (mode !== 'PARALLEL') {
    const q = r.queue.get(si) ?? [];
    r.queue.set(si, q);
    if (mode === 'SUPERSEDED') {
      // A newer execution waiting for the same stage replaces older waiting ones.
      for (const other of [...q]) {
        const c = r.controllers.get(other);
        if (other !== e.pipelineExecutionId && c) c.abort('superseded');
      }
    }
    if (!q.includes(e.pipelineExecutionId)) q.push(e.pipelineExecutionId);
  }
  ctx.notify(p);
  for (;;) {
    const decl = current(p);
    const open = transitionOpen(p, decl, si);
    if (mode === 'PARALLEL') {
      if (open) return;
    } else {
      const q = r.queue.get(si) ?? [];
      const free = !r.occupant.has(si);
      if (open && free && q[0] === e.pipelineExecutionId) {
        q.shift();
        r.occupant.set(si, e.pipelineExecutionId);
        return;
      }
    }
    if (e.status === 'Stopping') throw new Halt('abandon');
    await ctx.changedOnce(p, signal);
  }
}

/** Lets go of stage `si` if this execution holds it, and wakes whoever waits. */
export function leaveStage(ctx: ExecutionContext, p: PipelineRecord, e: ExecutionRecord, si: number): void {
  const r = ctx.rt(p);
  if (r.occupant.get(si) === e.pipelineExecutionId) r.occupant.delete(si);
  ctx.notify(p);
}

/** Takes a finished execution out of every stage queue. */
export function dequeue(ctx: ExecutionContext, p: PipelineRecord, e: ExecutionRecord): void {
  for (const q of ctx.rt(p).queue.values()) {
    const i = q.indexOf(e.pipelineExecutionId);
    if (i >= 0) q.splice(i, 1);
  }
}
