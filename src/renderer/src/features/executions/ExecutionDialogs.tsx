// The dialogs of the live view and the inbox. Each control is confirmed here and
// says what the service answered (a refusal stays a toast, and the dialog stays
// open with what was typed).
import { useState } from 'react';
import type { Approval, ExecutionSummary, LiveStage, PipelineLiveState, PipelineRef } from '../../../../shared/api/executions';
import { REVISION_TYPES } from '../../../../shared/api/executions';
import { DangerDialog, Modal } from '../../lib/DangerDialog';
import { answerApproval, overrideCondition, retryStage, rollbackStage, setTransition, startExecution, stopExecution } from './executions-actions';

type Row = { key: string; value: string };
const rows = (n = 1): Row[] => Array.from({ length: n }, () => ({ key: '', value: '' }));

function Pairs(props: { rows: Row[]; onChange: (r: Row[]) => void; keyLabel: string; valueLabel: string; testId: string; keyOptions?: string[] }) {
  return (
    <div className="pairs" data-testid={props.testId}>
      {props.rows.map((r, i) => (
        <div className="row" key={i}>
          {props.keyOptions ? (
            <select
              aria-label={props.keyLabel}
              value={r.key}
              onChange={(e) => props.onChange(props.rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
            >
              <option value="">{props.keyLabel}…</option>
              {props.keyOptions.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          ) : (
            <input
              aria-label={props.keyLabel}
              placeholder={props.keyLabel}
              value={r.key}
              onChange={(e) => props.onChange(props.rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
            />
          )}
          <input
            aria-label={props.valueLabel}
            placeholder={props.valueLabel}
            value={r.value}
            onChange={(e) => props.onChange(props.rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
          />
        </div>
      ))}
      <button type="button" className="link" onClick={() => props.onChange([...props.rows, ...rows()])}>
        + add
      </button>
    </div>
  );
}

/** Release change: variable overrides (V2) and pinned source revisions. */
export function StartDialog({ state, onClose }: { state: PipelineLiveState; onClose: () => void }) {
  const [vars, setVars] = useState(rows());
  const [revs, setRevs] = useState(rows());
  const [revType, setRevType] = useState<(typeof REVISION_TYPES)[number]>('COMMIT_ID');
  const sources = state.stages[0]?.actions.filter((a) => a.category === 'Source').map((a) => a.name) ?? [];
  const v2 = state.pipelineType === 'V2';
  const go = async () => {
    const ok = await startExecution(state.ref, {
      variables: vars.filter((v) => v.key.trim()).map((v) => ({ name: v.key.trim(), value: v.value })),
      sourceRevisions: revs.filter((r) => r.key && r.value.trim()).map((r) => ({ actionName: r.key, revisionType: revType, revisionValue: r.value.trim() })),
    });
    if (ok) onClose();
  };
  return (
    <DangerDialog
      title={`Release change: ${state.ref.name}`}
      testId="start-dialog"
      confirmLabel="Release change"
      confirmTestId="start-confirm"
      canConfirm
      onConfirm={() => void go()}
      onClose={onClose}
    >
      <p className="muted">
        Starts a new execution in {state.ref.profile} / {state.ref.region} with the latest source revisions, unless pinned below.
      </p>
      {v2 ? (
        <>
          <h3>Variables</h3>
          <Pairs rows={vars} onChange={setVars} keyLabel="Name" valueLabel="Value" testId="start-variables" />
          <h3>Pin source revisions</h3>
          <select
            aria-label="Revision type"
            value={revType}
            onChange={(e) => setRevType(e.target.value as (typeof REVISION_TYPES)[number])}
            data-testid="start-revision-type"
          >
            {REVISION_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          <Pairs rows={revs} onChange={setRevs} keyLabel="Source action" valueLabel="Revision" testId="start-revisions" keyOptions={sources} />
        </>
      ) : (
        <p className="muted">Variables and pinned revisions need a V2 pipeline.</p>
      )}
    </DangerDialog>
  );
}

/**
 * What a person types where the account is production, or may be: the word the main
 * process named (it decides, and checks it again with the account's identity as it is
 * then). With no word, the account is not identified and nothing can confirm it yet.
 */
function ProductionWord({
  word,
  unknown,
  typed,
  onType,
  testId,
}: {
  word: string | null;
  unknown: boolean;
  typed: string;
  onType: (t: string) => void;
  testId: string;
}) {
  if (!word)
    return (
      <p className="banner banner-warning" role="alert" data-testid={`${testId}-unidentified`}>
        The account this profile reaches could not be identified, so whether it is production cannot be told: check the profile in Accounts first.
      </p>
    );
  return (
    <label>
      {unknown ? (
        <>
          Whether account {word} is production is not known (no alias could be read, and no setting says): type its id <strong>{word}</strong> to confirm
        </>
      ) : (
        <>
          This is a production account: type <strong>{word}</strong> to confirm
        </>
      )}
      <input className="wide" value={typed} onChange={(e) => onType(e.target.value)} placeholder={word} data-testid={testId} />
    </label>
  );
}

/** Stop (or abandon) a run; where the account is production (or may be), its word typed too (the main process checks it again). */
export function StopDialog({
  ref_,
  execution,
  production,
  productionWord: word,
  unknown,
  onClose,
}: {
  ref_: PipelineRef;
  execution: ExecutionSummary;
  production: boolean;
  productionWord: string | null;
  /** Production is not known: the word is the account id. */
  unknown: boolean;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [abandon, setAbandon] = useState(false);
  const [typed, setTyped] = useState('');
  const go = async () => (await stopExecution(ref_, { executionId: execution.id, reason, abandon, confirmation: typed })) && onClose();
  return (
    <DangerDialog
      title={`Stop ${ref_.name} ${execution.id.slice(0, 8)}`}
      testId="stop-dialog"
      confirmLabel={abandon ? 'Stop and abandon' : 'Stop'}
      confirmTestId="stop-confirm"
      canConfirm={reason.trim().length > 0 && (!production || (!!word && typed.trim() === word))}
      onConfirm={() => void go()}
      onClose={onClose}
    >
      <label>
        Reason (at most 200 characters)
        <input className="wide" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="stop-reason" autoFocus />
      </label>
      <label className="check">
        <input type="checkbox" checked={abandon} onChange={(e) => setAbandon(e.target.checked)} data-testid="stop-abandon" /> Abandon the actions in progress
        instead of letting them finish
      </label>
      {production && <ProductionWord word={word} unknown={unknown} typed={typed} onType={setTyped} testId="stop-prod-confirm" />}
    </DangerDialog>
  );
}

/** A stage's controls: retry a failed stage, roll it back (V2), and its inbound transition. */
export function StageDialog({
  state,
  stage,
  history,
  onClose,
}: {
  state: PipelineLiveState;
  stage: LiveStage;
  history: ExecutionSummary[];
  onClose: () => void;
}) {
  const [reason, setReason] = useState(stage.inbound.reason ?? '');
  const [target, setTarget] = useState('');
  const ref = state.ref;
  const index = state.stages.findIndex((s) => s.name === stage.name);
  const earlier = history.filter((e) => e.status === 'Succeeded' && e.id !== stage.executionId);
  return (
    <Modal title={`${ref.name} / ${stage.name}`} testId="stage-dialog" onClose={onClose}>
      {stage.status === 'Failed' && stage.executionId && (
        <section>
          <h3>Retry</h3>
          <div className="row">
            <button
              type="button"
              className="button"
              data-testid="retry-failed"
              onClick={() => void retryStage(ref, { executionId: stage.executionId!, stage: stage.name, allActions: false }).then((ok) => ok && onClose())}
            >
              Retry failed actions
            </button>
            <button
              type="button"
              className="button secondary"
              data-testid="retry-all"
              onClick={() => void retryStage(ref, { executionId: stage.executionId!, stage: stage.name, allActions: true }).then((ok) => ok && onClose())}
            >
              Retry all actions
            </button>
          </div>
        </section>
      )}
      {stage.beforeEntry?.status === 'InProgress' && stage.waitingExecutionIds[0] && (
        <section>
          <h3>Entry condition</h3>
          <p className="muted">
            Being evaluated for execution {stage.waitingExecutionIds[0].slice(0, 8)}:{' '}
            {stage.beforeEntry.rules.map((r) => `${r.name} (${r.status ?? '…'})`).join(', ')}.
          </p>
          <button
            type="button"
            className="button danger"
            data-testid="condition-override"
            onClick={() =>
              void overrideCondition(ref, { stage: stage.name, executionId: stage.waitingExecutionIds[0], conditionType: 'BEFORE_ENTRY' }).then(
                (ok) => ok && onClose(),
              )
            }
          >
            Override: let it in now
          </button>
        </section>
      )}
      {state.pipelineType === 'V2' && (
        <section>
          <h3>Roll back</h3>
          {earlier.length ? (
            <div className="row">
              <select aria-label="Earlier successful execution" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="rollback-target">
                <option value="">Earlier successful execution…</option>
                {earlier.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.id.slice(0, 8)} · {e.startTime?.slice(0, 16).replace('T', ' ')} · {e.sourceRevisions[0]?.revisionId?.slice(0, 8) ?? ''}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="button danger"
                disabled={!target}
                data-testid="rollback-confirm"
                onClick={() => void rollbackStage(ref, { stage: stage.name, targetExecutionId: target }).then((ok) => ok && onClose())}
              >
                Roll back
              </button>
            </div>
          ) : (
            <p className="muted">No earlier successful execution in the history loaded.</p>
          )}
        </section>
      )}
      {index > 0 && (
        <section>
          <h3>Transition into {stage.name}</h3>
          <p className="muted">
            {stage.inbound.enabled ? 'Enabled: executions enter this stage.' : `Disabled${stage.inbound.reason ? `: ${stage.inbound.reason}` : ''}.`}
          </p>
          {stage.inbound.enabled ? (
            <div className="row">
              <input
                className="wide"
                placeholder="Why (shown to everyone)"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                data-testid="transition-reason"
                maxLength={300}
              />
              <button
                type="button"
                className="button danger"
                disabled={!reason.trim()}
                data-testid="transition-disable"
                onClick={() => void setTransition(ref, { stage: stage.name, type: 'inbound', enabled: false, reason }).then((ok) => ok && onClose())}
              >
                Disable
              </button>
            </div>
          ) : (
            <button
              type="button"
              className="button"
              data-testid="transition-enable"
              onClick={() => void setTransition(ref, { stage: stage.name, type: 'inbound', enabled: true, reason: '' }).then((ok) => ok && onClose())}
            >
              Enable
            </button>
          )}
        </section>
      )}
      <div className="row">
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}

/** Approve or reject, with a summary; where the account is production (or may be), its word typed too. */
export function ApprovalDialog({ approval, status, onClose }: { approval: Approval; status: 'Approved' | 'Rejected'; onClose: () => void }) {
  const [summary, setSummary] = useState('');
  const [typed, setTyped] = useState('');
  // The main process names the word, for the account: a page never works it out from one profile's name.
  const word = approval.productionWord ?? null;
  const verb = status === 'Approved' ? 'Approve' : 'Reject';
  const go = async () => (await answerApproval(approval, status, summary, typed)) && onClose();
  return (
    <DangerDialog
      title={`${verb} ${approval.ref.name} / ${approval.stageName} / ${approval.actionName}`}
      testId="approval-dialog"
      confirmLabel={verb}
      confirmTestId="approval-confirm"
      canConfirm={summary.trim().length > 0 && (!approval.production || (!!word && typed.trim() === word))}
      onConfirm={() => void go()}
      onClose={onClose}
    >
      <p className="muted">
        {approval.ref.profile} / {approval.ref.region}
        {approval.accountAlias ? ` (${approval.accountAlias})` : ''} · execution {approval.executionId?.slice(0, 8) ?? '?'}
      </p>
      {approval.customData && <p>{approval.customData}</p>}
      <label>
        Summary (at most 512 characters)
        <textarea rows={3} maxLength={512} value={summary} onChange={(e) => setSummary(e.target.value)} data-testid="approval-summary" autoFocus />
      </label>
      {approval.production && (
        <ProductionWord word={word} unknown={approval.productionVerdict === 'unknown'} typed={typed} onType={setTyped} testId="approval-prod-confirm" />
      )}
    </DangerDialog>
  );
}

/** Approve and Reject, side by side (the live view and the inbox). */
export function AnswerButtons({ onAnswer, testIdPrefix }: { onAnswer: (status: 'Approved' | 'Rejected') => void; testIdPrefix: string }) {
  return (
    <>
      <button type="button" className="button" onClick={() => onAnswer('Approved')} data-testid={`${testIdPrefix}-approve`}>
        Approve
      </button>{' '}
      <button type="button" className="button secondary" onClick={() => onAnswer('Rejected')} data-testid={`${testIdPrefix}-reject`}>
        Reject
      </button>
    </>
  );
}
