// The explorer's state: the rows streamed in by the load job, the targets that
// failed, the view (search, filter, grouping, sort) and the selected pipeline.
import { create } from 'zustand';
import type { PipelineDetails, PipelineRow, TargetRef } from '../../../../shared/api/pipelines';

export type SortKey = 'name' | 'account' | 'region' | 'type' | 'mode' | 'status' | 'started' | 'duration';

export interface ExplorerState {
  rows: Record<string, PipelineRow>;
  errors: Array<{ target: TargetRef; error: { kind: string; code: string; message: string } }>;
  jobId: string | null;
  loadedOnce: boolean;
  search: string;
  status: string;
  groupBy: 'none' | 'account' | 'region';
  sort: { key: SortKey; dir: 1 | -1 };
  selectedId: string | null;
  details: PipelineDetails | null;
  detailsLoading: boolean;
}

const initial: ExplorerState = {
  rows: {},
  errors: [],
  jobId: null,
  loadedOnce: false,
  search: '',
  status: '',
  groupBy: 'none',
  sort: { key: 'name', dir: 1 },
  selectedId: null,
  details: null,
  detailsLoading: false,
};

export const useExplorerStore = create<ExplorerState>()(() => ({ ...initial }));

export function resetExplorerStore(): void {
  useExplorerStore.setState({ ...initial }, true);
}
