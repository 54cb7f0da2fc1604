// Injected faults, set per service and operation (and optionally account and
// region) through the control API: latency, throttling, 500s, connection resets,
// access denied, partial DeleteObjects failures, and S3 conditional writes failed
// with 412 or 409 although their condition held; and, for EventBridge's
// deliveries to targets (operation "Deliver"), lost, duplicated, delayed and
// reordered events.
//
// Each decision is a function of the seed, what was asked (a fingerprint of the
// request, or of one key) and how many times it has been asked: not of one
// random stream shared by every call. Concurrent calls arriving in another
// order therefore get the same faults, and a test's outcome does not depend on
// how its requests interleave.
import { z } from 'zod';

const DELIVERY_RATES = ['dropRate', 'duplicateRate', 'reorderRate'] as const;
const CONDITIONAL_RATES = ['preconditionFailedRate', 'conditionalConflictRate'] as const;
const CONDITIONAL_WRITES = ['PutObject', 'CompleteMultipartUpload', '*'];

const FaultRuleFields = z.strictObject({
  service: z.enum(['codepipeline', 's3', 'sts', 'iam', 'account', 'sqs', 'events', 'sso', 'sso-oidc', 'organizations', '*']).default('*'),
  operation: z.string().default('*'),
  account: z.string().optional(),
  region: z.string().optional(),
  latencyMs: z.number().min(0).max(60_000).default(0),
  jitterMs: z.number().min(0).max(60_000).default(0),
  /** Fraction of calls answered with ThrottlingException (S3: 503 SlowDown). */
  throttleRate: z.number().min(0).max(1).default(0),
  /** Fraction of calls answered with a 500. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Fraction of calls whose connection is destroyed without an answer. */
  resetRate: z.number().min(0).max(1).default(0),
  /** Fraction of calls denied with AccessDenied. */
  denyRate: z.number().min(0).max(1).default(0),
  /** Fraction of keys in each DeleteObjects batch that fail with InternalError. */
  deleteErrorRate: z.number().min(0).max(1).default(0),
  // The delivery rates are optional (absent: 0) so rules written out in full before them still type-check.
  /** EventBridge deliveries (operation "Deliver"): fraction of events lost on the way to a target. */
  dropRate: z.number().min(0).max(1).optional(),
  /** Fraction of events a target receives twice (the same event, the same id). */
  duplicateRate: z.number().min(0).max(1).optional(),
  /** Fraction of events held back and delivered after the next event to the same target (or after 1 s without one). */
  reorderRate: z.number().min(0).max(1).optional(),
  // Optional, like the delivery rates, so rules written out in full before them still type-check.
  /**
   * S3 conditional writes (PutObject, CompleteMultipartUpload with If-Match or If-None-Match):
   * fraction answered 412 PreconditionFailed although the condition held, as when another
   * writer got there first. Unconditional writes are never failed this way.
   */
  preconditionFailedRate: z.number().min(0).max(1).optional(),
  /** The same, answered 409 ConditionalRequestConflict (a conflicting operation in progress). */
  conditionalConflictRate: z.number().min(0).max(1).optional(),
  /** Stop applying after this many matching calls (undefined: forever). */
  remaining: z.number().int().min(0).optional(),
});

export const FaultRule = FaultRuleFields.superRefine((r, ctx) => {
  // Deliveries are not calls: their faults live in rules of their own, so a rule meant
  // for EventBridge's API never touches its deliveries, and the other way round.
  const deliver = r.operation === 'Deliver';
  if (deliver && r.service !== 'events' && r.service !== '*')
    ctx.addIssue({ code: 'custom', path: ['service'], message: 'operation "Deliver" is EventBridge\'s delivery to targets: service must be "events".' });
  if (!deliver)
    for (const k of DELIVERY_RATES)
      if ((r[k] ?? 0) > 0)
        ctx.addIssue({ code: 'custom', path: [k], message: `${k} applies to EventBridge deliveries only: {"service": "events", "operation": "Deliver"}.` });
  if (r.service !== 's3' || !CONDITIONAL_WRITES.includes(r.operation))
    for (const k of CONDITIONAL_RATES)
      if ((r[k] ?? 0) > 0)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `${k} applies to S3's conditional writes only: {"service": "s3", "operation": "PutObject" or "CompleteMultipartUpload" (or "*")}.`,
        });
  if ((r.preconditionFailedRate ?? 0) + (r.conditionalConflictRate ?? 0) > 1)
    ctx.addIssue({ code: 'custom', path: ['conditionalConflictRate'], message: 'preconditionFailedRate and conditionalConflictRate add up to at most 1.' });
  if (deliver)
    for (const k of ['throttleRate', 'errorRate', 'resetRate', 'denyRate', 'deleteErrorRate'] as const)
      if (r[k] > 0)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `${k} applies to API calls; a delivery takes dropRate, duplicateRate, reorderRate and latencyMs/jitterMs.`,
        });
});
export type FaultRule = z.infer<typeof FaultRule>;

export interface CallTarget {
  service: string;
  operation: string;
  account: string;
  region: string;
}

/** What happens to one event on its way to one target. */
export interface DeliveryFault {
  dropped: boolean;
  duplicated: boolean;
  reordered: boolean;
  delayMs: number;
}

export type FaultDecision = {
  latencyMs: number;
  outcome: 'ok' | 'throttle' | 'error' | 'reset' | 'deny';
  deleteErrorRate: number;
  /** For an S3 conditional write whose condition holds: fail it anyway, this way. */
  conditionalFailure?: 'PreconditionFailed' | 'ConditionalRequestConflict';
};

/** A number in [0, 1) from a seed and a string: FNV-1a, then a mulberry32 finish. */
export function rollFor(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  let t = (h + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export class Faults {
  private rules: FaultRule[] = [];
  /** How many times each fingerprint has been decided, so a retry rolls again. */
  private asked = new Map<string, number>();

  constructor(private readonly seed: number) {}

  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r }));
    this.asked.clear();
  }
  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }
  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }
  clear(): void {
    this.rules = [];
    this.asked.clear();
  }

  /** The n-th roll for this fingerprint (n counts from 1). */
  private roll(fingerprint: string, salt: string): number {
    return rollFor(this.seed, `${salt}\u0000${fingerprint}`);
  }

  private nth(fingerprint: string): string {
    const n = (this.asked.get(fingerprint) ?? 0) + 1;
    this.asked.set(fingerprint, n);
    return `${fingerprint}\u0000${n}`;
  }

  private matches(r: FaultRule, t: CallTarget): boolean {
    return (
      (r.service === '*' || r.service === t.service) &&
      (r.operation === '*' || r.operation === t.operation) &&
      (!r.account || r.account === t.account) &&
      (!r.region || r.region === t.region) &&
      (r.remaining === undefined || r.remaining > 0)
    );
  }

  /**
   * `fingerprint`: what the call asks (method, path, query, body hash), computed only
   * when a rule applies; identical calls are told apart by count.
   */
  decide(t: CallTarget, fingerprint: () => string = () => `${t.service} ${t.operation}`): FaultDecision {
    const d: FaultDecision = { latencyMs: 0, outcome: 'ok', deleteErrorRate: 0 };
    const rules = this.rules.filter((r) => this.matches(r, t));
    if (!rules.length) return d;
    const call = this.nth(`${t.service}|${t.account}|${t.region}|${fingerprint()}`);
    for (const [i, r] of rules.entries()) {
      if (r.remaining !== undefined) r.remaining--;
      d.latencyMs += r.latencyMs + (r.jitterMs ? this.roll(call, `jitter${i}`) * r.jitterMs : 0);
      d.deleteErrorRate = Math.max(d.deleteErrorRate, r.deleteErrorRate);
      if (!d.conditionalFailure && (r.preconditionFailedRate || r.conditionalConflictRate)) {
        const roll = this.roll(call, `conditional${i}`);
        const failed = r.preconditionFailedRate ?? 0;
        if (roll < failed) d.conditionalFailure = 'PreconditionFailed';
        else if (roll < failed + (r.conditionalConflictRate ?? 0)) d.conditionalFailure = 'ConditionalRequestConflict';
      }
      if (d.outcome !== 'ok') continue;
      const roll = this.roll(call, `outcome${i}`);
      let edge = 0;
      for (const [rate, outcome] of [
        [r.denyRate, 'deny'],
        [r.throttleRate, 'throttle'],
        [r.errorRate, 'error'],
        [r.resetRate, 'reset'],
      ] as const) {
        edge += rate;
        if (roll < edge) {
          d.outcome = outcome;
          break;
        }
      }
    }
    return d;
  }

  /**
   * The faults for one delivery of an event to a target, from the rules naming
   * {service: "events", operation: "Deliver"} (and the target rule's account and region).
   * `fingerprint`: the event's content and the target, never its random id, so the
   * same events sent in the same order meet the same faults, run after run.
   */
  decideDelivery(t: { account: string; region: string }, fingerprint: string): DeliveryFault {
    const d: DeliveryFault = { dropped: false, duplicated: false, reordered: false, delayMs: 0 };
    const target: CallTarget = { service: 'events', operation: 'Deliver', ...t };
    const rules = this.rules.filter((r) => r.operation === 'Deliver' && this.matches(r, target));
    if (!rules.length) return d;
    const call = this.nth(`deliver|${t.account}|${t.region}|${fingerprint}`);
    for (const [i, r] of rules.entries()) {
      if (r.remaining !== undefined) r.remaining--;
      d.delayMs += r.latencyMs + (r.jitterMs ? this.roll(call, `jitter${i}`) * r.jitterMs : 0);
      d.dropped ||= this.roll(call, `drop${i}`) < (r.dropRate ?? 0);
      d.duplicated ||= this.roll(call, `duplicate${i}`) < (r.duplicateRate ?? 0);
      d.reordered ||= this.roll(call, `reorder${i}`) < (r.reorderRate ?? 0);
    }
    return d;
  }

  /** Whether one key of a DeleteObjects batch fails this time (`fingerprint`: bucket, key and version). */
  keyFails(rate: number, fingerprint: string): boolean {
    return rate > 0 && this.roll(this.nth(`key|${fingerprint}`), 'key') < rate;
  }
}
