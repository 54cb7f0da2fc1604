// One execution's timeline (a Gantt of its action runs, from ListActionExecutions)
// and the chosen action's details: artifacts with their S3 locations (linking to
// the Artifacts section), output variables, and the error.
import { useState } from 'react';
import type { ActionExecution, ExecutionDetails } from '../../../../shared/api/executions';
import { isAllowedExternalUrl } from '../../../../shared/api/external-links';
import { goTo } from '../../store/actions';
import { elapsed, formatTime } from '../../lib/format';

export function Timeline({ details }: { details: ExecutionDetails }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const runs = details.actions;
  const t0 = Math.min(...runs.map((a) => Date.parse(a.startTime ?? '') || Infinity));
  const t1 = Math.max(...runs.map((a) => Date.parse(a.lastUpdateTime ?? '') || 0), t0 + 1);
  const span = t1 - t0;
  const action = runs.find((a) => a.actionExecutionId === chosen) ?? null;
  const e = details.execution;
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-head">
        <strong>{e.id.slice(0, 8)}</strong> <span className={`status status-${e.status}`}>{e.status}</span>{' '}
        <span className="muted">
          {formatTime(e.startTime)} · {elapsed(e.startTime, e.durationSec === null ? null : e.lastUpdateTime)} · {e.trigger.type ?? ''}
        </span>
        {details.variables.length > 0 && <span className="muted"> · {details.variables.map((v) => `${v.name}=${v.value}`).join(', ')}</span>}
      </div>
      {runs.length === 0 && <p className="muted">No action has run in this execution yet.</p>}
      {runs.map((a) => {
        const s = Date.parse(a.startTime ?? '') - t0;
        const f = Date.parse(a.lastUpdateTime ?? '') - t0;
        return (
          <button
            type="button"
            key={a.actionExecutionId}
            className={`timeline-row${chosen === a.actionExecutionId ? ' selected' : ''}`}
            onClick={() => setChosen(a.actionExecutionId)}
            data-testid="timeline-row"
            data-action={`${a.stageName}/${a.actionName}`}
            data-status={a.status}
          >
            <span className="timeline-label">
              {a.stageName} / {a.actionName}
            </span>
            <span className="timeline-track">
              <span
                className={`timeline-bar status-bg-${a.status}`}
                style={{ left: `${(s / span) * 100}%`, width: `${Math.max(0.8, ((f - s) / span) * 100)}%` }}
                title={`${a.status} · ${elapsed(a.startTime, a.lastUpdateTime)}`}
              />
            </span>
            <span className="timeline-took muted">{elapsed(a.startTime, a.lastUpdateTime)}</span>
          </button>
        );
      })}
      {action && <ActionDetails a={action} />}
    </div>
  );
}

function ActionDetails({ a }: { a: ActionExecution }) {
  const link = a.externalExecutionUrl && isAllowedExternalUrl(a.externalExecutionUrl) ? a.externalExecutionUrl : null;
  const artifacts = (label: string, list: ActionExecution['inputArtifacts']) =>
    list.length > 0 && (
      <>
        <dt>{label}</dt>
        <dd>
          {list.map((x) => (
            <div key={`${x.name}-${x.key}`}>
              {x.name}:{' '}
              {x.bucket ? (
                <button type="button" className="link" onClick={() => goTo('artifacts')} title="Open the Artifacts section">
                  s3://{x.bucket}/{x.key}
                </button>
              ) : (
                <span className="muted">no location</span>
              )}
            </div>
          ))}
        </dd>
      </>
    );
  return (
    <dl className="action-details" data-testid="action-details">
      <dt>Action</dt>
      <dd>
        {a.stageName} / {a.actionName} ({a.provider}) · <span className={`status status-${a.status}`}>{a.status}</span>
        {a.updatedBy && <span className="muted"> · by {a.updatedBy}</span>}
      </dd>
      {a.summary && (
        <>
          <dt>Summary</dt>
          <dd>{a.summary}</dd>
        </>
      )}
      {link && (
        <>
          <dt>Ran</dt>
          <dd>
            <a href={link} target="_blank" rel="noreferrer">
              {a.externalExecutionId ?? 'console'} ↗
            </a>
          </dd>
        </>
      )}
      {artifacts('Input artifacts', a.inputArtifacts)}
      {artifacts('Output artifacts', a.outputArtifacts)}
      {Object.keys(a.outputVariables).length > 0 && (
        <>
          <dt>Output variables</dt>
          <dd>
            {Object.entries(a.outputVariables).map(([k, v]) => (
              <div key={k}>
                <code>{k}</code> = {v}
              </div>
            ))}
          </dd>
        </>
      )}
      {a.errorDetails && (
        <>
          <dt>Error</dt>
          <dd className="error-text" data-testid="action-details-error">
            {a.errorDetails.code}: {a.errorDetails.message}
          </dd>
        </>
      )}
    </dl>
  );
}
