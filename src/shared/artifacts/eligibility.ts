// Which whole-bucket and lifecycle actions an audit allows: one rule for the
// page (which offers them) and the main process (which refuses anything else
// before its live re-check in the deletion guard). Pure: the audit's verdicts in,
// a yes or no out.
import type { PrefixReport } from './classify';
import type { BucketReport } from './report';

/** A whole bucket may be deleted only when the audit found it unused (complete coverage, no live pipeline) and it is not protected. */
export function deletableBucket(bucket: Pick<BucketReport, 'unused' | 'protected'>): boolean {
  return bucket.unused && !bucket.protected;
}

/** Live and shared prefixes are written by pipelines now: only retention (keep the recent) may touch them. */
export const claimedNow = (prefix: Pick<PrefixReport, 'class'> | undefined): boolean => prefix?.class === 'live' || prefix?.class === 'shared';

/**
 * Whether lifecycle rules may be written for a prefix of an unprotected bucket:
 * an orphan prefix expires whole; a live or shared one only by retention's
 * age-only rule (`retainDays`). Unverified, foreign or unknown prefixes never.
 */
export function lifecycleEligible(bucket: Pick<BucketReport, 'protected'>, prefix: Pick<PrefixReport, 'class'> | undefined, retainDays?: number): boolean {
  if (bucket.protected) return false;
  return prefix?.class === 'orphan' || (claimedNow(prefix) && retainDays !== undefined);
}
