// Store actions. Those that talk to the main process go through the one ApiClient;
// any failure becomes an error toast instead of an unhandled rejection.
import { ApiCallError } from '../../../shared/api/errors';
import type { JobInfo, MethodInput, MethodName, MethodOutput } from '../../../shared/api/contract';
import type { ApiClient } from '../../../shared/api/client';
import { SECTION_IDS, type SectionId, type SettingsPatch } from '../../../shared/api/settings';
import { api } from '../api/current';
import { useAppStore, type Toast } from './store';
import type { ConnectionState } from '../api';
import type { PipelineRef } from '../../../shared/api/executions';

let toastSeq = 0;
const set = useAppStore.setState;

export function pushToast(level: Toast['level'], message: string): void {
  const id = ++toastSeq;
  // The same words twice (two events for one save, say) show once, as the newest.
  set((s) => ({ toasts: [...s.toasts.filter((t) => t.level !== level || t.message !== message).slice(-4), { id, level, message }] }));
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

export function goTo(section: SectionId, opts: { keepHash?: boolean } = {}): void {
  if (useAppStore.getState().section === section) return;
  // An error is about what was being done where it happened: it does not follow the user to another section.
  set((s) => ({ section, toasts: s.toasts.filter((t) => t.level !== 'error') }));
  if (!opts.keepHash && location.hash !== `#/${section}`) history.replaceState(null, '', `#/${section}`);
  void updateSettings({ ui: { lastSection: section } }, { quiet: true });
}

/**
 * Opens a live pipeline in the designer from another section (the explorer's
 * details). The request goes through the shell, so the explorer needs nothing
 * of the designer (which loads when first opened, and lists the explorer's rows).
 */
export function openInDesigner(ref: PipelineRef): void {
  set({ designerRequest: ref });
  goTo('designer');
}

/** The designer's side: the pipeline it was asked to open, taken once. */
export function takeDesignerRequest(): PipelineRef | null {
  const ref = useAppStore.getState().designerRequest;
  if (ref) set({ designerRequest: null });
  return ref;
}

export async function loadInitial(): Promise<void> {
  try {
    await startShell({ first: true });
  } catch (err) {
    reportError(err);
  }
}

/**
 * The shell's start-up: its state, then `app.ready` (the server delivers the events it held,
 * which apply on top). Read again when events were dropped before ready. At the first start the
 * section comes from the link or the settings; a restart (a session that expired) stays where
 * the user is. Throws when it fails.
 */
export async function startShell(opts: { first: boolean }): Promise<void> {
  const read = async (pickSection: boolean) => {
    const [info, settingsView, sandbox, jobs] = await Promise.all([
      api().invoke('app.info', {}),
      api().invoke('settings.get', {}),
      api().invoke('sandbox.status', {}),
      api().invoke('jobs.list', {}),
    ]);
    const fromHash = location.hash.replace(/^#\//, '').split('/')[0];
    const section = pickSection ? (SECTION_IDS.find((s) => s === fromHash) ?? settingsView.settings.ui.lastSection) : useAppStore.getState().section;
    set({ info, settingsView, sandbox, section, jobs: Object.fromEntries(jobs.jobs.map((j) => [j.jobId, j])) });
  };
  await read(opts.first);
  const ready = await api().invoke('app.ready', {});
  if (ready.dropped > 0) await read(false);
}

/** Saves a settings patch; false (with the error shown) when it was refused, so a form can keep its draft. */
export async function updateSettings(patch: SettingsPatch, opts: { quiet?: boolean } = {}): Promise<boolean> {
  const view = await call('settings.update', patch);
  if (!view) return false;
  set({ settingsView: view });
  if (!opts.quiet) pushToast('info', 'Settings saved.');
  return true;
}

export async function reseedSandbox(seed: 'demo' | 'empty'): Promise<void> {
  const started = await call('sandbox.reseed', { seed });
  if (!started) return;
  const job: JobInfo = {
    jobId: started.jobId,
    kind: 'sandbox.reseed',
    status: 'running',
    done: 0,
    total: null,
    message: null,
    startedAt: new Date().toISOString(),
  };
  set((s) => ({ jobs: { ...s.jobs, [job.jobId]: job } }));
}

export async function startSandbox(): Promise<void> {
  const status = await call('sandbox.start', { seed: 'demo' });
  if (status) set({ sandbox: status });
}

export async function stopSandbox(): Promise<void> {
  const status = await call('sandbox.stop', {});
  if (status) set({ sandbox: status });
}

export async function cancelJob(jobId: string): Promise<void> {
  await call('jobs.cancel', { jobId });
}

/** The shell's events: jobs, settings, the sandbox and notices. */
export function subscribeAppEvents(a: ApiClient): Array<() => void> {
  return [
    a.on('job.progress', (p) => {
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
    }),
    a.on('job.finished', (p) => {
      set((s) => {
        const prev = s.jobs[p.jobId];
        return prev ? { jobs: { ...s.jobs, [p.jobId]: { ...prev, status: p.status, message: p.error ?? prev.message } } } : s;
      });
      if (p.status === 'failed') pushToast('error', `${p.kind} failed: ${p.error ?? 'unknown error'}`);
    }),
    a.on('settings.changed', (p) => set({ settingsView: p })),
    a.on('sandbox.changed', (p) => set({ sandbox: p })),
    a.on('app.notice', (p) => pushToast(p.level, p.message)),
  ];
}
