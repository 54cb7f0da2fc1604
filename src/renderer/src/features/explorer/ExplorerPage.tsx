// The explorer: every pipeline of the workspace in one virtualized grid, with
// search, status filter, sort, grouping, per-target error chips with retry,
// refresh and cancel, and a details panel.
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { PipelineRow } from '../../../../shared/api/pipelines';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useExplorerStore, type SortKey } from './explorer-store';
import { cancelLoad, loadPipelines, selectPipeline, setExplorerView } from './explorer-actions';
import { gridItems, STATUS_FILTERS } from './explorer-model';
import { watchWorkspace } from '../executions';
import { formatDuration, formatTime } from '../../lib/format';
import { PipelineDetailsPanel } from './PipelineDetailsPanel';
import { StageBar } from './StageBar';
import { WatchModeMark } from './WatchModeMark';
import { goTo } from '../../store/actions';
import { useAppStore } from '../../store/store';

type Row = PipelineRow;
interface Column {
  id: string;
  key: SortKey | null;
  label: string;
  /** The CSS grid width, and the least it needs (to decide what fits). */
  width: string;
  min: number;
  /** Dropped first when the grid is narrow (a small window, the details panel open): higher goes first. */
  drop: number;
  cell: (r: Row) => ReactNode;
  ellipsis?: string | ((r: Row) => string);
}

/** The latest execution's status, or why it cannot be read. */
function LatestStatus({ r }: { r: Row }) {
  return r.latestError ? (
    <span
      className="status status-unavailable"
      title={`Execution history unavailable: ${r.latestError.code}: ${r.latestError.message}`}
      data-testid="status-unavailable"
    >
      Unavailable
    </span>
  ) : (
    <span className={`status status-${r.latest?.status ?? 'none'}`}>{r.latest?.status ?? '—'}</span>
  );
}

const COLUMNS: Column[] = [
  { id: 'name', key: 'name', label: 'Pipeline', width: 'minmax(160px, 2fr)', min: 160, drop: 0, cell: (r) => r.name, ellipsis: (r) => r.name },
  {
    id: 'account',
    key: 'account',
    label: 'Account',
    width: 'minmax(130px, 1.3fr)',
    min: 130,
    drop: 0,
    cell: (r) => (
      <>
        {r.accountAlias ?? r.accountId} <span className="muted">{r.accountAlias ? r.accountId : ''}</span>
        {r.profiles.length > 1 && (
          <span className="badge" title={`Reached through ${r.profiles.join(', ')}`} data-testid="row-profiles">
            {r.profiles.length} profiles
          </span>
        )}
      </>
    ),
    ellipsis: (r) => `${r.accountId}${r.profiles.length > 1 ? ` · profiles: ${r.profiles.join(', ')}` : ` · profile: ${r.profile}`}`,
  },
  { id: 'region', key: 'region', label: 'Region', width: '104px', min: 104, drop: 3, cell: (r) => r.region },
  { id: 'type', key: 'type', label: 'Type', width: '44px', min: 44, drop: 6, cell: (r) => r.pipelineType },
  { id: 'mode', key: 'mode', label: 'Mode', width: '96px', min: 96, drop: 7, cell: (r) => r.executionMode },
  {
    id: 'status',
    key: 'status',
    label: 'Latest',
    width: '116px',
    min: 116,
    drop: 0,
    cell: (r) => (
      <>
        <LatestStatus r={r} /> <WatchModeMark pipeline={{ profile: r.profile, region: r.region, name: r.name }} />
      </>
    ),
  },
  { id: 'started', key: 'started', label: 'Started', width: '124px', min: 124, drop: 2, cell: (r) => formatTime(r.latest?.startTime ?? null) },
  { id: 'duration', key: 'duration', label: 'Took', width: '60px', min: 60, drop: 5, cell: (r) => formatDuration(r.latest?.durationSec ?? null) },
  {
    id: 'revision',
    key: null,
    label: 'Revision',
    width: 'minmax(120px, 2fr)',
    min: 120,
    drop: 4,
    cell: (r) => (
      <>
        {r.latest?.revisionId && <code>{r.latest.revisionId.slice(0, 7)}</code>} {r.latest?.revisionSummary}
      </>
    ),
    ellipsis: (r) => r.latest?.revisionSummary ?? '',
  },
  {
    id: 'stages',
    key: null,
    label: 'Stages',
    width: 'minmax(100px, 1fr)',
    min: 100,
    drop: 1,
    cell: (r) =>
      r.stagesError ? (
        <span className="status status-unavailable" title={`Stage states unavailable: ${r.stagesError.code}: ${r.stagesError.message}`}>
          Unavailable
        </span>
      ) : (
        <StageBar stages={r.stages} />
      ),
  },
];

/** The columns that fit a grid this wide: the least useful go first, so Stages and Latest stay in view. */
export function columnsFor(width: number): Column[] {
  const gaps = (n: number) => 20 + 8 * (n - 1);
  let shown = [...COLUMNS];
  const byDrop = [...COLUMNS].filter((c) => c.drop > 0).sort((a, b) => b.drop - a.drop);
  for (const c of byDrop) {
    if (shown.reduce((n, x) => n + x.min, 0) + gaps(shown.length) <= width) break;
    shown = shown.filter((x) => x !== c);
  }
  return shown;
}
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

/**
 * One pipeline's row. Memoized: a scroll re-renders the grid, and only rows that came
 * into view (or whose data or selection changed) need rendering again.
 */
const GridRow = memo(function GridRow(p: { row: PipelineRow; selected: boolean; columns: Column[]; grid: string; top: number }) {
  const r = p.row;
  return (
    <div
      role="row"
      aria-selected={p.selected}
      className={`grid-row${p.selected ? ' selected' : ''}`}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${p.top}px)`, gridTemplateColumns: p.grid }}
      onClick={() => void selectPipeline(r.id)}
      data-testid="pipeline-row"
      data-pipeline={r.name}
    >
      {p.columns.map((c) => (
        <div
          key={c.id}
          role="gridcell"
          className={c.ellipsis ? 'ellipsis' : undefined}
          title={c.ellipsis ? (typeof c.ellipsis === 'string' ? c.ellipsis : c.ellipsis(r)) : undefined}
          data-column={c.id}
        >
          {c.cell(r)}
        </div>
      ))}
    </div>
  );
});

export function ExplorerPage() {
  const ex = useExplorerStore();
  const job = useAppStore((s) => (ex.jobId ? s.jobs[ex.jobId] : undefined));
  const rows = useMemo(() => Object.values(ex.rows), [ex.rows]);
  const items = useMemo(() => gridItems(rows, ex), [rows, ex]);
  const parentRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const [gridWidth, setGridWidth] = useState(1400);
  useEffect(() => {
    const el = gridRef.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => setGridWidth(entry.contentRect.width));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const columns = useMemo(() => columnsFor(gridWidth), [gridWidth]);
  const GRID = columns.map((c) => c.width).join(' ');
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
        <div
          ref={gridRef}
          className="grid"
          role="grid"
          aria-rowcount={items.length}
          aria-label="Pipelines"
          tabIndex={0}
          onKeyDown={onGridKey}
          data-testid="explorer-grid"
        >
          <div className="grid-row grid-head" role="row" style={{ gridTemplateColumns: GRID }}>
            {columns.map((c) => (
              <div key={c.id} role="columnheader" aria-sort={c.key && ex.sort.key === c.key ? (ex.sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
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
                  return <GridRow key={it.row.id} row={it.row} selected={ex.selectedId === it.row.id} columns={columns} grid={GRID} top={v.start} />;
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
