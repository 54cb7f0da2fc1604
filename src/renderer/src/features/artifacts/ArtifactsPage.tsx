// Artifact buckets: audit the workspace, see what belongs to whom and what it
// costs, select what to clean (orphans, stale folders, retention inside live
// prefixes), dry-run it, confirm by typing each account, and watch it run
// (cancel, resume). The audit log is at the bottom. This file is the page's
// layout and its dialogs' state; what it shows is derived in
// artifacts-selectors.ts, and what may be offered follows the main process's
// rules (src/shared/artifacts/eligibility.ts).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../../store/store';
import { cancelJob } from '../../store/actions';
import { downloadText } from '../../lib/download';
import { ProtectionCard } from './ProtectionCard';
import { LifecycleDialog } from './LifecycleDialog';
import { fullReport, loadAuditLog, restoreReport, schedulePreview, selectKeys, startAudit } from './artifacts-actions';
import { retentionKey, useArtifactsStore } from './artifacts-store';
import { bytesByAge, bytesByClass, emptiedBuckets, previewForReport, retentionByPrefix, retentionItemsOf, topByCost } from './artifacts-selectors';
import { auditCsv } from './audit-csv';
import { Bars } from './Bars';
import { BucketTable, type ExpiryRequest } from './BucketTable';
import { CleanConfirmDialog } from './CleanConfirmDialog';
import { CoverageBanner } from './CoverageBanner';
import { DeleteBucketDialog } from './DeleteBucketDialog';
import { PlanCard } from './PlanCard';
import { RetentionCard } from './RetentionCard';
import { AuditLogCard } from './AuditLogCard';
import type { PlanPreview } from '../../../../shared/artifacts/plan';
import { selectRows } from '../../../../shared/artifacts/report';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../../../../shared/artifacts/retention';

export function ArtifactsPage() {
  const { report, auditJob, selected, retention: chosen, preview, previewError, cleanJob, result, log, lastPlan, lastRetention } = useArtifactsStore();
  const saved = useAppStore((s) => s.settingsView?.settings.artifacts.retention);
  const retention = chosen ?? saved ?? DEFAULT_RETENTION;
  const jobs = useAppStore((s) => s.jobs);
  const audit = auditJob ? jobs[auditJob] : undefined;
  const clean = cleanJob ? jobs[cleanJob] : undefined;
  const [confirming, setConfirming] = useState<{ plan: PlanPreview; retention: RetentionPolicy } | null>(null);
  const [deletingBucket, setDeletingBucket] = useState<string | null>(null);
  const [expiring, setExpiring] = useState<ExpiryRequest | null>(null);
  const closeExpiring = useCallback(() => setExpiring(null), []);
  const hugePrefixVersions = useAppStore((s) => s.settingsView?.settings.artifacts.hugePrefixVersions) ?? 1_000_000;
  const hugePrefixBytes = (useAppStore((s) => s.settingsView?.settings.artifacts.hugePrefixGiB) ?? 10) * 1024 ** 3;
  const hugePrefix = useMemo(() => ({ versions: hugePrefixVersions, bytes: hugePrefixBytes }), [hugePrefixVersions, hugePrefixBytes]);
  // Unused buckets the last real cleanup worked on: offered for deletion once it finished.
  const emptied = emptiedBuckets(report, result, lastPlan);
  useEffect(() => {
    void loadAuditLog();
    void restoreReport();
  }, []);
  const { keepLast, keepDays } = retention;
  useEffect(() => {
    if (report) schedulePreview({ keepLast, keepDays });
  }, [report, keepLast, keepDays]);
  // What the main process planned for this audit, and the policy it planned with (runs use that policy, not a newer, unplanned one).
  const planned = previewForReport(preview, report);
  const all = planned?.plan ?? null;
  const plannedRetention = planned?.retention ?? retention;
  const plan = useMemo(() => (all ? selectRows(all, selected) : null), [all, selected]);
  const retentionItems = useMemo(() => retentionItemsOf(all), [all]);
  const retentionFor = useMemo(() => retentionByPrefix(retentionItems), [retentionItems]);
  const classes = useMemo(() => bytesByClass(report), [report]);
  const ages = useMemo(() => bytesByAge(report), [report]);
  const top = useMemo(() => topByCost(report), [report]);

  return (
    <div className="page artifacts" data-testid="artifacts-page">
      <div className="toolbar">
        <h1>Artifacts</h1>
        <span className="spacer" />
        {audit?.status === 'running' ? (
          <>
            <span data-testid="audit-progress">{audit.message ?? 'Auditing…'}</span>
            <button type="button" className="button secondary" onClick={() => void cancelJob(audit.jobId)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="button" onClick={() => void startAudit()} data-testid="audit-start">
            {report ? 'Audit again' : 'Audit artifact buckets'}
          </button>
        )}
        {report && (
          <>
            <button
              type="button"
              className="button secondary"
              onClick={() => void fullReport().then((full) => full && downloadText('pipewright-audit.json', JSON.stringify(full, null, 2), 'application/json'))}
              data-testid="audit-json"
            >
              JSON
            </button>
            <button type="button" className="button secondary" onClick={() => downloadText('pipewright-audit.csv', auditCsv(report), 'text/csv')}>
              CSV
            </button>
          </>
        )}
      </div>
      {!report && !audit && (
        <p className="muted">Find what deleted pipelines left in S3, what it costs, and clean it safely: a plan first, a dry run, and your confirmation.</p>
      )}
      {report && (
        <>
          <div className="charts">
            <Bars title="Bytes by class" data={classes} testId="chart-classes" />
            <Bars title="Age (newest object per prefix)" data={ages} testId="chart-ages" />
            <Bars title="Top 10 prefixes by monthly cost" data={top} testId="chart-top" />
          </div>
          <CoverageBanner coverage={report.coverage} unverified={report.unverified?.length ?? 0} />
          {report.errors.length > 0 && (
            <div className="chips">
              {report.errors.map((e, i) => (
                <span key={i} className="chip" title={e.message}>
                  {e.profile} {e.region ?? ''} {e.bucket ?? ''}: {e.kind}
                </span>
              ))}
            </div>
          )}
          <BucketTable
            report={report}
            selected={selected}
            retentionFor={retentionFor}
            keepDays={keepDays}
            hugePrefix={hugePrefix}
            onDeleteBucket={setDeletingBucket}
            onExpire={setExpiring}
          />
          <RetentionCard
            policy={retention}
            items={planned && planned.retention.keepLast === keepLast && planned.retention.keepDays === keepDays ? retentionItems : null}
            error={previewError}
            onSelectAll={() => selectKeys(retentionItems.map((i) => retentionKey(i.bucket, i.prefix)))}
          />
          <PlanCard
            plan={plan}
            plannedRetention={plannedRetention}
            clean={clean}
            result={result}
            auditing={!!auditJob}
            emptied={emptied}
            lastPlan={lastPlan}
            lastRetention={lastRetention}
            onConfirm={setConfirming}
            onDeleteBucket={setDeletingBucket}
          />
        </>
      )}
      <ProtectionCard />
      <AuditLogCard log={log} />
      {confirming && <CleanConfirmDialog plan={confirming.plan} retention={confirming.retention} onClose={() => setConfirming(null)} />}
      {expiring && <LifecycleDialog bucket={expiring.bucket} prefix={expiring.prefix} retainDays={expiring.retainDays} onClose={closeExpiring} />}
      {deletingBucket && <DeleteBucketDialog bucket={deletingBucket} onClose={() => setDeletingBucket(null)} />}
    </div>
  );
}
