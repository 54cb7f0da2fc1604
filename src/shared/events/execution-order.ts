// CodePipeline's events as the watch engine takes them from the queue (issue 24).
// EventBridge delivers at least once ("best effort"), SQS standard queues again at
// least once and in no order, and captured streams show several events of one
// execution with the same `time` (second resolution). So events are deduplicated by
// id (a bounded memory of recent ids: a duplicate arrives within minutes, not days)
// and each execution, stage and action run has a small state machine that only
// moves forward: an older state arriving late never overwrites a newer one.
// An event is a claim, not a read: a start-time in the future is no start (a forged
// or broken one would stay "latest" for ever), and what a listing read says is the
// latest execution wins over any event heard before that read began.
// Pure: no SDK, no network; the clock only through `now`.

export type EventKind = 'pipeline' | 'stage' | 'action';

export interface PipelineEvent {
  id: string;
  account: string;
  region: string;
  /** Second resolution: not enough to order events. */
  time: string;
  kind: EventKind;
  pipeline: string;
  executionId: string;
  stage: string | null;
  action: string | null;
  /** Each action run has its own id: a retried action is a new run, not an older state of the first. */
  actionExecutionId: string | null;
  state: string;
  /** `pipeline-execution-attempt`: one more per stage retry (RESUMED re-opens a failed or stopped execution). */
  attempt: number;
  /** The execution's start (milliseconds), absent on RESUMED: orders executions of one pipeline. */
  startTime: string | null;
}

const DETAIL_KIND: Record<string, EventKind> = {
  'CodePipeline Pipeline Execution State Change': 'pipeline',
  'CodePipeline Stage Execution State Change': 'stage',
  'CodePipeline Action Execution State Change': 'action',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** CodePipeline's event (an SQS message body parsed as JSON) in the engine's terms; null for anything else (a test event, a stranger's). */
export function parsePipelineEvent(body: unknown): PipelineEvent | null {
  if (!body || typeof body !== 'object') return null;
  const e = body as Record<string, unknown>;
  const type = e['detail-type'];
  // Own keys only: a hostile "constructor" or a non-string detail-type is no kind.
  const kind = typeof type === 'string' && Object.hasOwn(DETAIL_KIND, type) ? DETAIL_KIND[type] : undefined;
  const d = e.detail as Record<string, unknown> | undefined;
  if (e.source !== 'aws.codepipeline' || !kind || !d || typeof d !== 'object') return null;
  const id = str(e.id);
  const account = str(e.account);
  const region = str(e.region);
  const pipeline = str(d.pipeline);
  const executionId = str(d['execution-id']);
  const state = str(d.state);
  if (!id || !account || !region || !pipeline || !executionId || !state) return null;
  const stage = str(d.stage);
  const action = str(d.action);
  if (kind !== 'pipeline' && !stage) return null;
  if (kind === 'action' && !action) return null;
  const attempt = Number(d['pipeline-execution-attempt']);
  return {
    id,
    account,
    region,
    time: str(e.time) ?? '',
    kind,
    pipeline,
    executionId,
    stage: kind === 'pipeline' ? null : stage,
    action: kind === 'action' ? action : null,
    actionExecutionId: kind === 'action' ? str(d['action-execution-id']) : null,
    state,
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
    startTime: str(d['start-time']),
  };
}

/** A map that forgets its least recently touched entries beyond `capacity`. */
export class Lru<K, V> {
  private map = new Map<K, V>();
  constructor(private capacity: number) {}
  get size(): number {
    return this.map.size;
  }
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  peek(key: K): V | undefined {
    return this.map.get(key);
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}

/** Event ids seen lately: `seen` answers true for a repeat, and remembers the id either way. */
export class RecentIds {
  private ids: Lru<string, true>;
  constructor(capacity = 20_000) {
    this.ids = new Lru(capacity);
  }
  seen(id: string): boolean {
    const was = this.ids.get(id) !== undefined;
    if (!was) this.ids.set(id, true);
    return was;
  }
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'STOPPED', 'SUPERSEDED', 'CANCELED', 'ABANDONED']);

/**
 * How far along a run is within one attempt: started (or resumed), stopping, finished.
 * Unknown states rank as started, so a state AWS adds later still moves a run forward
 * from nothing but never past its end.
 */
export function stateRank(state: string): number {
  if (TERMINAL.has(state)) return 3;
  if (state === 'STOPPING') return 2;
  return 1;
}

export interface Progress {
  state: string;
  attempt: number;
}

/** A later attempt is newer whatever its state (RESUMED after FAILED); within one attempt, a further state. */
export function isNewer(next: Progress, current: Progress | undefined): boolean {
  if (!current) return true;
  if (next.attempt !== current.attempt) return next.attempt > current.attempt;
  return stateRank(next.state) > stateRank(current.state);
}

/** The execution status ListPipelineExecutions / GetPipelineExecution show for a pipeline event state. */
export function statusOfEventState(state: string): string {
  switch (state) {
    case 'STARTED':
    case 'RESUMED':
      return 'InProgress';
    case 'STOPPING':
      return 'Stopping';
    case 'CANCELED':
      return 'Cancelled';
    default:
      return state.charAt(0) + state.slice(1).toLowerCase();
  }
}

const STATUS_RANK: Record<string, number> = { InProgress: 1, Stopping: 2 };
const statusRank = (status: string) => STATUS_RANK[status] ?? 3;

/**
 * Whether the events said as much as a listing shows of an execution: the same
 * status, or a further one (the listing may lag the event). A finished status the
 * events never announced, or another finished one, is a miss.
 */
export function eventsAnnounced(announcedState: string | null, listedStatus: string): boolean {
  if (announcedState === null) return false;
  const announced = statusOfEventState(announcedState);
  return announced === listedStatus || statusRank(announced) > statusRank(listedStatus);
}

interface ExecutionRecord {
  pipeline?: Progress;
  /** Stage runs by name, action runs by stage/action/run id. */
  parts: Map<string, Progress>;
  times: ExecutionTimes;
}

/** An execution's start and last change as its events told them (ISO; null: not told). */
export interface ExecutionTimes {
  startTime: string | null;
  lastUpdateTime: string | null;
}

const isoOf = (t: string | null): string | null => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
};

/** The later of two ISO times, either missing. */
const later = (a: string | null, b: string | null): string | null => (!a ? b : !b ? a : Date.parse(b) > Date.parse(a) ? b : a);

/**
 * An execution summary completed with what its events told of its times: GetPipelineExecution
 * (the read an event-announced execution gets) has no start or update time, which only
 * ListPipelineExecutions (the sweep, or polling) gives. What the read had stays; an event
 * later than its last update moves that on.
 */
export function withEventTimes<S extends { status: string; startTime: string | null; lastUpdateTime: string | null; durationSec: number | null }>(
  summary: S,
  times: ExecutionTimes | null,
): S {
  if (!times) return summary;
  const startTime = summary.startTime ?? times.startTime;
  const lastUpdateTime = later(summary.lastUpdateTime, times.lastUpdateTime);
  const running = summary.status === 'InProgress' || summary.status === 'Stopping';
  const durationSec =
    summary.durationSec ??
    (startTime && lastUpdateTime && !running ? Math.max(0, Math.round((Date.parse(lastUpdateTime) - Date.parse(startTime)) / 1000)) : null);
  return { ...summary, startTime, lastUpdateTime, durationSec };
}

export type Verdict = 'duplicate' | 'stale' | 'advanced';

const pipelineKeyOf = (e: { account: string; region: string; pipeline: string }) => `${e.account}|${e.region}|${e.pipeline}`;

/**
 * Every execution's state as the events told it, in order whatever order they came in.
 * Bounded: the least recently heard executions are forgotten first (a late event of a
 * forgotten one then counts as news, and costs one reconciling read, no more).
 */
/** How far ahead of this clock an event's time may be and still be believed (clocks differ a little, never by this much). */
export const FUTURE_SKEW_MS = 5 * 60_000;

export class ExecutionOrder {
  private ids: RecentIds;
  private executions: Lru<string, ExecutionRecord>;
  /** Per pipeline, the execution that started last: from an event (`heardAt`: when) or from a listing (`heardAt`: when the read began). */
  private latest: Lru<string, { id: string; startMs: number; heardAt: number }>;
  private now: () => number;

  constructor(opts: { maxIds?: number; maxExecutions?: number; maxPipelines?: number; now?: () => number } = {}) {
    this.ids = new RecentIds(opts.maxIds ?? 20_000);
    this.executions = new Lru(opts.maxExecutions ?? 5_000);
    this.latest = new Lru(opts.maxPipelines ?? 10_000);
    this.now = opts.now ?? Date.now;
  }

  /** An event's time in milliseconds, unless absent or further ahead than clocks differ. */
  private believable(t: string | null, now: number): number | null {
    const ms = t ? Date.parse(t) : NaN;
    return Number.isFinite(ms) && ms <= now + FUTURE_SKEW_MS ? ms : null;
  }

  /** `advanced`: the event moved its execution, stage or action forward (worth a read); `stale`: something newer was heard already. */
  accept(e: PipelineEvent): Verdict {
    if (this.ids.seen(e.id)) return 'duplicate';
    const pKey = pipelineKeyOf(e);
    const now = this.now();
    const startMs = this.believable(e.startTime, now);
    if (startMs !== null) {
      const cur = this.latest.peek(pKey);
      if (!cur || startMs > cur.startMs || (startMs === cur.startMs && e.executionId > cur.id))
        this.latest.set(pKey, { id: e.executionId, startMs, heardAt: now });
    }
    const time = this.believable(e.time, now) === null ? null : e.time;
    const startTime = startMs === null ? null : e.startTime;
    const xKey = `${pKey}|${e.executionId}`;
    let rec = this.executions.get(xKey);
    if (!rec) {
      rec = { parts: new Map(), times: { startTime: null, lastUpdateTime: null } };
      this.executions.set(xKey, rec);
    }
    // The execution's own start (`start-time`, on every event but a few), else its STARTED event's time; a stale event still says it was alive then.
    rec.times.startTime ??= isoOf(startTime) ?? (e.kind === 'pipeline' && e.state === 'STARTED' ? isoOf(time) : null);
    rec.times.lastUpdateTime = later(rec.times.lastUpdateTime, isoOf(time));
    const next = { state: e.state, attempt: e.attempt };
    if (e.kind === 'pipeline') {
      if (!isNewer(next, rec.pipeline)) return 'stale';
      rec.pipeline = next;
      return 'advanced';
    }
    const part = e.kind === 'stage' ? `s|${e.stage}` : `a|${e.stage}|${e.action}|${e.actionExecutionId ?? e.attempt}`;
    if (!isNewer(next, rec.parts.get(part))) return 'stale';
    rec.parts.set(part, next);
    return 'advanced';
  }

  /** The execution's state as the events told it (null: no pipeline-level event of it heard). */
  pipelineState(ref: { account: string; region: string; pipeline: string }, executionId: string): Progress | null {
    return this.executions.peek(`${pipelineKeyOf(ref)}|${executionId}`)?.pipeline ?? null;
  }

  /** The part's state: a stage (`stage`) or an action run (`stage`, `action`, run id). */
  partState(ref: { account: string; region: string; pipeline: string }, executionId: string, part: string): Progress | null {
    return this.executions.peek(`${pipelineKeyOf(ref)}|${executionId}`)?.parts.get(part) ?? null;
  }

  /** The execution's start and last change as its events told them (null: none of its events heard). */
  executionTimes(ref: { account: string; region: string; pipeline: string }, executionId: string): ExecutionTimes | null {
    const rec = this.executions.peek(`${pipelineKeyOf(ref)}|${executionId}`);
    // `time` has second resolution: an event of the first second reads as before the start's milliseconds.
    return rec ? { startTime: rec.times.startTime, lastUpdateTime: later(rec.times.lastUpdateTime, rec.times.startTime) } : null;
  }

  /** The execution of the pipeline that started last, among those heard of and listed. */
  latestExecution(ref: { account: string; region: string; pipeline: string }): string | null {
    return this.latest.peek(pipelineKeyOf(ref))?.id ?? null;
  }

  /**
   * A listing that began at `readAt` (this clock) says `listed` is the pipeline's latest
   * execution. It wins over an event heard before the read began: that execution, had it
   * started last, would be listed. An event heard since may tell of a newer one, and stays.
   */
  listed(ref: { account: string; region: string; pipeline: string }, listed: { id: string; startTime: string | null }, readAt: number): void {
    const key = pipelineKeyOf(ref);
    const cur = this.latest.peek(key);
    if (cur && (cur.id === listed.id || cur.heardAt >= readAt)) return;
    const startMs = listed.startTime ? Date.parse(listed.startTime) : NaN;
    // No start listed: any execution an event tells of later is newer.
    this.latest.set(key, { id: listed.id, startMs: Number.isFinite(startMs) ? startMs : -Infinity, heardAt: readAt });
  }
}
