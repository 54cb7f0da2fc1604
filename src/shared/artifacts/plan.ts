// The cleanup plan: exactly which (bucket, prefix) to empty, or which keys of a
// live prefix retention lets go, why, what to keep, and what was counted at
// audit time. Written by `artifacts plan`, reviewed, then executed by
// `artifacts clean`. Checked against the audit it came from: a plan that
// reaches outside audited orphan/stale prefixes, or names a kept key, is refused.
import { z } from 'zod';
import { ARTIFACT_KEY, type PrefixClass } from './classify';
import { JsonFileError, parseJsonWith } from '../json-file';

export const PLAN_VERSION = 1;

const PlanItemFields = z.strictObject({
  profile: z.string(),
  accountId: z.string().regex(/^\d{12}$/),
  accountAlias: z.string().nullable(),
  region: z.string(),
  bucket: z.string().min(3).max(63),
  /** "<prefix>/" for an orphan prefix, or "<prefix>/<folder>/" for a stale folder. */
  prefix: z.string().regex(/^[^/]{1,20}\/([^/]{1,10}\/)?$/, 'a plan prefix is <≤20 chars>/ or <≤20>/<≤10>/'),
  /** orphan: a whole prefix; stale: a folder of a live prefix; retention: listed keys of a live prefix. */
  class: z.enum(['orphan', 'stale', 'retention']),
  reason: z.string(),
  expected: z.strictObject({
    objects: z.number().int().min(0),
    versions: z.number().int().min(0),
    deleteMarkers: z.number().int().min(0),
    bytes: z.number().min(0),
  }),
  /** Keys that must survive (latest successful executions). */
  keep: z.array(z.string()).default([]),
  /** Retention only: the exact keys to delete (every version of each), all older than the cutoff. */
  keys: z.array(z.string()).max(1_000_000).optional(),
  retention: z.strictObject({ keepLast: z.number().int().min(1), keepDays: z.number().min(1), cutoff: z.string() }).optional(),
});

// Both ways: a retention item without its keys or policy, and an orphan or stale item
// with either (which would narrow or blur what it deletes), are refused alike.
export const PlanItem = PlanItemFields.refine(
  (i) => (i.class === 'retention') === (i.keys !== undefined) && (i.class === 'retention') === (i.retention !== undefined),
  { message: 'a retention item names its keys and policy, and only a retention item does' },
);
export type PlanItem = z.infer<typeof PlanItem>;

export const CleanupPlan = z.strictObject({
  version: z.literal(PLAN_VERSION),
  createdAt: z.string(),
  /** The audit report the plan came from, by its generatedAt. */
  auditedAt: z.string(),
  items: z.array(PlanItem).max(100_000),
});
export type CleanupPlan = z.infer<typeof CleanupPlan>;

/**
 * A plan as the app shows it: a retention item counts its keys instead of
 * listing them (a busy pipeline has tens of thousands), so an audit of a large
 * workspace reaches the page in kilobytes. The main process keeps the full plan.
 */
export const PlanPreview = z.strictObject({
  createdAt: z.string(),
  auditedAt: z.string(),
  items: z.array(PlanItemFields.omit({ keys: true }).extend({ keyCount: z.number().int().min(0).optional() })).max(100_000),
});
export type PlanPreview = z.infer<typeof PlanPreview>;
export type PlanPreviewItem = PlanPreview['items'][number];

export function previewOf(plan: CleanupPlan): PlanPreview {
  return {
    createdAt: plan.createdAt,
    auditedAt: plan.auditedAt,
    items: plan.items.map(({ keys, ...item }) => (keys ? { ...item, keyCount: keys.length } : item)),
  };
}

export interface AuditedPrefix {
  accountId: string;
  region: string;
  bucket: string;
  prefix: string;
  class: PrefixClass;
  staleFolders: string[];
  /** The bucket is protected (tag or blocklist): nothing in it may be planned. */
  protected: boolean;
  /** The latest successful executions' keys: never in a plan. */
  keep?: string[];
  /** Why nothing inside this (live) prefix may be planned: incomplete coverage or history. */
  held?: string;
}

export class PlanError extends Error {
  override name = 'PlanError';
}

export function parsePlan(text: string): CleanupPlan {
  try {
    return parseJsonWith(CleanupPlan, text, { source: 'the plan', maxIssues: 5, rootLabel: '(plan)' });
  } catch (err) {
    if (!(err instanceof JsonFileError)) throw err;
    throw new PlanError(err.kind === 'syntax' ? `The plan is ${err.detail}` : `Not a cleanup plan: ${err.detail}${err.kind === 'depth' ? '.' : ''}`);
  }
}

/**
 * Refuses a plan that reaches outside what the audit found deletable: every item
 * must be an audited orphan prefix or a stale folder of a claimed prefix, and its
 * keep-list may only name keys under it.
 */
export function checkPlanAgainstAudit(plan: CleanupPlan, audited: AuditedPrefix[], now = Date.now()): void {
  const index = new Map(audited.map((a) => [`${a.accountId}|${a.bucket}|${a.prefix}`, a]));
  for (const [i, item] of plan.items.entries()) {
    const [prefix, folder] = item.prefix.split('/');
    const a = index.get(`${item.accountId}|${item.bucket}|${prefix}`);
    const where = `item ${i + 1} (s3://${item.bucket}/${item.prefix})`;
    if (!a) throw new PlanError(`${where} was not in the audit: a plan may only name audited prefixes.`);
    if (a.protected) throw new PlanError(`${where} is in a protected bucket (pipewright:protect tag or blocklist).`);
    if (a.class === 'unverified') throw new PlanError(`${where} is unverified in the audit, never deletable: ${a.held ?? 'its coverage was incomplete'}.`);
    if (item.class === 'orphan' && (a.class !== 'orphan' || folder)) throw new PlanError(`${where} is not an orphan prefix in the audit (it is ${a.class}).`);
    if (item.class !== 'orphan' && a.held) throw new PlanError(`${where} is inside a live prefix whose evidence was incomplete: ${a.held}`);
    if (item.class === 'stale' && (!folder || !a.staleFolders.includes(folder))) throw new PlanError(`${where} is not a stale folder in the audit.`);
    for (const k of item.keep)
      if (!k.startsWith(item.prefix) || !ARTIFACT_KEY.test(k)) throw new PlanError(`${where} keeps ${k}, which is not an artifact key under it.`);
    if (item.class === 'retention') {
      if ((a.class !== 'live' && a.class !== 'shared') || folder)
        throw new PlanError(`${where} is not a live pipeline's prefix in the audit (it is ${a.class}): retention applies inside live prefixes.`);
      const kept = new Set([...(a.keep ?? []), ...item.keep]);
      for (const k of item.keys ?? []) {
        if (!k.startsWith(item.prefix) || !ARTIFACT_KEY.test(k)) throw new PlanError(`${where} deletes ${k}, which is not an artifact key under it.`);
        if (kept.has(k)) throw new PlanError(`${where} deletes ${k}, an artifact of a latest successful execution, which is always kept.`);
      }
      // Retention judged ages at audit time; past keepDays, the youngest it kept may have aged out of its own rule.
      const age = now - Date.parse(plan.auditedAt);
      if (!(age <= item.retention!.keepDays * 86_400_000))
        throw new PlanError(
          `${where} comes from an audit ${Math.floor(age / 86_400_000)} days old, older than its ${item.retention!.keepDays}-day window: audit again.`,
        );
    }
  }
}

export const CleanFailure = z.object({ bucket: z.string(), key: z.string(), versionId: z.string(), code: z.string(), message: z.string() });
export type CleanFailure = z.infer<typeof CleanFailure>;

/** What a cleanup run did: the executor's result, the contract's event, the CLI's summary. */
export const CleanResult = z.object({
  dryRun: z.boolean(),
  resumed: z.boolean(),
  deletedVersions: z.number(),
  deletedBytes: z.number(),
  /**
   * `unverified`: the re-check itself failed; `busy`: another run was deleting under the
   * item's prefix. Either way the item is left for a later run (not done).
   */
  skipped: z.array(z.object({ bucket: z.string(), prefix: z.string(), reason: z.string(), unverified: z.boolean(), busy: z.boolean().optional() })),
  failed: z.array(CleanFailure),
  cancelled: z.boolean(),
  checkpoint: z.string(),
  /** Per prefix: what was deleted (or, in a dry run, what would be). */
  items: z.array(z.object({ bucket: z.string(), prefix: z.string(), versions: z.number(), bytes: z.number() })).default([]),
  /** How many times S3 answered SlowDown (each batch refused was paced and sent again). */
  slowDowns: z.number().default(0),
});
export type CleanResult = z.infer<typeof CleanResult>;
