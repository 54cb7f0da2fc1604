// Artifact buckets: audit the workspace, see what belongs to whom and what it
// costs, select what to clean (orphans, stale folders, retention inside live
// prefixes), dry-run it, confirm by typing each account, and watch it run
// (cancel, resume). The audit log is at the bottom.
import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../../store/store';
import { cancelJob } from '../../store/actions';
import { ProtectionCard } from './ProtectionCard';
import { downloadText } from '../../lib/download';
import { LifecycleDialog } from './LifecycleDialog';
import { BucketNameInput, DangerDialog } from '../../lib/DangerDialog';
import {
  deleteBucket,
  fullReport,
  loadAuditLog,
  planFile,
  restoreReport,
  runPlan,
  schedulePreview,
  selectKeys,
  setRetention,
  startAudit,
  toggle,
} from './artifacts-actions';
import { retentionKey, rowKey, useArtifactsStore } from './artifacts-store';
import type { PlanPreview, PlanPreviewItem } from '../../../../shared/artifacts/plan';
import type { AuditReport as AuditReportView } from '../../../../shared/artifacts/report';
import { selectRows } from '../../../../shared/artifacts/report';
import { accountProductionWord, missingCleanupConfirmations, planAccounts } from '../../../../shared/safety/confirmation';
import { DEFAULT_RETENTION, RETENTION_DEPTH, type RetentionPolicy } from '../../../../shared/artifacts/retention';

const mib = (b: number) =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;
const CLASSES = ['live', 'shared', 'orphan', 'unverified', 'stale', 'foreign'] as const;
/** A monthly cost as people read it: cents, and "< $0.01" rather than $0.0000. */
const money = (usd: number) => (usd === 0 ? '$0' : usd < 0.01 ? '< $0.01' : `$${usd.toFixed(2)}`);
const prefixes = (n: number) => `${n} ${n === 1 ? 'prefix' : 'prefixes'}`;

function Bars({ title, data, testId }: { title: string; data: Array<[string, number, string]>; testId: string }) {
  const max = Math.max(1, ...data.map(([, v]) => v));
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {data.map(([label, value, shown]) => (
        <div key={label} className="bar-row">
          <span className="bar-label" title={label}>
            {label}
          </span>
          <span className="bar" style={{ width: `${(100 * value) / max}%` }} />
          <span className="bar-value">{shown}</span>
        </div>
      ))}
    </figure>
  );
}

function ConfirmDialog({ plan, retention, onClose }: { plan: PlanPreview; retention: RetentionPolicy; onClose: () => void }) {
  const accounts = planAccounts(plan.items);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [prod, setProd] = useState<Record<string, boolean>>({});
  // The main process applies the same rule again before it runs anything.
  const prodConfirmed = accounts.filter((a) => prod[a.accountId]).map((a) => accountProductionWord(a) ?? '');
  const missing = missingCleanupConfirmations(accounts, {
    words: accounts.filter((a) => typed[a.accountId] === a.accountId || (a.accountAlias && typed[a.accountId] === a.accountAlias)).map((a) => a.accountId),
    production: prodConfirmed,
  });
  const ok = !missing.untyped.length && !missing.unconfirmedProd.length;
  return (
    <DangerDialog
      title="Delete for real"
      testId="clean-confirm"
      confirmLabel="Delete"
      confirmTestId="clean-execute"
      canConfirm={!!ok}
      onClose={onClose}
      onConfirm={() => {
        void runPlan(plan, retention, false, Object.values(typed), prodConfirmed);
        onClose();
      }}
    >
      <p>
        {plan.items.length} prefixes, {plan.items.reduce((n, i) => n + i.expected.versions + i.expected.deleteMarkers, 0)} versions and delete markers. Type
        each account to confirm.
      </p>
      {accounts.map(({ accountId: id, accountAlias: alias, ...a }) => (
        <label key={id} className="prop">
          <span>
            {alias ?? id} <code>{id}</code>
          </span>
          <input
            type="text"
            className="confirm-input"
            // As wide as what is to be typed (and then some): the placeholder is never cut.
            style={{ width: `${Math.max(16, (alias ?? id).length + 4)}ch` }}
            placeholder={alias ?? id}
            value={typed[id] ?? ''}
            onChange={(e) => setTyped({ ...typed, [id]: e.target.value })}
            data-testid={`confirm-${id}`}
          />
          {accountProductionWord({ accountId: id, accountAlias: alias, ...a }) && (
            <label className="row">
              <input type="checkbox" checked={!!prod[id]} onChange={(e) => setProd({ ...prod, [id]: e.target.checked })} /> I know{' '}
              {accountProductionWord({ accountId: id, accountAlias: alias, ...a })} is production
            </label>
          )}
        </label>
      ))}
    </DangerDialog>
  );
}

/** What the retention policy lets go of in one live prefix, and its age-only lifecycle form. */
function RetentionNote({ item, onAgeOnlyRule }: { item: PlanPreviewItem | undefined; onAgeOnlyRule: () => void }) {
  if (!item) return null;
  return (
    <span className="muted small" data-testid="retention-note">
      {' '}
      · retention lets go of {item.keyCount ?? 0} artifacts ({mib(item.expected.bytes)}){' '}
      <button type="button" className="link" onClick={onAgeOnlyRule} data-testid="lifecycle-retention-start">
        Age-only rule…
      </button>
    </span>
  );
}

/** The retention policy, and the difference between its two forms. */
function RetentionCard({
  policy,
  items: planned,
  error,
  onSelectAll,
}: {
  policy: RetentionPolicy;
  items: PlanPreviewItem[] | null;
  error: string | null;
  onSelectAll: () => void;
}) {
  const items = planned ?? [];
  const keys = items.reduce((n, i) => n + (i.keyCount ?? 0), 0);
  const bytes = items.reduce((n, i) => n + i.expected.bytes, 0);
  return (
    <section className="card" data-testid="retention-card">
      <h2>Retention inside live pipelines</h2>
      <div className="row">
        <label className="prop">
          <span>Keep the last successful executions</span>
          <input
            type="number"
            min={1}
            max={RETENTION_DEPTH}
            value={policy.keepLast}
            onChange={(e) => setRetention({ ...policy, keepLast: Math.min(RETENTION_DEPTH, Math.max(1, Math.round(Number(e.target.value) || 1))) })}
            data-testid="retention-keep-last"
          />
        </label>
        <label className="prop">
          <span>and everything younger than (days)</span>
          <input
            type="number"
            min={1}
            value={policy.keepDays}
            onChange={(e) => setRetention({ ...policy, keepDays: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
            data-testid="retention-keep-days"
          />
        </label>
      </div>
      <p data-testid="retention-summary">
        {planned === null ? (
          error ? (
            `Could not count what this policy lets go of: ${error}`
          ) : (
            'Counting what this policy lets go of…'
          )
        ) : (
          <>
            In {items.length} live {items.length === 1 ? 'prefix' : 'prefixes'}, {keys} artifacts ({mib(bytes)}) fall outside this policy. The latest successful
            execution of every pipeline is always kept.
          </>
        )}
      </p>
      <ul className="small muted">
        <li>
          <strong>As a cleanup plan</strong> (tick a live prefix below): deletes exactly the listed artifacts once, now, and keeps the last successful
          executions however old they are.
        </li>
        <li>
          <strong>As a lifecycle rule</strong> (“Age-only rule…” on a live prefix): S3 keeps expiring artifacts older than the age, from now on, with no desktop
          running; but a rule knows only age, so it cannot keep the last successful executions of a pipeline that has gone quiet.
        </li>
      </ul>
      <button type="button" className="button secondary" disabled={!items.length} onClick={onSelectAll} data-testid="retention-select-all">
        Select all {items.length}
      </button>
    </section>
  );
}

/** What the audit could read: a verdict of absence (orphan, unused) stands only on complete coverage. */
function CoverageBanner({ coverage, unverified }: { coverage: AuditReportView['coverage']; unverified: number }) {
  if (!coverage)
    return (
      <div className="banner banner-warning" data-testid="coverage">
        This audit records no coverage: audit again before cleaning.
      </div>
    );
  const listed = coverage.accounts.reduce((n, a) => n + a.listed.length, 0);
  const notEnabled = coverage.accounts.reduce((n, a) => n + a.notEnabled.length, 0);
  const failed = coverage.accounts.flatMap((a) => a.failed.map((f) => ({ ...f, account: a.alias ?? a.accountId })));
  const noHistory = coverage.accounts.flatMap((a) => a.historyFailed.map((h) => ({ ...h, account: a.alias ?? a.accountId })));
  const summary = `Pipelines read in every region of ${coverage.accounts.length} ${coverage.accounts.length === 1 ? 'account' : 'accounts'}: ${listed} regions listed, ${notEnabled} not enabled, ${failed.length} failed.`;
  if (coverage.complete)
    return (
      <p className="muted small" data-testid="coverage" data-complete="true">
        {summary}
      </p>
    );
  return (
    <div className="banner banner-warning" data-testid="coverage" data-complete="false">
      <strong>Coverage incomplete.</strong> {summary}{' '}
      {unverified > 0 &&
        `${unverified} ${unverified === 1 ? 'prefix is' : 'prefixes are'} unverified: no pipeline was seen, but one may exist where the audit could not look, so they can't be selected.`}
      <ul className="small">
        {failed.slice(0, 8).map((f) => (
          <li key={`${f.account}|${f.region}`}>
            {f.account} · {f.region}: not listed ({f.code}: {f.message})
          </li>
        ))}
        {noHistory.slice(0, 8).map((h) => (
          <li key={`${h.account}|${h.region}|${h.pipeline}`}>
            {h.account} · {h.region} · {h.pipeline}: execution history unavailable ({h.message}); no retention for it
          </li>
        ))}
        {coverage.unreachableProfiles.map((p) => (
          <li key={p.profile}>
            profile {p.profile}: not reached ({p.message})
          </li>
        ))}
      </ul>
    </div>
  );
}

function DeleteBucketDialog({ bucket, onClose }: { bucket: string; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  return (
    <DangerDialog
      title={`Delete bucket s3://${bucket}`}
      testId="bucket-confirm"
      confirmLabel="Delete bucket"
      confirmTestId="bucket-delete"
      canConfirm={typed === bucket}
      onClose={onClose}
      onConfirm={() => void deleteBucket(bucket, typed).then((gone) => gone && onClose())}
    >
      <p>
        No pipeline uses this bucket. It is deleted only if it is empty now (every version and delete marker gone) and still unused. Type its name to confirm.
      </p>
      <BucketNameInput bucket={bucket} value={typed} onChange={setTyped} testId="bucket-confirm-name" autoFocus />
    </DangerDialog>
  );
}

/** The count column of an audit log row: a batch's keys, a dry run's "would delete", a run's totals. */
function logCount(e: Record<string, unknown>): string {
  const n = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
  if (e.event === 'batch') return `${logText(e.deleted)}/${logText(e.keys)} keys`;
  if (e.event === 'dry-run-item') return `${logText(e.keys)} versions, ${mib(n(e.bytes))}`;
  if (typeof e.deletedVersions === 'number')
    return `${String(e.event).startsWith('dry-run') ? 'would delete' : 'deleted'} ${e.deletedVersions} versions${e.deletedBytes !== undefined ? `, ${mib(n(e.deletedBytes))}` : ''}`;
  return '';
}

export function ArtifactsPage() {
  const { report, auditJob, selected, retention: chosen, preview, previewError, cleanJob, result, log, lastPlan, lastRetention } = useArtifactsStore();
  const saved = useAppStore((s) => s.settingsView?.settings.artifacts.retention);
  const retention = chosen ?? saved ?? DEFAULT_RETENTION;
  const jobs = useAppStore((s) => s.jobs);
  const audit = auditJob ? jobs[auditJob] : undefined;
  const clean = cleanJob ? jobs[cleanJob] : undefined;
  const [confirming, setConfirming] = useState<{ plan: PlanPreview; retention: RetentionPolicy } | null>(null);
  const [deletingBucket, setDeletingBucket] = useState<string | null>(null);
  const [expiring, setExpiring] = useState<{ bucket: string; prefix: string; retainDays?: number } | null>(null);
  const closeExpiring = useCallback(() => setExpiring(null), []);
  const hugePrefixVersions = useAppStore((s) => s.settingsView?.settings.artifacts.hugePrefixVersions) ?? 1_000_000;
  const hugePrefixBytes = (useAppStore((s) => s.settingsView?.settings.artifacts.hugePrefixGiB) ?? 10) * 1024 ** 3;
  // Unused buckets the last real cleanup worked on: offered for deletion once it finished.
  const emptiedCandidates =
    result && !result.dryRun && !result.cancelled && lastPlan
      ? [...new Set(lastPlan.items.map((i) => i.bucket))].filter((name) => report?.buckets.some((b) => b.name === name && b.unused && !b.protected))
      : [];
  useEffect(() => {
    void loadAuditLog();
    void restoreReport();
  }, []);
  const { keepLast, keepDays } = retention;
  useEffect(() => {
    if (report) schedulePreview({ keepLast, keepDays });
  }, [report, keepLast, keepDays]);
  // What the main process planned for this audit, and the policy it planned with (runs use that policy, not a newer, unplanned one).
  const planned = preview && report && preview.plan.auditedAt === report.generatedAt ? preview : null;
  const all = planned?.plan ?? null;
  const plannedRetention = planned?.retention ?? retention;
  const plan = useMemo(() => (all ? selectRows(all, selected) : null), [all, selected]);
  const retentionItems = useMemo(() => (all?.items ?? []).filter((i) => i.class === 'retention'), [all]);
  const retentionFor = useMemo(() => new Map(retentionItems.map((i) => [retentionKey(i.bucket, i.prefix), i])), [retentionItems]);
  const classes = useMemo(() => {
    const by: Record<string, number> = Object.fromEntries(CLASSES.map((c) => [c, 0]));
    for (const b of report?.buckets ?? []) {
      by.foreign += b.foreign.bytes;
      for (const p of b.prefixes) {
        const stale = p.folders.filter((f) => f.stale).reduce((n, f) => n + f.bytes, 0);
        by[p.class] += p.bytes - stale;
        by.stale += stale;
      }
    }
    return CLASSES.map((c) => [c, by[c], mib(by[c])] as [string, number, string]);
  }, [report]);
  const ages = useMemo(() => {
    // Ages as of the audit, not of each render.
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
    return bins.map(([l, v]) => [l, v, mib(v)] as [string, number, string]);
  }, [report]);
  const top = useMemo(
    () =>
      (report?.buckets ?? [])
        .flatMap((b) => b.prefixes.map((p) => [`${b.name}/${p.prefix}`, p.monthlyCost, money(p.monthlyCost)] as [string, number, string]))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10),
    [report],
  );
  const running = clean?.status === 'running';

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
            <button
              type="button"
              className="button secondary"
              onClick={() =>
                downloadText(
                  'pipewright-audit.csv',
                  ['account,alias,region,bucket,prefix,class,objects,versions,deleteMarkers,bytes,monthlyCost,claimedBy']
                    .concat(
                      report.buckets.flatMap((b) =>
                        b.prefixes.map((p) =>
                          [
                            b.accountId,
                            b.accountAlias ?? '',
                            b.region,
                            b.name,
                            p.prefix,
                            p.class,
                            p.objects,
                            p.versions,
                            p.deleteMarkers,
                            p.bytes,
                            p.monthlyCost,
                            p.claimedBy.map((c) => c.name).join(' '),
                          ]
                            .map((x) => `"${String(x).replace(/"/g, '""')}"`)
                            .join(','),
                        ),
                      ),
                    )
                    .join('\n') + '\n',
                  'text/csv',
                )
              }
            >
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
          <table className="table artifacts-table" data-testid="artifacts-table">
            <thead>
              <tr>
                <th />
                <th>Prefix</th>
                <th>Class</th>
                <th>Claimed by</th>
                <th>Versions</th>
                <th>Markers</th>
                <th>Size</th>
                <th>$/month</th>
              </tr>
            </thead>
            {report.buckets.map((b) => (
              <tbody key={b.name} data-testid="bucket-group" data-bucket={b.name}>
                <tr className="bucket-row">
                  <th colSpan={8}>
                    {b.accountAlias ?? b.accountId} · {b.region} · s3://{b.name}{' '}
                    <span className="muted small">
                      {b.versioning === 'Enabled' ? 'versioned' : 'unversioned'} · {mib(b.totals.bytes)} · ${b.totals.monthlyCost}/month
                    </span>
                    {b.unused && <span className="badge">no pipeline uses it</span>} {b.protected && <span className="badge">protected</span>}
                    {!b.coverage.complete && (
                      <span className="badge badge-warning" title={b.coverage.gaps.join('\n')} data-testid="bucket-unverified">
                        coverage incomplete
                      </span>
                    )}
                    {b.unused && !b.protected && (
                      <button type="button" className="link" onClick={() => setDeletingBucket(b.name)} data-testid="bucket-delete-start">
                        Delete bucket…
                      </button>
                    )}
                  </th>
                </tr>
                {b.prefixes.map((p) => (
                  <Fragment key={p.prefix}>
                    <tr data-testid="prefix-row" data-prefix={p.prefix} data-class={p.class}>
                      <td>
                        {p.class === 'orphan' && !b.protected && (
                          <input
                            type="checkbox"
                            aria-label={`Select ${p.prefix}`}
                            checked={selected.has(rowKey(b.name, `${p.prefix}/`))}
                            onChange={() => toggle(rowKey(b.name, `${p.prefix}/`))}
                            data-testid="select-prefix"
                          />
                        )}
                        {retentionFor.has(retentionKey(b.name, `${p.prefix}/`)) && (
                          <input
                            type="checkbox"
                            aria-label={`Apply retention to ${p.prefix}`}
                            checked={selected.has(retentionKey(b.name, `${p.prefix}/`))}
                            onChange={() => toggle(retentionKey(b.name, `${p.prefix}/`))}
                            data-testid="select-retention"
                          />
                        )}
                      </td>
                      <td>
                        <code>{p.prefix}/</code>
                      </td>
                      <td>
                        <span className={`class class-${p.class}`}>{p.class}</span>
                      </td>
                      <td>
                        {p.claimedBy.map((c) => c.name).join(', ')}
                        {p.class === 'unverified' && (
                          <span className="muted small" data-testid="unverified-reason">
                            {p.reason}
                          </span>
                        )}
                        {p.held && (
                          <span className="muted small" data-testid="held-reason" title={p.held}>
                            {' '}
                            · stale folders and retention held back ({b.coverage.complete ? 'execution history unavailable' : 'coverage incomplete'})
                          </span>
                        )}
                        <RetentionNote
                          item={retentionFor.get(retentionKey(b.name, `${p.prefix}/`))}
                          onAgeOnlyRule={() => setExpiring({ bucket: b.name, prefix: `${p.prefix}/`, retainDays: retention.keepDays })}
                        />
                        {p.class === 'orphan' && !b.protected && (p.versions + p.deleteMarkers >= hugePrefixVersions || p.bytes >= hugePrefixBytes) && (
                          <button
                            type="button"
                            className="link"
                            onClick={() => setExpiring({ bucket: b.name, prefix: `${p.prefix}/` })}
                            data-testid="lifecycle-start"
                            title="A big prefix: let S3 expire it server-side, at no request cost"
                          >
                            Expire with a lifecycle rule…
                          </button>
                        )}
                      </td>
                      <td>{p.versions}</td>
                      <td>{p.deleteMarkers}</td>
                      <td>{mib(p.bytes)}</td>
                      <td>{money(p.monthlyCost)}</td>
                    </tr>
                    {p.folders
                      .filter((f) => f.stale)
                      .map((f) => (
                        <tr key={`${p.prefix}/${f.folder}`} className="stale-row" data-testid="stale-row">
                          <td>
                            {!b.protected && !p.held && (
                              <input
                                type="checkbox"
                                aria-label={`Select ${p.prefix}/${f.folder}`}
                                checked={selected.has(rowKey(b.name, `${p.prefix}/${f.folder}/`))}
                                onChange={() => toggle(rowKey(b.name, `${p.prefix}/${f.folder}/`))}
                              />
                            )}
                          </td>
                          <td>
                            &nbsp;&nbsp;<code>{f.folder}/</code>
                          </td>
                          <td>
                            <span className="class class-stale">stale</span>
                          </td>
                          <td className="muted small">no longer produced</td>
                          <td>{f.versions}</td>
                          <td>{f.deleteMarkers}</td>
                          <td>{mib(f.bytes)}</td>
                          <td />
                        </tr>
                      ))}
                  </Fragment>
                ))}
                {b.foreign.versions > 0 && (
                  <tr className="muted">
                    <td />
                    <td colSpan={2}>foreign data ({b.foreign.sample.join(', ')}…)</td>
                    <td>never selected</td>
                    <td>{b.foreign.versions}</td>
                    <td>{b.foreign.deleteMarkers}</td>
                    <td>{mib(b.foreign.bytes)}</td>
                    <td />
                  </tr>
                )}
              </tbody>
            ))}
          </table>
          <RetentionCard
            policy={retention}
            items={planned && planned.retention.keepLast === keepLast && planned.retention.keepDays === keepDays ? retentionItems : null}
            error={previewError}
            onSelectAll={() => selectKeys(retentionItems.map((i) => retentionKey(i.bucket, i.prefix)))}
          />
          <section className="card" data-testid="plan-card">
            <h2>Plan</h2>
            <p data-testid="plan-summary">
              {prefixes(plan?.items.length ?? 0)} selected
              {plan?.items.some((i) => i.class === 'retention') ? ` (${plan.items.filter((i) => i.class === 'retention').length} by retention)` : ''}:{' '}
              {plan?.items.reduce((n, i) => n + i.expected.versions + i.expected.deleteMarkers, 0) ?? 0} versions and delete markers,{' '}
              {mib(plan?.items.reduce((n, i) => n + i.expected.bytes, 0) ?? 0)}.
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
                onClick={() => plan && setConfirming({ plan, retention: plannedRetention })}
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
                {!result.dryRun && !result.cancelled && auditJob && <p className="muted small">Auditing the buckets again to show what is left…</p>}
                {result.cancelled && ' Cancelled: resume to finish.'}
                {result.failed.length > 0 && ` ${result.failed.length} keys failed (see the audit log).`}
                {result.slowDowns > 0 && ` S3 asked to slow down ${result.slowDowns} times; those batches were paced and sent again.`}
                {result.skipped.map((s) => ` Skipped ${s.prefix}: ${s.reason}`).join('')}
                {emptiedCandidates.map((name) => (
                  <div key={name} className="row" data-testid="bucket-offer">
                    s3://{name} is used by no pipeline and may now be empty.
                    <button type="button" className="button secondary" onClick={() => setDeletingBucket(name)}>
                      Delete the bucket…
                    </button>
                  </div>
                ))}
                {result.cancelled && lastPlan && (
                  <button
                    type="button"
                    className="button"
                    onClick={() => setConfirming({ plan: lastPlan, retention: lastRetention })}
                    data-testid="clean-resume"
                  >
                    Resume
                  </button>
                )}
              </div>
            )}
          </section>
        </>
      )}
      <ProtectionCard />
      <section className="card" data-testid="audit-log">
        <h2>Audit log</h2>
        {log.length === 0 ? (
          <p className="muted small">No cleanup has run yet.</p>
        ) : (
          <table className="table small">
            <tbody>
              {log
                .slice(-50)
                .reverse()
                .map((e, i) => (
                  <tr key={i} data-testid="log-row" data-event={logText(e.event)}>
                    <td>{logText(e.time).replace('T', ' ').slice(0, 19)}</td>
                    <td>{logText(e.event).replace(/^dry-run-(.*)$/, 'dry run: $1')}</td>
                    <td>{e.bucket ? `s3://${logText(e.bucket)}/${logText(e.prefix)}` : ''}</td>
                    <td>{logCount(e)}</td>
                    <td>{logText(e.result ?? e.reason)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </section>
      {confirming && <ConfirmDialog plan={confirming.plan} retention={confirming.retention} onClose={() => setConfirming(null)} />}
      {expiring && <LifecycleDialog bucket={expiring.bucket} prefix={expiring.prefix} retainDays={expiring.retainDays} onClose={closeExpiring} />}
      {deletingBucket && <DeleteBucketDialog bucket={deletingBucket} onClose={() => setDeletingBucket(null)} />}
    </div>
  );
}

/** An audit log field as text: the log is append-only JSON lines, so a field may be any JSON value. */
function logText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === undefined || v === null ? '' : JSON.stringify(v);
}
