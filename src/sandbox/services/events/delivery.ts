// Delivery of matched events to a rule's targets, after the API call that put them
// has answered (EventBridge delivers asynchronously): to SQS queues through the
// QueueDelivery port, and to event buses (the same account's, or another account's
// when that bus's policy allows it). A failed delivery is retried with exponential
// backoff, then dropped or sent to the target's dead-letter queue; each step is
// counted per rule (named as EventBridge's CloudWatch metrics) and logged.
//
// Injected faults (Faults.decideDelivery) lose, duplicate, delay and reorder events
// per target, seeded, so the watch engine's dedupe, ordering and reconciliation can
// be tested against them.
import { createHash } from 'node:crypto';
import type { Faults } from '../../faults';
import { policyAllowsPutEvents } from './policy';
import { parseBusArn, parseQueueArn, type AwsEventEnvelope, type BusRecord, type QueueDelivery, type RuleRecord, type TargetRecord } from './model';

/** CloudWatch's EventBridge metrics for one rule, plus the faults the sandbox injected. */
export interface RuleMetrics {
  ruleArn: string;
  MatchedEvents: number;
  /** Deliveries started (each copy of a duplicated event counts). */
  Invocations: number;
  InvocationAttempts: number;
  SuccessfulInvocationAttempts: number;
  RetryInvocationAttempts: number;
  /** Deliveries that failed for good (after their retries). */
  FailedInvocations: number;
  InvocationsSentToDlq: number;
  InvocationsFailedToBeSentToDlq: number;
  FaultDropped: number;
  FaultDuplicated: number;
  FaultReordered: number;
  FaultDelayed: number;
}

export type DeliveryOutcome =
  'delivered' | 'retrying' | 'failed' | 'sent-to-dlq' | 'dlq-failed' | 'not-forwarded' | 'dropped-by-fault' | 'duplicated-by-fault' | 'reordered-by-fault';

export interface DeliveryRecord {
  seq: number;
  time: number;
  account: string;
  region: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  eventId: string;
  source: string;
  detailType: string;
  /** 1 for the first try. */
  attempt: number;
  outcome: DeliveryOutcome;
  reason?: string;
  messageId?: string;
}

export interface DeliveryDeps {
  faults: Faults;
  /** SQS, once wired (see sandbox.ts); until then queue targets fail as unreachable. */
  queues: () => QueueDelivery | undefined;
  timeScale: () => number;
  findBus(account: string, region: string, name: string): BusRecord | undefined;
  /** An event arriving on a bus from another bus (`hops` 1), to be matched there. */
  enterBus(bus: BusRecord, event: AwsEventEnvelope, hops: number): void;
  log(line: string): void;
}

type SendResult = { ok: true; messageId?: string } | { ok: false; reason: string; retryable: boolean };

/** The sandbox stops after this many retries (EventBridge's default is 185 over 24 hours). */
export const SANDBOX_MAX_RETRIES = 3;
const FIRST_BACKOFF_MS = 1_000;
/**
 * How long a reordered event waits for the next one before it goes anyway: real
 * milliseconds, as a fault's latency is, since the next event comes at the pace of
 * the calls that put it, whatever the time scale.
 */
export const REORDER_HOLD_MS = 1_000;
const MAX_LOG = 50_000;

// The SQS store reports why it refused; EventBridge does not retry a queue that does
// not exist or a permission it lacks, it gives up (or dead-letters) at once.
const PERMANENT_QUEUE_FAILURE = /does ?n[o']t exist|NonExistentQueue|not authori[sz]ed|AccessDenied|denied/i;

interface Held {
  fire: () => void;
  timer: NodeJS.Timeout;
}

export class Delivery {
  private metrics = new Map<string, RuleMetrics>();
  private records: DeliveryRecord[] = [];
  private seq = 0;
  private timers = new Set<NodeJS.Timeout>();
  /** Per rule and target: an event held back by a reorder fault. */
  private held = new Map<string, Held>();
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly deps: DeliveryDeps) {}

  /** Matched on its bus: counts it, then hands the event to each of the rule's targets. */
  matched(rule: RuleRecord, event: AwsEventEnvelope, hops: number): void {
    this.metricsFor(rule.arn).MatchedEvents++;
    for (const target of rule.targets) this.dispatch(rule, { ...target }, event, hops);
  }

  private dispatch(rule: RuleRecord, target: TargetRecord, event: AwsEventEnvelope, hops: number): void {
    const m = this.metricsFor(rule.arn);
    if (hops > 0 && parseBusArn(target.Arn)) {
      this.record(rule, target, event, 1, 'not-forwarded', 'EventBridge does not route an event received from another event bus on to a third bus.');
      return;
    }
    const fault = this.deps.faults.decideDelivery({ account: rule.account, region: rule.region }, fingerprint(rule, target, event));
    if (fault.dropped) {
      m.FaultDropped++;
      this.record(rule, target, event, 1, 'dropped-by-fault', 'Lost by an injected fault.');
      return;
    }
    if (fault.delayMs > 0) m.FaultDelayed++;
    const copies = fault.duplicated ? 2 : 1;
    if (fault.duplicated) {
      m.FaultDuplicated++;
      this.record(rule, target, event, 1, 'duplicated-by-fault', 'Delivered twice by an injected fault.');
    }
    for (let copy = 0; copy < copies; copy++) {
      m.Invocations++;
      // Only the first copy is held back: a duplicate still arrives.
      const reorder = fault.reordered && copy === 0;
      this.later(fault.delayMs, () => this.handOver(rule, target, event, hops, reorder));
    }
  }

  /** In order, unless this event is to be reordered: then it waits for the next one to the same target. */
  private handOver(rule: RuleRecord, target: TargetRecord, event: AwsEventEnvelope, hops: number, reorder: boolean): void {
    const key = `${rule.arn}\u0000${target.Id}`;
    const waiting = this.held.get(key);
    if (reorder && !waiting) {
      this.metricsFor(rule.arn).FaultReordered++;
      this.record(rule, target, event, 1, 'reordered-by-fault', 'Held back to arrive after the next event.');
      const fire = () => {
        this.held.delete(key);
        this.attempt(rule, target, event, hops, 1);
      };
      const timer = this.later(REORDER_HOLD_MS, () => {
        if (this.held.get(key)?.fire === fire) fire();
      });
      this.held.set(key, { fire, timer });
      return;
    }
    this.attempt(rule, target, event, hops, 1);
    if (waiting) {
      this.cancel(waiting.timer);
      waiting.fire();
    }
  }

  private attempt(rule: RuleRecord, target: TargetRecord, event: AwsEventEnvelope, hops: number, attempt: number): void {
    const m = this.metricsFor(rule.arn);
    m.InvocationAttempts++;
    let result: SendResult;
    try {
      result = this.send(rule, target, event, hops);
    } catch (err) {
      this.deps.log(`sandbox: events delivery to ${target.Arn} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      result = { ok: false, reason: 'Internal error in the sandbox.', retryable: true };
    }
    if (result.ok) {
      m.SuccessfulInvocationAttempts++;
      this.record(rule, target, event, attempt, 'delivered', undefined, result.messageId);
      return;
    }
    const retries = Math.min(target.RetryPolicy?.MaximumRetryAttempts ?? SANDBOX_MAX_RETRIES, SANDBOX_MAX_RETRIES);
    if (result.retryable && attempt <= retries) {
      m.RetryInvocationAttempts++;
      this.record(rule, target, event, attempt, 'retrying', result.reason);
      this.later(this.scaled(FIRST_BACKOFF_MS * 2 ** (attempt - 1)), () => this.attempt(rule, target, event, hops, attempt + 1));
      return;
    }
    m.FailedInvocations++;
    this.record(rule, target, event, attempt, 'failed', result.reason);
    const dlq = target.DeadLetterConfig?.Arn;
    if (dlq) this.deadLetter(rule, target, event, attempt, dlq, result.reason);
  }

  private deadLetter(rule: RuleRecord, target: TargetRecord, event: AwsEventEnvelope, attempt: number, dlqArn: string, why: string): void {
    const m = this.metricsFor(rule.arn);
    const queues = this.deps.queues();
    const sent = queues
      ? queues.sendAsService(dlqArn, JSON.stringify(event), { service: 'events.amazonaws.com', sourceArn: rule.arn })
      : ({ ok: false, reason: 'The sandbox has no SQS wired to EventBridge.' } as const);
    if (sent.ok) {
      m.InvocationsSentToDlq++;
      this.record(rule, target, event, attempt, 'sent-to-dlq', why, sent.messageId);
    } else {
      m.InvocationsFailedToBeSentToDlq++;
      this.record(rule, target, event, attempt, 'dlq-failed', sent.reason);
    }
  }

  private send(rule: RuleRecord, target: TargetRecord, event: AwsEventEnvelope, hops: number): SendResult {
    const bus = parseBusArn(target.Arn);
    if (bus) {
      if (bus.region !== rule.region)
        return { ok: false, retryable: false, reason: `The sandbox delivers to event buses in the rule's own region (${rule.region}) only.` };
      if (!target.RoleArn) return { ok: false, retryable: false, reason: `RoleArn is required for target ${target.Arn}.` };
      const dest = this.deps.findBus(bus.account, bus.region, bus.name);
      if (!dest) return { ok: false, retryable: false, reason: `Event bus ${target.Arn} does not exist.` };
      if (
        bus.account !== rule.account &&
        !policyAllowsPutEvents(dest.policy, { account: rule.account, busArn: dest.arn, source: event.source, detailType: event['detail-type'] })
      )
        return {
          ok: false,
          retryable: false,
          reason: `Account ${rule.account} is not authorized to put events on ${dest.arn}: its policy does not allow it.`,
        };
      this.deps.enterBus(dest, event, hops + 1);
      return { ok: true };
    }
    if (parseQueueArn(target.Arn)) {
      const queues = this.deps.queues();
      if (!queues) return { ok: false, retryable: false, reason: 'The sandbox has no SQS wired to EventBridge.' };
      const sent = queues.sendAsService(target.Arn, renderInput(target, event), { service: 'events.amazonaws.com', sourceArn: rule.arn });
      return sent.ok ? { ok: true, messageId: sent.messageId } : { ok: false, reason: sent.reason, retryable: !PERMANENT_QUEUE_FAILURE.test(sent.reason) };
    }
    return { ok: false, retryable: false, reason: `The sandbox delivers to SQS queues and event buses only, not to ${target.Arn}.` };
  }

  private scaled(ms: number): number {
    return ms * this.deps.timeScale();
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        fn();
      } catch (err) {
        this.deps.log(`sandbox: events delivery failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
      this.settleIfIdle();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private settleIfIdle(): void {
    if (this.timers.size) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves once no delivery, retry or held event is pending. */
  idle(): Promise<void> {
    if (!this.timers.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private metricsFor(arn: string): RuleMetrics {
    let m = this.metrics.get(arn);
    if (!m) {
      m = {
        ruleArn: arn,
        MatchedEvents: 0,
        Invocations: 0,
        InvocationAttempts: 0,
        SuccessfulInvocationAttempts: 0,
        RetryInvocationAttempts: 0,
        FailedInvocations: 0,
        InvocationsSentToDlq: 0,
        InvocationsFailedToBeSentToDlq: 0,
        FaultDropped: 0,
        FaultDuplicated: 0,
        FaultReordered: 0,
        FaultDelayed: 0,
      };
      this.metrics.set(arn, m);
    }
    return m;
  }

  private record(
    rule: RuleRecord,
    target: TargetRecord,
    event: AwsEventEnvelope,
    attempt: number,
    outcome: DeliveryOutcome,
    reason?: string,
    messageId?: string,
  ): void {
    this.records.push({
      seq: ++this.seq,
      time: Date.now(),
      account: rule.account,
      region: rule.region,
      ruleArn: rule.arn,
      targetId: target.Id,
      targetArn: target.Arn,
      eventId: event.id,
      source: event.source,
      detailType: event['detail-type'],
      attempt,
      outcome,
      ...(reason === undefined ? {} : { reason }),
      ...(messageId === undefined ? {} : { messageId }),
    });
    if (this.records.length > MAX_LOG) this.records.splice(0, this.records.length - MAX_LOG);
  }

  /** Per-rule counters, for the control API and tests. */
  ruleMetrics(ruleArn?: string): RuleMetrics[] {
    const all = [...this.metrics.values()].map((m) => ({ ...m }));
    return ruleArn ? all.filter((m) => m.ruleArn === ruleArn) : all;
  }

  /** The delivery log after `since` (a record's seq). */
  log(since = 0): DeliveryRecord[] {
    return this.records.filter((r) => r.seq > since);
  }

  /** Forgets pending deliveries (reset, stop). Counters and log go too. */
  shutdown(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held.clear();
    this.metrics.clear();
    this.records = [];
    this.settleIfIdle();
  }
}

/** What a target receives: the event, or the target's Input, or the part of the event its InputPath selects. */
export function renderInput(target: TargetRecord, event: AwsEventEnvelope): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) {
    const selected = selectPath(event, target.InputPath);
    return selected === undefined ? '' : JSON.stringify(selected);
  }
  return JSON.stringify(event);
}

/** A JSONPath of plain steps ($, $.a.b, $.a[0], $['a-b']): what InputPath takes. */
export function selectPath(root: unknown, path: string): unknown {
  const steps = parsePath(path);
  if (!steps) return undefined;
  let node: unknown = root;
  for (const step of steps) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

export function parsePath(path: string): Array<string | number> | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: Array<string | number> = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return undefined;
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (m[3] ?? m[4])));
  }
  return steps;
}

/** The event's content and the target, not its random id: the same events meet the same faults. */
function fingerprint(rule: RuleRecord, target: TargetRecord, event: AwsEventEnvelope): string {
  const content = JSON.stringify([event.source, event['detail-type'], event.account, event.resources, event.detail]);
  return `${rule.arn}|${target.Id}|${createHash('sha256').update(content).digest('hex')}`;
}
