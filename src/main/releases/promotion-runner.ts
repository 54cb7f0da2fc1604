// The promotion runner: the gate checked, the pins planned, each pipeline started once (its idempotency
// token saved before StartPipelineExecution), then followed, resumed after a restart, or stopped.
import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/api/errors';
import type { PipelineLiveState } from '../../shared/api/executions';
import { FINAL_STATUSES } from '../../shared/api/executions';
import type { BoardCell, Promotion } from '../../shared/api/releases';
import type { Confirmed } from '../../shared/safety/confirmation';
import { evaluateGate, planPins, type DeployedRevision, type GateVerdict } from '../../shared/releases/promotion';
import { previousEnvironment, type ReleaseFile } from '../../shared/releases/release-file';
import { describeLeaseHolder } from '../../shared/releases/lease';
import { classifyAwsError } from '../aws/errors';
import type { PromotionGuard, ReleaseExecutions, ReleaseStorage } from './ports';
import type { PromotionApprovals } from './promotion-approvals';
import { evidenceOf, type ReleaseBoardReader } from './release-board';
import type { LogEntry, ReleaseJournal } from './release-journal';
import type { PromotionLease } from './promotion-lock';
import { refOf, waitingIn, where } from './target-refs';

export interface PromoteOptions {
  /** A revision chosen instead of the previous environment's. */
  revision?: string;
  /** The gate's manual confirmation was given. */
  confirmed: boolean;
  /** Start sources that cannot be pinned on their latest revision. */
  allowUnpinned: boolean;
}

export type PromoteOutcome = { kind: 'blocked'; gate: Extract<GateVerdict, { open: false }> } | { kind: 'started'; promotion: Promotion; resumed: boolean };

export interface FollowOptions {
  signal?: AbortSignal;
  /** Answer the promotion's approvals (with the person's confirmation for its environment), and reject older runs' approvals that hold a stage it needs. */
  approve?: { confirmed: Confirmed<'release-approval'> };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Where an execution failed, in words: the stage and action, and the action's error. */
function failureOf(state: PipelineLiveState | null, executionId: string): string | null {
  const stage = state?.stages.find((s) => s.executionId === executionId && s.status === 'Failed');
  if (!stage) return null;
  const action = stage.actions.find((a) => a.status === 'Failed');
  return `${stage.name}${action ? ` / ${action.name}` : ''}${action?.errorDetails?.message ? `: ${action.errorDetails.message}` : action?.summary ? `: ${action.summary}` : ''}`;
}

export class PromotionRunner {
  /** Promotions being followed in this process, by id: one follower each. */
  private following = new Map<string, Promise<Promotion>>();

  constructor(
    private executions: ReleaseExecutions,
    private store: ReleaseStorage,
    private journal: ReleaseJournal,
    private board: ReleaseBoardReader,
    private approvals: PromotionApprovals,
    /** The home's guard: the local promote lock (per application), or a shared release's lease (per environment). */
    private guard: PromotionGuard,
    private opts: { pollMs?: number } = {},
  ) {}

  /** The promotion of this environment still running, if any (it is resumed rather than started again). */
  async running(application: string, environment: string): Promise<Promotion | null> {
    return (await this.store.promotions(application)).find((p) => p.environment === environment && p.status === 'running') ?? null;
  }

  /**
   * Starts the environment's pipelines pinned to the previous environment's
   * succeeded revision (or the chosen one), once the gate is open. A promotion of
   * this environment still running is resumed instead: nothing starts twice.
   * One promote at a time (this process or another) of an application (locally) or of an environment (a shared
   * release's lease): a second is refused, told who holds it.
   */
  promote(release: ReleaseFile, environment: string, o: PromoteOptions): Promise<PromoteOutcome> {
    return this.guard.hold(release.application, environment, (lease) => this.promoteHeld(release, environment, o, lease));
  }

  private async promoteHeld(release: ReleaseFile, environment: string, o: PromoteOptions, lease: PromotionLease): Promise<PromoteOutcome> {
    const existing = await this.running(release.application, environment);
    // A lease taken over from a holder that stopped renewing it (crashed, killed): said before anything else, so
    // the log shows why this process goes on with another's promotion.
    if (lease.tookOver)
      await this.journal.log(release.application, {
        promotionId: existing?.id ?? null,
        environment,
        event: 'lease-taken-over',
        message: `Took over the lease on ${environment} from ${describeLeaseHolder(lease.tookOver)}: it was not renewed after ${lease.tookOver.heartbeatAt} and expired${existing ? `; promotion ${existing.id} goes on from its saved tokens` : ''}.`,
      });
    if (existing) {
      if (o.revision && existing.revision && o.revision !== existing.revision)
        throw new AppError(
          'CONFLICT',
          `A promotion of ${environment} with revision ${existing.revision} is still running (${existing.id}): let it finish or stop it first.`,
        );
      await this.journal.log(release.application, {
        promotionId: existing.id,
        environment,
        event: 'promotion-resumed',
        message: `Resumed promotion to ${environment}.`,
      });
      return { kind: 'started', promotion: await this.startPending(existing, lease), resumed: true };
    }
    // One run for both environments: each profile's account is asked once.
    const run = this.board.newRun();
    const targets = await this.board.readEnvironment(release, environment, run);
    const problems = targets.flatMap((t) => (t.cell.problem ? [t.cell.problem.message] : []));
    if (problems.length) throw new AppError('INVALID_INPUT', `${environment} cannot be promoted:\n${problems.join('\n')}`);

    const previous = previousEnvironment(release, environment);
    const before = previous ? await this.board.readEnvironment(release, previous, run) : [];
    // A chosen revision replaces the previous environment's, not its gate.
    const from = o.revision ? null : previous;
    const gate = release.gates?.[environment];
    const verdict = evaluateGate(environment, gate, before.map(evidenceOf), { now: Date.now(), confirmed: o.confirmed });
    if (!verdict.open) {
      await this.journal.log(release.application, {
        promotionId: null,
        environment,
        event: 'gate-blocked',
        message: `Gate into ${environment}: ${verdict.reason}.`,
      });
      return { kind: 'blocked', gate: verdict };
    }

    // The revision to pin rests on reading every target of the environment before: one that could not be read
    // leaves it unverified, never "the others' revision".
    const unread = from ? before.filter((b) => b.cell.problem) : [];
    if (unread.length)
      throw new AppError(
        'CONFLICT',
        `${from} could not be read (${unread.map((b) => b.cell.problem!.message).join(' ')}), so the revision to pin is unverified: promote when it can be read, or choose a revision.`,
      );
    const revisions = from ? agreedRevisions(from, before) : null;
    const planned = targets.map((t) => {
      const sources = (t.declaration?.stages[0]?.actions ?? [])
        .filter((a) => a.actionTypeId.category === 'Source')
        .map((a) => ({ name: a.name, provider: a.actionTypeId.provider, owner: a.actionTypeId.owner }));
      return { t, plan: planPins(sources, revisions && from ? { environment: from, revisions } : null, o.revision ? { revision: o.revision } : null) };
    });
    const unpinned = planned.flatMap(({ t, plan }) => plan.unpinned.map((u) => `${where(t.cell)} ${u.actionName}: ${u.reason}`));
    if (unpinned.length && !o.allowUnpinned)
      throw new AppError(
        'INVALID_INPUT',
        `These sources cannot be pinned, so they would build their latest revision instead:\n${unpinned.join('\n')}\nAllow unpinned sources to promote anyway.`,
      );

    const revision = o.revision ?? revisions?.[0]?.revisionId ?? null;
    const promotion: Promotion = {
      id: `${environment}-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`,
      application: release.application,
      environment,
      from,
      revision,
      status: 'running',
      reason: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      targets: planned.map(({ t, plan }) => ({
        profile: t.cell.profile,
        region: t.cell.region,
        pipeline: t.cell.pipeline,
        clientRequestToken: randomUUID(),
        executionId: null,
        status: null,
        pins: plan.pins,
        unpinned: plan.unpinned,
        approvalWaiting: false,
        blockedBy: null,
        message: null,
      })),
    };
    await lease.assertHeld();
    // Logged, then created (the journal's order): a kill in between leaves a start in the log whose promotion was
    // never saved, so nothing of it started; the next promote starts afresh.
    await this.journal.changeLogged(
      release.application,
      promotion.id,
      (saved) => (saved ? null : promotion),
      () => ({
        promotionId: promotion.id,
        environment,
        event: 'promotion-started',
        message: `Promoting ${environment}${revision ? ` to revision ${revision}` : ' (latest source revision)'}${from ? ` from ${from}` : ''}: ${promotion.targets.length} pipeline(s).`,
      }),
    );
    return { kind: 'started', promotion: await this.startPending(promotion, lease), resumed: false };
  }

  /**
   * Starts every target not started yet. The token is saved before the call, so a repeat after a crash returns the same execution.
   * A promotion another process finished meanwhile starts nothing more: its saved record is returned instead.
   * Under a promote's lock (`lease`), each start first checks the lock is still this promote's.
   */
  private async startPending(p: Promotion, lease?: PromotionLease): Promise<Promotion> {
    for (const t of p.targets) {
      if (t.executionId || t.status === 'Failed') continue;
      await lease?.assertHeld();
      await this.journal.log(p.application, { promotionId: p.id, environment: p.environment, event: 'execution-starting', message: `Starting ${where(t)}.` });
      try {
        t.executionId = await this.executions.start(refOf(t), { sourceRevisions: t.pins, clientRequestToken: t.clientRequestToken });
        t.status = 'InProgress';
        t.message = null;
      } catch (err) {
        const c = classifyAwsError(err, { region: t.region });
        t.message = `could not start: ${c.message}`;
        // Throttling and dropped connections are retried on the next look (same token); anything else fails the target.
        if (c.kind !== 'throttled' && c.kind !== 'network') t.status = 'Failed';
        const saved = await this.journal.saveLogged(p, {
          promotionId: p.id,
          environment: p.environment,
          event: 'execution-start-failed',
          message: `${where(t)}: ${t.message}`,
        });
        // Finished meanwhile by another process (stopped, say): nothing more of it starts.
        if (!saved.written) return saved.promotion;
        continue;
      }
      const pinned = t.pins.map((x) => `${x.actionName}=${x.revisionValue}`).join(', ');
      // Logged before the execution id is saved: killed in between, the next process starts it again with the same
      // token, gets the same execution back, and logs it again; never a saved start the log does not show.
      const saved = await this.journal.saveLogged(p, {
        promotionId: p.id,
        environment: p.environment,
        event: 'execution-started',
        message: `Started ${where(t)}: execution ${t.executionId}${pinned ? `, pinned ${pinned}` : ''}.`,
      });
      if (!saved.written) return saved.promotion;
    }
    return p;
  }

  /** Follows a promotion until it succeeds, fails or is stopped (or the signal ends the following: it stays resumable). */
  follow(p: Promotion, o: FollowOptions = {}): Promise<Promotion> {
    const known = this.following.get(p.id);
    if (known && !o.approve) return known;
    const run = this.followLoop(p, o).finally(() => {
      if (this.following.get(p.id) === run) this.following.delete(p.id);
    });
    this.following.set(p.id, run);
    return run;
  }

  private async followLoop(p: Promotion, o: FollowOptions): Promise<Promotion> {
    const pollMs = this.opts.pollMs ?? 3000;
    while (p.status === 'running' && !o.signal?.aborted) {
      // Another process (the CLI, the app) may have moved it on: the stored record is the truth.
      const saved = await this.store.promotion(p.application, p.id);
      if (saved && saved.status !== 'running') return saved;
      if (p.targets.some((t) => !t.executionId && t.status !== 'Failed')) {
        const started = await this.startPending(p);
        // Another object: the saved record of a promotion finished elsewhere.
        if (started !== p) return started;
      }
      const changed = await this.observe(p, o);
      if (changed) {
        // A finish is logged as it is saved (a finish refused, because another process stopped it first, is neither).
        const kept = p.status === 'running' ? await this.journal.save(p) : await this.journal.saveLogged(p, this.finished(p));
        // Finished by another process since the read above (stopped from the app while the CLI follows, say):
        // its word stands, and this follower ends with it rather than writing its older copy over it.
        if (!kept.written) return kept.promotion;
      }
      if (p.status !== 'running') break;
      await sleep(pollMs, o.signal);
    }
    return p;
  }

  /** One look at every target: statuses, approvals, and the verdict when all are final or one failed. */
  private async observe(p: Promotion, o: FollowOptions): Promise<boolean> {
    let changed = false;
    for (const t of p.targets) {
      if (!t.executionId || (t.status && FINAL_STATUSES.has(t.status))) continue;
      const ref = refOf(t);
      let state: PipelineLiveState | null = null;
      let status: string;
      let parallel = false;
      try {
        const summary = await this.executions.summary(ref, t.executionId);
        status = summary.status;
        parallel = summary.executionMode === 'PARALLEL';
        state = await this.executions.state(ref);
      } catch (err) {
        // A failed read is not an answer: the target stays as it was, and says why.
        const message = `Could not read: ${classifyAwsError(err, { region: t.region }).message}`;
        if (t.message !== message) [t.message, changed] = [message, true];
        continue;
      }
      const waiting = waitingIn(state);
      const ours = waiting.filter((w) => w.executionId === t.executionId);
      // An older run waiting for approval in a stage this one still needs holds it: this one queues behind it.
      // A newer run, or one at a stage already passed, holds nothing of this promotion's (promotion-approvals.ts).
      const others = waiting.some((w) => w.executionId && w.executionId !== t.executionId);
      const older =
        status === 'InProgress' && !parallel && others
          ? (await this.approvals.answersIn({ ...t, executionId: t.executionId }, state)).flatMap((a) => (a.answer === 'reject' ? [a.run] : []))
          : [];
      const blockedBy = older[0] ? `${older[0].executionId} (waiting for approval at ${older[0].stageName} / ${older[0].actionName})` : null;
      const next = { status, approvalWaiting: ours.length > 0, blockedBy, message: status === 'Failed' ? failureOf(state, t.executionId) : null };
      if (next.status !== t.status || next.approvalWaiting !== t.approvalWaiting || next.blockedBy !== t.blockedBy || next.message !== t.message) {
        const statusChanged = next.status !== t.status;
        Object.assign(t, next);
        changed = true;
        if (statusChanged)
          await this.journal.log(p.application, {
            promotionId: p.id,
            environment: p.environment,
            event: 'status',
            message: `${where(t)}: ${status}${t.message ? ` at ${t.message}` : ''}.`,
          });
        if (t.approvalWaiting)
          await this.journal.log(p.application, {
            promotionId: p.id,
            environment: p.environment,
            event: 'approval-waiting',
            message: `${where(t)} waits for approval.`,
          });
      }
      if (o.approve && (ours.length || older.length) && status === 'InProgress') {
        try {
          const n = await this.approvals.answerTarget(p, t, o.approve.confirmed);
          if (n) changed = true;
        } catch (err) {
          t.message = err instanceof Error ? err.message : String(err);
          changed = true;
        }
      }
    }
    const failed = p.targets.filter((t) => t.status && FINAL_STATUSES.has(t.status) && t.status !== 'Succeeded');
    if (failed.length) {
      p.status = 'failed';
      p.reason = failed
        .map((t) => `${p.environment}: ${where(t)} ${t.executionId ? `${t.status}${t.message ? ` at ${t.message}` : ''}` : (t.message ?? 'could not start')}`)
        .join('; ');
    } else if (p.targets.every((t) => t.status === 'Succeeded')) p.status = 'succeeded';
    if (p.status !== 'running') {
      p.finishedAt = new Date().toISOString();
      changed = true;
    }
    return changed;
  }

  /** The finish as the log says it; logged only with the finish saved (a finish refused is not the promotion's end). */
  private finished(p: Promotion): LogEntry {
    return {
      promotionId: p.id,
      environment: p.environment,
      event: 'promotion-finished',
      message: p.status === 'succeeded' ? `${p.environment} succeeded: every pipeline ran ${p.revision ?? 'its revision'}.` : `Release stopped: ${p.reason}.`,
    };
  }

  /** Stops following a promotion and marks it stopped (its executions run on: stop them in Executions). */
  async stop(application: string, promotionId: string, reason: string): Promise<Promotion> {
    const found = await this.store.promotion(application, promotionId);
    if (!found) throw new AppError('NOT_FOUND', `No promotion ${promotionId} in ${application}.`);
    if (found.status !== 'running') return found;
    // Stopped as the storage holds it at that moment, so a follower's save just before is neither lost nor undone.
    const r = await this.journal.changeLogged(
      application,
      promotionId,
      (saved) =>
        saved?.status === 'running'
          ? { ...saved, status: 'stopped', reason: reason.trim() || 'Stopped by the user.', finishedAt: new Date().toISOString() }
          : null,
      (next) => ({
        promotionId: next.id,
        environment: next.environment,
        event: 'promotion-stopped',
        message: `Promotion to ${next.environment} stopped: ${next.reason}`,
      }),
    );
    return r.promotion ?? found;
  }

  /**
   * Follows every promotion left running (after a restart): it knows what it started and starts nothing twice.
   * An application whose promotions cannot be read is named with why, never taken for one with nothing running
   * (its file is left as it is; once it is repaired, the next start or a promote of that environment resumes them).
   */
  async resumeAll(
    applications: ReadonlyArray<{ application: string }>,
    signal?: AbortSignal,
  ): Promise<{ resumed: number; notResumed: Array<{ application: string; reason: string }> }> {
    let n = 0;
    const notResumed: Array<{ application: string; reason: string }> = [];
    for (const r of applications) {
      let promotions: Promotion[];
      try {
        promotions = await this.store.promotions(r.application);
      } catch (err) {
        notResumed.push({ application: r.application, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      for (const p of promotions) {
        if (p.status !== 'running') continue;
        n++;
        await this.journal.log(p.application, {
          promotionId: p.id,
          environment: p.environment,
          event: 'promotion-resumed',
          message: `Resumed promotion to ${p.environment} after a restart.`,
        });
        void this.follow(p, { signal }).catch((err: unknown) => console.error(`releases: following ${p.id} failed: ${String(err)}`));
      }
    }
    return { resumed: n, notResumed };
  }
}

/** The revisions the environment before runs: all its targets must agree, or the user chooses one. */
function agreedRevisions(from: string, before: Array<{ cell: BoardCell }>): DeployedRevision[] {
  const ids = new Set(before.map((b) => b.cell.revisions.map((r) => `${r.actionName}=${r.revisionId}`).join(',')));
  if (ids.size > 1)
    throw new AppError(
      'CONFLICT',
      `${from}'s pipelines ran different revisions (${before.map((b) => `${where(b.cell)}: ${b.cell.revisionId ?? 'none'}`).join('; ')}): choose one with a revision.`,
    );
  const revisions = before[0]?.cell.revisions ?? [];
  if (!revisions.length) throw new AppError('CONFLICT', `${from} has no successful execution to promote from: promote ${from} first, or choose a revision.`);
  return revisions;
}
