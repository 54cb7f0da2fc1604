// Paces deletes to one S3 prefix at the rate S3 will take. S3 counts each key
// of a DeleteObjects batch as one write against its prefix (about 3,500 a
// second per partitioned prefix) and answers 503 SlowDown beyond it, refusing
// the whole batch. So the pace is in keys per second, per prefix, and adapts
// to the SlowDown signal like TCP's congestion window (AIMD):
//  - it starts at S3's documented rate and doubles each second until the first
//    SlowDown (S3 scales a busy prefix up over time, so the limit may be higher);
//  - then it grows additively, a little each second without a SlowDown;
//  - each SlowDown cuts it multiplicatively, at most once per second (one
//    burst of refusals is one signal, not many).
// Sends are spaced evenly (a reservation per batch), never in bursts.
import { setTimeout as delay } from 'node:timers/promises';

export interface PacerOptions {
  initialPerSec?: number;
  minPerSec?: number;
  /** Additive increase, in keys per second, per second without a SlowDown. */
  increasePerSec?: number;
  /** Multiplicative decrease on a SlowDown. */
  decrease?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal });

export class PrefixPacer {
  /** The pace, in keys per second. */
  rate: number;
  slowDowns = 0;
  private slowStart = true;
  private next = 0;
  private lastChange: number;
  private lastCut = -Infinity;
  private lastHeld = -Infinity;
  private readonly min: number;
  private readonly step: number;
  private readonly cut: number;
  private readonly now: () => number;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(opts: PacerOptions = {}) {
    this.rate = opts.initialPerSec ?? 3500;
    this.min = opts.minPerSec ?? 50;
    this.step = opts.increasePerSec ?? 150;
    this.cut = opts.decrease ?? 0.8;
    this.now = opts.now ?? (() => performance.now());
    this.wait = opts.sleep ?? sleep;
    this.lastChange = this.now();
  }

  /** Waits for this batch's turn: `keys` at the current pace after the batch before. */
  async acquire(keys: number, signal?: AbortSignal): Promise<void> {
    const now = this.now();
    this.grow(now);
    const start = Math.max(now, this.next);
    this.next = start + (keys / this.rate) * 1000;
    if (start > now) {
      this.lastHeld = now;
      await this.wait(start - now, signal);
    }
  }

  /** S3 said SlowDown: cut the pace (once per second), and leave S3 a moment to refill. */
  slowDown(): void {
    this.slowDowns++;
    const now = this.now();
    this.slowStart = false;
    if (now - this.lastCut < 1000) return;
    this.lastCut = now;
    this.lastChange = now;
    this.rate = Math.max(this.min, this.rate * this.cut);
    this.next = Math.max(this.next, now) + 1000 / 20;
  }

  private grow(now: number): void {
    const seconds = (now - this.lastChange) / 1000;
    if (seconds < 1) return;
    this.lastChange = now;
    // Only a pace that held a send back lately is raised: a prefix whose listing is the
    // bottleneck keeps its rate, so it cannot creep up unchecked and then burst.
    if (now - this.lastHeld > 1000) return;
    this.rate = this.slowStart ? this.rate * 2 ** Math.min(seconds, 4) : this.rate + this.step * seconds;
  }
}

/** One pacer per partition prefix of a bucket (the key's first folder: an artifact prefix is a pipeline's). */
export class PrefixPacers {
  private pacers = new Map<string, PrefixPacer>();
  constructor(private opts: PacerOptions = {}) {}

  for(bucket: string, prefix: string): PrefixPacer {
    const partition = `${bucket}\u0000${prefix.split('/')[0]}`;
    let p = this.pacers.get(partition);
    if (!p) this.pacers.set(partition, (p = new PrefixPacer(this.opts)));
    return p;
  }

  get slowDowns(): number {
    let n = 0;
    for (const p of this.pacers.values()) n += p.slowDowns;
    return n;
  }
}

/** S3 answered 503 (SlowDown): the batch was not applied, and is sent again at a slower pace. */
export class SlowDownError extends Error {
  constructor() {
    super('S3 asked to slow down (503 SlowDown).');
    this.name = 'PacedSlowDown';
  }
}

interface RawResponse {
  statusCode?: number;
  body?: { resume?: () => void };
}

/**
 * A middleware for one command: a 503 becomes a SlowDownError at once, for the pacer,
 * instead of the SDK's own retry (which would resend at its pace, not the prefix's,
 * and whose adaptive limiter would slow every prefix the client serves).
 */
export function slowDownSignal() {
  return {
    name: 'pipewrightSlowDownSignal',
    middleware:
      <T>(next: (args: T) => Promise<{ response: unknown }>) =>
      async (args: T) => {
        const result = await next(args);
        const res = result.response as RawResponse;
        if (res.statusCode === 503) {
          res.body?.resume?.(); // free the socket
          throw new SlowDownError();
        }
        return result;
      },
  };
}
