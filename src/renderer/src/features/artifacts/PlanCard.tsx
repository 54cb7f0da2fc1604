// The plan card: what is selected and what it adds up to, dry run, delete (after
// typed confirmations), save the plan file; the run's progress and cancel; its
// result, with the buckets it may have emptied and a resume after a cancel.
import { cancelJob } from '../../store/actions';
import { downloadText } from '../../lib/download';
import { planFile, runPlan } from './artifacts-actions';
import { mib, prefixes } from './artifacts-format';
import { planTotals } from './artifacts-selectors';
import type { ArtifactsState } from './artifacts-store';
import type { JobInfo } from '../../../../shared/api/contract';
import type { PlanPreview } from '../../../../shared/artifacts/plan';
import type { RetentionPolicy } from '../../../../shared/artifacts/retention';

export function PlanCard({
  plan,
  plannedRetention,
  clean,
  result,
  auditing,
  emptied,
  lastPlan,
  lastRetention,
  onConfirm,
  onDeleteBucket,
}: {
  plan: PlanPreview | null;
  plannedRetention: RetentionPolicy;
  clean: JobInfo | undefined;
  result: ArtifactsState['result'];
  /** An audit is under way (after a real cleanup, to show what is left). */
  auditing: boolean;
  emptied: string[];
  lastPlan: PlanPreview | null;
  lastRetention: RetentionPolicy;
  onConfirm: (what: { plan: PlanPreview; retention: RetentionPolicy }) => void;
  onDeleteBucket: (bucket: string) => void;
}) {
  const running = clean?.status === 'running';
  const totals = planTotals(plan);
  return (
    <section className="card" data-testid="plan-card">
      <h2>Plan</h2>
      <p data-testid="plan-summary">
        {prefixes(totals.items)} selected
        {totals.retention ? ` (${totals.retention} by retention)` : ''}: {totals.versions} versions and delete markers, {mib(totals.bytes)}.
      </p>
      <div className="row">
        <button
          type="button"
          className="button secondary"
          disabled={!plan?.items.length || running}
          onClick={() => plan && void runPlan(plan, plannedRetention, true, [], [])}
          data-testid="dry-run"
        >
          Dry run
        </button>
        <button
          type="button"
          className="button danger"
          disabled={!plan?.items.length || running}
          onClick={() => plan && onConfirm({ plan, retention: plannedRetention })}
          data-testid="clean-start"
        >
          Delete…
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={!plan?.items.length}
          onClick={() =>
            plan &&
            void planFile(plan, plannedRetention).then(
              (full) => full && downloadText('pipewright-plan.json', JSON.stringify(full, null, 2), 'application/json'),
            )
          }
          data-testid="save-plan"
        >
          Save plan
        </button>
      </div>
      {running && (
        <div className="row" data-testid="clean-progress">
          <progress value={clean?.done ?? 0} max={clean?.total ?? 1} /> <span>{clean?.message}</span>
          <button type="button" className="button secondary" onClick={() => clean && void cancelJob(clean.jobId)} data-testid="clean-cancel">
            Cancel
          </button>
        </div>
      )}
      {result && (
        <div className={`banner ${result.failed.length ? 'banner-warning' : 'banner-info'}`} data-testid="clean-result">
          {result.dryRun
            ? `Dry run: would delete ${result.deletedVersions} versions and delete markers (${mib(result.deletedBytes)}) in ${prefixes(result.items.length)}. Nothing was deleted.`
            : `${result.resumed ? 'Resumed; d' : 'D'}eleted ${result.deletedVersions} versions and delete markers (${mib(result.deletedBytes)}).`}
          {result.items.length > 0 && (
            <table className="table small" data-testid="clean-items">
              <thead>
                <tr>
                  <th>Prefix</th>
                  <th>{result.dryRun ? 'Would delete' : 'Deleted'}</th>
                  <th>Size</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((i) => (
                  <tr key={`${i.bucket}/${i.prefix}`} data-testid="clean-item">
                    <td>
                      s3://{i.bucket}/{i.prefix}
                    </td>
                    <td>{i.versions} versions and delete markers</td>
                    <td>{mib(i.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {!result.dryRun && !result.cancelled && auditing && <p className="muted small">Auditing the buckets again to show what is left…</p>}
          {result.cancelled && ' Cancelled: resume to finish.'}
          {result.failed.length > 0 && ` ${result.failed.length} keys failed (see the audit log).`}
          {result.slowDowns > 0 && ` S3 asked to slow down ${result.slowDowns} times; those batches were paced and sent again.`}
          {result.skipped.map((s) => ` Skipped ${s.prefix}: ${s.reason}`).join('')}
          {emptied.map((name) => (
            <div key={name} className="row" data-testid="bucket-offer">
              s3://{name} is used by no pipeline and may now be empty.
              <button type="button" className="button secondary" onClick={() => onDeleteBucket(name)}>
                Delete the bucket…
              </button>
            </div>
          ))}
          {result.cancelled && lastPlan && (
            <button type="button" className="button" onClick={() => onConfirm({ plan: lastPlan, retention: lastRetention })} data-testid="clean-resume">
              Resume
            </button>
          )}
        </div>
      )}
    </section>
  );
}
