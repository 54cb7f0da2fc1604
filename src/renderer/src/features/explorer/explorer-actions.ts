// Explorer actions: load (streamed by events), cancel, retry a target, details;
// and the routing of the explorer's events into its store.
import type { ApiClient } from '../../../../shared/api/client';
import { call } from '../../store/actions';
import { useAppStore } from '../../store/store';
import type { PipelineRow } from '../../../../shared/api/pipelines';
import { useExplorerStore, type ExplorerState } from './explorer-store';

const patch = (p: Partial<ExplorerState>) => useExplorerStore.setState(p);
const explorer = () => useExplorerStore.getState();

/** The workspace and sandbox the shown rows were listed for: a change to either lists again. */
let listedFor: string | null = null;
/** Null until the settings are known: a listing started before then is taken as made for them. */
const scopeKey = (): string | null => {
  const app = useAppStore.getState();
  const sb = app.sandbox;
  if (!app.settingsView) return null;
  return JSON.stringify([app.settingsView.settings.workspace, sb ? [sb.running, sb.endpoint, sb.seed] : null]);
};

/**
 * Rows arrive in batches of about 50; applying each at once would re-sort thousands of
 * rows many times a second while the user scrolls. Batches are gathered and applied
 * at most every ROWS_FLUSH_MS, the first one at once (the first rows show without delay).
 */
const ROWS_FLUSH_MS = 150;
let pendingRows = new Map<string, PipelineRow>();
let flushTimer: ReturnType<typeof setTimeout> | null = null;
let flushedAt = 0;

function flushRows(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  flushedAt = performance.now();
  if (!pendingRows.size) return;
  const rows = { ...explorer().rows };
  for (const [id, r] of pendingRows) rows[id] = r;
  pendingRows = new Map();
  patch({ rows });
}

function queueRows(rows: PipelineRow[]): void {
  for (const r of rows) pendingRows.set(r.id, r);
  const wait = flushedAt + ROWS_FLUSH_MS - performance.now();
  if (wait <= 0) flushRows();
  else flushTimer ??= setTimeout(flushRows, wait);
}

/** The listings this window started and that still run. */
let ownJobs = new Set<string>();
/**
 * Listings a full reload replaced (a workspace change, a reseed): they are cancelled, and
 * rows or errors of theirs that still arrive are dropped, so a region the user just took
 * out of the workspace never comes back into the grid.
 */
const replacedJobs = new Set<string>();

/** Loads everything (replacing what is shown), or just the given targets (a retry). */
export async function loadPipelines(targets?: Array<{ profile: string; region: string }>): Promise<void> {
  if (!targets) listedFor = scopeKey();
  if (targets) {
    const keep = explorer().errors.filter((e) => !targets.some((t) => t.profile === e.target.profile && t.region === e.target.region));
    patch({ errors: keep });
  } else {
    for (const jobId of ownJobs) {
      replacedJobs.add(jobId);
      void call('jobs.cancel', { jobId });
    }
    ownJobs = new Set();
    pendingRows = new Map();
    patch({ rows: {}, errors: [], loadedOnce: true });
  }
  const started = await call('pipelines.list', targets ? { targets } : {});
  if (started) {
    ownJobs.add(started.jobId);
    patch({ jobId: started.jobId });
  }
}

/**
 * The server lost this window's session (or events): a listing that was running when it went
 * was cancelled with the session, or lost rows, so it starts again. `running`: the jobs running before.
 */
export async function resubscribeExplorer(running: ReadonlySet<string>): Promise<void> {
  const jobId = explorer().jobId;
  if (jobId && running.has(jobId)) await loadPipelines();
}

export async function cancelLoad(): Promise<void> {
  const jobId = explorer().jobId;
  if (!jobId) return;
  await call('jobs.cancel', { jobId });
}

export async function selectPipeline(id: string | null): Promise<void> {
  const row = id ? explorer().rows[id] : undefined;
  patch({ selectedId: id, details: null, detailsLoading: !!row });
  if (!row) return;
  const details = await call('pipelines.get', { profile: row.profile, region: row.region, name: row.name });
  // A later selection wins; a failure (already a toast) just ends the loading state.
  if (explorer().selectedId === id) patch({ details: details ?? null, detailsLoading: false });
}

export function setExplorerView(p: Partial<Pick<ExplorerState, 'search' | 'status' | 'groupBy' | 'sort'>>): void {
  patch(p);
}

/** Lists again when the workspace or the sandbox changed since the rows were listed (only if they were). */
function relistIfScopeChanged(): void {
  const now = scopeKey();
  if (!explorer().loadedOnce || now === null || listedFor === now) return;
  if (listedFor === null) {
    listedFor = now;
    return;
  }
  void loadPipelines();
}

export function subscribeExplorerEvents(a: ApiClient): Array<() => void> {
  return [
    // The app's own handlers (registered first) have stored the new settings or sandbox by now.
    a.on('settings.changed', relistIfScopeChanged),
    a.on('sandbox.changed', relistIfScopeChanged),
    a.on('job.finished', (p) => p.kind === 'sandbox.reseed' && p.status === 'succeeded' && explorer().loadedOnce && void loadPipelines()),
    a.on('pipelines.batch', (p) => !replacedJobs.has(p.jobId) && queueRows(p.rows)),
    // The listing is over: its last rows show now, not at the next flush. (Its events came before this one.)
    a.on('job.finished', (p) => {
      if (p.kind !== 'pipelines.list') return;
      ownJobs.delete(p.jobId);
      replacedJobs.delete(p.jobId);
      flushRows();
    }),
    // Live status from the execution watchers (the workspace is watched in the background).
    a.on('execution.updated', (s) => {
      // Gathered listing rows go in first: an older row must not overwrite this newer status.
      flushRows();
      const row = Object.values(explorer().rows).find((r) => r.profile === s.ref.profile && r.region === s.ref.region && r.name === s.ref.name);
      if (!row || s.error) return;
      const e = s.latest;
      const latest = e
        ? {
            id: e.id,
            status: e.status,
            startTime: e.startTime,
            lastUpdateTime: e.lastUpdateTime,
            durationSec: e.durationSec,
            revisionId: e.sourceRevisions[0]?.revisionId ?? null,
            revisionSummary: e.sourceRevisions[0]?.revisionSummary ?? null,
            trigger: e.trigger.type,
          }
        : null;
      const stages = s.stages.map((st) => ({ name: st.name, status: st.status, transitionEnabled: st.inbound.enabled }));
      patch({ rows: { ...explorer().rows, [row.id]: { ...row, latest, stages, latestError: null, stagesError: null } } });
    }),
    a.on('pipelines.targetError', (p) => {
      if (p.error.kind === 'cancelled' || replacedJobs.has(p.jobId)) return;
      patch({ errors: [...explorer().errors, { target: p.target, error: p.error }] });
    }),
  ];
}
