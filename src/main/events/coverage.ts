// Which watched targets (profile, region) the watch engine may leave to events, and
// the events themselves (issue 24). For the targets the engine watches in, it asks
// the live-updates service's status now and then: every minute for the targets this
// home's setup completed (setup-state.json) and those whose rule status found; every
// ten minutes, and when first watched, for the others, since a setup made elsewhere
// (the CloudFormation/StackSet export, a colleague, a reinstall, another profile name
// for the account) is in no file here and is found only by reading its rule. It reads each hub queue
// those targets route to (queue-consumer.ts), dedupes and orders the events
// (shared/events/execution-order.ts) and passes on only those that moved something
// forward. A target is event-driven while its setup checks out, its queue answers
// and no miss is outstanding; a miss the engine's sweep finds marks it degraded
// until its events are heard again. A queue is read by one process per machine
// (queue-reader.ts): where another holds its lease, its targets are polled here.
import { hostname } from 'node:os';
import type { z } from 'zod';
import type { EventsMode, EventsTargetStatus } from '../../shared/api/events';
import { ExecutionOrder, type ExecutionTimes, type PipelineEvent, type Progress } from '../../shared/events/execution-order';
import { acquireLock, LockHeldError, LockLostError, type HeldLock, type LockHolder } from '../../node/lock-file';
import type { AwsAccess } from '../aws/access';
import { hubQueueCalls } from './events-calls';
import { QueueConsumer, type ConsumerOptions, type QueueHealth } from './queue-consumer';
import { laterOf, queueKey, readLastEvents, readerLeasePath, writeLastEvents } from './queue-reader';
import type { EventsService } from './service';

export interface Target {
  profile: string;
  region: string;
}

export interface ModeView {
  mode: z.infer<typeof EventsMode>;
  reason: string | null;
}

export interface EventFeedListener {
  /** An event that moved an execution, stage or action forward, with the watched targets it belongs to. */
  onEvent(targets: Target[], e: PipelineEvent): void;
  /** A target's mode may have changed. */
  onModeChange(target: Target): void;
}

/** The watch engine's port (implemented here; watch-engine.ts knows nothing of queues). */
export interface EventFeed {
  track(target: Target): () => void;
  mode(target: Target): ModeView;
  listen(listener: EventFeedListener): () => void;
  /** The execution's pipeline-level state as events told it. */
  announced(target: Target, pipeline: string, executionId: string): Progress | null;
  /** The execution of the pipeline that started last, as events told it. */
  latestExecution(target: Target, pipeline: string): string | null;
  /** The execution's start and last change as its events told them (GetPipelineExecution has neither). */
  executionTimes(target: Target, pipeline: string, executionId: string): ExecutionTimes | null;
  /** The sweep found a change no event announced: degrade the target and log the miss. */
  missed(target: Target, message: string): void;
  /** A listing that began at `readAt` says this is the pipeline's latest execution: it outweighs events heard before it. */
  listed(target: Target, pipeline: string, latest: { id: string; startTime: string | null }, readAt: number): void;
}

export interface CoverageOptions {
  /** How often the setup of watched targets is checked again (a disabled rule, a deleted queue). */
  statusRefreshMs?: number;
  /**
   * How often a watched target with no setup known is checked for one made elsewhere (and when it
   * is first watched): one DescribeRule each, which answers "not found" while there is none.
   */
  setupDiscoveryMs?: number;
  consumer?: ConsumerOptions;
  /** Where a miss is logged (besides `misses`). */
  log?: (line: string) => void;
  /** How long a queue's reader waits to write what it heard for `events status` (the writes are batched). */
  lastEventsWriteMs?: number;
}

export interface Miss {
  at: string;
  profile: string;
  region: string;
  message: string;
}

const keyOf = (t: Target) => `${t.profile}/${t.region}`;
const MAX_MISSES = 200;
/** Events taken from a queue this recently say it delivers (see sharedQueueHint). */
const SHARED_QUEUE_RECENT_MS = 10 * 60_000;

/** A hub queue this process reads, under its lease. */
interface Reader {
  consumer: QueueConsumer;
  /** The hub's "account/region". */
  hub: string;
  /** The queue's region and URL (together they name it: see queue-reader.ts). */
  region: string;
  url: string;
  lease: HeldLock;
  /** Per "account/region": when an event of that target was last taken (ISO), for the record `events status` reads. */
  heard: Record<string, string>;
  unwritten: boolean;
  /**
   * The "account/region"s whose forwarding rule, as status read it, targets this hub's bus: the only
   * ones this queue's events are believed for. Anyone the hub account lets send to the queue can
   * write any account into a message; EventBridge's delivery is not told apart from that.
   */
  routes: Set<string>;
  /** The claimed "account/region"s already said to be dropped (said once each). */
  droppedSaid: Set<string>;
}

function readElsewhere(h: LockHolder | null): string {
  if (!h) return 'events from this queue are read by another Pipewright process (its lease file is being written, or is damaged): polled here';
  const where = h.host === hostname() ? 'on this machine' : `on ${h.host}`;
  return `events from this queue are read by another Pipewright process ${where} (pid ${h.pid}): polled here`;
}

const leaseTrouble = (err: unknown) =>
  `the lease on this queue cannot be taken (${err instanceof Error ? err.message : String(err)}): polled here, so that two readers never split its events`;

/** The "account/region"s whose forwarding rule targets this hub's bus ("account/region" of the hub), as status read them. */
function routesTo(hub: string, statuses: EventsTargetStatus[]): Set<string> {
  return new Set(statuses.filter((s) => s.accountId && s.hub && `${s.hub.accountId}/${s.hub.region}` === hub).map((s) => `${s.accountId}/${s.region}`));
}

export class EventCoverage implements EventFeed {
  private tracked = new Map<string, { target: Target; count: number }>();
  private status = new Map<string, EventsTargetStatus>();
  /** Per target ("profile/region"): when status last read it, for those checked at the slow rate. */
  private discoveredAt = new Map<string, number>();
  private consumers = new Map<string, Reader>();
  /** Per queue URL this process does not read: why (another process holds its lease). */
  private notReadHere = new Map<string, string>();
  private recordTimer: ReturnType<typeof setTimeout> | null = null;
  /** Per hub "account/region": the consumer's health. */
  private health = new Map<string, QueueHealth>();
  /** Per "account/region": a miss, until that target's events are heard again. */
  private missMarks = new Map<string, string>();
  private lastEventAt = new Map<string, number>();
  private order = new ExecutionOrder();
  private listeners = new Set<EventFeedListener>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<void> | null = null;
  private disposed = false;
  private disposing: Promise<void> | null = null;
  readonly misses: Miss[] = [];
  /** Events taken from the queues, and what the ordering made of them (tests and the benchmark). */
  readonly counts = { events: 0, duplicate: 0, stale: 0, advanced: 0, untrusted: 0 };

  constructor(
    private service: EventsService,
    private accounts: AwsAccess,
    private opts: CoverageOptions = {},
  ) {}

  private get home(): string {
    return this.service.home;
  }

  track(target: Target): () => void {
    const k = keyOf(target);
    const t = this.tracked.get(k);
    if (t) t.count++;
    else {
      this.tracked.set(k, { target, count: 1 });
      this.refreshSoon();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const cur = this.tracked.get(k);
      if (cur && --cur.count <= 0) {
        this.tracked.delete(k);
        this.refreshSoon();
      }
    };
  }

  listen(listener: EventFeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  mode(target: Target): ModeView {
    const s = this.status.get(keyOf(target));
    if (!s) return { mode: 'polled', reason: 'not set up' };
    if (s.mode !== 'event-driven') return { mode: s.mode, reason: s.reason };
    const elsewhere = s.hub?.queueUrl ? this.notReadHere.get(queueKey({ region: s.hub.region, url: s.hub.queueUrl })) : undefined;
    if (elsewhere) return { mode: 'polled', reason: elsewhere };
    const hub = s.hub ? this.health.get(`${s.hub.accountId}/${s.hub.region}`) : undefined;
    if (hub?.state === 'unreachable') return { mode: 'degraded', reason: hub.reason };
    const miss = s.accountId ? this.missMarks.get(`${s.accountId}/${target.region}`) : undefined;
    if (miss) return { mode: 'degraded', reason: `events were missed: ${miss}` };
    return { mode: 'event-driven', reason: null };
  }

  private accountOf(target: Target): string | null {
    return this.status.get(keyOf(target))?.accountId ?? this.accounts.identityOf(target.profile)?.accountId ?? null;
  }

  announced(target: Target, pipeline: string, executionId: string): Progress | null {
    const account = this.accountOf(target);
    return account ? this.order.pipelineState({ account, region: target.region, pipeline }, executionId) : null;
  }

  latestExecution(target: Target, pipeline: string): string | null {
    const account = this.accountOf(target);
    return account ? this.order.latestExecution({ account, region: target.region, pipeline }) : null;
  }

  executionTimes(target: Target, pipeline: string, executionId: string): ExecutionTimes | null {
    const account = this.accountOf(target);
    return account ? this.order.executionTimes({ account, region: target.region, pipeline }, executionId) : null;
  }

  missed(target: Target, message: string): void {
    const account = this.accountOf(target);
    if (!account) return;
    const said = [message, this.sharedQueueHint(target)].filter(Boolean).join(' ');
    this.misses.push({ at: new Date().toISOString(), profile: target.profile, region: target.region, message: said });
    if (this.misses.length > MAX_MISSES) this.misses.shift();
    (this.opts.log ?? ((l: string) => console.warn(l)))(`events: missed in ${target.profile}/${target.region}: ${said}`);
    this.changing(() => this.missMarks.set(`${account}/${target.region}`, said));
  }

  /**
   * A known limit (one queue per hub region, as the issue prescribes): a reader of the same
   * queue elsewhere (another Pipewright on another machine, or with another home: the lease is
   * per home) takes and deletes part of its events, and each sees misses. It cannot be told
   * apart from events lost on the way, but it can be suspected: this process reads the target's
   * queue, the queue answers, and events (of any target it serves) keep arriving.
   */
  private sharedQueueHint(target: Target): string | null {
    const url = this.status.get(keyOf(target))?.hub?.queueUrl;
    const reader = url ? [...this.consumers.values()].find((r) => r.url === url) : undefined;
    if (!reader || reader.consumer.health.state !== 'ok') return null;
    const lastHeard = Math.max(0, ...Object.values(reader.heard).map((at) => Date.parse(at)));
    if (Date.now() - lastHeard > SHARED_QUEUE_RECENT_MS) return null;
    return `Events still arrive in this hub's queue (${url}), so another reader may share it: another Pipewright on another machine (or with another home) takes and deletes part of its events.`;
  }

  listed(target: Target, pipeline: string, latest: { id: string; startTime: string | null }, readAt: number): void {
    const account = this.accountOf(target);
    if (account) this.order.listed({ account, region: target.region, pipeline }, latest, readAt);
  }

  /** When the target last had an event (for status). */
  lastEvent(target: Target): string | null {
    const account = this.accountOf(target);
    const at = account ? this.lastEventAt.get(`${account}/${target.region}`) : undefined;
    return at ? new Date(at).toISOString() : null;
  }

  /** Runs a change, then tells the listeners of every tracked target whose mode it changed. */
  private changing(change: () => void): void {
    const before = new Map([...this.tracked.values()].map(({ target }) => [keyOf(target), JSON.stringify(this.mode(target))]));
    change();
    for (const { target } of this.tracked.values())
      if (before.get(keyOf(target)) !== JSON.stringify(this.mode(target))) for (const l of this.listeners) l.onModeChange(target);
  }

  private onEvents(events: PipelineEvent[], reader: Reader): void {
    if (this.disposed) return;
    for (const e of events) {
      const ar = `${e.account}/${e.region}`;
      this.counts.events++;
      if (!reader.routes.has(ar)) {
        // Not from a route of this hub: never ordered, heard or shown; counted, and said once.
        this.counts.untrusted++;
        if (!reader.droppedSaid.has(ar)) {
          reader.droppedSaid.add(ar);
          console.warn(
            `events: a message in ${reader.url} claims to be from ${e.account} ${e.region}, whose forwarding rule is not known to target this hub: dropped (and any more from there).`,
          );
        }
        continue;
      }
      const now = Date.now();
      this.lastEventAt.set(ar, now);
      reader.heard[ar] = new Date(now).toISOString();
      reader.unwritten = true;
      this.writeRecordsSoon();
      // Events heard again: the miss was logged and the sweep read the state; events lead again.
      if (this.missMarks.has(ar)) this.changing(() => this.missMarks.delete(ar));
      const verdict = this.order.accept(e);
      this.counts[verdict]++;
      if (verdict !== 'advanced') continue;
      const targets = [...this.tracked.values()]
        .map((t) => t.target)
        .filter((t) => t.region === e.region && this.accountOf(t) === e.account && this.mode(t).mode === 'event-driven');
      if (targets.length) for (const l of this.listeners) l.onEvent(targets, e);
    }
  }

  private refreshSoon(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 0);
    this.timer.unref?.();
  }

  /** Checks the setup of every tracked target again, and starts or stops the hub queues' readers to match. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
      if (this.disposed) return;
      if (this.timer) clearTimeout(this.timer);
      if (this.tracked.size) {
        this.timer = setTimeout(() => void this.refresh(), this.opts.statusRefreshMs ?? 60_000);
        this.timer.unref?.();
      }
    });
    return this.refreshing;
  }

  /**
   * Which targets status reads this time: those set up from this home, and those whose last
   * status found a rule (or could not tell), every time; the others at the slow rate, so that a
   * setup made elsewhere is found. setup-state.json is only a cache of what is likely set up.
   */
  private dueForStatus(targets: Target[], setUp: Set<string>, now: number): Target[] {
    const slow = this.opts.setupDiscoveryMs ?? 10 * 60_000;
    return targets.filter((t) => {
      const k = keyOf(t);
      const known = this.status.get(k);
      if (setUp.has(k) || (known && (known.mode !== 'polled' || !known.verified))) return true;
      const at = this.discoveredAt.get(k);
      return at === undefined || now - at >= slow;
    });
  }

  private async doRefresh(): Promise<void> {
    const targets = [...this.tracked.values()].map((t) => t.target);
    const trackedKeys = new Set(targets.map(keyOf));
    for (const k of [...this.discoveredAt.keys()]) if (!trackedKeys.has(k)) this.discoveredAt.delete(k);
    let statuses: EventsTargetStatus[] = [];
    try {
      const now = Date.now();
      const due = this.dueForStatus(targets, await this.service.setUpTargets(), now);
      const read = due.length ? await this.service.status(due, { periodic: true }) : [];
      for (const t of due) this.discoveredAt.set(keyOf(t), now);
      // What was not read this time stays as it was last read.
      const fresh = new Map(read.map((s) => [keyOf(s), s]));
      statuses = targets.flatMap((t) => fresh.get(keyOf(t)) ?? this.status.get(keyOf(t)) ?? []);
    } catch (err) {
      // The check itself failed: nothing is known to be covered, so everything is polled as before.
      console.error(`events: the live-updates status could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.disposed) return;
    const notReadHere = new Map<string, string>();
    // The leases' heartbeat: a lease lost (taken over after this process seemed gone) stops its reader.
    for (const [k, r] of this.consumers)
      try {
        await r.lease.refresh();
      } catch (err) {
        this.consumers.delete(k);
        void r.consumer.dispose();
        // Given up if it is still ours (a heartbeat that failed to write), so this process does not later find itself the holder.
        void r.lease.release().catch(() => undefined);
        notReadHere.set(queueKey({ region: r.region, url: r.url }), err instanceof LockLostError ? readElsewhere(err.holder) : leaseTrouble(err));
      }
    const wanted = new Map<string, { hubAccount: string; region: string; url: string; prefer: string }>();
    for (const s of statuses)
      if (s.mode === 'event-driven' && s.hub?.queueUrl)
        wanted.set(`${s.hub.accountId}/${s.hub.region}|${s.hub.queueUrl}`, {
          hubAccount: s.hub.accountId,
          region: s.hub.region,
          url: s.hub.queueUrl,
          prefer: s.profile,
        });
    for (const [k, r] of this.consumers)
      if (!wanted.has(k)) {
        this.consumers.delete(k);
        void this.stopReading(r);
      }
    for (const [k, w] of wanted) {
      if (this.consumers.has(k) || notReadHere.has(queueKey(w))) continue;
      const p = await this.service.hubProfile(w.hubAccount, [w.prefer]).catch(() => undefined);
      if (!p || this.disposed) continue;
      let lease: HeldLock;
      try {
        lease = await acquireLock(
          readerLeasePath(this.home, w),
          { program: 'Pipewright (reading live updates from a hub queue)', queueUrl: w.url },
          // A live holder on this machine keeps it whatever the expiry; the expiry speaks to another machine sharing the home.
          { ttlMs: Math.max(3 * (this.opts.statusRefreshMs ?? 60_000), 30_000) },
        );
      } catch (err) {
        // Taken again at the next refresh: when the other process ends, this one reads the queue.
        notReadHere.set(queueKey(w), err instanceof LockHeldError ? readElsewhere(err.holder) : leaseTrouble(err));
        continue;
      }
      if (this.disposed) {
        await lease.release().catch(() => undefined);
        return;
      }
      const hub = `${w.hubAccount}/${w.region}`;
      const reader: Reader = {
        hub,
        region: w.region,
        url: w.url,
        lease,
        heard: {},
        unwritten: false,
        routes: routesTo(hub, statuses),
        droppedSaid: new Set(),
        consumer: new QueueConsumer(
          `${w.url}`,
          hubQueueCalls(this.accounts.clients, p, w.region, w.url),
          (events) => this.onEvents(events, reader),
          (h) => this.changing(() => this.health.set(hub, h)),
          this.opts.consumer,
        ),
      };
      this.consumers.set(k, reader);
      this.health.set(hub, reader.consumer.health);
      reader.consumer.start();
    }
    for (const r of this.consumers.values()) r.routes = routesTo(r.hub, statuses);
    this.changing(() => {
      this.status = new Map(statuses.map((s) => [keyOf(s), s]));
      this.notReadHere = notReadHere;
      for (const hub of [...this.health.keys()]) if (![...this.consumers.values()].some((c) => c.hub === hub)) this.health.delete(hub);
    });
  }

  /** Stops a reader: its poll cancelled, what it heard written, its lease given up for another process to take. */
  private async stopReading(r: Reader): Promise<void> {
    await r.consumer.dispose();
    await this.writeRecord(r);
    await r.lease
      .release()
      .catch((err: unknown) => console.warn(`events: the lease on ${r.url} was not released: ${err instanceof Error ? err.message : String(err)}`));
  }

  private writeRecordsSoon(): void {
    if (this.recordTimer || this.disposed) return;
    this.recordTimer = setTimeout(() => {
      this.recordTimer = null;
      for (const r of this.consumers.values()) void this.writeRecord(r);
    }, this.opts.lastEventsWriteMs ?? 5_000);
    this.recordTimer.unref?.();
  }

  private async writeRecord(r: Reader): Promise<void> {
    if (!r.unwritten) return;
    r.unwritten = false;
    try {
      // Merged with the file: a reader before this one may have heard other targets.
      const before = await readLastEvents(this.home, r);
      const merged = { ...before };
      for (const [ar, at] of Object.entries(r.heard)) merged[ar] = laterOf(before[ar], at)!;
      await writeLastEvents(this.home, r, merged);
    } catch (err) {
      r.unwritten = true;
      console.warn(`events: what the reader of ${r.url} heard was not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The readers' counts (tests and the benchmark). */
  stats(): { consumers: number; receives: number; messages: number; deleted: number; errors: number } {
    const out = { consumers: this.consumers.size, receives: 0, messages: 0, deleted: 0, errors: 0 };
    for (const { consumer } of this.consumers.values()) {
      out.receives += consumer.counts.receives;
      out.messages += consumer.counts.messages;
      out.deleted += consumer.counts.deleted;
      out.errors += consumer.counts.errors;
    }
    return out;
  }

  /** Stops reading; each queue's lease is released, so another process on this machine (the CLI, the app) can read it. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.disposed = true;
      if (this.timer) clearTimeout(this.timer);
      if (this.recordTimer) clearTimeout(this.recordTimer);
      this.listeners.clear();
      const readers = [...this.consumers.values()];
      this.consumers.clear();
      await Promise.all(readers.map((r) => this.stopReading(r)));
    })();
    return this.disposing;
  }
}
