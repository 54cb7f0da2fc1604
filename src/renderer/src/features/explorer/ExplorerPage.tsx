// The explorer: every pipeline of the workspace in one virtualized grid, with
// search, status filter, sort, grouping, per-target error chips with retry,
// refresh and cancel, and a details panel.
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useExplorerStore, type SortKey } from './explorer-store';
import { cancelLoad, loadPipelines, selectPipeline, setExplorerView } from './explorer-actions';
import { gridItems, STATUS_FILTERS } from './explorer-model';
import { watchWorkspace } from '../executions/executions-actions';
import { formatDuration, formatTime } from '../../lib/format';
import { PipelineDetailsPanel } from './PipelineDetailsPanel';
import { StageBar } from './StageBar';
import { goTo } from '../../store/actions';
import { useAppStore } from '../../store/store';

const COLUMNS: Array<{ key: SortKey | null; label: string; width: string }> = [
  { key: 'name', label: 'Pipeline', width: 'minmax(180px, 2fr)' },
  { key: 'account', label: 'Account', width: 'minmax(150px, 1.3fr)' },
  { key: 'region', label: 'Region', width: '120px' },
  { key: 'type', label: 'Type', width: '48px' },
  { key: 'mode', label: 'Mode', width: '100px' },
  { key: 'status', label: 'Latest', width: '100px' },
  { key: 'started', label: 'Started', width: '130px' },
  { key: 'duration', label: 'Took', width: '70px' },
  { key: null, label: 'Revision', width: 'minmax(160px, 2fr)' },
  { key: null, label: 'Stages', width: '120px' },
];
const GRID = COLUMNS.map((c) => c.width).join(' ');
const ROW_HEIGHT = 34;

const KIND_LABEL: Record<string, string> = {
  'access-denied': 'Access denied',
  'region-disabled': 'Region not enabled',
  throttled: 'Throttled',
  network: 'Unreachable',
  'expired-credentials': 'Credentials expired',
  'needs-mfa': 'Needs MFA',
  'needs-sso-login': 'Needs SSO login',
  'not-found': 'Not found',
  other: 'Error',
};

export function ExplorerPage() {
  const ex = useExplorerStore();
  const job = useAppStore((s) => (ex.jobId ? s.jobs[ex.jobId] : undefined));
  const rows = useMemo(() => Object.values(ex.rows), [ex.rows]);
  const items = useMemo(() => gridItems(rows, ex), [rows, ex]);
  const parentRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const loading = job?.status === 'running';

  useEffect(() => {
    if (!useExplorerStore.getState().loadedOnce) void loadPipelines();
    // Rows then follow the execution watchers (shared with the Executions section).
    void watchWorkspace();
  }, []);

  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => parentRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const selectedIndex = items.findIndex((i) => i.type === 'row' && i.row.id === ex.selectedId);
  const onGridKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Escape') return;
    e.preventDefault();
    if (e.key === 'Escape') return void selectPipeline(null);
    const step = e.key === 'ArrowDown' ? 1 : -1;
    for (let i = selectedIndex + step; i >= 0 && i < items.length; i += step) {
      const it = items[i];
      if (it.type === 'row') {
        virtualizer.scrollToIndex(i);
        void selectPipeline(it.row.id);
        return;
      }
    }
  };
  const sortBy = (key: SortKey | null) => key && setExplorerView({ sort: { key, dir: ex.sort.key === key ? (-ex.sort.dir as 1 | -1) : 1 } });

  return (
    <div className="explorer" data-testid="explorer">
      <div className="toolbar">
        <input
          ref={searchRef}
          type="search"
          placeholder="Search name, account, region, revision… ( / )"
          aria-label="Search pipelines"
          data-testid="explorer-search"
          value={ex.search}
          onChange={(e) => setExplorerView({ search: e.target.value })}
          onKeyDown={(e) => e.key === 'Escape' && setExplorerView({ search: '' })}
        />
        <select aria-label="Latest status" data-testid="explorer-status" value={ex.status} onChange={(e) => setExplorerView({ status: e.target.value })}>
          {STATUS_FILTERS.map((s) => (
            <option key={s} value={s}>
              {s === '' ? 'Any status' : s === 'none' ? 'Never ran' : s}
            </option>
          ))}
        </select>
        <select
          aria-label="Group by"
          data-testid="explorer-group"
          value={ex.groupBy}
          onChange={(e) => setExplorerView({ groupBy: e.target.value as 'none' | 'account' | 'region' })}
        >
          <option value="none">No grouping</option>
          <option value="account">Group by account</option>
          <option value="region">Group by region</option>
        </select>
        <span className="spacer" />
        <span className="muted" data-testid="explorer-count" aria-live="polite">
          {items.filter((i) => i.type === 'row').length} of {rows.length} pipelines
        </span>
        {loading ? (
          <>
            <span className="progress-text" data-testid="explorer-progress">
              <progress value={job?.done ?? 0} max={job?.total ?? 1} /> {job?.done ?? 0}/{job?.total ?? '?'} targets
            </span>
            <button type="button" className="button secondary" data-testid="explorer-cancel" onClick={() => void cancelLoad()}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="button" data-testid="explorer-refresh" onClick={() => void loadPipelines()}>
            Refresh
          </button>
        )}
      </div>

      {ex.errors.length > 0 && (
        <div className="chips" data-testid="explorer-errors" role="list" aria-label="Targets that failed">
          {ex.errors.map((e) => (
            <span
              key={`${e.target.profile}|${e.target.region}`}
              role="listitem"
              className={`chip chip-${e.error.kind}`}
              title={e.error.message}
              data-testid="error-chip"
            >
              <strong>{e.target.alias ?? e.target.profile}</strong> · {e.target.region} · {KIND_LABEL[e.error.kind] ?? e.error.kind}
              {e.target.region && (
                <button type="button" className="link" onClick={() => void loadPipelines([{ profile: e.target.profile, region: e.target.region! }])}>
                  Retry
                </button>
              )}
            </span>
          ))}
        </div>
      )}

      <div className="grid-wrap">
        <div className="grid" role="grid" aria-rowcount={items.length} aria-label="Pipelines" tabIndex={0} onKeyDown={onGridKey} data-testid="explorer-grid">
          <div className="grid-row grid-head" role="row" style={{ gridTemplateColumns: GRID }}>
            {COLUMNS.map((c) => (
              <div key={c.label} role="columnheader" aria-sort={c.key && ex.sort.key === c.key ? (ex.sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
                {c.key ? (
                  <button type="button" className="sort" onClick={() => sortBy(c.key)} data-testid={`sort-${c.key}`}>
                    {c.label}
                    {ex.sort.key === c.key ? (ex.sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                  </button>
                ) : (
                  c.label
                )}
              </div>
            ))}
          </div>
          <div ref={parentRef} className="grid-body">
            {items.length === 0 ? (
              <div className="empty-grid" data-testid="explorer-empty">
                {loading ? (
                  'Loading pipelines…'
                ) : rows.length ? (
                  'No pipeline matches the filters.'
                ) : (
                  <>
                    No pipelines yet.{' '}
                    <button type="button" className="link" onClick={() => goTo('accounts')}>
                      Connect an account or start the sandbox
                    </button>
                    .
                  </>
                )}
              </div>
            ) : (
              <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
                {virtualizer.getVirtualItems().map((v) => {
                  const it = items[v.index];
                  const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` };
                  if (it.type === 'group')
                    return (
                      <div key={`g-${it.key}`} className="grid-group" style={style} role="row" data-testid="group-header">
                        {it.label} <span className="muted">({it.count})</span>
                      </div>
                    );
                  const r = it.row;
                  return (
                    <div
                      key={r.id}
                      role="row"
                      aria-selected={ex.selectedId === r.id}
                      className={`grid-row${ex.selectedId === r.id ? ' selected' : ''}`}
                      style={{ ...style, gridTemplateColumns: GRID }}
                      onClick={() => void selectPipeline(r.id)}
                      data-testid="pipeline-row"
                      data-pipeline={r.name}
                    >
                      <div role="gridcell" className="ellipsis" title={r.name}>
                        {r.name}
                      </div>
                      <div role="gridcell" className="ellipsis" title={r.accountId}>
                        {r.accountAlias ?? r.accountId} <span className="muted">{r.accountAlias ? r.accountId : ''}</span>
                      </div>
                      <div role="gridcell">{r.region}</div>
                      <div role="gridcell">{r.pipelineType}</div>
                      <div role="gridcell">{r.executionMode}</div>
                      <div role="gridcell">
                        {r.latestError ? (
                          <span
                            className="status status-unavailable"
                            title={`Execution history unavailable: ${r.latestError.code}: ${r.latestError.message}`}
                            data-testid="status-unavailable"
                          >
                            Unavailable
                          </span>
                        ) : (
                          <span className={`status status-${r.latest?.status ?? 'none'}`}>{r.latest?.status ?? '—'}</span>
                        )}
                      </div>
                      <div role="gridcell">{formatTime(r.latest?.startTime ?? null)}</div>
                      <div role="gridcell">{formatDuration(r.latest?.durationSec ?? null)}</div>
                      <div role="gridcell" className="ellipsis" title={r.latest?.revisionSummary ?? ''}>
                        {r.latest?.revisionId && <code>{r.latest.revisionId.slice(0, 7)}</code>} {r.latest?.revisionSummary}
                      </div>
                      <div role="gridcell">
                        {r.stagesError ? (
                          <span className="status status-unavailable" title={`Stage states unavailable: ${r.stagesError.code}: ${r.stagesError.message}`}>
                            Unavailable
                          </span>
                        ) : (
                          <StageBar stages={r.stages} />
                        )}
                      </div>
                    </div>
                  );
                })}
              </div>
            )}
          </div>
        </div>
        {ex.selectedId && <PipelineDetailsPanel />}
      </div>
    </div>
  );
}
