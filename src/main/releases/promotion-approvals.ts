// A promotion's approvals: what answering them needs confirmed (the production word),
// and the answers, each with its own account's credentials, that let the promotion through.
import type { PipelineLiveState, PipelineRef } from '../../shared/api/executions';
import type { Promotion, PromotionTarget } from '../../shared/api/releases';
import { answersFor, type ApprovalAnswer } from '../../shared/releases/promotion';
import { assertConfirmed, type ConfirmRequest, type Confirmed, type PipelineTarget } from '../../shared/safety/confirmation';
import { releaseProductionWord } from '../../shared/safety/production';
import type { ReleaseExecutions } from './ports';
import type { ReleaseJournal } from './release-journal';
import { refOf, waitingIn, where } from './target-refs';

/** How far back the history is read for a waiting execution's start (100 each): older than that is unknown. */
const HISTORY_PAGES = 3;

export class PromotionApprovals {
  /** Executions' start times, by pipeline and id: read once each. */
  private started = new Map<string, string | null>();
  /** Approvals already named in the log as left alone, by promotion. */
  private leftAlone = new Set<string>();

  constructor(
    private executions: ReleaseExecutions,
    private journal: ReleaseJournal,
  ) {}

  /**
   * What answering an environment's approvals needs confirmed: in production (any
   * of its accounts is, or may be), the environment's name typed. From the
   * identities known now: for showing (the board); acting uses `resolveApprovalRequest`.
   */
  approvalRequest(e: {
    environment: string;
    targets: Array<{ profile: string; region: string; pipeline: string }>;
  }): Extract<ConfirmRequest, { kind: 'release-approval' }> {
    return this.requestFor(
      e.environment,
      e.targets.map((t) => this.executions.target(refOf(t))),
    );
  }

  /**
   * The same, with each target's account identified now (a fresh app, or a role that
   * cannot read its alias, must not make a production environment look otherwise).
   * The caller gets a `Confirmed` for it from `confirm()` with what the person typed.
   */
  async resolveApprovalRequest(e: {
    environment: string;
    targets: Array<{ profile: string; region: string; pipeline: string }>;
  }): Promise<Extract<ConfirmRequest, { kind: 'release-approval' }>> {
    return this.requestFor(e.environment, await this.executions.resolveTargets(e.targets.map(refOf)));
  }

  private requestFor(environment: string, targets: PipelineTarget[]): Extract<ConfirmRequest, { kind: 'release-approval' }> {
    return { kind: 'release-approval', environment, productionWord: releaseProductionWord(environment, targets), targets };
  }

  /**
   * Approves every approval of this promotion's executions, each with its own
   * account's credentials; older runs' approvals that hold a stage it still needs are
   * rejected (they would otherwise ship an older revision first), and nothing else. The person's
   * confirmation of the environment covers each of its targets' approvals.
   */
  async approve(p: Promotion, confirmed: Confirmed<'release-approval'>): Promise<{ approved: number; rejected: number }> {
    assertConfirmed(confirmed, await this.resolveApprovalRequest(p));
    let approved = 0;
    let rejected = 0;
    for (const t of p.targets) {
      const n = await this.answerTarget(p, t, confirmed);
      approved += n?.approved ?? 0;
      rejected += n?.rejected ?? 0;
    }
    return { approved, rejected };
  }

  /**
   * What to do with each approval waiting in one target's pipeline (shared/releases/promotion.ts answersFor):
   * approve its own, reject an older run's that holds a stage it still needs, leave anything else alone.
   */
  async answersIn(t: PromotionTarget & { executionId: string }, state: PipelineLiveState): Promise<ApprovalAnswer[]> {
    const ref = refOf(t);
    const waiting = waitingIn(state).filter((w): w is typeof w & { executionId: string } => !!w.executionId);
    if (!waiting.some((w) => w.executionId !== t.executionId)) return waiting.map((w) => ({ run: { ...w, startTime: null }, answer: 'approve' as const }));
    const furthest = state.stages.reduce<string | null>((at, s) => (s.executionId === t.executionId ? s.name : at), null);
    const started = await this.startTimes(ref, [t.executionId, ...waiting.map((w) => w.executionId)]);
    const mine = started.get(t.executionId) ?? null;
    const theirs = waiting.map((w) => started.get(w.executionId) ?? null);
    return answersFor(
      state.stages.map((s) => s.name),
      { executionId: t.executionId, startTime: mine, furthestStage: furthest, parallel: state.latest?.executionMode === 'PARALLEL' },
      waiting.map((w, i) => ({ executionId: w.executionId, stageName: w.stageName, actionName: w.actionName, startTime: theirs[i] })),
    );
  }

  /**
   * When these executions started, from the pipeline's history (GetPipelineExecution has no start time), newest
   * first, a few pages at most. A start never changes, so each is kept; one not found (or not readable) is unknown.
   */
  private async startTimes(ref: PipelineRef, ids: string[]): Promise<Map<string, string | null>> {
    const key = (id: string) => `${ref.profile}|${ref.region}|${ref.name}|${id}`;
    const missing = new Set(ids.filter((id) => !this.started.has(key(id))));
    let nextToken: string | undefined;
    for (let page = 0; missing.size && page < HISTORY_PAGES; page++) {
      const got = await this.executions.list(ref, { maxResults: 100, nextToken }).catch(() => null);
      if (!got) break;
      for (const e of got.executions) {
        this.started.set(key(e.id), e.startTime);
        missing.delete(e.id);
      }
      if (!got.nextToken) break;
      nextToken = got.nextToken;
    }
    return new Map(ids.map((id) => [id, this.started.get(key(id)) ?? null]));
  }

  /** Answers one target's waiting approvals: its own execution's approved, an older run's that holds a stage it needs rejected, the rest left alone and named. */
  async answerTarget(p: Promotion, t: PromotionTarget, confirmed: Confirmed<'release-approval'>): Promise<{ approved: number; rejected: number } | null> {
    if (!t.executionId) return null;
    const ref = refOf(t);
    const state = await this.executions.state(ref);
    let approved = 0;
    let rejected = 0;
    for (const a of await this.answersIn({ ...t, executionId: t.executionId }, state)) {
      const w = a.run;
      if (a.answer === 'leave') {
        // Named once per promotion: the follower asks again every few seconds.
        const said = `${p.id}|${w.executionId}|${w.stageName}|${w.actionName}`;
        if (this.leftAlone.has(said)) continue;
        this.leftAlone.add(said);
        await this.journal.log(p.application, {
          promotionId: p.id,
          environment: p.environment,
          event: 'left-alone',
          message: `Left alone: execution ${w.executionId} in ${where(t)}, ${a.reason}.`,
        });
        continue;
      }
      const ours = a.answer === 'approve';
      const summary = ours
        ? `Release ${p.application}: ${p.environment} promoted${p.revision ? ` to ${p.revision}` : ''} (${p.id}).`
        : `Release ${p.application}: superseded by execution ${t.executionId} of promotion ${p.id}.`;
      await this.executions.answer(
        ref,
        { stage: w.stageName, action: w.actionName, executionId: w.executionId, status: ours ? 'Approved' : 'Rejected', summary },
        confirmed,
      );
      if (ours) approved++;
      else rejected++;
      await this.journal.log(p.application, {
        promotionId: p.id,
        environment: p.environment,
        event: ours ? 'approved' : 'rejected',
        message: ours
          ? `Approved ${w.executionId} at ${w.stageName} / ${w.actionName} in ${where(t)}.`
          : `Rejected the older execution ${w.executionId} at ${w.stageName} / ${w.actionName} in ${where(t)}: it started before ${t.executionId} and holds a stage this promotion still needs.`,
      });
    }
    return approved || rejected ? { approved, rejected } : null;
  }
}
