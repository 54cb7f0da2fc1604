// "An approval is waiting": the one rule the live view, the inbox, the approve
// call and releases share. A manual approval action waits for a person when its
// latest execution is in progress and holds a token (GetPipelineState hands one
// out only while the approval is open). Only the declaration says an action is an
// approval: a running build is never listed as one. An approval is one row
// however many profiles reach its account.
import type { Approval, PipelineLiveState } from '../api/executions';

export interface ActionSnapshot {
  /** The action's category from the declaration (undefined: the declaration is unknown). */
  category: string | undefined;
  status: string | null | undefined;
  token: string | null | undefined;
}

/** Whether this action is an approval waiting for a person. */
export const isWaitingApproval = (a: ActionSnapshot): boolean => a.category === 'Approval' && a.status === 'InProgress' && !!a.token;

/** The approvals waiting in a pipeline's live state, as the inbox lists them. */
export function waitingApprovals(
  state: PipelineLiveState,
  account: Pick<Approval, 'accountId' | 'accountAlias' | 'production' | 'productionWord' | 'productionVerdict'>,
): Approval[] {
  return state.stages.flatMap((s) =>
    s.actions
      .filter((a) => a.waitingForApproval)
      .map((a) => ({
        ref: state.ref,
        ...account,
        stageName: s.name,
        actionName: a.name,
        executionId: s.executionId,
        waitingSince: a.lastStatusChange,
        customData: a.customData,
        externalEntityLink: a.externalEntityLink,
      })),
  );
}

/**
 * Which approval this is, whichever profile saw it: an account, region, pipeline,
 * stage, action and execution (an account not identified is keyed by its profile).
 */
export const approvalKey = (a: Approval): string =>
  JSON.stringify([a.accountId ?? `profile:${a.ref.profile}`, a.ref.region, a.ref.name, a.stageName, a.actionName, a.executionId]);

/** One row per approval: the same one seen through several profiles of its account is kept once, the first seen. */
export function oneRowPerApproval(approvals: readonly Approval[]): Approval[] {
  const rows = new Map<string, Approval>();
  for (const a of approvals) if (!rows.has(approvalKey(a))) rows.set(approvalKey(a), a);
  return [...rows.values()];
}
