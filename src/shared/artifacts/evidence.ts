// The evidence rules, one home per verdict kind (docs/evidence.md):
// - an orphan is a proof of absence: every account that could claim its bucket
//   (the owner and every account the bucket policy lets in) listed in every region;
// - stale folders and retention inside a claimed prefix need that same listing and
//   each claimer's execution history: a history failure holds back that pipeline's
//   prefix only, never an orphan elsewhere;
// - a plan carries only items whose own evidence is complete, and says what it left out.
// A failed call is never an empty answer, and neither is a read cut short.

/** Executions per ListPipelineExecutions page: the most CodePipeline returns in one call. */
export const HISTORY_PAGE_SIZE = 100;

/**
 * Pages of a pipeline's execution history read at most while looking for its last
 * successes: 2,000 executions, months of a busy pipeline's runs. The bound keeps an
 * audit of hundreds of pipelines, and each re-check, to a known number of calls
 * (CodePipeline keeps a year of history); a pipeline whose last 2,000 runs hold
 * fewer successes than sought is held back as unverified, never searched forever
 * and never read as having nothing to keep.
 */
export const MAX_HISTORY_PAGES = 20;

/** An execution history read that ended before it found what it sought: the successes it did not reach are unknown. */
export class HistoryIncompleteError extends Error {
  override name = 'HistoryIncomplete';
}

/**
 * After reading `pages` pages of a pipeline's history (newest first) and finding
 * `found` successes: 'done' once `wanted` are found or the history has ended
 * (`more` false), 'next' to read another page, and 'cut-short' at the page bound.
 * A read that stops for any other reason (a page denied, throttled, failed) is
 * cut short too: its caller throws, and never keeps what it found as the answer.
 */
export function historyReadStep(found: number, wanted: number, pages: number, more: boolean): 'done' | 'next' | 'cut-short' {
  if (found >= wanted || !more) return 'done';
  return pages >= MAX_HISTORY_PAGES ? 'cut-short' : 'next';
}

/** Why a history read cut short at the page bound is no answer. */
export function historyCutShort(pipeline: string, found: number, wanted: number): string {
  return `the last ${MAX_HISTORY_PAGES * HISTORY_PAGE_SIZE} executions of ${pipeline} hold ${found} successful execution${found === 1 ? '' : 's'}, fewer than the ${wanted} sought, and its older history was not read: the successes to keep are unknown`;
}

export interface RegionListing {
  region: string;
  status: 'listed' | 'failed' | 'not-enabled';
  error?: { code: string };
}

/** The regions an account's scan could not list, each with the AWS error code; empty when complete. */
export function listingGaps(scan: { accountId: string; regions: readonly RegionListing[] }): string[] {
  return scan.regions.filter((r) => r.status === 'failed').map((r) => `account ${scan.accountId}, ${r.region}: ${r.error?.code ?? 'Error'}`);
}

/**
 * The verdict on a prefix of a bucket: claimed by one live pipeline (`live`) or
 * several (`shared`); else `foreign` outside an artifact bucket; else `orphan`
 * only with complete listings (`coverageGap` null), `unverified` otherwise.
 */
export function prefixVerdict(claimers: number, artifactBucket: boolean, coverageGap: string | null): 'live' | 'shared' | 'foreign' | 'orphan' | 'unverified' {
  if (claimers === 1) return 'live';
  if (claimers > 1) return 'shared';
  if (!artifactBucket) return 'foreign';
  return coverageGap ? 'unverified' : 'orphan';
}

/**
 * Why nothing inside a claimed prefix may be planned (stale folders, retention):
 * the bucket's listings are incomplete, or a claimer's execution history could not
 * be read (its keep-list is then unknown). Null when the evidence is complete, and
 * for a prefix nobody claims (its verdict is `prefixVerdict`'s).
 */
export function heldReason(
  claimers: ReadonlyArray<{ name: string; accountId: string; region: string; historyError?: string }>,
  coverageGap: string | null,
): string | null {
  if (!claimers.length) return null;
  if (coverageGap) return coverageGap;
  const noHistory = claimers.filter((c) => c.historyError);
  if (!noHistory.length) return null;
  return noHistory.map((c) => `execution history of ${c.name} (${c.accountId}, ${c.region}) unavailable: ${c.historyError}`).join('; ');
}

export interface LeftOut {
  bucket: string;
  prefix: string;
  /** The verdict kind held back: an unverified orphan, or stale/retention inside a held live prefix. */
  kind: 'orphan' | 'stale and retention';
  reason: string;
}

/**
 * What a plan from this report cannot contain, and why: unverified prefixes (no
 * orphan verdict without complete listings) and held live prefixes (no stale or
 * retention without complete listings and histories). Everything else has its evidence.
 */
export function leftOutOfPlan(report: {
  buckets: ReadonlyArray<{ name: string; protected: boolean; prefixes: ReadonlyArray<{ prefix: string; class: string; reason?: string; held?: string }> }>;
}): LeftOut[] {
  const out: LeftOut[] = [];
  for (const b of report.buckets) {
    if (b.protected) continue;
    for (const p of b.prefixes) {
      if (p.class === 'unverified') out.push({ bucket: b.name, prefix: p.prefix, kind: 'orphan', reason: p.reason ?? 'its evidence is incomplete' });
      else if ((p.class === 'live' || p.class === 'shared') && p.held)
        out.push({ bucket: b.name, prefix: p.prefix, kind: 'stale and retention', reason: p.held });
    }
  }
  return out;
}
