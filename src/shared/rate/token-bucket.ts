// A token bucket: `perSecond` requests a second on average, bursts up to
// `capacity`. Pure (the caller passes the time), so the sandbox's Identity Center
// throttle and a client's limiter can share it and tests can drive the clock.
export interface TokenBucketOptions {
  perSecond: number;
  /** The most tokens it holds (a quiet client may burst this many); default one second's worth. */
  capacity?: number;
}

export class TokenBucket {
  private rate: number;
  readonly capacity: number;
  private tokens: number;
  private at: number | undefined;

  constructor(opts: TokenBucketOptions) {
    if (!(opts.perSecond > 0)) throw new RangeError('perSecond must be above 0');
    this.rate = opts.perSecond;
    this.capacity = Math.max(1, opts.capacity ?? opts.perSecond);
    this.tokens = this.capacity;
  }

  get perSecond(): number {
    return this.rate;
  }

  /**
   * Changes the rate from `now` on: what was earned until then at the old rate is kept,
   * so a client that slows down after a 429 neither loses nor gains a burst.
   */
  setRate(perSecond: number, now: number): void {
    if (!(perSecond > 0)) throw new RangeError('perSecond must be above 0');
    this.refill(now);
    this.rate = perSecond;
  }

  private refill(now: number): void {
    if (this.at !== undefined && now > this.at) this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.rate);
    if (this.at === undefined || now > this.at) this.at = now;
  }

  /** Takes one token at `now` (ms) if there is one; a refused call takes nothing. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds from `now` until a token is there (0: one is there now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }
}
