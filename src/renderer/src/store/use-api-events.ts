// Subscribes every store to the main process's events for the app's lifetime:
// each feature routes its own events (…-actions.ts), so the renderer never polls.
import { useEffect } from 'react';
import { api } from '../api/current';
import { subscribeAppEvents } from './actions';
import { subscribeAccountsEvents } from '../features/accounts';
import { subscribeExplorerEvents } from '../features/explorer';
import { subscribeArtifactsEvents } from '../features/artifacts';
import { subscribeExecutionsEvents } from '../features/executions';
import { subscribeReleasesEvents } from '../features/releases';

export function useApiEvents(): void {
  useEffect(() => {
    const a = api();
    const offs = [
      ...subscribeAppEvents(a),
      ...subscribeAccountsEvents(a),
      ...subscribeExplorerEvents(a),
      ...subscribeArtifactsEvents(a),
      ...subscribeExecutionsEvents(a),
      ...subscribeReleasesEvents(a),
    ];
    return () => offs.forEach((off) => off());
  }, []);
}
