// Subscribes every store to the main process's events for the app's lifetime:
// each feature routes its own events (…-actions.ts), so the renderer never polls.
import { useEffect } from 'react';
import { api } from '../api/current';
import { subscribeAppEvents } from './actions';
import { subscribeAccountsEvents } from '../features/accounts/accounts-actions';
import { subscribeExplorerEvents } from '../features/explorer/explorer-actions';
import { subscribeArtifactsEvents } from '../features/artifacts/artifacts-actions';
import { subscribeExecutionsEvents } from '../features/executions/executions-actions';
import { subscribeReleasesEvents } from '../features/releases/releases-actions';

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
