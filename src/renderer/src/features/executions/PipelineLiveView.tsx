// One pipeline, live: the source revisions above the graph, the graph with each
// action's status, the controls (release change, stop, stage controls, approve
// or reject), the history (filtered by status and trigger, paged) and the
// timeline of the chosen execution.
import { useCallback, useMemo, useState } from 'react';
import { FINAL_STATUSES, pipelineKey, type Approval, type LiveAction, type LiveStage } from '../../../../shared/api/executions';
import { waitingApprovals } from '../../../../shared/executions/approvals';
import { isAllowedExternalUrl } from '../../../../shared/api/external-links';
import { useAppStore } from '../../store/store';
import { useAccountsStore } from '../accounts';
import { elapsed, formatTime } from '../../lib/format';
import { useExecutionsStore } from './executions-store';
import { closePipeline, loadHistory, setHistoryFilter, setPipelineNotifications, showExecution } from './executions-actions';
import { AnswerButtons, ApprovalDialog, StageDialog, StartDialog, StopDialog } from './ExecutionDialogs';
import { LiveGraph } from './LiveGraph';
import { Timeline } from './Timeline';

export function PipelineLiveView() {
  const opened = useExecutionsStore((s) => s.opened)!;
  const state = useExecutionsStore((s) => s.live[pipelineKey(opened)]);
  const history = useExecutionsStore((s) => s.history);
  const details = useExecutionsStore((s) => s.details);
  const latestRuns = useExecutionsStore((s) => s.latestRuns);
  const detailsLoading = useExecutionsStore((s) => s.detailsLoading);
  const profile = useAccountsStore((s) => s.accounts?.profiles.find((p) => p.name === opened.profile));
  const notifyOn = useAppStore((s) => s.settingsView?.settings.executions.notify.includes(pipelineKey(opened)) ?? false);
  const [dialog, setDialog] = useState<
    | { kind: 'start' }
    | { kind: 'stop' }
    | { kind: 'stage'; stage: LiveStage }
    | { kind: 'approval'; approval: Approval; status: 'Approved' | 'Rejected' }
    | null
  >(null);

  const onStage = useCallback((stage: LiveStage) => setDialog({ kind: 'stage', stage }), []);
  const shown = useMemo(
    () => history.executions.filter((e) => (!history.status || e.status === history.status) && (!history.trigger || e.trigger.type === history.trigger)),
    [history],
  );
  const triggers = [...new Set(history.executions.map((e) => e.trigger.type ?? ''))].filter(Boolean);

  if (!state)
    return (
      <div className="live-view" data-testid="live-view">
        <p className="muted">Reading {opened.name}…</p>
      </div>
    );
  const latest = state.latest;
  const running = latest && !FINAL_STATUSES.has(latest.status);
  // Production as the main process decided it for the account (shared/safety/production.ts).
  const approvals = waitingApprovals(state, {
    accountId: profile?.accountId ?? null,
    accountAlias: profile?.alias ?? null,
    production: state.production ?? state.productionWord != null,
    productionWord: state.productionWord ?? null,
    productionVerdict: state.productionVerdict,
  });
  // Clicking an approval that waits on the graph opens its dialog.
  const onAction = (stage: string, action: LiveAction) => {
    const a = approvals.find((x) => x.stageName === stage && x.actionName === action.name);
    if (a) setDialog({ kind: 'approval', approval: a, status: 'Approved' });
  };

  return (
    <div className="live-view" data-testid="live-view" data-pipeline={state.ref.name}>
      <div className="toolbar">
        <button type="button" className="link" onClick={closePipeline} data-testid="live-back">
          ← All executions
        </button>
        <h2 className="live-title">{state.ref.name}</h2>
        <span className="muted">
          {state.ref.profile} · {state.ref.region} · {state.pipelineType ?? ''} · v{state.pipelineVersion ?? '?'}
        </span>
        {latest && (
          <span className={`status status-${latest.status}`} data-testid="live-latest-status">
            {latest.status}
          </span>
        )}
        {state.watchMode && (
          <span
            className={`badge mode-${state.watchMode}`}
            data-testid="live-watch-mode"
            data-mode={state.watchMode}
            title={state.watchModeReason ?? 'Changes arrive as CodePipeline events; polling only reconciles.'}
          >
            {state.watchMode}
          </span>
        )}
        {state.throttled && (
          <span className="chip chip-throttled" data-testid="live-throttled" title="The service is throttling calls: updates slow down until it stops.">
            throttled, backing off
          </span>
        )}
        {state.error && (
          <span className="chip" title={state.error.message} data-testid="live-error">
            {state.error.kind}: {state.error.message.slice(0, 80)}
          </span>
        )}
        <span className="spacer" />
        <label className="check" title="Notify on failures, approvals and finished runs even when this pipeline is not open">
          <input type="checkbox" checked={notifyOn} onChange={(e) => void setPipelineNotifications(state.ref, e.target.checked)} data-testid="live-notify" />{' '}
          Notify
        </label>
        <button type="button" className="button" onClick={() => setDialog({ kind: 'start' })} data-testid="live-start">
          Release change
        </button>
        <button type="button" className="button secondary" disabled={!running} onClick={() => setDialog({ kind: 'stop' })} data-testid="live-stop">
          Stop
        </button>
      </div>
      {/* The chip is a glance; a watcher that cannot reach the pipeline (its profile unknown or removed, or nothing read yet) says why in full. */}
      {state.error && (state.error.kind === 'not-found' || state.stages.length === 0) && (
        <p className="error-text" role="alert" data-testid="live-error-detail">
          {state.stages.length ? 'Not updated; what is shown was read before. ' : 'Cannot be read. '}
          {state.error.message}
        </p>
      )}
      {latest && latest.sourceRevisions.length > 0 && (
        <div className="revisions" data-testid="live-revisions">
          {latest.sourceRevisions.map((r) => (
            <span key={r.actionName} className="revision">
              {r.actionName}:{' '}
              {r.revisionUrl && isAllowedExternalUrl(r.revisionUrl) ? (
                <a href={r.revisionUrl} target="_blank" rel="noreferrer">
                  <code>{r.revisionId?.slice(0, 12)}</code>
                </a>
              ) : (
                <code>{r.revisionId?.slice(0, 12)}</code>
              )}{' '}
              <span className="muted">{r.revisionSummary?.split('\n')[0].slice(0, 80)}</span>
            </span>
          ))}
          <span className="muted">
            · started {formatTime(latest.startTime)} · {elapsed(latest.startTime, running ? null : latest.lastUpdateTime)}
          </span>
        </div>
      )}
      {approvals.length > 0 && (
        <div className="approval-banner" data-testid="live-approvals">
          {approvals.map((a) => (
            <div key={`${a.stageName}/${a.actionName}`} className="row">
              <span>
                ⏸ <strong>{a.actionName}</strong> in {a.stageName} waits for approval{a.customData ? `: ${a.customData}` : ''}
              </span>
              <AnswerButtons onAnswer={(status) => setDialog({ kind: 'approval', approval: a, status })} testIdPrefix="live" />
            </div>
          ))}
        </div>
      )}
      <LiveGraph state={state} runs={latestRuns} onStage={onStage} onAction={onAction} />
      <div className="history" data-testid="history">
        <div className="toolbar">
          <h3>History</h3>
          <select aria-label="Status" value={history.status} onChange={(e) => setHistoryFilter({ status: e.target.value })} data-testid="history-status">
            <option value="">Any status</option>
            {['InProgress', 'Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <select aria-label="Trigger" value={history.trigger} onChange={(e) => setHistoryFilter({ trigger: e.target.value })} data-testid="history-trigger">
            <option value="">Any trigger</option>
            {triggers.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          <button type="button" className="link" onClick={() => void loadHistory()} disabled={history.loading}>
            Refresh
          </button>
        </div>
        <table className="table">
          <thead>
            <tr>
              <th>Execution</th>
              <th>Status</th>
              <th>Started</th>
              <th>Took</th>
              <th>Trigger</th>
              <th>Revisions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr
                key={e.id}
                className={details?.execution.id === e.id ? 'selected' : ''}
                onClick={() => void showExecution(e.id)}
                data-testid="history-row"
                data-execution={e.id}
                data-status={e.status}
                tabIndex={0}
                onKeyDown={(k) => k.key === 'Enter' && void showExecution(e.id)}
              >
                <td>
                  <code>{e.id.slice(0, 8)}</code>
                  {e.rollbackTargetId && <span className="muted"> ↶ {e.rollbackTargetId.slice(0, 8)}</span>}
                </td>
                <td className={`status-${e.status}`}>{e.status}</td>
                <td>{formatTime(e.startTime)}</td>
                <td>{elapsed(e.startTime, FINAL_STATUSES.has(e.status) ? e.lastUpdateTime : null)}</td>
                <td>{e.trigger.type ?? ''}</td>
                <td>
                  {e.sourceRevisions.map((r) => (
                    <code key={r.actionName} title={r.revisionSummary ?? ''}>
                      {r.revisionId?.slice(0, 8)}{' '}
                    </code>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {history.loading && <p className="muted">Loading…</p>}
        {history.nextToken && (
          <button type="button" className="link" onClick={() => void loadHistory(true)} data-testid="history-more">
            Older executions
          </button>
        )}
      </div>
      {detailsLoading && <p className="muted">Reading the execution…</p>}
      {details && <Timeline details={details} />}
      {dialog?.kind === 'start' && <StartDialog state={state} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'stop' && latest && (
        <StopDialog
          ref_={state.ref}
          execution={latest}
          production={state.production ?? state.productionWord != null}
          productionWord={state.productionWord ?? null}
          unknown={state.productionVerdict === 'unknown'}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'stage' && (
        <StageDialog
          state={state}
          stage={state.stages.find((s) => s.name === dialog.stage.name) ?? dialog.stage}
          history={history.executions}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'approval' && <ApprovalDialog approval={dialog.approval} status={dialog.status} onClose={() => setDialog(null)} />}
    </div>
  );
}
