// A call budget per (account, region): a token bucket that every watcher (and the
// explorer's reads through the fan-out gate) draws from, so watching many
// pipelines never exceeds a steady rate of calls to one account and region.
// Throttling halves the rate for a while; it is shown, never hidden.
//
// A waiting call's priority is asked when its turn comes, not when it queued: a
// pipeline someone opens while its background call waits goes first at once. A
// waiting call can be withdrawn (its AbortSignal), so a watcher that stops takes
// its place in the queue with it instead of spending a token nobody needs.

export interface BudgetOptions {
  /** Sustained calls per second per (account, region). */
  ratePerSec: number;
  /** Calls that may go at once after a quiet spell. */
  burst: number;
  now?: () => number;
}

const THROTTLE_COOL_DOWN_MS = 60_000;

export type Priority = 'high' | 'low';

/** A withdrawn call: it never ran, and spent nothing. */
const withdrawn = () => Object.assign(new Error('Cancelled.'), { name: 'AbortError' });

class Bucket {
  tokens: number;
  last: number;
  throttledUntil = 0;
  /** Waiting calls, oldest first: those someone is looking at (high) are served first. */
  waiters: Array<{ go: () => void; priority: () => Priority }> = [];
  timer: ReturnType<typeof setTimeout> | null = null;
  /** Calls granted, for the benchmark and tests. */
  granted = 0;

  constructor(
    private opts: BudgetOptions,
    private now: () => number,
  ) {
    this.tokens = opts.burst;
    this.last = now();
  }

  rate(): number {
    return this.now() < this.throttledUntil ? this.opts.ratePerSec / 2 : this.opts.ratePerSec;
  }

  refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + ((t - this.last) / 1000) * this.rate());
    this.last = t;
  }

  /** A call made outside the queue (a listing with its own caps): it still counts, so watchers wait for the refill. */
  spend(): void {
    this.refill();
    // A debt of at most one burst: a big listing delays watchers by seconds, not minutes.
    this.tokens = Math.max(this.tokens - 1, -this.opts.burst);
    this.granted++;
  }

  take(priority: () => Priority, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(withdrawn());
    this.refill();
    if (this.tokens >= 1 && this.waiters.length === 0) {
      this.tokens -= 1;
      this.granted++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiters.indexOf(w);
        if (at >= 0) this.waiters.splice(at, 1);
        if (!this.waiters.length && this.timer) {
          clearTimeout(this.timer);
          this.timer = null;
        }
        reject(withdrawn());
      };
      const w = {
        go: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        priority,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(w);
      this.schedule();
    });
  }

  /** The next call to serve: the oldest high one, else the oldest. */
  private next(): { go: () => void } {
    const at = this.waiters.findIndex((w) => w.priority() === 'high');
    return this.waiters.splice(Math.max(at, 0), 1)[0];
  }

  private schedule(): void {
    if (this.timer) return;
    this.refill();
    const wait = Math.max(0, ((1 - this.tokens) / this.rate()) * 1000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refill();
      while (this.waiters.length && this.tokens >= 1) {
        this.tokens -= 1;
        this.granted++;
        this.next().go();
      }
      if (this.waiters.length) this.schedule();
    }, wait);
    // Not unref'd: a timer exists only while someone waits for a token, and that caller must keep the process alive
    // (a CLI command whose calls all wait here would otherwise exit 0 with its work undone).
  }
}

export class CallBudget {
  private buckets = new Map<string, Bucket>();
  private now: () => number;

  constructor(private opts: BudgetOptions) {
    this.now = opts.now ?? Date.now;
  }

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new Bucket(this.opts, this.now);
      this.buckets.set(key, b);
    }
    return b;
  }

  /**
   * Waits for a call's turn in this (account, region); `high` goes before `low`. A function is
   * asked again each time a turn is given (what is open changes while calls wait). When `signal`
   * aborts, the call leaves the queue at once and this rejects with an AbortError.
   */
  take(key: string, priority: Priority | (() => Priority) = 'high', signal?: AbortSignal): Promise<void> {
    return this.bucket(key).take(typeof priority === 'function' ? priority : () => priority, signal);
  }

  /** Calls waiting for their turn in this (account, region): for tests and the status bar. */
  queued(key: string): number {
    return this.buckets.get(key)?.waiters.length ?? 0;
  }

  /** Counts a call made elsewhere (the explorer's listing) against this (account, region). */
  spend(key: string): void {
    this.bucket(key).spend();
  }

  /** The service said slow down: half the rate here for a minute. */
  throttled(key: string): void {
    this.bucket(key).throttledUntil = this.now() + THROTTLE_COOL_DOWN_MS;
  }

  isThrottled(key: string): boolean {
    return this.now() < (this.buckets.get(key)?.throttledUntil ?? 0);
  }

  granted(key: string): number {
    return this.buckets.get(key)?.granted ?? 0;
  }

  get options(): BudgetOptions {
    return this.opts;
  }
}

export const budgetKey = (accountOrProfile: string, region: string) => `${accountOrProfile}|${region}`;

/** The budget is per account when the profile's account is known, else per profile. */
export function budgetKeyFor(identity: { state: string; accountId?: string | null } | undefined, profile: string, region: string): string {
  return budgetKey(identity?.state === 'ok' && identity.accountId ? identity.accountId : `profile:${profile}`, region);
}
