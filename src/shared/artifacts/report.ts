// The audit report (what `artifacts audit --json` writes and the app shows),
// and the planner that turns a report into a cleanup plan.
import { z } from 'zod';
import { ARTIFACT_KEY, monthlyCost, PrefixReport, Tally } from './classify';
import { PLAN_VERSION, type CleanupPlan, type PlanItem, type AuditedPrefix } from './plan';
import { DEFAULT_RETENTION, retentionDeletions, type RetentionPolicy } from './retention';

const Claimer = z.object({ accountId: z.string(), region: z.string(), name: z.string() });

export const BucketCoverage = z.object({ complete: z.boolean(), gaps: z.array(z.string()) });
export type BucketCoverage = z.infer<typeof BucketCoverage>;

export const BucketReport = z.object({
  profile: z.string(),
  accountId: z.string(),
  accountAlias: z.string().nullable(),
  region: z.string(),
  name: z.string(),
  versioning: z.enum(['Enabled', 'Suspended', 'Disabled']),
  encryption: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  /** Tagged pipewright:protect=true, or on the blocklist: never planned. */
  protected: z.boolean(),
  declaredBy: z.array(Claimer),
  shapedLikeDefault: z.boolean(),
  /** An artifact bucket no live pipeline uses, with complete coverage: a candidate for removal. */
  unused: z.boolean(),
  /** Other accounts its bucket policy lets in ('*': any principal), whose pipelines may write here too. */
  sharedWith: z.array(z.string()),
  /** Whether every pipeline that could write here was listed; if not, why (no verdict of absence then). */
  coverage: BucketCoverage,
  totals: Tally.extend({ monthlyCost: z.number() }),
  foreign: Tally.extend({ sample: z.array(z.string()) }),
  prefixes: z.array(PrefixReport.extend({ monthlyCost: z.number() })),
});
export type BucketReport = z.infer<typeof BucketReport>;

/** What one account's scan covered: regions listed, proven not enabled, or failed; histories unread. */
export const AccountCoverage = z.object({
  accountId: z.string(),
  alias: z.string().nullable(),
  /** The profile the account was scanned with, and every other workspace profile reaching it. */
  profile: z.string(),
  profiles: z.array(z.string()),
  listed: z.array(z.string()),
  notEnabled: z.array(z.string()),
  failed: z.array(z.object({ region: z.string(), code: z.string(), message: z.string() })),
  /** account:ListRegions failed: opt-in regions cannot be proven disabled. */
  regionStatusError: z.string().nullable(),
  /** Pipelines whose execution history could not be read: no retention for them. */
  historyFailed: z.array(z.object({ pipeline: z.string(), region: z.string(), message: z.string() })),
});
export type AccountCoverage = z.infer<typeof AccountCoverage>;

export const AuditCoverage = z.object({
  /** Everything the audit meant to read was read: every account, region, history and bucket. */
  complete: z.boolean(),
  /** The regions the user chose; pipelines were scanned in every region regardless. */
  scopeRegions: z.array(z.string()),
  accounts: z.array(AccountCoverage),
  /** Profiles whose identity could not be checked: their accounts are unknown. */
  unreachableProfiles: z.array(z.object({ profile: z.string(), message: z.string() })),
});
export type AuditCoverage = z.infer<typeof AuditCoverage>;

/** The audit report: what `artifacts audit --out` writes, the app shows, and plans are made from. */
export const AuditReport = z.object({
  version: z.literal(1),
  generatedAt: z.string(),
  pricePerGbMonth: z.number(),
  buckets: z.array(BucketReport),
  errors: z.array(z.object({ profile: z.string(), region: z.string().nullable(), bucket: z.string().optional(), kind: z.string(), message: z.string() })),
  /** Absent only in reports written before coverage was recorded: those cannot be planned from. */
  coverage: AuditCoverage.optional(),
  /** Prefixes with no claimer seen but incomplete evidence: never planned, never deleted. */
  unverified: z.array(z.object({ accountId: z.string(), bucket: z.string(), prefix: z.string(), reason: z.string() })).optional(),
});
export type AuditReport = z.infer<typeof AuditReport>;

export interface PlanOptions {
  include: Array<'orphan' | 'stale' | 'retention'>;
  /** For `retention`: what to keep in live prefixes (default: the last 3 successes and 30 days). */
  retention?: RetentionPolicy;
  /** Only prefixes whose newest object is older than this many days. */
  olderThanDays?: number;
  now?: number;
}

export function auditedPrefixes(report: AuditReport): AuditedPrefix[] {
  return report.buckets.flatMap((b) =>
    b.prefixes.map((p) => ({
      accountId: b.accountId,
      region: b.region,
      bucket: b.name,
      prefix: p.prefix,
      class: p.class,
      staleFolders: p.folders.filter((f) => f.stale).map((f) => f.folder),
      protected: b.protected,
      keep: p.keep,
      // Reports from before coverage was recorded hold nothing back: they are refused earlier.
      held: p.held ?? (b.coverage && !b.coverage.complete ? b.coverage.gaps.join('; ') : undefined),
    })),
  );
}

export function buildPlan(report: AuditReport, opts: PlanOptions): CleanupPlan {
  const now = opts.now ?? Date.now();
  const cutoff = opts.olderThanDays === undefined ? Infinity : now - opts.olderThanDays * 86_400_000;
  const old = (t: Tally) => t.newest !== null && t.newest < cutoff;
  const items: PlanItem[] = [];
  for (const b of report.buckets) {
    if (b.protected) continue;
    const base = { profile: b.profile, accountId: b.accountId, accountAlias: b.accountAlias, region: b.region, bucket: b.name };
    for (const p of b.prefixes) {
      if (p.class === 'orphan' && opts.include.includes('orphan') && old(p)) {
        items.push({
          ...base,
          prefix: `${p.prefix}/`,
          class: 'orphan',
          reason: `No live pipeline in the workspace is named ${p.prefix}…`,
          expected: pick(p),
          keep: [],
        });
      }
      // Without complete evidence (coverage, or a claimer's history) nothing inside a live prefix is planned.
      if (p.held) continue;
      if ((p.class === 'live' || p.class === 'shared') && opts.include.includes('stale')) {
        for (const f of p.folders.filter((x) => x.stale && old(x))) {
          items.push({
            ...base,
            prefix: `${p.prefix}/${f.folder}/`,
            class: 'stale',
            reason: `${p.claimedBy.map((c) => c.name).join(', ')} no longer produces an artifact named ${f.folder}…`,
            expected: pick(f),
            keep: p.keep.filter((k) => k.startsWith(`${p.prefix}/${f.folder}/`)),
          });
        }
      }
      if ((p.class === 'live' || p.class === 'shared') && opts.include.includes('retention')) {
        const policy = opts.retention ?? DEFAULT_RETENTION;
        // Stale folders planned above are not planned twice.
        const staleHere = new Set(opts.include.includes('stale') ? p.folders.filter((f) => f.stale && old(f)).map((f) => `${p.prefix}/${f.folder}/`) : []);
        const r = retentionDeletions(p, policy, now, (k) => staleHere.has(k.slice(0, k.lastIndexOf('/') + 1)));
        if (r.delete.length) {
          const sum = (f: (k: (typeof r.delete)[number]) => number) => r.delete.reduce((n, k) => n + f(k), 0);
          items.push({
            ...base,
            prefix: `${p.prefix}/`,
            class: 'retention',
            reason: `Retention for ${p.claimedBy.map((c) => c.name).join(', ')}: keeps the last ${policy.keepLast} successful executions and everything from the last ${policy.keepDays} days.`,
            expected: {
              objects: sum((k) => (k.current ? 1 : 0)),
              versions: sum((k) => k.versions),
              deleteMarkers: sum((k) => k.deleteMarkers),
              bytes: sum((k) => k.bytes),
            },
            // Only artifact keys under the prefix: nothing else is ever deleted anyway.
            keep: r.keep.filter((k) => k.startsWith(`${p.prefix}/`) && ARTIFACT_KEY.test(k)),
            keys: r.delete.map((k) => k.key),
            retention: { keepLast: policy.keepLast, keepDays: policy.keepDays, cutoff: new Date(r.cutoff).toISOString() },
          });
        }
      }
    }
  }
  return { version: PLAN_VERSION, createdAt: new Date(now).toISOString(), auditedAt: report.generatedAt, items };
}

const pick = (t: Tally) => ({ objects: t.objects, versions: t.versions, deleteMarkers: t.deleteMarkers, bytes: t.bytes });

/**
 * The report without per-key detail (each artifact key of live prefixes, and the
 * keys of recent successes): what the page needs to show, in kilobytes rather
 * than the hundreds of megabytes a million live keys take. Plans and previews
 * are made from the full report, which stays where the audit ran.
 */
export function slimReport(report: AuditReport): AuditReport {
  return { ...report, buckets: report.buckets.map((b) => ({ ...b, prefixes: b.prefixes.map(({ keys: _keys, successes: _successes, ...p }) => p) })) };
}

export function withCosts(prefixes: PrefixReport[], price: number): Array<PrefixReport & { monthlyCost: number }> {
  return prefixes.map((p) => ({ ...p, monthlyCost: monthlyCost(p.bytes, price) }));
}

/**
 * How a plan item is chosen in the app: "bucket|prefix/" for an orphan prefix or
 * a stale folder, "bucket|retention:prefix/" for retention inside a live prefix.
 */
export const selectionKey = (i: Pick<PlanItem, 'bucket' | 'prefix' | 'class'>) => `${i.bucket}|${i.class === 'retention' ? 'retention:' : ''}${i.prefix}`;

/**
 * The items of a whole-audit plan (or its preview) that the app's rows select.
 * Ages are judged as of the audit (`planForAudit`), so the same audit and
 * selection always give the same plan, and a cancelled run resumes it. The app
 * sends the selection, not the plan: a retention plan lists every key and can be
 * larger than a call may be; the main process rebuilds it from its own audit.
 */
export function selectRows<P extends { items: Array<Pick<PlanItem, 'bucket' | 'prefix' | 'class'>> }>(all: P, rows: Iterable<string>): P {
  const chosen = new Set(rows);
  return { ...all, items: all.items.filter((i) => chosen.has(selectionKey(i))) };
}

/** Everything the app can select from an audit: orphans, stale folders and retention, judged as of the audit. */
export function planForAudit(report: AuditReport, retention: RetentionPolicy): CleanupPlan {
  return buildPlan(report, { include: ['orphan', 'stale', 'retention'], retention, now: Date.parse(report.generatedAt) });
}
