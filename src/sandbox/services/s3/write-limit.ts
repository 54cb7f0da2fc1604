// S3's request-rate limit on writes, modelled: real S3 accepts about 3,500
// PUT/COPY/POST/DELETE requests per second per partitioned prefix and answers
// 503 SlowDown beyond that. For DeleteObjects, S3 performs a delete for each
// key ("For each key, Amazon S3 performs a delete operation", API reference),
// and each key counts as one write against its prefix: a 1,000-key batch costs
// 1,000, and is refused whole when its prefix cannot take it (this is what
// Hadoop's S3A found in production, HADOOP-16823/17935).
//
// One token bucket per (bucket, partition prefix), where the partition prefix is
// the key up to its `prefixDepth`-th "/" (artifact keys: the pipeline's folder).
// Off unless configured: the benchmark turns it on; the app and tests leave it off.
import { z } from 'zod';

export const S3WriteLimit = z.strictObject({
  /** Writes (keys) per second per partition prefix; S3 documents 3,500. */
  perSecond: z.number().min(1).max(1_000_000).default(3500),
  /** Bucket depth in seconds of the rate: a quiet prefix may burst this much. */
  burstSeconds: z.number().min(0.01).max(60).default(1),
  /** How many "/"-separated levels of the key make the partition prefix. */
  prefixDepth: z.number().int().min(0).max(16).default(1),
});
export type S3WriteLimit = z.infer<typeof S3WriteLimit>;

interface Bucket {
  tokens: number;
  at: number;
}

export class S3WriteLimiter {
  private limit: S3WriteLimit | null = null;
  private buckets = new Map<string, Bucket>();
  /** Requests refused with SlowDown since the limit was set. */
  slowDowns = 0;
  /** Writes admitted since the limit was set. */
  admitted = 0;

  set(limit: S3WriteLimit | null): void {
    this.limit = limit;
    this.buckets.clear();
    this.slowDowns = 0;
    this.admitted = 0;
  }

  get current(): S3WriteLimit | null {
    return this.limit;
  }

  partitionOf(key: string): string {
    const depth = this.limit?.prefixDepth ?? 1;
    let at = -1;
    for (let i = 0; i < depth; i++) {
      const next = key.indexOf('/', at + 1);
      if (next < 0) return key.slice(0, at + 1);
      at = next;
    }
    return key.slice(0, at + 1);
  }

  /**
   * Whether a request writing these keys of `bucket` is admitted now. All or
   * nothing: a refused request takes no tokens from any prefix.
   */
  admit(bucket: string, keys: readonly string[], now = performance.now()): boolean {
    const limit = this.limit;
    if (!limit) return true;
    const cost = new Map<string, number>();
    for (const key of keys) {
      const p = `${bucket}\u0000${this.partitionOf(key)}`;
      cost.set(p, (cost.get(p) ?? 0) + 1);
    }
    const capacity = limit.perSecond * limit.burstSeconds;
    const touched: Array<[Bucket, number]> = [];
    for (const [p, n] of cost) {
      let b = this.buckets.get(p);
      if (!b) this.buckets.set(p, (b = { tokens: capacity, at: now }));
      b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * limit.perSecond);
      b.at = now;
      // A request larger than the whole bucket could never pass: it passes on a full one.
      if (b.tokens < Math.min(n, capacity)) {
        this.slowDowns++;
        return false;
      }
      touched.push([b, n]);
    }
    for (const [b, n] of touched) b.tokens -= n;
    this.admitted += keys.length;
    return true;
  }
}
