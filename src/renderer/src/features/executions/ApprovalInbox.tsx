// The approval inbox: every approval waiting anywhere in the workspace, oldest
// first, answered with the right account's credentials. Targets that could not
// be read are named: "nothing waiting" is never claimed for them.
import { useEffect, useState } from 'react';
import type { Approval } from '../../../../shared/api/executions';
import { approvalKey } from '../../../../shared/executions/approvals';
import { isAllowedExternalUrl } from '../../../../shared/api/external-links';
import { elapsed } from '../../lib/format';
import { useExecutionsStore } from './executions-store';
import { loadApprovals, openPipeline } from './executions-actions';
import { AnswerButtons, ApprovalDialog } from './ExecutionDialogs';

export function ApprovalInbox() {
  const view = useExecutionsStore((s) => s.approvals);
  const loading = useExecutionsStore((s) => s.approvalsLoading);
  const [dialog, setDialog] = useState<{ approval: Approval; status: 'Approved' | 'Rejected' } | null>(null);
  useEffect(() => {
    void loadApprovals();
  }, []);
  return (
    <div className="inbox" data-testid="approval-inbox">
      <div className="toolbar">
        <span className="muted" aria-live="polite" data-testid="inbox-summary">
          {loading
            ? 'Reading every pipeline of the workspace…'
            : view
              ? `${view.approvals.length} waiting · ${view.pipelinesRead} pipelines read${view.unverified.length ? ` · ${view.unverified.length} could not be read` : ''}`
              : ''}
        </span>
        <button type="button" className="button secondary" onClick={() => void loadApprovals()} disabled={loading} data-testid="inbox-refresh">
          Refresh
        </button>
      </div>
      {view && view.unverified.length > 0 && (
        <div className="chips" data-testid="inbox-unverified" role="list" aria-label="Not read">
          {view.unverified.map((u, i) => (
            <span key={i} className={`chip chip-${u.error.kind}`} role="listitem" title={u.error.message}>
              unverified: {u.profile} / {u.region}
              {u.pipeline ? ` / ${u.pipeline}` : ''} ({u.error.kind})
            </span>
          ))}
        </div>
      )}
      {view && view.approvals.length === 0 && !loading && (
        <p className="muted" data-testid="inbox-empty">
          {view.unverified.length
            ? 'No approval waiting in what could be read; the targets above are unverified.'
            : 'No approval is waiting anywhere in the workspace.'}
        </p>
      )}
      <table className="table">
        <tbody>
          {view?.approvals.map((a) => (
            <tr key={approvalKey(a)} data-testid="inbox-row" data-pipeline={a.ref.name} data-profile={a.ref.profile}>
              <td>
                <button type="button" className="link" onClick={() => void openPipeline(a.ref)}>
                  <strong>{a.ref.name}</strong>
                </button>
                <div className="muted">
                  {a.ref.profile} · {a.ref.region}
                  {a.accountAlias ? ` · ${a.accountAlias}` : ''}
                  {a.production && (
                    // Production for certain names its word; "production?" is an account nobody could tell (its id is typed).
                    <span className="badge badge-warning" data-testid="inbox-production">
                      {a.productionVerdict === 'production' || !a.productionVerdict ? ' production' : ' production?'}
                    </span>
                  )}
                </div>
              </td>
              <td>
                {a.stageName} / {a.actionName}
                {a.customData && <div className="muted">{a.customData}</div>}
                {a.externalEntityLink && isAllowedExternalUrl(a.externalEntityLink) && (
                  <a href={a.externalEntityLink} target="_blank" rel="noreferrer">
                    review ↗
                  </a>
                )}
              </td>
              <td className="muted" title={a.waitingSince ?? ''}>
                waiting {elapsed(a.waitingSince, null)}
              </td>
              <td>
                <AnswerButtons onAnswer={(status) => setDialog({ approval: a, status })} testIdPrefix="inbox" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {dialog && <ApprovalDialog approval={dialog.approval} status={dialog.status} onClose={() => setDialog(null)} />}
    </div>
  );
}
