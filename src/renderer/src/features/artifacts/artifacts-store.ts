// The artifacts page's state: the last audit report (without per-key detail),
// the selection, the main process's preview of what it can plan, and cleanup runs.
import { create } from 'zustand';
import { z } from 'zod';
import type { EventPayload } from '../../../../shared/api/contract';
import type { AuditReportSchema, CleanResultSchema } from '../../../../shared/api/artifacts';
import type { CleanupPlan, PlanPreview } from '../../../../shared/artifacts/plan';
import { selectionKey } from '../../../../shared/artifacts/report';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../../../../shared/artifacts/retention';
import { api } from '../../api/current';
import { call, reportError, updateSettings } from '../../store/actions';

type Report = z.infer<typeof AuditReportSchema>;
type CleanResult = z.infer<typeof CleanResultSchema>;

interface ArtifactsState {
  report: Report | null;
  auditJob: string | null;
  /** Selected rows, by "bucket|prefix/" or "bucket|prefix/folder/"; retention of a live prefix by "bucket|retention:prefix/". */
  selected: Set<string>;
  /** The retention policy chosen on the page in this window; until then, the saved one (settings). */
  retention: RetentionPolicy | null;
  /** Everything selectable in `report` under `retention`, as the main process plans it (keys counted, not listed). */
  preview: { retention: RetentionPolicy; plan: PlanPreview } | null;
  /** Why the last preview failed (for example, the main process restarted and has no audit). */
  previewError: string | null;
  cleanJob: string | null;
  lastPlan: PlanPreview | null;
  /** The policy `lastPlan` was made with, so a resume asks for the same plan. */
  lastRetention: RetentionPolicy;
  result: CleanResult | null;
  log: Array<Record<string, unknown>>;
}

export const useArtifactsStore = create<ArtifactsState>()(() => ({
  report: null,
  auditJob: null,
  selected: new Set(),
  retention: null,
  preview: null,
  previewError: null,
  cleanJob: null,
  lastPlan: null,
  lastRetention: DEFAULT_RETENTION,
  result: null,
  log: [],
}));
const set = useArtifactsStore.setState;
const get = useArtifactsStore.getState;

export const rowKey = (bucket: string, prefix: string) => selectionKey({ bucket, prefix, class: 'orphan' });
export const retentionKey = (bucket: string, prefix: string) => selectionKey({ bucket, prefix, class: 'retention' });

let previewTimer: ReturnType<typeof setTimeout> | undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let previewSeq = 0;

/** The page's policy changed: kept for the next session too (typing "14" saves once, not 1 then 14). */
export function setRetention(policy: RetentionPolicy): void {
  set({ retention: policy });
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void updateSettings({ artifacts: { retention: policy } }, { quiet: true }), 400);
}

/** Asks for a new preview shortly: the policy or the audit changed. */
export function schedulePreview(retention: RetentionPolicy): void {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => void loadPreview(retention), 150);
}

/** Asks the main process what the latest audit lets the page select under a policy; the newest answer wins. */
export async function loadPreview(retention: RetentionPolicy): Promise<void> {
  const seq = ++previewSeq;
  try {
    const plan = await api().invoke('artifacts.preview', { retention });
    if (seq === previewSeq) set({ preview: { retention, plan }, previewError: null });
  } catch (err) {
    if (seq !== previewSeq) return;
    set({ previewError: err instanceof Error ? err.message : String(err) });
    reportError(err);
  }
}

/** After a reload of the page: the main process still has the latest audit. */
export async function restoreReport(): Promise<void> {
  if (get().report) return; // already here: no call each time the page opens
  const r = await call('artifacts.lastReport', {});
  if (r?.report && !get().report) onArtifactsEvent.report({ jobId: 'restored', report: r.report });
}

/** The full audit report, every key of live prefixes included (the file the CLI can plan retention from). */
export async function fullReport(): Promise<Report | null> {
  return (await call('artifacts.lastReport', { full: true }))?.report ?? null;
}

/** The full plan for the selected rows, every key listed: what "Save plan" writes and `artifacts clean --plan` runs. */
export async function planFile(preview: PlanPreview, retention: RetentionPolicy): Promise<CleanupPlan | null> {
  return (await call('artifacts.planFile', { rows: [...new Set(preview.items.map(selectionKey))], retention }))?.plan ?? null;
}

export async function startAudit(): Promise<void> {
  const r = await call('artifacts.audit', {});
  if (r) set({ auditJob: r.jobId, result: null });
}

export function toggle(key: string): void {
  const s = new Set(get().selected);
  if (s.has(key)) s.delete(key);
  else s.add(key);
  set({ selected: s });
}

/**
 * Runs (or dry-runs) the selected rows. The main process rebuilds the same plan
 * from its own audit (a retention plan lists every key and can exceed a call's
 * size); `plan` is this side's preview of it, for the result and a resume.
 */
export async function runPlan(
  plan: PlanPreview,
  retention: RetentionPolicy,
  dryRun: boolean,
  confirmations: string[],
  prodConfirmations: string[],
): Promise<void> {
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
    return await api().invoke('artifacts.lifecycle', {
      bucket,
      prefix,
      apply: confirmation !== undefined,
      confirmation: confirmation ?? '',
      retainDays: retention?.days,
      ageOnlyAcknowledged: retention?.ageOnlyAcknowledged ?? false,
    });
  } catch (err) {
    reportError(err);
    return null;
  } finally {
    if (confirmation !== undefined) void loadAuditLog();
  }
}

export async function loadAuditLog(): Promise<void> {
  const r = await call('artifacts.auditLog', {});
  if (r) set({ log: r.entries });
}

export const onArtifactsEvent = {
  report(p: EventPayload<'artifacts.report'>) {
    // Orphans are pre-selected; live, shared, foreign and stale are not.
    const selected = new Set<string>();
    for (const b of p.report.buckets) if (!b.protected) for (const x of b.prefixes) if (x.class === 'orphan') selected.add(rowKey(b.name, `${x.prefix}/`));
    set({ report: p.report, selected, auditJob: null, preview: null, previewError: null });
  },
  cleanResult(p: EventPayload<'artifacts.cleanResult'>) {
    set({ result: p.result });
    void loadAuditLog();
  },
};
