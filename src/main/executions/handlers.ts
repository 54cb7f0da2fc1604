// Executions, as a feature: watch pipelines (one watcher per pipeline, shared by
// every window; a window's subscriptions end when it goes), read history and
// timelines, drive executions, answer approvals, and say when something needs
// attention: an approval starts waiting, or a watched execution finishes.
import type { MethodName } from '../../shared/api/contract';
import { FINAL_STATUSES, pipelineKey, type Approval, type PipelineLiveState, type PipelineRef } from '../../shared/api/executions';
import { waitingApprovals } from '../../shared/executions/approvals';
import { confirm } from '../../shared/safety/confirmation';
import { AppError } from '../../shared/api/errors';
import type { ProfileInfo } from '../aws/profiles';
import type { ExecutionsService } from './service';
import type { Events, HandlerSlice, Jobs } from '../rpc/handler-slice';

type ExecutionsMethods = Extract<MethodName, `executions.${string}` | `approvals.${string}` | 'transitions.set'>;

export interface ExecutionsDeps {
  executions: ExecutionsService;
  /** The workspace's (profile, region) pairs, read when the workspace is watched or approvals listed. */
  targets: () => Array<{ profile: ProfileInfo; region: string }>;
  jobs: Jobs;
  events: Events;
  /** Subscribes to window and socket departures. */
  onDeparture: (listener: (clientId: string) => void) => void;
}

const refOf = ({ profile, region, name }: PipelineRef): PipelineRef => ({ profile, region, name });

export function executionsFeature({ executions, targets, jobs, events, onDeparture }: ExecutionsDeps): {
  handlers: HandlerSlice<ExecutionsMethods>;
} {
  // What each pipeline looked like last time, to tell when an approval starts waiting or a run ends.
  const seen = new Map<string, PipelineLiveState>();
  executions.onUpdate((state) => {
    events.emit('execution.updated', state);
    const before = seen.get(pipelineKey(state.ref));
    seen.set(pipelineKey(state.ref), state);
    if (!before || state.error) return;
    const account = executions.accountView(state.ref);
    const id = (a: Approval) => `${a.stageName}/${a.actionName}/${a.executionId}`;
    const waitingBefore = new Set(waitingApprovals(before, account).map(id));
    for (const a of waitingApprovals(state, account)) if (!waitingBefore.has(id(a))) events.emit('approval.waiting', a);
    const latest = state.latest;
    if (latest && FINAL_STATUSES.has(latest.status) && (before.latest?.id !== latest.id || !FINAL_STATUSES.has(before.latest.status)))
      events.emit('execution.finished', { ref: state.ref, execution: latest });
  });
  // Watch calls still waiting for the identity checks, by client. A departure drops the client's
  // watches as they are now, so it also marks these: one that resumed afterwards and registered would
  // poll for no one, for ever (nothing departs twice). Marked rather than asked "is it attached?": an
  // Electron window's reloaded page attaches again under the same id, and the old page's calls are not its.
  const waitingWatches = new Map<string, Set<{ departed: boolean }>>();
  onDeparture((clientId) => {
    executions.engine.dropSubscriber(clientId);
    for (const call of waitingWatches.get(clientId) ?? []) call.departed = true;
    waitingWatches.delete(clientId);
  });
  /** Waits for the accounts to be known; false when the client departed meanwhile. */
  const knowAccountsFor = async (clientId: string): Promise<boolean> => {
    const call = { departed: false };
    const waiting = waitingWatches.get(clientId) ?? new Set();
    waitingWatches.set(clientId, waiting.add(call));
    try {
      await executions.knowAccounts();
    } finally {
      waiting.delete(call);
      if (!waiting.size && waitingWatches.get(clientId) === waiting) waitingWatches.delete(clientId);
    }
    return !call.departed;
  };

  return {
    handlers: {
      // The account is known before the state is shown, so the word a page asks for is decided by account from the first update.
      'executions.state': async (ref) => {
        await executions.knowAccounts();
        return executions.state(refOf(ref));
      },
      'executions.watch': async ({ opened, ...ref }, ctx) => {
        if (!(await knowAccountsFor(ctx.clientId)))
          throw new AppError('CANCELLED', `The window that asked to watch ${ref.name} has gone; nothing is watched for it.`);
        return { state: executions.withProductionWord(executions.engine.watch(refOf(ref), ctx.clientId, { opened })) };
      },
      'executions.unwatch': (ref, ctx) => {
        executions.engine.unwatch(refOf(ref), ctx.clientId);
        return { ok: true as const };
      },
      'executions.watchWorkspace': (_input, ctx) => {
        const pairs = targets();
        const jobId = jobs.start('executions.watchWorkspace', ctx.clientId, async (job) => {
          let done = 0;
          const failed: string[] = [];
          job.progress(0, pairs.length, `0 of ${pairs.length} targets`);
          await Promise.all(
            pairs.map(async (t) => {
              try {
                const names = await executions.pipelineNames({ profile: t.profile.name, region: t.region }, job.signal);
                // The client departed meanwhile (its job was cancelled): watches made now would outlive it.
                if (job.signal.aborted) return;
                for (const name of names) {
                  const known = executions.engine.watch({ profile: t.profile.name, region: t.region, name }, ctx.clientId, { opened: false, workspace: true });
                  // A watcher another window (or this window's page before a reload) started tells only of changes: without this,
                  // a pipeline that does not change shows no live state here (nor whether it is event-driven) until it does.
                  if (known) events.emit('execution.updated', executions.withProductionWord(known));
                }
              } catch {
                // The explorer shows why a target cannot be listed; here it is named in the job's message.
                failed.push(`${t.profile.name} / ${t.region}`);
              }
              done++;
              job.progress(done, pairs.length, `${done} of ${pairs.length} targets${failed.length ? `; not watched: ${failed.join(', ')}` : ''}`);
            }),
          );
        });
        return { jobId };
      },
      'executions.list': ({ maxResults, nextToken, ...ref }) => executions.list(refOf(ref), { maxResults, nextToken }),
      'executions.get': ({ executionId, ...ref }) => executions.get(refOf(ref), executionId),
      'executions.start': async ({ variables, sourceRevisions, ...ref }) => ({
        executionId: await executions.start(refOf(ref), { variables, sourceRevisions }),
      }),
      'executions.stop': async ({ executionId, reason, abandon, confirmation, ...ref }) => {
        const r = refOf(ref);
        // Production is decided with the account's identity checked now, not with what this window was shown.
        await executions.stop(r, executionId, reason, abandon, confirm({ kind: 'stop', target: await executions.resolveTarget(r) }, { words: [confirmation] }));
        return { ok: true as const };
      },
      'executions.retry': async ({ executionId, stage, allActions, ...ref }) => ({
        executionId: await executions.retry(refOf(ref), executionId, stage, allActions),
      }),
      'executions.rollback': async ({ stage, targetExecutionId, ...ref }) => ({ executionId: await executions.rollback(refOf(ref), stage, targetExecutionId) }),
      'executions.overrideCondition': async ({ stage, executionId, conditionType, ...ref }) => {
        await executions.overrideCondition(refOf(ref), stage, executionId, conditionType);
        return { ok: true as const };
      },
      'transitions.set': async ({ stage, type, enabled, reason, ...ref }) => {
        await executions.setTransition(refOf(ref), stage, type, enabled, reason);
        return { ok: true as const };
      },
      'approvals.list': () => executions.approvals(targets()),
      'approvals.answer': async ({ stage, action, executionId, status, summary, confirmation, ...ref }) => {
        const r = refOf(ref);
        return executions.answer(
          r,
          { stage, action, executionId, status, summary },
          confirm({ kind: 'approval', target: await executions.resolveTarget(r) }, { words: [confirmation] }),
        );
      },
    },
  };
}
