// Executions actions: open a pipeline live (one watch at a time in this window),
// history and timeline, the controls, the approval inbox, the workspace watch;
// and the routing of execution events into the store, with notifications.
import type { ApiClient } from '../../../../shared/api/client';
import type { MethodInput } from '../../../../shared/api/contract';
import { FINAL_STATUSES, pipelineKey, type Approval, type PipelineRef } from '../../../../shared/api/executions';
import { call, goTo, pushToast, updateSettings } from '../../store/actions';
import { api } from '../../api/current';
import { useAppStore } from '../../store/store';
import { notify, requestNotifications } from '../../lib/notify';
import { useExecutionsStore } from './executions-store';

const set = useExecutionsStore.setState;
const get = useExecutionsStore.getState;
const refOf = (r: PipelineRef): PipelineRef => ({ profile: r.profile, region: r.region, name: r.name });

/** The deep link of a pipeline's live view. */
export const liveViewHash = (r: PipelineRef) => `#/executions/${[r.profile, r.region, r.name].map(encodeURIComponent).join('/')}`;

/** Opens a pipeline in the live view: watched fast while open; the previous one is let go. */
export async function openPipeline(ref: PipelineRef, opts: { navigate?: boolean } = {}): Promise<void> {
  const prev = get().opened;
  if (prev && pipelineKey(prev) === pipelineKey(ref)) return;
  if (prev) void call('executions.unwatch', refOf(prev));
  set({ opened: refOf(ref), details: null, latestRuns: null, history: { executions: [], nextToken: null, loading: false, status: '', trigger: '' } });
  if (opts.navigate !== false) {
    goTo('executions');
    if (location.hash !== liveViewHash(ref)) history.replaceState(null, '', liveViewHash(ref));
  }
  const r = await call('executions.watch', { ...refOf(ref), opened: true });
  if (r?.state) set((s) => ({ live: { ...s.live, [pipelineKey(ref)]: r.state! } }));
  void loadHistory();
  void loadLatestRuns();
}

export function closePipeline(): void {
  const prev = get().opened;
  if (prev) void call('executions.unwatch', refOf(prev));
  set({ opened: null, details: null });
  if (location.hash.startsWith('#/executions/')) history.replaceState(null, '', '#/executions');
}

/** `#/executions/PROFILE/REGION/NAME` opens that pipeline (a link from elsewhere, or a reload). */
export function openFromHash(hash = location.hash): boolean {
  const m = /^#\/executions\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(hash);
  if (!m) return false;
  const [profile, region, name] = m.slice(1).map(decodeURIComponent);
  void openPipeline({ profile, region, name }, { navigate: false });
  return true;
}

/** The first page of history (or the next, with `more`). */
export async function loadHistory(more = false): Promise<void> {
  const ref = get().opened;
  if (!ref) return;
  const h = get().history;
  if (more && !h.nextToken) return;
  set({ history: { ...h, loading: true } });
  const page = await call('executions.list', { ...refOf(ref), maxResults: 25, nextToken: more ? (h.nextToken ?? undefined) : undefined });
  if (!page || get().opened !== ref) return set((s) => ({ history: { ...s.history, loading: false } }));
  set((s) => ({
    history: { ...s.history, executions: more ? [...s.history.executions, ...page.executions] : page.executions, nextToken: page.nextToken, loading: false },
  }));
}

/** The open pipeline's latest execution's action runs (when each started, how long it took). Quietly skipped on failure. */
async function loadLatestRuns(): Promise<void> {
  const ref = get().opened;
  const latest = ref ? get().live[pipelineKey(ref)]?.latest : null;
  if (!ref || !latest) return;
  // A finished execution's runs no longer change (a retry changes its status first): read once.
  const have = get().latestRuns;
  if (have?.execution.id === latest.id && have.execution.status === latest.status && FINAL_STATUSES.has(latest.status)) return;
  const runs = await api()
    .invoke('executions.get', { ...refOf(ref), executionId: latest.id })
    .catch(() => null);
  if (runs && get().opened === ref) set({ latestRuns: runs });
}

export function setHistoryFilter(p: { status?: string; trigger?: string }): void {
  set((s) => ({ history: { ...s.history, ...p } }));
}

export async function showExecution(executionId: string | null): Promise<void> {
  const ref = get().opened;
  if (!ref || !executionId) return set({ details: null });
  set({ detailsLoading: true });
  const details = await call('executions.get', { ...refOf(ref), executionId });
  set({ details: details ?? null, detailsLoading: false });
}

type Control<M extends keyof ControlMethods> = Omit<MethodInput<ControlMethods[M]>, 'profile' | 'region' | 'name'>;
interface ControlMethods {
  start: 'executions.start';
  stop: 'executions.stop';
  retry: 'executions.retry';
  rollback: 'executions.rollback';
  transition: 'transitions.set';
  override: 'executions.overrideCondition';
}

/** Each control says what the service answered; a refusal is a toast (call()), and false. */
export async function startExecution(ref: PipelineRef, input: Control<'start'>): Promise<boolean> {
  const r = await call('executions.start', { ...refOf(ref), ...input });
  if (r) pushToast('info', `Started ${ref.name}: execution ${r.executionId}.`);
  void loadHistory();
  return !!r;
}

export async function stopExecution(ref: PipelineRef, input: Control<'stop'>): Promise<boolean> {
  const r = await call('executions.stop', { ...refOf(ref), ...input });
  if (r) pushToast('info', `${input.abandon ? 'Abandoning' : 'Stopping'} ${ref.name} ${input.executionId}.`);
  return !!r;
}

export async function retryStage(ref: PipelineRef, input: Control<'retry'>): Promise<boolean> {
  const r = await call('executions.retry', { ...refOf(ref), ...input });
  if (r) pushToast('info', `Retrying ${input.stage} of ${ref.name} (${input.allActions ? 'all actions' : 'failed actions'}).`);
  return !!r;
}

export async function rollbackStage(ref: PipelineRef, input: Control<'rollback'>): Promise<boolean> {
  const r = await call('executions.rollback', { ...refOf(ref), ...input });
  if (r) pushToast('info', `Rolling ${input.stage} of ${ref.name} back to ${input.targetExecutionId}: execution ${r.executionId}.`);
  void loadHistory();
  return !!r;
}

export async function overrideCondition(ref: PipelineRef, input: Control<'override'>): Promise<boolean> {
  const r = await call('executions.overrideCondition', { ...refOf(ref), ...input });
  if (r) pushToast('info', `Overrode the entry condition of ${input.stage} in ${ref.name}.`);
  return !!r;
}

export async function setTransition(ref: PipelineRef, input: Control<'transition'>): Promise<boolean> {
  const r = await call('transitions.set', { ...refOf(ref), ...input });
  if (r) pushToast('info', `${input.enabled ? 'Enabled' : 'Disabled'} the transition into ${input.stage} of ${ref.name}.`);
  return !!r;
}

export async function answerApproval(
  a: Pick<Approval, 'ref' | 'stageName' | 'actionName' | 'executionId'>,
  status: 'Approved' | 'Rejected',
  summary: string,
  confirmation: string,
): Promise<boolean> {
  const r = await call('approvals.answer', {
    ...refOf(a.ref),
    stage: a.stageName,
    action: a.actionName,
    executionId: a.executionId,
    status,
    summary,
    confirmation,
  });
  if (!r) return false;
  pushToast('info', `${status} ${a.ref.name} / ${a.stageName} / ${a.actionName}.`);
  // The inbox drops it at once; the next read confirms.
  set((s) => ({
    approvals: s.approvals && {
      ...s.approvals,
      approvals: s.approvals.approvals.filter(
        (x) => !(pipelineKey(x.ref) === pipelineKey(a.ref) && x.stageName === a.stageName && x.actionName === a.actionName),
      ),
    },
  }));
  return true;
}

export async function loadApprovals(): Promise<void> {
  set({ approvalsLoading: true });
  const view = await call('approvals.list', {});
  set({ approvalsLoading: false, ...(view ? { approvals: view } : {}) });
}

/** Watches every pipeline of the workspace in the background, once per window. */
export async function watchWorkspace(): Promise<void> {
  if (get().workspaceJob) return;
  const r = await call('executions.watchWorkspace', {});
  if (r) set({ workspaceJob: r.jobId });
}

export function setActivityFilter(filter: ReturnType<typeof get>['filter']): void {
  set({ filter });
}

/** Notifications for this pipeline even when it is not open (a setting). */
export async function setPipelineNotifications(ref: PipelineRef, on: boolean): Promise<void> {
  const current = useAppStore.getState().settingsView?.settings.executions.notify ?? [];
  const key = pipelineKey(ref);
  const next = on ? [...new Set([...current, key])] : current.filter((k) => k !== key);
  await updateSettings({ executions: { notify: next } }, { quiet: true });
}

export async function setDesktopNotifications(on: boolean): Promise<void> {
  if (on) {
    const permission = await requestNotifications();
    if (permission === 'denied' || permission === 'unsupported')
      pushToast('warning', 'Desktop notifications are blocked here; notifications stay in the app as toasts.');
  }
  await updateSettings({ executions: { desktop: on } }, { quiet: true });
}

/** Open pipelines always notify; others only when the user asked for them. */
function notifies(ref: PipelineRef): boolean {
  const opened = get().opened;
  if (opened && pipelineKey(opened) === pipelineKey(ref)) return true;
  return (useAppStore.getState().settingsView?.settings.executions.notify ?? []).includes(pipelineKey(ref));
}

const desktop = () => useAppStore.getState().settingsView?.settings.executions.desktop ?? true;

/**
 * The server lost this window's session (or events it missed): watch again what was watched,
 * and read what the missed events would have changed. Rejects when a watch could not be made.
 */
export async function resubscribeExecutions(): Promise<void> {
  const { opened, workspaceJob, approvals } = get();
  const work: Array<Promise<unknown>> = [];
  if (opened)
    work.push(
      api()
        .invoke('executions.watch', { ...refOf(opened), opened: true })
        .then((r) => {
          if (r.state && get().opened === opened) set((s) => ({ live: { ...s.live, [pipelineKey(opened)]: r.state! } }));
          void loadHistory();
          void loadLatestRuns();
        }),
    );
  if (workspaceJob)
    work.push(
      api()
        .invoke('executions.watchWorkspace', {})
        .then((r) => set({ workspaceJob: r.jobId })),
    );
  if (approvals) void loadApprovals();
  await Promise.all(work);
}

export function subscribeExecutionsEvents(a: ApiClient): Array<() => void> {
  return [
    a.on('execution.updated', (state) => {
      set((s) => ({ live: { ...s.live, [pipelineKey(state.ref)]: state } }));
      const opened = get().opened;
      if (opened && pipelineKey(opened) === pipelineKey(state.ref)) void loadLatestRuns();
    }),
    a.on('approval.waiting', (p) => {
      if (notifies(p.ref)) notify('warning', `Approval waiting: ${p.ref.name} / ${p.stageName} / ${p.actionName}`, desktop());
      if (get().approvals) void loadApprovals();
    }),
    a.on('execution.finished', ({ ref, execution }) => {
      const failed = execution.status === 'Failed';
      if (!notifies(ref)) return;
      notify(
        failed ? 'error' : 'info',
        `${ref.name}: execution ${execution.status.toLowerCase()}${failed && execution.statusSummary ? `: ${execution.statusSummary}` : ''}`,
        desktop(),
      );
      const opened = get().opened;
      if (opened && pipelineKey(opened) === pipelineKey(ref)) void loadHistory();
    }),
  ];
}
