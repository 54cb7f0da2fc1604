// What the releases feature needs from outside it, declared here as interfaces:
// identities (accounts) and the executions use-cases, each with the rules they
// keep (the production rule and the approval capability stay in executions).
import type { ExecutionSummary, PipelineLiveState, PipelineRef } from '../../shared/api/executions';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import type { Confirmed, PipelineTarget } from '../../shared/safety/confirmation';
import type { IdentityState } from '../aws/access';
import type { ProfileInfo } from '../aws/profiles';

export interface ReleaseIdentities {
  profile(name: string): ProfileInfo;
  identityOf(name: string): IdentityState | undefined;
  /** Checks these profiles' identities (never prompting when `interactive` is false). */
  check(names: string[] | undefined, interactive: boolean): Promise<unknown>;
}

export interface ReleaseExecutions {
  state(ref: PipelineRef): Promise<PipelineLiveState>;
  stateAndDeclaration(ref: PipelineRef): Promise<{ state: PipelineLiveState; declaration: PipelineDeclaration }>;
  latestSucceeded(ref: PipelineRef, maxExecutions?: number): Promise<ExecutionSummary | null>;
  /** The live state, its declaration and the newest succeeded execution, in as few calls as the three need. */
  stateAndDeployed(ref: PipelineRef): Promise<{ state: PipelineLiveState; declaration: PipelineDeclaration; deployed: ExecutionSummary | null }>;
  summary(ref: PipelineRef, executionId: string): Promise<ExecutionSummary>;
  /** One page of the pipeline's history, newest first. */
  list(ref: PipelineRef, page: { maxResults: number; nextToken?: string }): Promise<{ executions: ExecutionSummary[]; nextToken: string | null }>;
  start(
    ref: PipelineRef,
    req: {
      variables?: Array<{ name: string; value: string }>;
      sourceRevisions?: Array<{ actionName: string; revisionType: string; revisionValue: string }>;
      clientRequestToken?: string;
    },
  ): Promise<string>;
  /** The pipeline as the production rule sees it, from the identities known now (for showing). */
  target(ref: PipelineRef): PipelineTarget;
  /** The pipelines as the production rule sees them at the moment of acting: identities checked now. */
  resolveTargets(refs: readonly PipelineRef[]): Promise<PipelineTarget[]>;
  answer(
    ref: PipelineRef,
    a: { stage: string; action: string; executionId: string | null; status: 'Approved' | 'Rejected'; summary: string },
    confirmed: Confirmed<'approval' | 'release-approval'>,
  ): Promise<{ executionId: string | null }>;
}
