// The selected pipeline: its structure (read-only), tags, disabled transitions,
// and a link to the AWS console (opened outside the app).
import { useExplorerStore } from './explorer-store';
import { selectPipeline } from './explorer-actions';
import { openInDesigner } from '../../store/actions';
import { openPipeline } from '../executions';
import { WatchModeText } from './WatchModeMark';

export function PipelineDetailsPanel() {
  const { details, detailsLoading, selectedId, rows } = useExplorerStore();
  const row = selectedId ? rows[selectedId] : undefined;
  return (
    <aside className="details" aria-label="Pipeline details" data-testid="pipeline-details">
      <header>
        <h2>{row?.name}</h2>
        <button type="button" className="link" aria-label="Close details" onClick={() => void selectPipeline(null)}>
          ✕
        </button>
      </header>
      <p className="muted">
        {row?.accountAlias ?? row?.accountId} · {row?.region} · {details?.pipeline.pipelineType ?? row?.pipelineType} · version{' '}
        {details?.pipeline.version ?? row?.version}
      </p>
      {row && <WatchModeText pipeline={{ profile: row.profile, region: row.region, name: row.name }} />}
      {details?.consoleUrl && (
        <p>
          <a href={details.consoleUrl} target="_blank" rel="noopener noreferrer" data-testid="console-link">
            Open in the AWS console ↗
          </a>
        </p>
      )}
      {row && (
        <p>
          <button
            type="button"
            className="button secondary"
            data-testid="open-in-designer"
            onClick={() => openInDesigner({ profile: row.profile, region: row.region, name: row.name })}
          >
            Open in the designer
          </button>{' '}
          <button
            type="button"
            className="button"
            data-testid="open-live"
            onClick={() => void openPipeline({ profile: row.profile, region: row.region, name: row.name })}
          >
            Watch live
          </button>
        </p>
      )}
      {details && details.failedActions.length > 0 && (
        <div className="failed-actions" data-testid="failed-actions">
          <h3>Failed</h3>
          {details.failedActions.map((f) => (
            <p key={`${f.stageName}/${f.actionName}`}>
              <strong>
                {f.stageName} / {f.actionName}
              </strong>
              : <span className="error-text">{[f.code, f.message].filter(Boolean).join(': ') || 'no error details'}</span>
            </p>
          ))}
        </div>
      )}
      {detailsLoading && <p className="muted">Loading…</p>}
      {details && (
        <>
          <ol className="stages" data-testid="details-stages">
            {details.pipeline.stages.map((s) => {
              const disabled = details.disabledTransitions.find((d) => d.stageName === s.name);
              return (
                <li key={s.name}>
                  {disabled && <div className="transition-off">⛔ Transition disabled{disabled.reason ? `: ${disabled.reason}` : ''}</div>}
                  <strong>{s.name}</strong>
                  <ul>
                    {s.actions.map((a) => (
                      <li key={a.name}>
                        <span className="badge">{a.runOrder ?? 1}</span> {a.name}{' '}
                        <span className="muted">
                          {a.actionTypeId.category}/{a.actionTypeId.provider}
                          {a.region ? ` · ${a.region}` : ''}
                        </span>
                        {a.inputArtifacts?.length || a.outputArtifacts?.length ? (
                          <div className="muted small">
                            {a.inputArtifacts?.map((i) => i.name).join(', ')} → {a.outputArtifacts?.map((o) => o.name).join(', ')}
                          </div>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </li>
              );
            })}
          </ol>
          <h3>Tags</h3>
          {details.tags.length ? (
            <ul className="tags" data-testid="details-tags">
              {details.tags.map((t) => (
                <li key={t.key}>
                  <code>{t.key}</code> = {t.value}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No tags.</p>
          )}
        </>
      )}
    </aside>
  );
}
