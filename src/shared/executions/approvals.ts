// "An approval is waiting": the one rule the live view, the inbox, the approve
// call and releases share. A manual approval action waits for a person when its
// latest execution is in progress and holds a token (GetPipelineState hands one
// out only while the approval is open). Only the declaration says an action is an
// approval: a running build is never listed as one.
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
  account: { accountId: string | null; accountAlias: string | null; production: boolean; productionWord?: string | null },
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
