// Maps artifact-bucket objects back to pipelines, per top-level prefix, by the
// service's key layout <pipeline[:20]>/<artifact[:10]>/<7 chars>[.zip]:
// live (one live pipeline claims it), shared (several: a 20-character
// collision), orphan (none, in an artifact bucket), unverified (none seen, but
// the evidence is incomplete), foreign (not the layout, or not an artifact
// bucket), and stale folders inside claimed prefixes.
// Pure: the audit feeds it what it listed.
//
// The evidence rule: an orphan is a proof of absence. A prefix is `orphan` only
// when every pipeline that could write to its bucket was listed (the bucket's
// account and every account its policy lets in, in every region); otherwise it
// is `unverified`, with the reason. A failed call is never an empty answer.

import { z } from 'zod';
import { heldReason, prefixVerdict } from './evidence';
import { ARTIFACT_KEY, claims, folderOf, prefixOf } from './key-layout';

export { ARTIFACT_KEY } from './key-layout';

// The report's shapes are zod schemas, and their types are inferred from them:
// one definition for the classifier, the audit, the contract and the files.
export const PrefixClass = z.enum(['live', 'shared', 'orphan', 'unverified', 'foreign']);
export type PrefixClass = z.infer<typeof PrefixClass>;

export const SuccessfulExecution = z.object({
  id: z.string(),
  /** When it started (ms). */
  time: z.number(),
  keys: z.array(z.string()),
});
export type SuccessfulExecution = z.infer<typeof SuccessfulExecution>;

/** One artifact key of a claimed prefix: what retention can weigh and delete. */
export const KeyStat = z.object({
  key: z.string(),
  versions: z.number(),
  deleteMarkers: z.number(),
  bytes: z.number(),
  /** Its current version is an object (not a delete marker). */
  current: z.boolean(),
  /** Its newest version or marker (ms). */
  newest: z.number(),
});
export type KeyStat = z.infer<typeof KeyStat>;

export const Tally = z.object({
  /** Current objects (latest version, not a delete marker). */
  objects: z.number(),
  /** Every version, current and non-current, delete markers excluded. */
  versions: z.number(),
  deleteMarkers: z.number(),
  bytes: z.number(),
  oldest: z.number().nullable(),
  newest: z.number().nullable(),
});
export type Tally = z.infer<typeof Tally>;

export const FolderReport = Tally.extend({ folder: z.string(), stale: z.boolean() });
export type FolderReport = z.infer<typeof FolderReport>;

export const Claimer = z.object({ accountId: z.string(), region: z.string(), name: z.string() });

export const PrefixReport = Tally.extend({
  prefix: z.string(),
  class: PrefixClass,
  claimedBy: z.array(Claimer),
  folders: z.array(FolderReport),
  /** Keys never to delete (latest successful executions of the claimers). */
  keep: z.array(z.string()),
  /** Live and shared prefixes: each artifact key, and the claimers' recent successful executions (for retention). */
  keys: z.array(KeyStat).optional(),
  successes: z.array(SuccessfulExecution.extend({ pipeline: z.string(), accountId: z.string(), region: z.string() })).optional(),
  /** `unverified`: what evidence is missing (the account and region not listed, and the AWS error). */
  reason: z.string().optional(),
  /** Live and shared: why stale folders and retention cannot be planned here (incomplete coverage, or a claimer's history unreadable). */
  held: z.string().optional(),
});
export type PrefixReport = z.infer<typeof PrefixReport>;

/** What the audit knows of a live pipeline (internal to the audit: never crosses a boundary). */
export interface LivePipelineRef {
  accountId: string;
  region: string;
  name: string;
  /** Output artifact names the pipeline produces now. */
  produces: string[];
  /** Keys of its latest successful execution's artifacts: always kept. */
  keep: string[];
  /** Its recent successful executions, newest first, with their artifact keys (for retention). */
  successes?: SuccessfulExecution[];
  /** The buckets it writes artifacts to (every artifact store). */
  buckets: string[];
  /** Why its execution history could not be read: its keep-list and successes are unknown. */
  historyError?: string;
}

export interface ObjectVersionEntry {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  lastModified: number;
}

export const emptyTally = (): Tally => ({ objects: 0, versions: 0, deleteMarkers: 0, bytes: 0, oldest: null, newest: null });

export function addToTally(t: Tally, v: ObjectVersionEntry): void {
  if (v.deleteMarker) t.deleteMarkers++;
  else {
    t.versions++;
    t.bytes += v.size;
    if (v.isLatest) t.objects++;
  }
  t.oldest = t.oldest === null ? v.lastModified : Math.min(t.oldest, v.lastModified);
  t.newest = t.newest === null ? v.lastModified : Math.max(t.newest, v.lastModified);
}

export function mergeTally(into: Tally, t: Tally): void {
  into.objects += t.objects;
  into.versions += t.versions;
  into.deleteMarkers += t.deleteMarkers;
  into.bytes += t.bytes;
  if (t.oldest !== null) into.oldest = into.oldest === null ? t.oldest : Math.min(into.oldest, t.oldest);
  if (t.newest !== null) into.newest = into.newest === null ? t.newest : Math.max(into.newest, t.newest);
}

/**
 * Accumulates one bucket's listing, streamed page by page. Per-key figures are
 * kept only under `keyedPrefixes` (those live pipelines claim), for retention:
 * an orphan prefix of millions of keys costs no memory per key.
 */
export class BucketTally {
  readonly prefixes = new Map<string, { total: Tally; folders: Map<string, Tally> }>();
  readonly keys = new Map<string, KeyStat>();
  readonly foreign = emptyTally();
  readonly total = emptyTally();
  foreignSample: string[] = [];

  constructor(private readonly keyedPrefixes: ReadonlySet<string> = new Set()) {}

  add(v: ObjectVersionEntry): void {
    addToTally(this.total, v);
    const m = ARTIFACT_KEY.exec(v.key);
    if (!m) {
      addToTally(this.foreign, v);
      if (this.foreignSample.length < 5 && !this.foreignSample.includes(v.key)) this.foreignSample.push(v.key);
      return;
    }
    let p = this.prefixes.get(m[1]);
    if (!p) {
      p = { total: emptyTally(), folders: new Map() };
      this.prefixes.set(m[1], p);
    }
    addToTally(p.total, v);
    let f = p.folders.get(m[2]);
    if (!f) {
      f = emptyTally();
      p.folders.set(m[2], f);
    }
    addToTally(f, v);
    if (this.keyedPrefixes.has(m[1])) {
      const k = this.keys.get(v.key) ?? { key: v.key, versions: 0, deleteMarkers: 0, bytes: 0, current: false, newest: v.lastModified };
      if (v.deleteMarker) k.deleteMarkers++;
      else {
        k.versions++;
        k.bytes += v.size;
        if (v.isLatest) k.current = true;
      }
      k.newest = Math.max(k.newest, v.lastModified);
      this.keys.set(v.key, k);
    }
  }
}

/** The prefixes live pipelines writing to `bucket` claim (names cut to 20 characters). */
export function claimedPrefixes(bucket: string, live: LivePipelineRef[]): Set<string> {
  return new Set(live.filter((p) => claims(p, bucket, prefixOf(p.name))).map((p) => prefixOf(p.name)));
}

/**
 * Classifies each prefix of a bucket. A live pipeline claims a prefix of a bucket
 * when its name, cut to 20 characters, is the prefix and it writes to that bucket
 * (the same application in another account, writing elsewhere, does not).
 * `artifactBucket`: declared by a pipeline or shaped like a console default; only
 * there can a prefix be an orphan.
 */
export function classifyBucket(
  bucket: string,
  tally: BucketTally,
  live: LivePipelineRef[],
  artifactBucket: boolean,
  coverageGap: string | null = null,
): PrefixReport[] {
  return [...tally.prefixes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([prefix, { total, folders }]) => {
      const claimers = live.filter((p) => claims(p, bucket, prefix));
      const cls: PrefixClass = prefixVerdict(claimers.length, artifactBucket, coverageGap);
      const produced = new Set(claimers.flatMap((c) => c.produces.map(folderOf)));
      const held = heldReason(claimers, coverageGap);
      return {
        prefix,
        class: cls,
        ...(cls === 'unverified' ? { reason: coverageGap! } : {}),
        ...(held ? { held } : {}),
        ...total,
        claimedBy: claimers.map((c) => ({ accountId: c.accountId, region: c.region, name: c.name })),
        folders: [...folders.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([folder, t]) => ({ folder, ...t, stale: claimers.length > 0 && !produced.has(folder) })),
        // Only artifact keys: anything else under the prefix is never deleted anyway.
        keep: [...new Set(claimers.flatMap((c) => c.keep))].filter((k) => k.startsWith(`${prefix}/`) && ARTIFACT_KEY.test(k)).sort(),
        ...(claimers.length
          ? {
              keys: [...tally.keys.values()].filter((k) => k.key.startsWith(`${prefix}/`)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
              successes: claimers.flatMap((c) =>
                (c.successes ?? []).map((e) => ({
                  ...e,
                  pipeline: c.name,
                  accountId: c.accountId,
                  region: c.region,
                  keys: e.keys.filter((k) => k.startsWith(`${prefix}/`)),
                })),
              ),
            }
          : {}),
      };
    });
}

/** Console-default artifact buckets: codepipeline-<region>-<digits or uuid>. */
export function shapedLikeDefault(bucket: string): boolean {
  return /^codepipeline-[a-z]{2}(-[a-z]+)+-\d-[0-9a-z-]{6,}$/.test(bucket);
}

export const STANDARD_PRICE_PER_GB_MONTH = 0.023;

export function monthlyCost(bytes: number, pricePerGbMonth = STANDARD_PRICE_PER_GB_MONTH): number {
  return Math.round((bytes / 2 ** 30) * pricePerGbMonth * 10_000) / 10_000;
}
