// The one engine for calls across many (account, region) targets: a concurrency
// cap per target and a global cap (both live-configurable), AbortSignal
// cancellation, and results streamed as each target finishes. A target's
// failure is classified and reported as data; it never fails the whole run.
import { setMaxListeners } from 'node:events';
import pLimit, { type LimitFunction } from 'p-limit';
import { classifyAwsError, type ClassifiedError } from './errors';

export interface FanOutCaps {
  perTarget: number;
  global: number;
}

/** Runs one AWS call under both caps. Every SDK call of a target goes through it. */
export type CallGate = <T>(call: () => Promise<T>) => Promise<T>;

export interface TargetOutcome<T, K> {
  target: K;
  ok: boolean;
  value?: T;
  error?: ClassifiedError;
}

export class FanOut {
  private global: LimitFunction;
  private perTarget = new Map<string, LimitFunction>();

  constructor(private caps: () => FanOutCaps) {
    this.global = pLimit(caps().global);
  }

  private syncCaps(): void {
    const c = this.caps();
    if (this.global.concurrency !== c.global) this.global.concurrency = c.global;
    for (const l of this.perTarget.values()) if (l.concurrency !== c.perTarget) l.concurrency = c.perTarget;
  }

  gate(targetKey: string, signal?: AbortSignal): CallGate {
    this.syncCaps();
    let limit = this.perTarget.get(targetKey);
    if (!limit) {
      limit = pLimit(this.caps().perTarget);
      this.perTarget.set(targetKey, limit);
    }
    const perTarget = limit;
    return <T>(call: () => Promise<T>) =>
      perTarget(() =>
        this.global(() => {
          if (signal?.aborted) throw Object.assign(new Error('Cancelled.'), { name: 'AbortError' });
          return call();
        }),
      );
  }

  /**
   * Runs `work` for every target; `onOutcome` hears each as it finishes.
   * Resolves with all outcomes once every target is done (or cancelled).
   */
  async run<T, K extends { key: string; region?: string }>(
    targets: K[],
    work: (target: K, gate: CallGate, signal: AbortSignal) => Promise<T>,
    opts: { signal?: AbortSignal; onOutcome?: (o: TargetOutcome<T, K>) => void } = {},
  ): Promise<Array<TargetOutcome<T, K>>> {
    const signal = opts.signal ?? new AbortController().signal;
    // Every in-flight SDK call listens on this one signal: thousands of listeners are expected.
    setMaxListeners(0, signal);
    return Promise.all(
      targets.map(async (target) => {
        let outcome: TargetOutcome<T, K>;
        try {
          const value = await work(target, this.gate(target.key, signal), signal);
          outcome = { target, ok: true, value };
        } catch (err) {
          outcome = {
            target,
            ok: false,
            error: classifyAwsError(signal.aborted ? Object.assign(new Error('Cancelled.'), { name: 'AbortError' }) : err, { region: target.region }),
          };
        }
        opts.onOutcome?.(outcome);
        return outcome;
      }),
    );
  }
}
