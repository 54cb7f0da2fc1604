// What the artifacts page derives from the audit, the plan preview and the last
// run: chart series, totals, which buckets to offer for deletion, which prefixes
// to offer a lifecycle rule for. Pure functions of the store's values; the rules
// themselves (which bucket may go, which prefix may get a rule) are the main
// process's, imported from src/shared/artifacts/eligibility.ts.
import type { PlanPreview, PlanPreviewItem } from '../../../../shared/artifacts/plan';
import { deletableBucket, lifecycleEligible } from '../../../../shared/artifacts/eligibility';
import { mib, money } from './artifacts-format';
import { retentionKey, type Report } from './artifacts-store';

/** One bar of a chart: its label, its value and the value as shown. */
export type Bar = [label: string, value: number, shown: string];
type BucketView = Report['buckets'][number];
type PrefixView = BucketView['prefixes'][number];

export const CLASSES = ['live', 'shared', 'orphan', 'unverified', 'stale', 'foreign'] as const;

/** Bytes per class; stale folders count as stale, not as their prefix's class. */
export function bytesByClass(report: Report | null): Bar[] {
  const by: Record<string, number> = Object.fromEntries(CLASSES.map((c) => [c, 0]));
  for (const b of report?.buckets ?? []) {
    by.foreign += b.foreign.bytes;
    for (const p of b.prefixes) {
      const stale = p.folders.filter((f) => f.stale).reduce((n, f) => n + f.bytes, 0);
      by[p.class] += p.bytes - stale;
      by.stale += stale;
    }
  }
  return CLASSES.map((c) => [c, by[c], mib(by[c])]);
}

/** Bytes by the age of each prefix's newest object, as of the audit (not of each render). */
export function bytesByAge(report: Report | null): Bar[] {
  const now = report ? Date.parse(report.generatedAt) : 0;
  const bins: Array<[string, number]> = [
    ['< 7 days', 0],
    ['7–30 days', 0],
    ['30–90 days', 0],
    ['> 90 days', 0],
  ];
  for (const b of report?.buckets ?? [])
    for (const p of b.prefixes) {
      const age = p.newest === null ? 0 : (now - p.newest) / 86_400_000;
      bins[age < 7 ? 0 : age < 30 ? 1 : age < 90 ? 2 : 3][1] += p.bytes;
    }
  return bins.map(([l, v]) => [l, v, mib(v)]);
}

/** The `n` prefixes that cost most a month. */
export function topByCost(report: Report | null, n = 10): Bar[] {
  return (report?.buckets ?? [])
    .flatMap((b) => b.prefixes.map((p): Bar => [`${b.name}/${p.prefix}`, p.monthlyCost, money(p.monthlyCost)]))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
}

/** The plan preview made for this audit (a preview of an older audit is not offered). */
export function previewForReport<P extends { plan: PlanPreview }>(preview: P | null, report: Report | null): P | null {
  return preview && report && preview.plan.auditedAt === report.generatedAt ? preview : null;
}

export const retentionItemsOf = (plan: PlanPreview | null): PlanPreviewItem[] => (plan?.items ?? []).filter((i) => i.class === 'retention');

/** Retention items by their selection key, for the rows of the table. */
export const retentionByPrefix = (items: PlanPreviewItem[]): Map<string, PlanPreviewItem> => new Map(items.map((i) => [retentionKey(i.bucket, i.prefix), i]));

/** What a plan (or a selection of it) adds up to. */
export function planTotals(plan: PlanPreview | null): { items: number; retention: number; versions: number; bytes: number } {
  const items = plan?.items ?? [];
  return {
    items: items.length,
    retention: items.filter((i) => i.class === 'retention').length,
    versions: items.reduce((n, i) => n + i.expected.versions + i.expected.deleteMarkers, 0),
    bytes: items.reduce((n, i) => n + i.expected.bytes, 0),
  };
}

/**
 * The buckets a finished (real, not cancelled) cleanup worked on that the audit
 * says may be deleted: offered once it ran, since it may have emptied them.
 */
export function emptiedBuckets(
  report: Report | null,
  result: { dryRun: boolean; cancelled: boolean } | null,
  lastPlan: Pick<PlanPreview, 'items'> | null,
): string[] {
  if (!result || result.dryRun || result.cancelled || !lastPlan) return [];
  return [...new Set(lastPlan.items.map((i) => i.bucket))].filter((name) => report?.buckets.some((b) => b.name === name && deletableBucket(b)));
}

/** Limits above which an orphan prefix is better expired by S3 than deleted from here. */
export interface HugePrefixLimits {
  versions: number;
  bytes: number;
}

/** An orphan prefix big enough to offer "Expire with a lifecycle rule" (and one that may get it). */
export function offerWholeExpiry(b: Pick<BucketView, 'protected'>, p: PrefixView, limits: HugePrefixLimits): boolean {
  return lifecycleEligible(b, p) && (p.versions + p.deleteMarkers >= limits.versions || p.bytes >= limits.bytes);
}

/** A live prefix with something retention lets go of may instead get the age-only lifecycle rule. */
export function offerAgeOnlyRule(b: Pick<BucketView, 'protected'>, p: PrefixView, retention: PlanPreviewItem | undefined, keepDays: number): boolean {
  return !!retention && lifecycleEligible(b, p, keepDays);
}
