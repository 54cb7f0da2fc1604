// A release target named three ways, shared by the board, the promotion runner and
// its approvals: as the executions port's PipelineRef, in messages, and by its waiting approvals.
import type { PipelineLiveState, PipelineRef } from '../../shared/api/executions';
import { waitingApprovals } from '../../shared/executions/approvals';

export const refOf = (t: { profile: string; region: string; pipeline: string }): PipelineRef => ({ profile: t.profile, region: t.region, name: t.pipeline });
export const where = (t: { profile: string; region: string; pipeline: string }) => `${t.pipeline} (${t.profile}, ${t.region})`;

/** The approvals of a live state that wait for a person (which execution each belongs to is all that matters here). */
export const waitingIn = (state: PipelineLiveState) => waitingApprovals(state, { accountId: null, accountAlias: null, production: false });
