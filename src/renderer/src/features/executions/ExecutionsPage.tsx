// The Executions section: what is running, waiting or recently failed across
// the whole workspace (watched in the background, newest first, filtered), the
// approval inbox, and a pipeline's live view when one is open.
import { useEffect, useMemo, useState } from 'react';
import { FINAL_STATUSES, pipelineKey, type PipelineLiveState } from '../../../../shared/api/executions';
import { formatTime } from '../../lib/format';
import { useExecutionsStore, type ActivityFilter } from './executions-store';
import { openPipeline, setActivityFilter, setDesktopNotifications, watchWorkspace } from './executions-actions';
import { useAppStore } from '../../store/store';
import { ApprovalInbox } from './ApprovalInbox';
import { PipelineLiveView } from './PipelineLiveView';
import { Tabs } from '../../lib/Tabs';

const waiting = (s: PipelineLiveState) => s.stages.some((st) => st.actions.some((a) => a.waitingForApproval) || st.waitingExecutionIds.length > 0);
const running = (s: PipelineLiveState) => !!s.latest && !FINAL_STATUSES.has(s.latest.status);
const failed = (s: PipelineLiveState) => s.latest?.status === 'Failed';

function matches(s: PipelineLiveState, f: ActivityFilter): boolean {
  if (f === 'running') return running(s);
  if (f === 'waiting') return waiting(s);
  if (f === 'failed') return failed(s);
  return running(s) || waiting(s) || failed(s) || !!s.error;
}

export function ExecutionsPage() {
  const opened = useExecutionsStore((s) => s.opened);
  const [tab, setTab] = useState<'activity' | 'approvals'>('activity');
  useEffect(() => {
    void watchWorkspace();
  }, []);
  if (opened) return <PipelineLiveView key={pipelineKey(opened)} />;
  return (
    <div className="executions" data-testid="executions">
      <Tabs
        tabs={[
          ['activity', 'Activity'],
          ['approvals', 'Approvals'],
        ]}
        active={tab}
        onChange={setTab}
        testIdPrefix="tab-"
      />
      {tab === 'activity' ? <Activity /> : <ApprovalInbox />}
    </div>
  );
}

/** Desktop notifications (Electron) or the browser's, besides the toasts; asks for permission when turned on. */
function DesktopToggle() {
  const on = useAppStore((s) => s.settingsView?.settings.executions.desktop ?? true);
  return (
    <label className="check" title="Failures, approvals and finished runs of open pipelines and those you chose also show as desktop notifications">
      <input type="checkbox" checked={on} onChange={(e) => void setDesktopNotifications(e.target.checked)} data-testid="desktop-notifications" /> Desktop
      notifications
    </label>
  );
}

function Activity() {
  const live = useExecutionsStore((s) => s.live);
  const filter = useExecutionsStore((s) => s.filter);
  const job = useExecutionsStore((s) => s.workspaceJob);
  const rows = useMemo(
    () =>
      Object.values(live)
        .filter((s) => matches(s, filter))
        .sort((a, b) => (b.latest?.lastUpdateTime ?? '').localeCompare(a.latest?.lastUpdateTime ?? '')),
    [live, filter],
  );
  const watched = Object.keys(live).length;
  // Targets whose pipelines could not be listed are not watched: "nothing there" cannot be said for them.
  const notWatched = useAppStore((s) => (job ? s.jobs[job]?.message : null))?.match(/not watched: (.*)$/)?.[1] ?? null;
  return (
    <div className="activity" data-testid="activity">
      <div className="toolbar">
        <select aria-label="Show" value={filter} onChange={(e) => setActivityFilter(e.target.value as ActivityFilter)} data-testid="activity-filter">
          <option value="all">Running, waiting or failed</option>
          <option value="running">Running</option>
          <option value="waiting">Waiting (approval or transition)</option>
          <option value="failed">Failed</option>
        </select>
        <DesktopToggle />
        <span className="muted" aria-live="polite" data-testid="activity-count">
          {rows.length} of {watched} pipelines watched{job ? '' : ' (starting…)'}
        </span>
      </div>
      {notWatched && (
        <p className="chip chip-access-denied" data-testid="activity-unverified">
          Not watched (their pipelines could not be listed): {notWatched}
        </p>
      )}
      {rows.length === 0 && (
        <p className="muted">
          {!watched
            ? 'Reading the workspace…'
            : notWatched
              ? 'Nothing running, waiting or failed in what is watched.'
              : 'Nothing running, waiting or failed right now.'}
        </p>
      )}
      <table className="table">
        <tbody>
          {rows.map((s) => {
            const wait = s.stages.flatMap((st) => st.actions.filter((a) => a.waitingForApproval).map((a) => `${st.name} / ${a.name}`));
            const failedAt = s.stages.find((st) => st.status === 'Failed');
            return (
              <tr
                key={pipelineKey(s.ref)}
                data-testid="activity-row"
                data-pipeline={s.ref.name}
                data-profile={s.ref.profile}
                tabIndex={0}
                onClick={() => void openPipeline(s.ref)}
                onKeyDown={(e) => e.key === 'Enter' && void openPipeline(s.ref)}
              >
                <td>
                  <strong>{s.ref.name}</strong>
                  <div className="muted">
                    {s.ref.profile} · {s.ref.region}
                  </div>
                </td>
                <td className={`status-${s.latest?.status ?? ''}`}>{s.latest?.status ?? '—'}</td>
                <td>
                  {wait.length > 0 && <span>⏸ approval: {wait.join(', ')}</span>}
                  {failedAt && <span className="error-text">failed in {failedAt.name}</span>}
                  {s.error && <span className="muted">({s.error.kind})</span>}
                </td>
                <td className="muted">{formatTime(s.latest?.lastUpdateTime ?? null)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
