// The execution watcher: one watcher per pipeline, shared by every subscriber
// (windows, the approval inbox, the CLI's watch), stopped when nobody watches.
//
// Intervals adapt: fast while something runs in a pipeline someone has open,
// slow when idle or only in the background. When idle it asks only for the
// latest execution (ListPipelineExecutions, maxResults 1) and reads the whole
// state (GetPipelineState, GetPipeline on a new version) only when that changed.
// Every call waits for its turn in the (account, region) budget; throttling
// backs the watcher off and says so in the state it publishes.
import type { PipelineLiveState, PipelineRef, ExecutionSummary } from '../../shared/api/executions';
import { FINAL_STATUSES, pipelineKey } from '../../shared/api/executions';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import { classifyAwsError } from '../aws/errors';
import type { CallBudget } from '../aws/call-budget';
import { latestExecution, liveStateOf, pipelineDeclaration, pipelineState, type ExecutionReads } from './execution-calls';

export interface Intervals {
  /** Someone has the pipeline open and something runs or waits in it. */
  openedActive: number;
  /** Someone has it open; nothing runs. */
  openedIdle: number;
  /** Only background subscribers (the inbox, the Executions section); something runs. */
  backgroundActive: number;
  backgroundIdle: number;
  /** The longest back-off after errors or throttling. */
  maxBackoff: number;
}

/**
 * Open pipelines: a change shows within about 4 s. Background ones (the explorer,
 * the inbox, the activity list): within 50 s, at a fraction of naive polling's
 * calls (bench/watch). Every probe is one call; a full read only follows a change.
 */
export const DEFAULT_INTERVALS: Intervals = { openedActive: 3_000, openedIdle: 4_000, backgroundActive: 45_000, backgroundIdle: 50_000, maxBackoff: 300_000 };

/** An open, running pipeline is read whole at least this often (in ticks), changed summary or not. */
const FULL_READ_EVERY = 5;

export interface WatchDeps {
  /** The client for a pipeline, and the budget key of its (account, region). */
  access(ref: PipelineRef): { reads: ExecutionReads; budgetKey: string };
  budget: CallBudget;
  /** Hears every state that differs from the one before. */
  onUpdate(state: PipelineLiveState): void;
  intervals?: Partial<Intervals>;
}

interface Subscriber {
  opened: boolean;
}

class Watcher {
  readonly subs = new Map<string, Subscriber>();
  state: PipelineLiveState | null = null;
  private declaration: PipelineDeclaration | undefined;
  private probeSignature = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private stopped = false;
  private running = false;
  private refreshRequested = false;
  private ticksSinceFull = 0;
  readonly calls = { probe: 0, state: 0, declaration: 0 };

  constructor(
    readonly ref: PipelineRef,
    private deps: WatchDeps,
    private intervals: Intervals,
  ) {}

  get opened(): boolean {
    return [...this.subs.values()].some((s) => s.opened);
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Read everything now (after a control the user just used, or a new subscriber). */
  refreshNow(): void {
    if (this.stopped) return;
    if (this.running) {
      this.refreshRequested = true;
      return;
    }
    this.probeSignature = '';
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref?.();
  }

  private active(): boolean {
    const s = this.state;
    if (!s) return true;
    if (s.latest && !FINAL_STATUSES.has(s.latest.status)) return true;
    return s.stages.some((st) => st.status === 'InProgress' || st.waitingExecutionIds.length > 0);
  }

  private interval(): number {
    const i = this.intervals;
    const base = this.opened ? (this.active() ? i.openedActive : i.openedIdle) : this.active() ? i.backgroundActive : i.backgroundIdle;
    return this.failures ? Math.min(i.maxBackoff, base * 2 ** Math.min(this.failures, 8)) : base;
  }

  private async call<T>(kind: keyof Watcher['calls'], fn: (reads: ExecutionReads) => Promise<T>): Promise<T> {
    const { reads, budgetKey } = this.deps.access(this.ref);
    // What someone is looking at goes before background watching.
    await this.deps.budget.take(budgetKey, this.opened ? 'high' : 'low');
    this.calls[kind]++;
    return fn(reads);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    this.running = true;
    const { budgetKey } = this.deps.access(this.ref);
    try {
      // A cheap probe first; the whole state when it changed (and, for an open running
      // pipeline, every few ticks anyway, in case a change left the summary as it was).
      const whole = !this.state || (this.opened && this.active() && this.ticksSinceFull >= FULL_READ_EVERY - 1);
      const latest: ExecutionSummary | null = await this.call('probe', (r) => latestExecution(r, this.ref.name));
      const signature = latest ? `${latest.id}|${latest.status}|${latest.lastUpdateTime}` : 'none';
      if (whole || signature !== this.probeSignature) {
        let readAt = new Date();
        const raw = await this.call('state', (r) => ((readAt = new Date()), pipelineState(r, this.ref.name)));
        if (!this.declaration || (raw.pipelineVersion !== undefined && this.declaration.version !== raw.pipelineVersion))
          this.declaration = await this.call('declaration', (r) => pipelineDeclaration(r, this.ref.name));
        this.publish({ ...liveStateOf(this.ref, this.declaration, raw, latest, readAt), throttled: this.deps.budget.isThrottled(budgetKey) });
        this.ticksSinceFull = 0;
      } else this.ticksSinceFull++;
      this.probeSignature = signature;
      this.failures = 0;
    } catch (err) {
      const error = classifyAwsError(err, { region: this.ref.region });
      if (error.kind === 'throttled' || /Throttl|Rate exceeded/i.test(error.code + error.message)) this.deps.budget.throttled(budgetKey);
      this.failures++;
      const base: PipelineLiveState = this.state ?? {
        ref: this.ref,
        pipelineVersion: null,
        pipelineType: null,
        stages: [],
        latest: null,
        observedAt: new Date().toISOString(),
        error: null,
        throttled: false,
      };
      this.publish({ ...base, error, throttled: this.deps.budget.isThrottled(budgetKey), observedAt: new Date().toISOString() });
    } finally {
      this.running = false;
    }
    if (this.refreshRequested) {
      this.refreshRequested = false;
      this.probeSignature = '';
      this.schedule(0);
    } else this.schedule(this.interval());
  }

  private publish(next: PipelineLiveState): void {
    const comparable = (s: PipelineLiveState | null) => (s ? JSON.stringify({ ...s, observedAt: null }) : '');
    const changed = comparable(next) !== comparable(this.state);
    this.state = next;
    if (!changed) return;
    try {
      this.deps.onUpdate(next);
    } catch (err) {
      // A listener's failure (an event that does not validate, a closed window) must not stop the watcher.
      console.error(`execution watcher ${this.ref.name}: a listener failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

export class WatchEngine {
  private watchers = new Map<string, Watcher>();
  private intervals: Intervals;

  constructor(private deps: WatchDeps) {
    this.intervals = { ...DEFAULT_INTERVALS, ...deps.intervals };
  }

  /**
   * Starts (or joins) the watcher of a pipeline. `opened`: the subscriber shows
   * this pipeline now (fast intervals); otherwise it is a background watch.
   * Returns the state already known, if any.
   */
  watch(ref: PipelineRef, subscriberId: string, opts: { opened: boolean }): PipelineLiveState | null {
    const key = pipelineKey(ref);
    let w = this.watchers.get(key);
    if (!w) {
      w = new Watcher(ref, this.deps, this.intervals);
      this.watchers.set(key, w);
      w.subs.set(subscriberId, opts);
      w.start();
      return null;
    }
    const wasOpened = w.opened;
    w.subs.set(subscriberId, { opened: opts.opened || (w.subs.get(subscriberId)?.opened ?? false) });
    if (!wasOpened && w.opened) w.refreshNow();
    return w.state;
  }

  /** One subscriber leaves one pipeline; the watcher stops when it was the last. */
  unwatch(ref: PipelineRef, subscriberId: string): void {
    const key = pipelineKey(ref);
    const w = this.watchers.get(key);
    if (!w) return;
    w.subs.delete(subscriberId);
    if (w.subs.size === 0) {
      w.stop();
      this.watchers.delete(key);
    }
  }

  /** A window closed or a socket went away: all its subscriptions end. */
  dropSubscriber(subscriberId: string): void {
    for (const w of [...this.watchers.values()]) if (w.subs.has(subscriberId)) this.unwatch(w.ref, subscriberId);
  }

  /** After a control (approve, retry…): read that pipeline now rather than at its next tick. */
  refresh(ref: PipelineRef): void {
    this.watchers.get(pipelineKey(ref))?.refreshNow();
  }

  state(ref: PipelineRef): PipelineLiveState | null {
    return this.watchers.get(pipelineKey(ref))?.state ?? null;
  }

  /** How many pipelines are watched, and by whom (for tests and the status bar). */
  stats(): { watchers: number; subscriptions: number; calls: { probe: number; state: number; declaration: number } } {
    const calls = { probe: 0, state: 0, declaration: 0 };
    let subscriptions = 0;
    for (const w of this.watchers.values()) {
      subscriptions += w.subs.size;
      calls.probe += w.calls.probe;
      calls.state += w.calls.state;
      calls.declaration += w.calls.declaration;
    }
    return { watchers: this.watchers.size, subscriptions, calls };
  }

  close(): void {
    for (const w of this.watchers.values()) w.stop();
    this.watchers.clear();
  }
}
