// Executions as other parts of the renderer see it: the page, loaded when first
// opened; opening a pipeline's live view (from the explorer, the release board or
// a #/executions/… link); the workspace watch the explorer's rows follow (and how
// each pipeline's status arrives: events or polling); and
// its event routing and reset.
import { lazy } from 'react';

export const ExecutionsPage = lazy(() => import('./ExecutionsPage').then((m) => ({ default: m.ExecutionsPage })));
export { openFromHash, openPipeline, resubscribeExecutions, subscribeExecutionsEvents, watchWorkspace } from './executions-actions';
export { resetExecutionsStore, useWatchedState } from './executions-store';
