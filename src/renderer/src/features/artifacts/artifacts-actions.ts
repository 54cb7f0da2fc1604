// Artifacts actions: audit, preview, plan, clean, bucket and lifecycle actions,
// the audit log; and the routing of the artifacts' events into their store.
import type { ApiClient } from '../../../../shared/api/client';
import type { AccountConfirmationView } from '../../../../shared/api/artifacts';
import type { CleanupPlan, PlanPreview } from '../../../../shared/artifacts/plan';
import type { RetentionPolicy } from '../../../../shared/artifacts/retention';
import { selectionKey } from '../../../../shared/artifacts/report';
import { api } from '../../api/current';
import { call, reportError, updateSettings } from '../../store/actions';
import { rowKey, useArtifactsStore, type Report } from './artifacts-store';

const set = useArtifactsStore.setState;
const get = useArtifactsStore.getState;

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
  if (r?.report && !get().report) showReport(r.report);
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

/** Audits again after a cleanup, keeping its result on screen. */
async function reaudit(): Promise<void> {
  const r = await call('artifacts.audit', {});
  if (r) set({ auditJob: r.jobId });
}

/**
 * The server lost this window's session (or events): an audit it was running is started again
 * (it was cancelled with the session, or its report missed); otherwise the latest report is read again.
 */
export async function resubscribeArtifacts(running: ReadonlySet<string>): Promise<void> {
  const { auditJob, report } = get();
  if (auditJob && running.has(auditJob)) return reaudit();
  if (!report) return;
  const r = await call('artifacts.lastReport', {});
  // Only a newer audit replaces what is shown (and the user's selection in it).
  if (r?.report && r.report.generatedAt !== get().report?.generatedAt) showReport(r.report);
  void loadAuditLog();
}

/** Adds these rows to the selection. */
export function selectKeys(keys: string[]): void {
  set((s) => ({ selected: new Set([...s.selected, ...keys]) }));
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
  const rows = [...new Set(plan.items.map(selectionKey))];
  const started = await call('artifacts.clean', { selection: { rows, retention }, dryRun, confirmations, prodConfirmations });
  if (started) set({ cleanJob: started.jobId, lastPlan: plan, lastRetention: retention, result: null });
}

/**
 * Accounts as the main process will judge them when a person confirms there: the live
 * alias and the production word to type as well (or none). The page never works the
 * word out itself: only the main process knows every profile that reaches an account.
 */
export async function accountsNow(accountIds: string[]): Promise<AccountConfirmationView[] | null> {
  return (await call('artifacts.accounts', { accountIds }))?.accounts ?? null;
}

/** Deletes an unused bucket (the main process re-checks it is empty and unused). True when gone. */
export async function deleteBucket(bucket: string, confirmation: string, prodConfirmation: string): Promise<boolean> {
  const done = await call('artifacts.deleteBucket', { bucket, confirmation, prodConfirmation });
  void loadAuditLog(); // a refusal is logged too
  if (!done) return false;
  const report = get().report;
  if (report) set({ report: { ...report, buckets: report.buckets.filter((b) => b.name !== bucket) } });
  return true;
}

/**
 * Lifecycle rules for one prefix: an orphan's whole expiry, or (with `retainDays`) a
 * live prefix's age-only retention. Previewed (the preview names the account's production
 * word, if any), or applied when `confirmation` is given (and `prodConfirmation`, that word).
 */
export async function expireByLifecycle(
  bucket: string,
  prefix: string,
  confirmation?: string,
  retention?: { days: number; ageOnlyAcknowledged: boolean },
  prodConfirmation = '',
) {
  const r = await call('artifacts.lifecycle', {
    bucket,
    prefix,
    apply: confirmation !== undefined,
    confirmation: confirmation ?? '',
    prodConfirmation,
    retainDays: retention?.days,
    ageOnlyAcknowledged: retention?.ageOnlyAcknowledged ?? false,
  });
  if (confirmation !== undefined) void loadAuditLog();
  return r ?? null;
}

export async function loadAuditLog(): Promise<void> {
  const r = await call('artifacts.auditLog', {});
  if (r) set({ log: r.entries });
}

function showReport(report: Report): void {
  // Orphans are pre-selected; live, shared, foreign and stale are not.
  const selected = new Set<string>();
  for (const b of report.buckets) if (!b.protected) for (const x of b.prefixes) if (x.class === 'orphan') selected.add(rowKey(b.name, `${x.prefix}/`));
  set({ report, selected, auditJob: null, preview: null, previewError: null });
}

export function subscribeArtifactsEvents(a: ApiClient): Array<() => void> {
  return [
    a.on('artifacts.report', (p) => showReport(p.report)),
    a.on('artifacts.cleanResult', (p) => {
      set({ result: p.result });
      void loadAuditLog();
      // A real cleanup changed the buckets: what was selected is gone, and the report is read again.
      if (!p.result.dryRun && !p.result.cancelled) {
        set({ selected: new Set(), preview: null });
        void reaudit();
      }
    }),
  ];
}
