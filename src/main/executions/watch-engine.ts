// The execution watcher: one watcher per pipeline, shared by every subscriber
// (windows, the approval inbox, the CLI's watch), stopped when nobody watches.
//
// Intervals adapt: fast while something runs in a pipeline someone has open,
// slow when idle or only in the background. When idle it asks only for the
// latest execution (ListPipelineExecutions, maxResults 1) and reads the whole
// state (GetPipelineState, GetPipeline on a new version) only when that changed.
// Every call waits for its turn in the (account, region) budget; throttling
// backs the watcher off and says so in the state it publishes.
//
// Where live updates are set up (issue 24) and the target's events flow, a pipeline
// is not probed: each event that moves its execution forward asks for one reconciling
// read (GetPipelineState, and GetPipelineExecution when the execution itself changed),
// at most one a second per pipeline, coalesced; a slow sweep (one ListPipelineExecutions
// per pipeline, every 10 minutes) catches what the events lost, logs the miss and
// degrades the target, which is then polled as before until its events are heard again.
//
// One client cannot starve the others: it may name at most MAX_WATCHES_PER_CLIENT
// pipelines; it has one pipeline open at a time (its live view), so what it opens
// goes first by design and cannot be claimed for a flood; and when it departs, its
// watchers stop and their calls leave the budget's queue at once.
import { AppError } from '../../shared/api/errors';
import type { PipelineLiveState, PipelineRef, ExecutionSummary } from '../../shared/api/executions';
import { FINAL_STATUSES, pipelineKey } from '../../shared/api/executions';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import { eventsAnnounced, statusOfEventState, withEventTimes } from '../../shared/events/execution-order';
import type { EventFeed, ModeView } from '../events';
import { classifyAwsError, type ClassifiedError } from '../aws/errors';
import type { CallBudget } from '../aws/call-budget';
import { executionSummary, latestExecution, liveStateOf, pipelineDeclaration, pipelineState, type ExecutionReads } from './execution-calls';

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
  /** Event-driven pipelines: how often one ListPipelineExecutions checks that no event was lost. */
  sweep: number;
  /** A change the sweep finds is a miss when its event has not come this long after. */
  missGrace: number;
  /** Event-driven pipelines: at most one reconciling read per this long, the events in between coalesced. */
  reconcileEvery: number;
}

/**
 * Open pipelines: a change shows within about 4 s. Background ones (the explorer,
 * the inbox, the activity list): within 50 s, at a fraction of naive polling's
 * calls (bench/watch). Every probe is one call; a full read only follows a change.
 */
export const DEFAULT_INTERVALS: Intervals = {
  openedActive: 3_000,
  openedIdle: 4_000,
  backgroundActive: 45_000,
  backgroundIdle: 50_000,
  maxBackoff: 300_000,
  sweep: 600_000,
  missGrace: 30_000,
  reconcileEvery: 1_000,
};

/** An open, running pipeline is read whole at least this often (in ticks), changed summary or not. */
const FULL_READ_EVERY = 5;

/**
 * Pipelines one client (a window, a browser session) may name with `executions.watch`.
 * A window watches one pipeline in its live view and the targets of the release board
 * it shows (a few environments of a few targets each). At the default budget (4 calls/s
 * per account and region) a background watch costs a probe per 50 s, so 100 watches of
 * one client take half of what one account and region can serve, and leave the other
 * half to everyone else. The workspace watch (`executions.watchWorkspace`) is not
 * counted: its pipelines are the workspace the user set up, not names a client sends.
 */
export const MAX_WATCHES_PER_CLIENT = 100;

export interface WatchDeps {
  /** The client for a pipeline (its calls cancelled by `signal`), and the budget key of its (account, region). Throws NOT_FOUND for an unknown profile. */
  access(ref: PipelineRef, signal?: AbortSignal): { reads: ExecutionReads; budgetKey: string };
  budget: CallBudget;
  /** Hears every state that differs from the one before. */
  onUpdate(state: PipelineLiveState): void;
  intervals?: Partial<Intervals>;
  /** Live updates: which targets events cover, and their events (none: every pipeline is polled). */
  events?: EventFeed;
}

export interface WatchOptions {
  /** The subscriber shows this pipeline now, in its live view: fast intervals, and its calls go first. */
  opened: boolean;
  /** One of the workspace's pipelines (`executions.watchWorkspace`): not counted against MAX_WATCHES_PER_CLIENT. */
  workspace?: boolean;
}

interface Subscriber {
  opened: boolean;
  /** Named by the client itself (counted against the cap), not only watched as part of the workspace. */
  named: boolean;
}

/** The watcher could not get a client for its pipeline: its profile is unknown, or was removed from the config. */
class Unreachable extends Error {
  constructor(readonly error: ClassifiedError) {
    super(error.message);
  }
}

function unreachable(err: unknown, profile: string, seenBefore: boolean): Unreachable {
  const why = err instanceof Error ? err.message : String(err);
  if (!(err instanceof AppError && err.code === 'NOT_FOUND'))
    return new Unreachable({ kind: 'other', code: err instanceof AppError ? err.code : 'Error', message: why });
  return new Unreachable(
    seenBefore
      ? {
          kind: 'not-found',
          code: 'ProfileRemoved',
          message: `The profile ${profile} was removed while this pipeline was watched (${why}) What is shown was read before; watching resumes if the profile comes back.`,
        }
      : { kind: 'not-found', code: 'ProfileNotFound', message: `${why} This pipeline cannot be watched until a profile of that name exists.` },
  );
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
  /** The profile resolved once: losing it later is "removed", not "unknown". */
  private profileSeen = false;
  /** Aborted when the watcher stops: its queued calls leave the budget and an in-flight call is cancelled. */
  private readonly stopping = new AbortController();
  readonly calls = { probe: 0, state: 0, declaration: 0 };
  /** Live updates: the target's coverage released when the watcher stops. */
  private untrack: (() => void) | null = null;
  /** The mode the last tick ran in. */
  private mode: ModeView = { mode: 'polled', reason: null };
  private reconcileWanted = false;
  /** Events have led this watcher before: a switch back to them follows a time they did not lead. */
  private everEventDriven = false;
  private lastReconcileAt = 0;
  private lastSweepAt = 0;
  /** A change the sweep found before any event said so: a miss unless its event comes within the grace. */
  private pendingMiss: { id: string; status: string } | null = null;
  /** Tells the pending miss at its due, in whatever mode the watcher is by then. */
  private missTimer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;

  constructor(
    readonly ref: PipelineRef,
    private deps: WatchDeps,
    private intervals: Intervals,
  ) {}

  get opened(): boolean {
    return [...this.subs.values()].some((s) => s.opened);
  }

  start(): void {
    this.untrack = this.deps.events?.track({ profile: this.ref.profile, region: this.ref.region }) ?? null;
    this.schedule(0);
  }

  stop(): void {
    this.untrack?.();
    this.untrack = null;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.missTimer) clearTimeout(this.missTimer);
    this.missTimer = null;
    this.stopping.abort();
  }

  /** Read everything now (after a control the user just used, or a new subscriber). */
  refreshNow(): void {
    if (this.stopped) return;
    // Event-driven: a reconciling read, not a probe (the control's own events follow).
    this.reconcileWanted = true;
    if (this.running) {
      this.refreshRequested = true;
      return;
    }
    this.probeSignature = '';
    this.schedule(0);
  }

  /** An event moved this pipeline's execution forward: one reconciling read, at most one per `reconcileEvery`, the events in between coalesced. */
  eventHeard(): void {
    // The target's mode now, not the one of this watcher's last tick: the event that ends a
    // degradation is heard before the tick that sees the change, and must not be lost to it.
    if (this.stopped || this.currentMode().mode !== 'event-driven') return;
    this.reconcileWanted = true;
    if (this.running) return;
    const at = Math.max(Date.now(), this.lastReconcileAt + this.intervals.reconcileEvery);
    if (this.timer && this.timerAt <= at) return;
    this.schedule(at - Date.now());
  }

  /** The target's coverage changed: look now (poll at once when events stopped; say the mode either way). */
  modeChanged(): void {
    if (this.stopped) return;
    if (this.running) {
      this.refreshRequested = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // A due time computed a millisecond ago can be just past (Node warns of a negative timeout).
    ms = Math.max(0, ms);
    this.timerAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      // tick() reports its failures as state; this is the last guard, so nothing escapes a timer as an unhandled rejection.
      this.tick().catch((err: unknown) => console.error(`execution watcher ${this.ref.name}: ${err instanceof Error ? err.message : String(err)}`));
    }, ms);
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

  /** The pipeline's client and budget key; an unknown or removed profile is an Unreachable, reported as this watcher's state. */
  private access(): { reads: ExecutionReads; budgetKey: string } {
    try {
      const a = this.deps.access(this.ref, this.stopping.signal);
      this.profileSeen = true;
      return a;
    } catch (err) {
      throw unreachable(err, this.ref.profile, this.profileSeen);
    }
  }

  private async call<T>(kind: keyof Watcher['calls'], fn: (reads: ExecutionReads) => Promise<T>): Promise<T> {
    const { reads, budgetKey } = this.access();
    // What someone is looking at goes before background watching, asked when the turn comes (it may have been opened meanwhile).
    await this.deps.budget.take(budgetKey, () => (this.opened ? 'high' : 'low'), this.stopping.signal);
    this.calls[kind]++;
    return fn(reads);
  }

  private currentMode(): ModeView {
    return this.deps.events ? this.deps.events.mode({ profile: this.ref.profile, region: this.ref.region }) : { mode: 'polled', reason: null };
  }

  private withMode(s: PipelineLiveState): PipelineLiveState {
    return this.deps.events ? { ...s, watchMode: this.mode.mode, watchModeReason: this.mode.reason } : s;
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    this.running = true;
    let budgetKey: string | null = null;
    let next: number | null = null;
    try {
      // The profile may be unknown, or removed from the config since the watch began: that is this watcher's state, not a crash.
      budgetKey = this.access().budgetKey;
      const mode = this.currentMode();
      const wasEventDriven = this.mode.mode === 'event-driven';
      this.mode = mode;
      // Events lead only over a state read without error: the first read, and recovering from a failure, are today's.
      if (mode.mode === 'event-driven' && this.state && this.state.error === null && this.declaration) {
        // From here the last read is the baseline the sweep compares with. A reconciling read
        // asked for stays asked: polling clears it at every tick, so only an event heard since wants it.
        // Back from degraded or polled, the sweep at once rather than minutes away: what changed since
        // the last poll (up to a background interval ago) may have told no event this watcher follows,
        // and only a listing finds an execution no event told of (one call; a read when it differs).
        if (!wasEventDriven) {
          this.lastSweepAt = this.everEventDriven ? 0 : Date.now();
          this.everEventDriven = true;
        }
        next = await this.eventDrivenTick(budgetKey);
      } else {
        // A pending miss stays: another pipeline's miss may have degraded the target, and this one is still to be told.
        this.reconcileWanted = false;
        await this.pollTick(budgetKey);
      }
      this.failures = 0;
    } catch (err) {
      // Stopped while a call waited or ran: nobody is listening, and nothing is scheduled again.
      if (this.stopped) return;
      const error = err instanceof Unreachable ? err.error : classifyAwsError(err, { region: this.ref.region });
      if (budgetKey && (error.kind === 'throttled' || /Throttl|Rate exceeded/i.test(error.code + error.message))) this.deps.budget.throttled(budgetKey);
      this.failures++;
      this.publishError(error, budgetKey ? this.deps.budget.isThrottled(budgetKey) : false);
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    if (this.refreshRequested) {
      this.refreshRequested = false;
      this.probeSignature = '';
      this.schedule(0);
    } else if (next !== null) {
      if (this.reconcileWanted) next = Math.min(next, Math.max(0, this.lastReconcileAt + this.intervals.reconcileEvery - Date.now()));
      this.schedule(next);
    } else this.schedule(this.interval());
  }

  /** Today's polling: one probe, the whole state when it changed. */
  private async pollTick(budgetKey: string): Promise<void> {
    // A cheap probe first; the whole state when it changed (and, for an open running
    // pipeline, every few ticks anyway, in case a change left the summary as it was).
    // After a failure, whole too: the error shown is cleared only by a state read again.
    const whole = !this.state || this.state.error !== null || (this.opened && this.active() && this.ticksSinceFull >= FULL_READ_EVERY - 1);
    let listedAt = Date.now();
    const latest: ExecutionSummary | null = await this.call('probe', (r) => ((listedAt = Date.now()), latestExecution(r, this.ref.name)));
    if (latest) this.deps.events?.listed({ profile: this.ref.profile, region: this.ref.region }, this.ref.name, latest, listedAt);
    const signature = latest ? `${latest.id}|${latest.status}|${latest.lastUpdateTime}` : 'none';
    if (whole || signature !== this.probeSignature) {
      let readAt = new Date();
      const raw = await this.call('state', (r) => ((readAt = new Date()), pipelineState(r, this.ref.name)));
      if (!this.declaration || (raw.pipelineVersion !== undefined && this.declaration.version !== raw.pipelineVersion))
        this.declaration = await this.call('declaration', (r) => pipelineDeclaration(r, this.ref.name));
      this.publish(this.withMode({ ...liveStateOf(this.ref, this.declaration, raw, latest, readAt), throttled: this.deps.budget.isThrottled(budgetKey) }));
      this.ticksSinceFull = 0;
    } else {
      this.ticksSinceFull++;
      if (this.state) this.publish(this.withMode(this.state));
    }
    this.probeSignature = signature;
  }

  /** No probe: a reconciling read when events asked for one, the sweep when due, a miss told when its grace is over. When to look next. */
  private async eventDrivenTick(budgetKey: string): Promise<number> {
    const feed = this.deps.events!;
    const target = { profile: this.ref.profile, region: this.ref.region };
    if (this.reconcileWanted && Date.now() >= this.lastReconcileAt + this.intervals.reconcileEvery) {
      this.reconcileWanted = false;
      this.lastReconcileAt = Date.now();
      await this.reconcile(budgetKey, null);
    }
    if (Date.now() >= this.lastSweepAt + this.intervals.sweep) {
      this.lastSweepAt = Date.now();
      let listedAt = Date.now();
      const listed = await this.call('probe', (r) => ((listedAt = Date.now()), latestExecution(r, this.ref.name)));
      // What the events say is the latest gives way to the listing, so one event cannot keep showing another execution.
      if (listed) feed.listed(target, this.ref.name, listed, listedAt);
      const shown = this.state?.latest;
      const changed = listed && !(shown && shown.id === listed.id && shown.status === listed.status);
      if (listed && changed) {
        // Shown wrong: read now, whatever the cause (an event late, lost, or heard while this
        // watcher's mode was changing); a miss only if no event said so by the end of the grace.
        await this.reconcile(budgetKey, listed);
        const announced = feed.announced(target, this.ref.name, listed.id);
        if (!eventsAnnounced(announced?.state ?? null, listed.status) && !this.pendingMiss) {
          this.pendingMiss = { id: listed.id, status: listed.status };
          this.missTimer = setTimeout(() => this.tellMiss(), this.intervals.missGrace);
          this.missTimer.unref?.();
        }
      }
    }
    if (this.state) this.publish(this.withMode(this.state));
    return Math.max(0, this.lastSweepAt + this.intervals.sweep - Date.now());
  }

  /** The grace is over: a miss, logged and the target degraded, unless its event came meanwhile. */
  private tellMiss(): void {
    const m = this.pendingMiss;
    this.pendingMiss = null;
    this.missTimer = null;
    const feed = this.deps.events;
    if (!m || !feed || this.stopped) return;
    const target = { profile: this.ref.profile, region: this.ref.region };
    const heard = feed.announced(target, this.ref.name, m.id);
    if (!eventsAnnounced(heard?.state ?? null, m.status))
      feed.missed(
        target,
        `${this.ref.name}: execution ${m.id} is ${m.status} and no event said so (${heard ? `the last heard was ${heard.state}` : 'none was heard'}); found by the reconciliation sweep.`,
      );
  }

  /**
   * The state read again without a probe: GetPipelineState, and the latest execution
   * (GetPipelineExecution) only when the events say it is another one or its status
   * moved; `listed` when the sweep just listed it.
   */
  private async reconcile(budgetKey: string, listed: ExecutionSummary | null): Promise<void> {
    const feed = this.deps.events!;
    const target = { profile: this.ref.profile, region: this.ref.region };
    let readAt = new Date();
    const raw = await this.call('state', (r) => ((readAt = new Date()), pipelineState(r, this.ref.name)));
    let latest = listed ?? this.state?.latest ?? null;
    const latestId = listed?.id ?? feed.latestExecution(target, this.ref.name) ?? latest?.id ?? null;
    const heard = latestId ? feed.announced(target, this.ref.name, latestId) : null;
    if (!listed && latestId && (latestId !== latest?.id || (heard && statusOfEventState(heard.state) !== latest?.status))) {
      const got = await this.call('state', (r) => executionSummary(r, this.ref.name, latestId));
      // GetPipelineExecution has no start, update time or source revisions: what was listed of the same execution stays.
      const before = latest?.id === got.id ? latest : null;
      latest = before
        ? {
            ...got,
            startTime: got.startTime ?? before.startTime,
            lastUpdateTime: got.lastUpdateTime ?? before.lastUpdateTime,
            sourceRevisions: got.sourceRevisions.length ? got.sourceRevisions : before.sourceRevisions,
          }
        : got;
    }
    // Until a listing (the sweep, or polling) gives the times, the events' own say when it started and last changed.
    if (!listed && latest) latest = withEventTimes(latest, feed.executionTimes(target, this.ref.name, latest.id));
    if (!this.declaration || (raw.pipelineVersion !== undefined && this.declaration.version !== raw.pipelineVersion))
      this.declaration = await this.call('declaration', (r) => pipelineDeclaration(r, this.ref.name));
    this.probeSignature = latest ? `${latest.id}|${latest.status}|${latest.lastUpdateTime}` : 'none';
    this.publish(this.withMode({ ...liveStateOf(this.ref, this.declaration, raw, latest, readAt), throttled: this.deps.budget.isThrottled(budgetKey) }));
  }

  /** The failure with the state read before it, if any (shown as possibly stale). */
  private publishError(error: ClassifiedError, throttled: boolean): void {
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
    this.publish(this.withMode({ ...base, error, throttled, observedAt: new Date().toISOString() }));
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

  private unlisten: (() => void) | null = null;

  constructor(private deps: WatchDeps) {
    this.intervals = { ...DEFAULT_INTERVALS, ...deps.intervals };
    this.unlisten =
      deps.events?.listen({
        onEvent: (targets, e) => {
          for (const t of targets) this.watchers.get(pipelineKey({ ...t, name: e.pipeline }))?.eventHeard();
        },
        onModeChange: (t) => {
          for (const w of this.watchers.values()) if (w.ref.profile === t.profile && w.ref.region === t.region) w.modeChanged();
        },
      }) ?? null;
  }

  /**
   * Starts (or joins) the watcher of a pipeline. `opened`: the subscriber shows
   * this pipeline now (fast intervals, its calls first); otherwise it is a background
   * watch. A subscriber has one pipeline open at a time: opening another moves the one
   * before to the background. Throws CONFLICT beyond MAX_WATCHES_PER_CLIENT named watches.
   * Returns the state already known, if any.
   */
  watch(ref: PipelineRef, subscriberId: string, opts: WatchOptions): PipelineLiveState | null {
    const key = pipelineKey(ref);
    const named = !opts.workspace;
    if (named && !this.watchers.get(key)?.subs.get(subscriberId)?.named) {
      const count = [...this.watchers.values()].filter((x) => x.subs.get(subscriberId)?.named).length;
      if (count >= MAX_WATCHES_PER_CLIENT)
        throw new AppError(
          'CONFLICT',
          `This window already watches ${count} pipelines, the most one window may (MAX_WATCHES_PER_CLIENT), so ${ref.name} is not watched. Stop watching one first.`,
          { limit: MAX_WATCHES_PER_CLIENT },
        );
    }
    // A live view shows one pipeline: the one opened before is now in the background, so a client cannot claim a flood as "open".
    if (opts.opened)
      for (const other of this.watchers.values()) {
        const sub = other.subs.get(subscriberId);
        if (other !== this.watchers.get(key) && sub?.opened) sub.opened = false;
      }
    let w = this.watchers.get(key);
    if (!w) {
      w = new Watcher(ref, this.deps, this.intervals);
      this.watchers.set(key, w);
      w.subs.set(subscriberId, { opened: opts.opened, named });
      w.start();
      return null;
    }
    const wasOpened = w.opened;
    const had = w.subs.get(subscriberId);
    w.subs.set(subscriberId, { opened: opts.opened || (had?.opened ?? false), named: named || (had?.named ?? false) });
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

  /** A window closed or a socket went away for good: all its subscriptions end, and the calls they queued leave the budget now. */
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
    this.unlisten?.();
    this.unlisten = null;
    for (const w of this.watchers.values()) w.stop();
    this.watchers.clear();
  }
}
