// A promotion's approvals: what answering them needs confirmed (the production word),
// and the answers, each with its own account's credentials, that let the promotion through.
import type { Promotion, PromotionTarget } from '../../shared/api/releases';
import { assertConfirmed, type ConfirmRequest, type Confirmed, type PipelineTarget } from '../../shared/safety/confirmation';
import { releaseProductionWord } from '../../shared/safety/production';
import type { ReleaseExecutions } from './ports';
import type { ReleaseJournal } from './release-journal';
import { refOf, waitingIn, where } from './target-refs';

export class PromotionApprovals {
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
   * account's credentials; older runs' approvals that hold a stage it needs are
   * rejected (they would otherwise ship an older revision first). The person's
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

  /** Answers one target's waiting approvals: its own execution's approved, an older run's that holds a stage rejected. */
  async answerTarget(p: Promotion, t: PromotionTarget, confirmed: Confirmed<'release-approval'>): Promise<{ approved: number; rejected: number } | null> {
    if (!t.executionId) return null;
    const ref = refOf(t);
    const state = await this.executions.state(ref);
    let approved = 0;
    let rejected = 0;
    // In PARALLEL mode older runs hold nothing: they are left alone.
    const parallel = state.latest?.executionMode === 'PARALLEL';
    for (const w of waitingIn(state)) {
      if (!w.executionId || (parallel && w.executionId !== t.executionId)) continue;
      const ours = w.executionId === t.executionId;
      const status = ours ? 'Approved' : 'Rejected';
      const summary = ours
        ? `Release ${p.application}: ${p.environment} promoted${p.revision ? ` to ${p.revision}` : ''} (${p.id}).`
        : `Release ${p.application}: superseded by execution ${t.executionId} of promotion ${p.id}.`;
      await this.executions.answer(ref, { stage: w.stageName, action: w.actionName, executionId: w.executionId, status, summary }, confirmed);
      if (ours) approved++;
      else rejected++;
      await this.journal.log(p.application, {
        promotionId: p.id,
        environment: p.environment,
        event: ours ? 'approved' : 'rejected',
        message: `${ours ? 'Approved' : 'Rejected the older execution'} ${w.executionId} at ${w.stageName} / ${w.actionName} in ${where(t)}.`,
      });
    }
    return approved || rejected ? { approved, rejected } : null;
  }
}
