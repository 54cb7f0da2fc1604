// Releases actions: list, open (board, log), edit and save a release file,
// start one from live pipelines, promote, approve together, stop, drift; and
// the routing of release and execution events into the open board.
import type { ApiClient } from '../../../../shared/api/client';
import type { MethodInput } from '../../../../shared/api/contract';
import { pipelineKey, type PipelineLiveState } from '../../../../shared/api/executions';
import { waitingApprovals } from '../../../../shared/executions/approvals';
import type { BoardCell, Promotion } from '../../../../shared/api/releases';
import { call, pushToast } from '../../store/actions';
import { api } from '../../api/current';
import { useReleasesStore, type ReleaseTab } from './releases-store';

const set = useReleasesStore.setState;
const get = useReleasesStore.getState;
const cellKey = (c: Pick<BoardCell, 'profile' | 'region' | 'pipeline'>) => pipelineKey({ profile: c.profile, region: c.region, name: c.pipeline });
/** The board's pipelines are watched in the background by this window while it is open. */
let watched: BoardCell[] = [];

export const NEW_RELEASE_TEMPLATE = `version: 1
application: my-app
environments:
  - name: dev
    targets:
      - { profile: PROFILE, region: us-east-1, pipeline: PIPELINE }
  - name: prod
    targets:
      - { profile: PROFILE, region: us-east-1, pipeline: PIPELINE }
waves: [[dev], [prod]]
gates:
  prod: { after: dev, requireSuccess: true, manualConfirmation: true }
`;

export async function loadReleases(): Promise<void> {
  const r = await call('releases.list', {});
  if (!r) return;
  set({ list: r.releases });
  // The first release opens by itself: the board is what people come for.
  if (!get().opened && !get().editing && r.releases[0]) await openRelease(r.releases[0].application);
}

export async function openRelease(application: string): Promise<void> {
  set({ opened: application, board: null, history: [], drift: null, editing: null, tab: get().tab === 'definition' ? 'board' : get().tab });
  await Promise.all([loadBoard(), loadHistory()]);
}

function unwatchAll(): void {
  for (const c of watched)
    void api()
      .invoke('executions.unwatch', { profile: c.profile, region: c.region, name: c.pipeline })
      .catch(() => undefined);
  watched = [];
}

export async function loadBoard(): Promise<void> {
  const application = get().opened;
  if (!application) return;
  set({ boardLoading: true });
  const board = await call('releases.board', { application });
  if (get().opened !== application) return;
  set({ board: board ?? get().board, boardLoading: false });
  if (!board) return;
  // Live from here on: each target's watcher says when it runs, waits or finishes.
  unwatchAll();
  const cells = board.environments.flatMap((e) => e.targets.filter((t) => !t.problem));
  watched = cells;
  set({ unwatched: null });
  const results = await Promise.allSettled(
    cells.map((c) => api().invoke('executions.watch', { profile: c.profile, region: c.region, name: c.pipeline, opened: false })),
  );
  // A refused watch (past the window's cap, say) leaves that cell unrefreshed: say so rather than look live.
  const refused = results.flatMap((r): unknown[] => (r.status === 'rejected' ? [r.reason] : []));
  if (refused.length && get().opened === application)
    set({ unwatched: { count: refused.length, of: cells.length, reason: refused[0] instanceof Error ? refused[0].message : String(refused[0]) } });
}

/** The server lost this window's session (or events): the open board is read and watched again, and its log read. */
export async function resubscribeReleases(): Promise<void> {
  if (!get().opened) return;
  await Promise.all([loadBoard(), loadHistory()]);
}

export async function loadHistory(): Promise<void> {
  const application = get().opened;
  if (!application) return;
  const r = await call('releases.history', { application });
  if (r && get().opened === application) set({ history: r.entries });
}

export function setReleaseTab(tab: ReleaseTab): void {
  set({ tab });
  if (tab === 'definition' && get().opened && !get().editing) void editRelease();
}

// ---- Editing ---------------------------------------------------------------

export function newRelease(text = NEW_RELEASE_TEMPLATE): void {
  unwatchAll();
  set({ opened: null, board: null, editing: { text, errors: [], isNew: true }, tab: 'definition' });
  void checkText(text);
}

export async function editRelease(): Promise<void> {
  const application = get().opened;
  if (!application) return;
  const r = await call('releases.get', { application });
  if (r) set({ editing: { text: r.text, errors: [], isNew: false }, tab: 'definition' });
}

let checkSeq = 0;
/** Checks the editor's text as the CLI would (errors with lines), without saving. */
export async function checkText(text: string): Promise<void> {
  const seq = ++checkSeq;
  set((s) => ({ editing: s.editing ? { ...s.editing, text } : { text, errors: [], isNew: true } }));
  const r = await api()
    .invoke('releases.parse', { text })
    .catch(() => null);
  if (r && seq === checkSeq) set((s) => ({ editing: s.editing ? { ...s.editing, errors: r.errors } : null }));
}

export async function saveRelease(): Promise<boolean> {
  const editing = get().editing;
  if (!editing) return false;
  const r = await call('releases.save', { text: editing.text });
  if (!r) return false;
  if (r.problems.length)
    pushToast('warning', `Saved ${r.release.application}, but ${r.problems.map((p) => `${p.environment}: ${p.problem.message}`).join(' ')}`);
  else pushToast('info', `Saved ${r.release.application}: every target was found.`);
  await loadReleases();
  set({ editing: null, tab: 'board' });
  await openRelease(r.release.application);
  return true;
}

export function cancelEdit(): void {
  set({ editing: null, tab: 'board' });
  if (!get().opened) void loadReleases();
}

/** A release file from live pipelines, into the editor (not saved yet). */
export async function initFromLive(input: MethodInput<'releases.init'>): Promise<boolean> {
  const r = await call('releases.init', input);
  if (!r) return false;
  newRelease(r.text);
  return true;
}

// ---- Promoting -------------------------------------------------------------

export async function promote(input: Omit<MethodInput<'releases.promote'>, 'application'>): Promise<{ blocked: string | null; ok: boolean }> {
  const application = get().opened;
  if (!application) return { blocked: null, ok: false };
  const r = await call('releases.promote', { application, ...input });
  if (!r) return { blocked: null, ok: false };
  if (r.blocked) return { blocked: r.blocked.reason, ok: false };
  if (r.promotion) {
    upsertPromotion(r.promotion);
    pushToast('info', `${r.resumed ? 'Resumed' : 'Started'} the promotion of ${input.environment}.`);
  }
  return { blocked: null, ok: true };
}

export async function approvePromotion(promotionId: string, confirmation: string): Promise<boolean> {
  const application = get().opened;
  if (!application) return false;
  const r = await call('releases.approve', { application, promotionId, confirmation });
  if (!r) return false;
  pushToast('info', `Approved ${r.approved}${r.rejected ? `, rejected ${r.rejected} older run(s) that held the way` : ''}.`);
  return true;
}

export async function stopPromotion(promotionId: string, reason: string): Promise<void> {
  const application = get().opened;
  if (!application) return;
  const p = await call('releases.stop', { application, promotionId, reason });
  if (p) upsertPromotion(p);
}

export async function loadDrift(from: string, to: string): Promise<void> {
  const application = get().opened;
  if (!application) return;
  set({ driftLoading: true });
  const d = await call('releases.diff', { application, from, to });
  set({ drift: d ?? null, driftLoading: false });
}

function upsertPromotion(p: Promotion): void {
  set((s) =>
    s.board && s.board.application === p.application ? { board: { ...s.board, promotions: [p, ...s.board.promotions.filter((x) => x.id !== p.id)] } } : {},
  );
}

/** A watched target's state, folded into its board cell: what runs, what waits, and a new successful revision. */
function applyLive(state: PipelineLiveState): void {
  const board = get().board;
  if (!board || state.error) return;
  const key = pipelineKey(state.ref);
  let touched = false;
  const environments = board.environments.map((e) => ({
    ...e,
    targets: e.targets.map((c) => {
      if (cellKey(c) !== key) return c;
      touched = true;
      const latest = state.latest;
      const succeeded = latest?.status === 'Succeeded';
      return {
        ...c,
        executionId: latest?.id ?? c.executionId,
        status: latest?.status ?? c.status,
        approvalWaiting: waitingApprovals(state, { accountId: c.account, accountAlias: null, production: false }).length > 0,
        ...(succeeded && latest && latest.id !== c.deployedExecutionId
          ? {
              deployedExecutionId: latest.id,
              deployedAt: latest.lastUpdateTime,
              revisions: latest.sourceRevisions,
              revisionId: latest.sourceRevisions[0]?.revisionId ?? null,
              revisionSummary: latest.sourceRevisions[0]?.revisionSummary ?? null,
            }
          : {}),
      };
    }),
  }));
  if (!touched) return;
  // Whether each environment runs what the one before it runs.
  const revisionsOf = new Map(environments.map((e) => [e.name, new Set(e.targets.map((t) => t.revisionId))]));
  set({
    board: {
      ...board,
      environments: environments.map((e) => ({
        ...e,
        behindPrevious: !!e.previous && e.targets.some((t) => !revisionsOf.get(e.previous!)?.has(t.revisionId)),
      })),
    },
  });
}

export function subscribeReleasesEvents(a: ApiClient): Array<() => void> {
  return [
    a.on('release.updated', (c) => {
      if (c.application !== get().opened) return;
      if (c.promotion) {
        const before = get().board?.promotions.find((p) => p.id === c.promotion!.id);
        upsertPromotion(c.promotion);
        // A finished promotion changes gates and drift: read the board again.
        if (before?.status === 'running' && c.promotion.status !== 'running') void loadBoard();
      }
      if (c.log) set((s) => ({ history: [...s.history, c.log!] }));
    }),
    a.on('execution.updated', applyLive),
  ];
}
