// Retention inside live pipelines' prefixes: "keep the last K successful
// executions and everything younger than N days". Pure: the audit supplies each
// claimed prefix's keys and its claimers' recent successful executions.
//
// Two forms, and why they differ:
// - a one-off cleanup plan (here) names the exact keys to delete, so it can keep
//   the last K successful executions however old they are;
// - an S3 lifecycle rule can only say "older than N days": it expires by age
//   alone, so an idle pipeline's last good artifacts would expire too.
import { z } from 'zod';
import type { KeyStat, PrefixReport } from './classify';

/** How many recent successful executions the audit maps to keys per pipeline: the most retention can keep. */
export const RETENTION_DEPTH = 10;

const KEEP_LAST = 'Keep at least the last successful execution: it is always kept.';
const KEEP_DAYS = 'Keep at least a day of artifacts: younger ones may belong to running executions.';

export const RetentionPolicy = z.strictObject({
  /** Successful executions to keep per pipeline, newest first (at least 1: the latest is always kept). */
  keepLast: z
    .number()
    .min(1, KEEP_LAST)
    .int(KEEP_LAST)
    .max(RETENTION_DEPTH, `Keep at most the last ${RETENTION_DEPTH} successful executions: the audit maps that many of each pipeline to keys.`),
  /** Everything younger than this many days is kept (at least 1). */
  keepDays: z.number().min(1, KEEP_DAYS).int('Keep whole days.').max(36_500),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

export const DEFAULT_RETENTION: RetentionPolicy = { keepLast: 3, keepDays: 30 };

const DAY_MS = 86_400_000;

export class RetentionError extends Error {
  override name = 'RetentionError';
}

/** The schema's rules, as a RetentionError that says what to change. */
export function checkPolicy(p: RetentionPolicy): void {
  const r = RetentionPolicy.safeParse(p);
  if (!r.success) throw new RetentionError(r.error.issues[0].message);
}

/** The keys a policy keeps in a prefix: the latest success of every claimer (always), and each one's last K successes. */
export function retainedKeys(prefix: Pick<PrefixReport, 'keep' | 'successes'>, policy: RetentionPolicy): Set<string> {
  const keep = new Set(prefix.keep);
  const perPipeline = new Map<string, number>();
  for (const e of [...(prefix.successes ?? [])].sort((a, b) => b.time - a.time)) {
    // The same name in two accounts or regions is two pipelines.
    const who = `${e.accountId}|${e.region}|${e.pipeline}`;
    const n = perPipeline.get(who) ?? 0;
    if (n >= policy.keepLast) continue;
    perPipeline.set(who, n + 1);
    for (const k of e.keys) keep.add(k);
  }
  return keep;
}

/**
 * What a policy deletes in a live or shared prefix: keys neither retained nor
 * younger than the cutoff (judged by their newest version), minus `exclude`
 * (keys another plan item already covers).
 */
export function retentionDeletions(
  prefix: Pick<PrefixReport, 'keep' | 'successes' | 'keys'>,
  policy: RetentionPolicy,
  now: number,
  exclude: (key: string) => boolean = () => false,
): { cutoff: number; keep: string[]; delete: KeyStat[] } {
  checkPolicy(policy);
  const cutoff = now - policy.keepDays * DAY_MS;
  const keep = retainedKeys(prefix, policy);
  return {
    cutoff,
    keep: [...keep].sort(),
    delete: (prefix.keys ?? []).filter((k) => !keep.has(k.key) && k.newest < cutoff && !exclude(k.key)),
  };
}

/**
 * The cutoff a retention item may delete before, judged again at the moment of
 * deleting from the item's own policy and `now`, never taken on trust: a plan's
 * cutoff is its audit time less keepDays, so it can never be later than now less
 * keepDays. One that is (in the future, or inside the keepDays window: a
 * hand-edited plan) is refused, as is a policy outside the rules or a cutoff that
 * is not a date. The plan's cutoff is returned: the earlier of the two.
 */
export function retentionCutoffAt(retention: { keepLast: number; keepDays: number; cutoff: string }, now: number): number {
  checkPolicy({ keepLast: retention.keepLast, keepDays: retention.keepDays });
  const cutoff = Date.parse(retention.cutoff);
  if (Number.isNaN(cutoff)) throw new RetentionError(`The cutoff "${retention.cutoff}" is not a date.`);
  if (cutoff > now) throw new RetentionError(`The cutoff ${retention.cutoff} is in the future: it would delete artifacts of any age.`);
  const latest = now - retention.keepDays * DAY_MS;
  const days = `${retention.keepDays} day${retention.keepDays === 1 ? '' : 's'}`;
  if (cutoff > latest)
    throw new RetentionError(
      `The cutoff ${retention.cutoff} is later than keepDays (${days}) allows, ${new Date(latest).toISOString()} now: it would delete artifacts younger than ${days}.`,
    );
  return cutoff;
}
