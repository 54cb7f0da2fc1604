// The audit report (what `artifacts audit --json` writes and the app shows),
// and the planner that turns a report into a cleanup plan.
import { monthlyCost, type PrefixReport, type Tally } from './classify';
import { PLAN_VERSION, type CleanupPlan, type PlanItem, type AuditedPrefix } from './plan';

export interface BucketReport {
  profile: string;
  accountId: string;
  accountAlias: string | null;
  region: string;
  name: string;
  versioning: 'Enabled' | 'Suspended' | 'Disabled';
  encryption: string | null;
  tags: Record<string, string>;
  /** Tagged pipewright:protect=true, or on the blocklist: never planned. */
  protected: boolean;
  declaredBy: Array<{ accountId: string; region: string; name: string }>;
  shapedLikeDefault: boolean;
  /** An artifact bucket no live pipeline uses: a candidate for removal. */
  unused: boolean;
  totals: Tally & { monthlyCost: number };
  foreign: Tally & { sample: string[] };
  prefixes: Array<PrefixReport & { monthlyCost: number }>;
}

export interface AuditReport {
  version: 1;
  generatedAt: string;
  pricePerGbMonth: number;
  buckets: BucketReport[];
  errors: Array<{ profile: string; region: string | null; bucket?: string; kind: string; message: string }>;
}

export interface PlanOptions {
  include: Array<'orphan' | 'stale'>;
  /** Only prefixes whose newest object is older than this many days. */
  olderThanDays?: number;
  now?: number;
}

export function auditedPrefixes(report: AuditReport): AuditedPrefix[] {
  return report.buckets.flatMap((b) =>
    b.prefixes.map((p) => ({ accountId: b.accountId, region: b.region, bucket: b.name, prefix: p.prefix, class: p.class, staleFolders: p.folders.filter((f) => f.stale).map((f) => f.folder), protected: b.protected })),
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
        items.push({ ...base, prefix: `${p.prefix}/`, class: 'orphan', reason: `No live pipeline in the workspace is named ${p.prefix}…`, expected: pick(p), keep: [] });
      }
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
    }
  }
  return { version: PLAN_VERSION, createdAt: new Date(now).toISOString(), auditedAt: report.generatedAt, items };
}

const pick = (t: Tally) => ({ objects: t.objects, versions: t.versions, deleteMarkers: t.deleteMarkers, bytes: t.bytes });

export function withCosts(prefixes: PrefixReport[], price: number): Array<PrefixReport & { monthlyCost: number }> {
  return prefixes.map((p) => ({ ...p, monthlyCost: monthlyCost(p.bytes, price) }));
}
