// The executions' state: every watched pipeline's live state (from
// `execution.updated` events; the renderer never polls), the pipeline open in
// the live view with its history and the execution shown on the timeline, and
// the approval inbox.
import { create } from 'zustand';
import {
  pipelineKey,
  type ApprovalsView,
  type ExecutionDetails,
  type ExecutionSummary,
  type PipelineLiveState,
  type PipelineRef,
} from '../../../../shared/api/executions';

export type ActivityFilter = 'all' | 'running' | 'waiting' | 'failed';

export interface ExecutionsState {
  /** By pipeline key ("profile|region|name"). */
  live: Record<string, PipelineLiveState>;
  /** The pipeline shown in the live view. */
  opened: PipelineRef | null;
  history: { executions: ExecutionSummary[]; nextToken: string | null; loading: boolean; status: string; trigger: string };
  /** The open pipeline's latest execution with its action runs: start times and durations on the graph. */
  latestRuns: ExecutionDetails | null;
  /** The execution whose timeline is shown. */
  details: ExecutionDetails | null;
  detailsLoading: boolean;
  approvals: ApprovalsView | null;
  approvalsLoading: boolean;
  /** The workspace is watched in the background (the activity list and the inbox stay current). */
  workspaceJob: string | null;
  filter: ActivityFilter;
}

const initial = (): ExecutionsState => ({
  live: {},
  opened: null,
  history: { executions: [], nextToken: null, loading: false, status: '', trigger: '' },
  latestRuns: null,
  details: null,
  detailsLoading: false,
  approvals: null,
  approvalsLoading: false,
  workspaceJob: null,
  filter: 'all',
});

export const useExecutionsStore = create<ExecutionsState>()(initial);

/**
 * How a watched pipeline's status reaches the app (live updates): its watcher's latest state,
 * whose `watchMode` says events, polling, or polling because events failed. Undefined until
 * a watcher has said (the pipeline is not watched yet, or the app has no live updates).
 */
export const useWatchedState = (ref: PipelineRef): PipelineLiveState | undefined => useExecutionsStore((s) => s.live[pipelineKey(ref)]);

export function resetExecutionsStore(): void {
  useExecutionsStore.setState(initial(), true);
}
