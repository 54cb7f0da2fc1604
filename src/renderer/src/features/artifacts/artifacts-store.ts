// The artifacts page's state: the last audit report, the selection, the plan
// built from it (in the renderer, with the shared planner), and cleanup runs.
import { create } from 'zustand';
import { z } from 'zod';
import type { EventPayload } from '../../../../shared/api/contract';
import type { AuditReportSchema, CleanResultSchema } from '../../../../shared/api/artifacts';
import type { CleanupPlan } from '../../../../shared/artifacts/plan';
import { planForAudit, selectionKey } from '../../../../shared/artifacts/report';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../../../../shared/artifacts/retention';
import { api } from '../../api/current';
import { reportError } from '../../store/actions';

type Report = z.infer<typeof AuditReportSchema>;
type CleanResult = z.infer<typeof CleanResultSchema>;

interface ArtifactsState {
  report: Report | null;
  auditJob: string | null;
  /** Selected rows, by "bucket|prefix/" or "bucket|prefix/folder/"; retention of a live prefix by "bucket|retention:prefix/". */
  selected: Set<string>;
  /** The retention policy the page plans with (never pre-selected: live prefixes are chosen one by one). */
  retention: RetentionPolicy;
  cleanJob: string | null;
  lastPlan: CleanupPlan | null;
  /** The policy `lastPlan` was made with, so a resume asks for the same plan. */
  lastRetention: RetentionPolicy;
  result: CleanResult | null;
  log: Array<Record<string, unknown>>;
}

export const useArtifactsStore = create<ArtifactsState>()(() => ({ report: null, auditJob: null, selected: new Set(), retention: DEFAULT_RETENTION, cleanJob: null, lastPlan: null, lastRetention: DEFAULT_RETENTION, result: null, log: [] }));
const set = useArtifactsStore.setState;
const get = useArtifactsStore.getState;

export const rowKey = (bucket: string, prefix: string) => selectionKey({ bucket, prefix, class: 'orphan' });
export const retentionKey = (bucket: string, prefix: string) => selectionKey({ bucket, prefix, class: 'retention' });

export function setRetention(policy: RetentionPolicy): void {
  set({ retention: policy });
}

export async function startAudit(): Promise<void> {
  try {
    const { jobId } = await api().invoke('artifacts.audit', {});
    set({ auditJob: jobId, result: null });
  } catch (err) {
    reportError(err);
  }
}

export function toggle(key: string): void {
  const s = new Set(get().selected);
  if (s.has(key)) s.delete(key);
  else s.add(key);
  set({ selected: s });
}

/** Everything the shared planner would do with this report and retention policy (before selection). */
export function fullPlan(report: Report, retention: RetentionPolicy): CleanupPlan {
  return planForAudit(report as never, retention);
}

/** The plan for the selected rows: the shared planner's items, filtered to the selection. */
export function selectedPlan(all: CleanupPlan, selected: Set<string>): CleanupPlan {
  return { ...all, items: all.items.filter((i) => selected.has(selectionKey(i))) };
}

/**
 * Runs (or dry-runs) the selected rows. The main process rebuilds the same plan
 * from its own audit (a retention plan lists every key and can exceed a call's
 * size); `plan` is this side's copy of it, for the result and a resume.
 */
export async function runPlan(plan: CleanupPlan, retention: RetentionPolicy, dryRun: boolean, confirmations: string[], prodConfirmations: string[]): Promise<void> {
  try {
    const rows = [...new Set(plan.items.map(selectionKey))];
    const { jobId } = await api().invoke('artifacts.clean', { selection: { rows, retention }, dryRun, confirmations, prodConfirmations });
    set({ cleanJob: jobId, lastPlan: plan, lastRetention: retention, result: null });
  } catch (err) {
    reportError(err);
  }
}

/** Deletes an unused bucket (the main process re-checks it is empty and unused). True when gone. */
export async function deleteBucket(bucket: string, confirmation: string): Promise<boolean> {
  try {
    await api().invoke('artifacts.deleteBucket', { bucket, confirmation });
    const report = get().report;
    if (report) set({ report: { ...report, buckets: report.buckets.filter((b) => b.name !== bucket) } });
    return true;
  } catch (err) {
    reportError(err);
    return false;
  } finally {
    void loadAuditLog();
  }
}

/**
 * Lifecycle rules for one prefix: an orphan's whole expiry, or (with `retainDays`) a
 * live prefix's age-only retention. Previewed, or applied when `confirmation` is given.
 */
export async function expireByLifecycle(bucket: string, prefix: string, confirmation?: string, retention?: { days: number; ageOnlyAcknowledged: boolean }) {
  try {
    return await api().invoke('artifacts.lifecycle', { bucket, prefix, apply: confirmation !== undefined, confirmation: confirmation ?? '', retainDays: retention?.days, ageOnlyAcknowledged: retention?.ageOnlyAcknowledged ?? false });
  } catch (err) {
    reportError(err);
    return null;
  } finally {
    if (confirmation !== undefined) void loadAuditLog();
  }
}

export async function loadAuditLog(): Promise<void> {
  try {
    set({ log: (await api().invoke('artifacts.auditLog', {})).entries });
  } catch (err) {
    reportError(err);
  }
}

export const onArtifactsEvent = {
  report(p: EventPayload<'artifacts.report'>) {
    // Orphans are pre-selected; live, shared, foreign and stale are not.
    const selected = new Set<string>();
    for (const b of p.report.buckets) if (!b.protected) for (const x of b.prefixes) if (x.class === 'orphan') selected.add(rowKey(b.name, `${x.prefix}/`));
    set({ report: p.report, selected, auditJob: null });
  },
  cleanResult(p: EventPayload<'artifacts.cleanResult'>) {
    set({ result: p.result });
    void loadAuditLog();
  },
};
