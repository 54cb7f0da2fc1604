// The one hook that routes every main-process event into the store.
import { useEffect } from 'react';
import { api } from '../api/current';
import { onEvent } from './actions';

export function useApiEvents(): void {
  useEffect(() => {
    const a = api();
    const offs = [
      a.on('job.progress', onEvent.jobProgress),
      a.on('job.finished', onEvent.jobFinished),
      a.on('settings.changed', onEvent.settingsChanged),
      a.on('sandbox.changed', onEvent.sandboxChanged),
      a.on('app.notice', onEvent.notice),
    ];
    return () => offs.forEach((off) => off());
  }, []);
}
