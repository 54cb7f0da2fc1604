// A shared release's lease on one environment (leases/<environment>.json): who is promoting it, and whether a
// contender may take it over. Pure: the main process reads and writes the object (src/main/releases/s3-leases.ts).
//
// Clock skew: expiry is judged on S3's clock alone. The lease object's Last-Modified is when S3 stored the
// holder's last heartbeat, and the Date header of the response that read it is S3's "now"; neither depends on
// the holder's or the contender's clock. Both are whole seconds (HTTP dates), so a lease is expired only once
// their difference reaches its ttl plus one second: then at least ttl has really passed since the last heartbeat.
// A response without a Date header (not S3's) falls back on the reader's clock with a margin of 15 minutes, the
// skew S3 itself tolerates in a signed request. `expiresAt` in the object is for people; it is never judged.
import { z } from 'zod';
import type { ReleaseLease } from '../api/releases';

/** HTTP dates carry whole seconds: the most S3's Last-Modified and Date can each be behind the instant they name. */
export const HTTP_DATE_RESOLUTION_MS = 1000;
/** Without S3's Date, the reader's clock may be this far from S3's (S3 refuses requests signed further off). */
export const SKEW_MARGIN_WITHOUT_DATE_MS = 15 * 60_000;

export const LeaseHolder = z.object({
  /** The caller's identity (STS GetCallerIdentity) when the lease was taken. */
  arn: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** "pipewright cli", "the Pipewright app". */
  program: z.string(),
});
export type LeaseHolder = z.infer<typeof LeaseHolder>;

export const LeaseRecord = z.object({
  version: z.literal(1),
  /** released: the holder let it go (S3 has no conditional delete, so a marker is written instead); anyone may take it. */
  state: z.enum(['held', 'released']),
  application: z.string(),
  environment: z.string(),
  holder: LeaseHolder,
  startedAt: z.string(),
  /** The holder's last heartbeat, on its clock corrected by S3's Date (for people; expiry is judged on Last-Modified). */
  heartbeatAt: z.string(),
  expiresAt: z.string(),
  ttlMs: z.number().int().positive(),
  /** This holding's own token: a holder that finds it after a write whose answer was lost knows the write landed. */
  token: z.string(),
  /** Heartbeats so far: every write changes the content, so every write changes the ETag. */
  beat: z.number().int().min(0),
  releasedAt: z.string().nullable(),
});
export type LeaseRecord = z.infer<typeof LeaseRecord>;

export type LeaseVerdict = { kind: 'free' } | { kind: 'released' } | { kind: 'held'; expiresInMs: number } | { kind: 'expired'; expiredForMs: number };

/**
 * Whether a contender may take the lease: free (no object), released, or expired (no heartbeat stored for its
 * ttl, judged on S3's clock: see above). A held lease is never taken, however old its startedAt.
 */
export function judgeLease(lease: LeaseRecord | null, seen: { lastModifiedMs: number; serverNowMs: number | null; localNowMs: number }): LeaseVerdict {
  if (!lease) return { kind: 'free' };
  if (lease.state === 'released') return { kind: 'released' };
  const [now, margin] = seen.serverNowMs === null ? [seen.localNowMs, SKEW_MARGIN_WITHOUT_DATE_MS] : [seen.serverNowMs, HTTP_DATE_RESOLUTION_MS];
  const left = seen.lastModifiedMs + lease.ttlMs + margin - now;
  return left > 0 ? { kind: 'held', expiresInMs: left } : { kind: 'expired', expiredForMs: now - (seen.lastModifiedMs + lease.ttlMs + margin) };
}

/** How often a holder stores a heartbeat: three chances before its lease can expire. */
export const renewEveryMs = (ttlMs: number): number => Math.max(1, Math.floor(ttlMs / 3));

/** "arn:aws:sts::…:assumed-role/release/alice (pipewright cli, pid 4242 on build-box, since 2026-…)". */
export function describeLeaseHolder(lease: Pick<LeaseRecord, 'holder' | 'startedAt'>): string {
  const h = lease.holder;
  return `${h.arn} (${h.program}, pid ${h.pid} on ${h.host}, since ${lease.startedAt})`;
}

/** What `lease release` (and the app, breaking a lease) may do with a lease as judged now. */
export type LeaseBreak =
  | { kind: 'break'; forced: boolean }
  /** Nothing to break: there is no lease, or it was released already. */
  | { kind: 'nothing'; reason: string }
  /** Held by a live holder and not forced: refused, the holder named (the CLI's exit 6). */
  | { kind: 'held' }
  /** --force named someone else: the person looked at another lease than the one there now. */
  | { kind: 'wrong-holder'; reason: string };

/**
 * Whether a person may break (mark released) the lease on an environment: one that expired, always; one still
 * held, only with --force naming its holder's ARN, so a lease that changed hands since it was shown is never
 * broken by a name typed for another. Breaking a held lease stops its holder at its next step (assertHeld): what
 * it started keeps running, and whoever promotes next resumes it from its saved tokens.
 */
export function leaseBreak(lease: Pick<LeaseRecord, 'holder'> | null, verdict: LeaseVerdict, force: string | undefined): LeaseBreak {
  if (!lease || verdict.kind === 'free') return { kind: 'nothing', reason: 'there is no lease: nobody is promoting it' };
  if (verdict.kind === 'released') return { kind: 'nothing', reason: `the lease was released by ${lease.holder.arn}: anyone may take it` };
  if (force !== undefined && force !== lease.holder.arn)
    return { kind: 'wrong-holder', reason: `the lease is held by ${lease.holder.arn}, not ${force}: nothing was broken; look again (lease show)` };
  if (verdict.kind === 'expired') return { kind: 'break', forced: false };
  return force === undefined ? { kind: 'held' } : { kind: 'break', forced: true };
}

/** A lease as the board, `lease show` and the app show it: the record with its verdict now. */
export function leaseView(lease: LeaseRecord, verdict: LeaseVerdict, object: string): ReleaseLease {
  const state = verdict.kind === 'held' ? 'held' : verdict.kind === 'expired' ? 'expired' : 'released';
  return {
    environment: lease.environment,
    object,
    state,
    holder: lease.holder,
    since: lease.startedAt,
    heartbeatAt: lease.heartbeatAt,
    expiresAt: lease.expiresAt,
    expiresInMs: verdict.kind === 'held' ? verdict.expiresInMs : verdict.kind === 'expired' ? -verdict.expiredForMs : null,
    releasedAt: lease.releasedAt,
    holderText: describeLeaseHolder(lease),
  };
}
