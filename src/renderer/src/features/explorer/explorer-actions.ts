// Explorer actions: load (streamed by events), cancel, retry a target, details.
import type { EventPayload } from '../../../../shared/api/contract';
import { api } from '../../api/current';
import { call, reportError } from '../../store/actions';
import { useAppStore, type ExplorerSlice } from '../../store/store';

const patch = (p: Partial<ExplorerSlice['explorer']>) => useAppStore.setState((s) => ({ explorer: { ...s.explorer, ...p } }));
const explorer = () => useAppStore.getState().explorer;

/** Loads everything (replacing what is shown), or just the given targets (a retry). */
export async function loadPipelines(targets?: Array<{ profile: string; region: string }>): Promise<void> {
  try {
    if (targets) {
      const keep = explorer().errors.filter((e) => !targets.some((t) => t.profile === e.target.profile && t.region === e.target.region));
      patch({ errors: keep });
    } else patch({ rows: {}, errors: [], loadedOnce: true });
    const { jobId } = await api().invoke('pipelines.list', targets ? { targets } : {});
    patch({ jobId });
  } catch (err) {
    reportError(err);
  }
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
  try {
    const details = await api().invoke('pipelines.get', { profile: row.profile, region: row.region, name: row.name });
    if (explorer().selectedId === id) patch({ details, detailsLoading: false });
  } catch (err) {
    patch({ detailsLoading: false });
    reportError(err);
  }
}

export function setExplorerView(p: Partial<Pick<ExplorerSlice['explorer'], 'search' | 'status' | 'groupBy' | 'sort'>>): void {
  patch(p);
}

export const onExplorerEvent = {
  batch(p: EventPayload<'pipelines.batch'>) {
    useAppStore.setState((s) => {
      const rows = { ...s.explorer.rows };
      for (const r of p.rows) rows[r.id] = r;
      return { explorer: { ...s.explorer, rows } };
    });
  },
  targetError(p: EventPayload<'pipelines.targetError'>) {
    if (p.error.kind === 'cancelled') return;
    useAppStore.setState((s) => ({ explorer: { ...s.explorer, errors: [...s.explorer.errors, { target: p.target, error: p.error }] } }));
  },
};
