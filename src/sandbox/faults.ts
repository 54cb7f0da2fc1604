// Injected faults, set per service and operation (and optionally account and
// region) through the control API: latency, throttling, 500s, connection resets,
// access denied, and partial DeleteObjects failures.
import { z } from 'zod';
import type { Rng } from './random';

export const FaultRule = z.strictObject({
  service: z.enum(['codepipeline', 's3', 'sts', 'iam', '*']).default('*'),
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
  /** Stop applying after this many matching calls (undefined: forever). */
  remaining: z.number().int().min(0).optional(),
});
export type FaultRule = z.infer<typeof FaultRule>;

export interface CallTarget {
  service: string;
  operation: string;
  account: string;
  region: string;
}

export type FaultDecision = { latencyMs: number; outcome: 'ok' | 'throttle' | 'error' | 'reset' | 'deny'; deleteErrorRate: number };

export class Faults {
  private rules: FaultRule[] = [];

  constructor(private rng: Rng) {}

  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r }));
  }
  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }
  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }
  clear(): void {
    this.rules = [];
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

  decide(t: CallTarget): FaultDecision {
    const d: FaultDecision = { latencyMs: 0, outcome: 'ok', deleteErrorRate: 0 };
    for (const r of this.rules) {
      if (!this.matches(r, t)) continue;
      if (r.remaining !== undefined) r.remaining--;
      d.latencyMs += r.latencyMs + (r.jitterMs ? this.rng.next() * r.jitterMs : 0);
      d.deleteErrorRate = Math.max(d.deleteErrorRate, r.deleteErrorRate);
      if (d.outcome !== 'ok') continue;
      const roll = this.rng.next();
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

  keyFails(rate: number): boolean {
    return rate > 0 && this.rng.next() < rate;
  }
}
