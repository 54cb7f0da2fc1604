// Starting over when the browser-mode server lost this page's session (away
// longer than the grace period: a fresh session, not ready, with none of the
// old one's watches or jobs) or events it had not seen: the shell's start-up
// again (`app.ready` makes the new client ready), then each feature's
// server-side subscriptions and the state its missed events would have changed.
// The same list as useApiEvents: a feature that subscribes to something on the
// server says here how it does so again. Rejects when the page could not start
// over; the transport then shows the page as lost (reload).
import type { ResyncReason } from '../api';
import { pushToast, startShell } from './actions';
import { useAppStore } from './store';
import { resubscribeAccounts } from '../features/accounts';
import { resubscribeExplorer } from '../features/explorer';
import { resubscribeArtifacts } from '../features/artifacts';
import { resubscribeExecutions } from '../features/executions';
import { resubscribeReleases } from '../features/releases';

export async function resyncSession(reason: ResyncReason): Promise<void> {
  // Jobs running when the page went: an expired session's owned jobs were cancelled with it.
  const running = new Set(
    Object.values(useAppStore.getState().jobs)
      .filter((j) => j.status === 'running')
      .map((j) => j.jobId),
  );
  await startShell({ first: false });
  await Promise.all([resubscribeAccounts(), resubscribeExplorer(running), resubscribeArtifacts(running), resubscribeExecutions(), resubscribeReleases()]);
  pushToast(
    'info',
    reason === 'expired'
      ? 'Reconnected after a long break: the server had closed this page’s session, so the page started it again.'
      : 'Reconnected: some updates were missed, so the page read its state again.',
  );
}
