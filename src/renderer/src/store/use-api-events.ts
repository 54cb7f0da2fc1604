// The one hook that routes every main-process event into the store.
import { useEffect } from 'react';
import { api } from '../api/current';
import { onEvent } from './actions';
import { loadAccounts, onAccountsEvent } from '../features/accounts/accounts-actions';
import { onExplorerEvent } from '../features/explorer/explorer-actions';
import { onArtifactsEvent } from '../features/artifacts/artifacts-store';

export function useApiEvents(): void {
  useEffect(() => {
    const a = api();
    const offs = [
      a.on('job.progress', onEvent.jobProgress),
      a.on('job.finished', onEvent.jobFinished),
      a.on('settings.changed', onEvent.settingsChanged),
      a.on('sandbox.changed', (p) => {
        onEvent.sandboxChanged(p);
        void loadAccounts();
      }),
      a.on('app.notice', onEvent.notice),
      a.on('accounts.changed', onAccountsEvent.changed),
      a.on('accounts.mfaPrompt', onAccountsEvent.mfaPrompt),
      a.on('accounts.ssoPrompt', onAccountsEvent.ssoPrompt),
      a.on('pipelines.batch', onExplorerEvent.batch),
      a.on('pipelines.targetError', onExplorerEvent.targetError),
      a.on('artifacts.report', onArtifactsEvent.report),
      a.on('artifacts.cleanResult', onArtifactsEvent.cleanResult),
    ];
    return () => offs.forEach((off) => off());
  }, []);
}
