// Store actions. Those that talk to the main process go through the one ApiClient;
// any failure becomes an error toast instead of an unhandled rejection.
import { ApiCallError } from '../../../shared/api/errors';
import type { EventPayload, JobInfo, MethodInput, MethodName, MethodOutput } from '../../../shared/api/contract';
import { SECTION_IDS, type SectionId, type SettingsPatch } from '../../../shared/api/settings';
import { api } from '../api/current';
import { useAppStore, type Toast } from './store';
import type { ConnectionState } from '../api';

let toastSeq = 0;
const set = useAppStore.setState;

export function pushToast(level: Toast['level'], message: string): void {
  const id = ++toastSeq;
  set((s) => ({ toasts: [...s.toasts.slice(-4), { id, level, message }] }));
  if (level !== 'error') setTimeout(() => dismissToast(id), 6000);
}

/**
 * Calls the main process: the result, or `undefined` once a failure has become an
 * error toast. Every action that talks to the main process goes through here.
 */
export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M> | undefined> {
  try {
    return await api().invoke(method, input);
  } catch (err) {
    reportError(err);
    return undefined;
  }
}

export function dismissToast(id: number): void {
  set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

export function reportError(err: unknown): void {
  const message =
    err instanceof ApiCallError ? `${err.message}${err.code === 'INVALID_INPUT' ? ' (invalid input)' : ''}` : err instanceof Error ? err.message : String(err);
  pushToast('error', message);
}

export function setConnection(state: ConnectionState): void {
  set({ connection: state });
}

export function goTo(section: SectionId): void {
  if (useAppStore.getState().section === section) return;
  set({ section });
  if (location.hash !== `#/${section}`) history.replaceState(null, '', `#/${section}`);
  void updateSettings({ ui: { lastSection: section } }, { quiet: true });
}

export async function loadInitial(): Promise<void> {
  try {
    const [info, settingsView, sandbox, jobs] = await Promise.all([
      api().invoke('app.info', {}),
      api().invoke('settings.get', {}),
      api().invoke('sandbox.status', {}),
      api().invoke('jobs.list', {}),
    ]);
    const fromHash = location.hash.replace(/^#\//, '');
    const section = SECTION_IDS.find((s) => s === fromHash) ?? settingsView.settings.ui.lastSection;
    set({ info, settingsView, sandbox, section, jobs: Object.fromEntries(jobs.jobs.map((j) => [j.jobId, j])) });
    await api().invoke('app.ready', {});
  } catch (err) {
    reportError(err);
  }
}

/** Saves a settings patch; false (with the error shown) when it was refused, so a form can keep its draft. */
export async function updateSettings(patch: SettingsPatch, opts: { quiet?: boolean } = {}): Promise<boolean> {
  try {
    const view = await api().invoke('settings.update', patch);
    set({ settingsView: view });
    if (!opts.quiet) pushToast('info', 'Settings saved.');
    return true;
  } catch (err) {
    reportError(err);
    return false;
  }
}

export async function reseedSandbox(seed: 'demo' | 'empty'): Promise<void> {
  try {
    const { jobId } = await api().invoke('sandbox.reseed', { seed });
    set((s) => ({
      jobs: {
        ...s.jobs,
        [jobId]: { jobId, kind: 'sandbox.reseed', status: 'running', done: 0, total: null, message: null, startedAt: new Date().toISOString() },
      },
    }));
  } catch (err) {
    reportError(err);
  }
}

export async function cancelJob(jobId: string): Promise<void> {
  await call('jobs.cancel', { jobId });
}

// Event handlers, called by useApiEvents.
export const onEvent = {
  jobProgress(p: EventPayload<'job.progress'>) {
    set((s) => {
      const prev: JobInfo = s.jobs[p.jobId] ?? {
        jobId: p.jobId,
        kind: p.kind,
        status: 'running',
        done: 0,
        total: null,
        message: null,
        startedAt: new Date().toISOString(),
      };
      return { jobs: { ...s.jobs, [p.jobId]: { ...prev, done: p.done, total: p.total, message: p.message } } };
    });
  },
  jobFinished(p: EventPayload<'job.finished'>) {
    set((s) => {
      const prev = s.jobs[p.jobId];
      return prev ? { jobs: { ...s.jobs, [p.jobId]: { ...prev, status: p.status, message: p.error ?? prev.message } } } : s;
    });
    if (p.status === 'failed') pushToast('error', `${p.kind} failed: ${p.error ?? 'unknown error'}`);
  },
  settingsChanged(p: EventPayload<'settings.changed'>) {
    set({ settingsView: p });
  },
  sandboxChanged(p: EventPayload<'sandbox.changed'>) {
    set({ sandbox: p });
  },
  notice(p: EventPayload<'app.notice'>) {
    pushToast(p.level, p.message);
  },
};
