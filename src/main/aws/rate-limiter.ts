// One limiter for every call to a rate-limited API (IAM Identity Center's 20
// requests a second, shared by its portal and OIDC, which AWS does not raise):
// a token bucket, callers served first come first served, and AIMD on top. A 429
// halves the rate (once per second however many calls of one burst were refused),
// and each success earns a little of it back, so Pipewright yields to another
// client spending the same account's budget instead of fighting it, and returns to
// the full rate when it is alone. The SDK's own retries bypass any limiter, so
// clients behind this one are built with maxAttempts 1 and retry through it.
import { TokenBucket } from '../../shared/rate/token-bucket';

export interface RateLimiterOptions {
  perSecond: number;
  /** The rate is never cut below this. */
  minPerSecond?: number;
  /**
   * Tokens held at most. Small on purpose: the server's own bucket (a second's worth
   * on Identity Center) then absorbs network jitter, while 2 absorbs timer lateness.
   */
  capacity?: number;
  /** Rate regained per success (AIMD's additive step). */
  increasePerSuccess?: number;
  now?: () => number;
}

const abortError = () => Object.assign(new Error('Cancelled.'), { name: 'AbortError' });

/** Resolves after `ms`, or rejects with an AbortError when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface Waiter {
  urgent?: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class RateLimiter {
  readonly maxPerSecond: number;
  private readonly minPerSecond: number;
  private readonly step: number;
  private readonly now: () => number;
  private bucket: TokenBucket;
  private queue: Waiter[] = [];
  /** How many waiters at the head of the queue are urgent. */
  private urgentCount = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastCut = -Infinity;
  /** Admissions so far (for tests and the figures a discovery reports). */
  admitted = 0;

  constructor(opts: RateLimiterOptions) {
    this.maxPerSecond = opts.perSecond;
    this.minPerSecond = Math.min(opts.minPerSecond ?? 1, opts.perSecond);
    this.step = opts.increasePerSuccess ?? opts.perSecond / 200;
    this.now = opts.now ?? (() => performance.now());
    this.bucket = new TokenBucket({ perSecond: opts.perSecond, capacity: opts.capacity ?? 2 });
  }

  get rate(): number {
    return this.bucket.perSecond;
  }

  /**
   * Waits for this caller's turn (first come, first served; `urgent` callers, such as
   * the next page of a list others wait for, go before the rest); rejects with an
   * AbortError if `signal` aborts meanwhile.
   */
  acquire(signal?: AbortSignal, urgent = false): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) {
            this.queue.splice(i, 1);
            if (w.urgent) this.urgentCount--;
          }
          reject(abortError());
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      if (urgent) this.queue.splice(this.urgentCount++, 0, w);
      else this.queue.push(w);
      w.urgent = urgent;
      if (this.timer === undefined) this.pump();
    });
  }

  private pump(): void {
    this.timer = undefined;
    while (this.queue.length) {
      const now = this.now();
      const wait = this.bucket.waitMs(now);
      if (wait > 0) {
        this.timer = setTimeout(() => this.pump(), wait);
        return;
      }
      this.bucket.take(now);
      const w = this.queue.shift()!;
      if (w.urgent) this.urgentCount--;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      this.admitted++;
      w.resolve();
    }
  }

  /** The server said 429: halve the rate, once per second (a burst's refusals arrive together and are one signal). */
  throttled(): void {
    const now = this.now();
    if (now - this.lastCut < 1000) return;
    this.lastCut = now;
    this.bucket.setRate(Math.max(this.minPerSecond, this.rate / 2), now);
  }

  /** A call got through: regain a little of the rate, up to the maximum. */
  succeeded(): void {
    if (this.rate < this.maxPerSecond) this.bucket.setRate(Math.min(this.maxPerSecond, this.rate + this.step), this.now());
  }
}
