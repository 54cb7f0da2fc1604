// Simulates pipeline executions: stages in order, actions in runOrder groups
// (parallel within a group), durations scaled by timeScale, approvals that wait
// for PutApprovalResult, disabled transitions that hold executions, and the
// SUPERSEDED, QUEUED and PARALLEL execution modes. This class owns the
// executions' lifecycle (start, retry, stop, rollback, settled); its parts live
// beside it: execution-modes.ts (a stage's door), stage-conditions.ts
// (before-entry conditions), action-runner.ts (runOrder groups, approvals,
// revisions) and artifact-writer.ts (outputs written to the sandbox S3 with the
// service's key layout).
import { current, type ExecutionRecord, type PipelineRecord } from './records';
import { Halt, type ExecutionContext, type ExecutorDeps, type Runtime, type StopReason } from './execution-runtime';
import { dequeue, enterStage, holdsStage, leaveStage } from './execution-modes';
import { beforeEntry, overrideCondition } from './stage-conditions';
import { ActionRunner, type ApprovalResult, type RetryMode } from './action-runner';
import { ExecutionEventEmitter } from './event-emitter';
import type { PipelineEventState } from './events';

export type { ExecutorDeps } from './execution-runtime';

export interface StartOptions {
  triggerType: string;
  triggerDetail: string;
  variables?: Array<{ name: string; value: string }>;
  sourceRevisions?: Array<{ actionName: string; revisionType: string; revisionValue: string }>;
  rollback?: { stageIndex: number; target: ExecutionRecord };
  clientRequestToken?: string;
}

export class Executor {
  private runtimes = new Map<PipelineRecord, Runtime>();
  private running = new Set<Promise<void>>();
  /** Actions sleeping through their simulated duration, and when anything last changed: for settled(). */
  private sleeping = 0;
  private lastChange = Date.now();
  /** Counts changes, for settled(0): two changes within one millisecond still differ. */
  private changes = 0;

  private touch(): void {
    this.lastChange = Date.now();
    this.changes++;
  }

  /** What the modes, conditions and action runner see of this executor. */
  private readonly ctx: ExecutionContext;
  private readonly actions: ActionRunner;
  private readonly events: ExecutionEventEmitter;

  constructor(private deps: ExecutorDeps) {
    this.events = new ExecutionEventEmitter(deps);
    this.ctx = {
      deps,
      events: this.events,
      rt: (p) => this.rt(p),
      notify: (p) => this.notify(p),
      changedOnce: (p, signal) => this.changedOnce(p, signal),
      scaled: (ms) => this.scaled(ms),
      asleep: async (wait) => {
        this.sleeping++;
        try {
          await wait();
        } finally {
          this.sleeping--;
          this.touch();
        }
      },
    };
    this.actions = new ActionRunner(this.ctx);
  }

  private rt(p: PipelineRecord): Runtime {
    let r = this.runtimes.get(p);
    if (!r) {
      r = { occupant: new Map(), queue: new Map(), waiters: new Set(), controllers: new Map() };
      this.runtimes.set(p, r);
    }
    return r;
  }

  /** Wakes every waiter of a pipeline so it re-checks its condition. */
  notify(p: PipelineRecord): void {
    this.touch();
    const r = this.rt(p);
    const ws = [...r.waiters];
    r.waiters.clear();
    for (const w of ws) w();
    this.deps.changed();
  }

  private changedOnce(p: PipelineRecord, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Halt(signal.reason as StopReason));
      const r = this.rt(p);
      const onAbort = () => {
        r.waiters.delete(wake);
        reject(new Halt(signal.reason as StopReason));
      };
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      r.waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private scaled(ms: number): number {
    return ms * this.deps.config().timeScale;
  }

  start(p: PipelineRecord, opts: StartOptions): ExecutionRecord {
    const decl = current(p);
    const now = Date.now();
    const declared = new Map((decl.variables ?? []).map((v) => [v.name, v.defaultValue ?? '']));
    for (const v of opts.variables ?? []) declared.set(v.name, v.value);
    const e: ExecutionRecord = {
      pipelineExecutionId: this.deps.rng.uuid(),
      pipelineVersion: p.versions.length,
      status: 'InProgress',
      startTime: now,
      lastUpdateTime: now,
      trigger: { triggerType: opts.triggerType, triggerDetail: opts.triggerDetail },
      ...(opts.clientRequestToken ? { clientRequestToken: opts.clientRequestToken } : {}),
      executionMode: decl.executionMode ?? 'SUPERSEDED',
      executionType: opts.rollback ? 'ROLLBACK' : 'STANDARD',
      variables: [...declared].map(([name, resolvedValue]) => ({ name, resolvedValue })),
      sourceRevisionOverrides: opts.sourceRevisions ?? [],
      artifactRevisions: opts.rollback ? structuredClone(opts.rollback.target.artifactRevisions) : [],
      artifacts: opts.rollback ? { ...opts.rollback.target.artifacts } : {},
      stages: {},
      actions: [],
      stageIndex: opts.rollback?.stageIndex ?? 0,
      waiting: true,
    };
    if (opts.rollback) {
      e.rollbackMetadata = { rollbackTargetPipelineExecutionId: opts.rollback.target.pipelineExecutionId };
      e.onlyStage = opts.rollback.stageIndex;
    }
    p.executions.unshift(e);
    this.events.pipeline(p, e, 'STARTED');
    this.launch(p, e, e.stageIndex, undefined);
    return e;
  }

  retry(p: PipelineRecord, e: ExecutionRecord, stageIndex: number, mode: RetryMode): void {
    e.status = 'InProgress';
    delete e.statusSummary;
    delete e.stopTrigger;
    e.lastUpdateTime = Date.now();
    e.attempt = (e.attempt ?? 1) + 1;
    e.lastRetryTime = e.lastUpdateTime;
    this.events.pipeline(p, e, 'RESUMED');
    this.launch(p, e, stageIndex, mode);
  }

  private launch(p: PipelineRecord, e: ExecutionRecord, from: number, retryMode: RetryMode | undefined): void {
    this.touch();
    const controller = new AbortController();
    this.rt(p).controllers.set(e.pipelineExecutionId, controller);
    const run = this.run(p, e, from, retryMode, controller.signal).finally(() => {
      this.rt(p).controllers.delete(e.pipelineExecutionId);
      this.running.delete(run);
    });
    this.running.add(run);
    this.deps.changed();
  }

  /** Stop: abandon aborts in-flight actions; otherwise they finish first. */
  stop(p: PipelineRecord, e: ExecutionRecord, abandon: boolean, reason: string): void {
    e.stopTrigger = { reason };
    e.lastUpdateTime = Date.now();
    const c = this.rt(p).controllers.get(e.pipelineExecutionId);
    // Both stop modes announce STOPPING first, as the service does; the stage only when one runs.
    this.events.pipeline(p, e, 'STOPPING', reason);
    const stage = (p.versions[e.pipelineVersion - 1] ?? current(p)).stages[e.stageIndex]?.name;
    if (!e.waiting && stage && e.stages[stage]?.status === 'InProgress') this.events.stage(p, e, stage, 'STOPPING');
    if (abandon || e.waiting) {
      c?.abort('abandon');
    } else {
      e.status = 'Stopping';
      if (stage && e.stages[stage]) e.stages[stage].status = 'Stopping';
    }
    this.notify(p);
  }

  /** The pipeline was deleted: end its executions without touching records further. */
  abandonAll(p: PipelineRecord): void {
    for (const c of this.rt(p).controllers.values()) c.abort('deleted');
    this.runtimes.delete(p);
  }

  resolveApproval(actionExecutionId: string, result: ApprovalResult): boolean {
    return this.actions.resolveApproval(actionExecutionId, result);
  }

  /** OverrideStageCondition: a condition in progress passes now. False when none is in progress. */
  overrideCondition(p: PipelineRecord, e: ExecutionRecord, stageName: string, type: 'BEFORE_ENTRY' | 'ON_SUCCESS', by: string): boolean {
    return overrideCondition(this.ctx, p, e, stageName, type, by);
  }

  /** Resolves when no execution is running or waiting (tests, seeding, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  /**
   * Resolves once nothing moves by itself: no action is sleeping through its duration
   * and no state changed for `quietMs`. Executions parked at an approval or a disabled
   * transition (and those queued behind them) wait for a person, so they count as settled.
   */
  async settled(quietMs = 15): Promise<void> {
    for (;;) {
      if (quietMs === 0 && this.sleeping === 0) {
        // Every step between sleeps runs in microtasks, all drained before the next
        // macrotask: nothing changed across one turn of the event loop means settled
        // (seeding, at time scale 0, needs no quiet period of wall time).
        const mark = this.changes;
        await new Promise((r) => setImmediate(r));
        if (this.sleeping === 0 && this.changes === mark) return;
        continue;
      }
      if (this.sleeping === 0 && Date.now() - this.lastChange >= quietMs) return;
      await new Promise((r) => setTimeout(r, quietMs === 0 ? 0 : 5));
    }
  }

  async shutdown(): Promise<void> {
    for (const r of this.runtimes.values()) for (const c of r.controllers.values()) c.abort('shutdown');
    await this.idle();
  }
  private async run(p: PipelineRecord, e: ExecutionRecord, from: number, retryMode: RetryMode | undefined, signal: AbortSignal): Promise<void> {
    const decl = p.versions[e.pipelineVersion - 1] ?? current(p);
    const last = e.onlyStage ?? decl.stages.length - 1;
    let held: number | undefined;
    let silent = false;
    const release = () => {
      if (held === undefined) return;
      leaveStage(this.ctx, p, e, held);
      held = undefined;
    };
    try {
      for (let si = from; si <= last; si++) {
        const stage = decl.stages[si];
        e.stageIndex = si;
        await enterStage(this.ctx, p, e, si, signal);
        held = holdsStage(e.executionMode) ? si : undefined;
        if (stage.beforeEntry?.conditions?.length && !(await beforeEntry(this.ctx, p, e, si, signal))) {
          e.stages[stage.name] = { status: 'Failed' };
          e.status = 'Failed';
          e.statusSummary = `The before-entry condition of stage ${stage.name} failed.`;
          this.events.stage(p, e, stage.name, 'FAILED');
          break;
        }
        e.waiting = false;
        e.stages[stage.name] = { status: 'InProgress' };
        p.stageLatest[stage.name] = e.pipelineExecutionId;
        e.lastUpdateTime = Date.now();
        this.events.stage(p, e, stage.name, si === from && retryMode ? 'RESUMED' : 'STARTED');
        this.notify(p);
        const ok = await this.actions.runStage(p, decl, e, si, si === from ? retryMode : undefined, signal);
        if (!ok) {
          e.stages[stage.name].status = 'Failed';
          e.status = 'Failed';
          e.statusSummary = `Stage ${stage.name} failed.`;
          this.events.stage(p, e, stage.name, 'FAILED');
          break;
        }
        // Stop without abandon: the group in flight finished; halt here.
        if (e.status === 'Stopping') throw new Halt('stopping');
        e.stages[stage.name].status = 'Succeeded';
        this.events.stage(p, e, stage.name, 'SUCCEEDED');
        release();
      }
      if (e.status === 'InProgress') e.status = 'Succeeded';
    } catch (err) {
      const reason = err instanceof Halt ? err.reason : 'abandon';
      // The sandbox shutting down (or resetting) is no state change anyone watches.
      silent = reason === 'shutdown';
      const stage = decl.stages[e.stageIndex]?.name;
      if (reason === 'superseded') {
        e.status = 'Superseded';
        e.statusSummary = 'A newer execution replaced this one.';
      } else if (reason === 'deleted' || reason === 'shutdown') {
        e.status = 'Stopped';
        e.statusSummary = reason === 'deleted' ? 'The pipeline was deleted.' : 'The sandbox stopped.';
      } else {
        e.status = 'Stopped';
      }
      const stageRan = stage !== undefined && (e.stages[stage]?.status === 'InProgress' || e.stages[stage]?.status === 'Stopping');
      if (stage && e.stages[stage] && e.stages[stage].status !== 'Succeeded') e.stages[stage].status = reason === 'superseded' ? 'Cancelled' : 'Stopped';
      for (const c of e.conditions ?? [])
        if (c.status === 'InProgress') {
          c.status = 'Abandoned';
          for (const r of c.rules) if (r.status === 'InProgress') r.status = 'Abandoned';
        }
      for (const a of e.actions)
        if (a.status === 'InProgress') {
          a.status = 'Abandoned';
          a.lastUpdateTime = Date.now();
          this.actions.forgetApproval(a.actionExecutionId);
          if (!silent) this.events.action(p, e, a, 'ABANDONED');
        }
      if (stageRan && !silent) this.events.stage(p, e, stage, reason === 'superseded' ? 'CANCELED' : 'STOPPED');
    } finally {
      e.waiting = false;
      e.lastUpdateTime = Date.now();
      release();
      dequeue(this.ctx, p, e);
      if (e.status !== 'InProgress' && e.status !== 'Stopping') e.stageIndex = e.status === 'Succeeded' ? -1 : e.stageIndex;
      const ended = PIPELINE_EVENT_OF[e.status];
      if (ended && !silent) this.events.pipeline(p, e, ended);
      this.notify(p);
    }
  }
}

/** The pipeline event an execution's final status announces. */
const PIPELINE_EVENT_OF: Partial<Record<ExecutionRecord['status'], PipelineEventState>> = {
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  Stopped: 'STOPPED',
  Superseded: 'SUPERSEDED',
  Cancelled: 'CANCELED',
};
