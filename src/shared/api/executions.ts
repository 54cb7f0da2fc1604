// Executions, approvals and transitions as they cross the contract: the live
// state of one pipeline (its graph in live mode), its execution history, one
// execution's action timeline, and the approvals waiting across the workspace.
// Times are ISO strings; every optional AWS field is null when absent.
import { z } from 'zod';
import { ProductionVerdictKind } from './production';
import { TargetError } from './pipelines';
import { EventsMode } from './events';

/** Where a pipeline lives: the profile whose credentials reach it, the region and its name. */
export const PipelineRef = z.object({ profile: z.string(), region: z.string(), name: z.string() });
export type PipelineRef = z.infer<typeof PipelineRef>;

export const pipelineKey = (r: PipelineRef): string => `${r.profile}|${r.region}|${r.name}`;

export const ErrorDetails = z.object({ code: z.string().nullable(), message: z.string().nullable() });

export const LiveAction = z.object({
  name: z.string(),
  category: z.string(),
  provider: z.string(),
  runOrder: z.number().int(),
  /** InProgress, Abandoned, Succeeded, Failed; null: never ran. */
  status: z.string().nullable(),
  summary: z.string().nullable(),
  lastStatusChange: z.string().nullable(),
  externalExecutionId: z.string().nullable(),
  /** The console page of what the action ran (the build, the stack, the deployment). */
  externalExecutionUrl: z.string().nullable(),
  errorDetails: ErrorDetails.nullable(),
  /** A manual approval that waits for a person (it has a token right now). */
  waitingForApproval: z.boolean(),
  /** The approval's custom data and link, from the action's configuration. */
  customData: z.string().nullable(),
  externalEntityLink: z.string().nullable(),
});
export type LiveAction = z.infer<typeof LiveAction>;

export const TransitionState = z.object({
  enabled: z.boolean(),
  reason: z.string().nullable(),
  lastChangedBy: z.string().nullable(),
  lastChangedAt: z.string().nullable(),
});

/** A stage condition as GetPipelineState shows it (before entry): the rules and how each went. */
export const ConditionState = z.object({
  /** InProgress, Failed, Errored, Succeeded, Cancelled, Abandoned, Overridden. */
  status: z.string(),
  summary: z.string().nullable(),
  rules: z.array(z.object({ name: z.string(), status: z.string().nullable(), summary: z.string().nullable() })),
});

export const LiveStage = z.object({
  name: z.string(),
  /** InProgress, Failed, Stopped, Stopping, Succeeded, Cancelled, Skipped; null: never ran. */
  status: z.string().nullable(),
  executionId: z.string().nullable(),
  /** Executions held before this stage by a disabled transition. */
  waitingExecutionIds: z.array(z.string()),
  inbound: TransitionState,
  beforeEntry: ConditionState.nullable().default(null),
  actions: z.array(LiveAction),
});
export type LiveStage = z.infer<typeof LiveStage>;

export const SourceRevision = z.object({
  actionName: z.string(),
  revisionId: z.string().nullable(),
  revisionSummary: z.string().nullable(),
  revisionUrl: z.string().nullable(),
});

export const ExecutionSummary = z.object({
  id: z.string(),
  /** Cancelled, InProgress, Stopped, Stopping, Succeeded, Superseded, Failed. */
  status: z.string(),
  statusSummary: z.string().nullable(),
  startTime: z.string().nullable(),
  lastUpdateTime: z.string().nullable(),
  durationSec: z.number().nullable(),
  trigger: z.object({ type: z.string().nullable(), detail: z.string().nullable() }),
  sourceRevisions: z.array(SourceRevision),
  executionMode: z.string().nullable(),
  executionType: z.string().nullable(),
  stopReason: z.string().nullable(),
  /** A rollback: the execution it went back to. */
  rollbackTargetId: z.string().nullable(),
});
export type ExecutionSummary = z.infer<typeof ExecutionSummary>;

/** Why a word is (or is not) asked for: the production rule's verdict for the account (shared/safety/production.ts). */

export const PipelineLiveState = z.object({
  ref: PipelineRef,
  pipelineVersion: z.number().int().nullable(),
  pipelineType: z.string().nullable(),
  stages: z.array(LiveStage),
  latest: ExecutionSummary.nullable(),
  /** When the main process last read it. */
  observedAt: z.string(),
  /** The last refresh failed (it is shown with the state read before it, which may be stale). */
  error: TargetError.nullable(),
  /** Calls were throttled and the watcher is backing off. */
  throttled: z.boolean(),
  /** Stopping, abandoning or answering here needs a typed word: its account is production, or may be (shared/safety/production.ts). */
  production: z.boolean().optional(),
  /** That word, decided by the main process (null with `production`: the account is not identified, so nothing confirms it yet). */
  productionWord: z.string().nullable().optional(),
  productionVerdict: ProductionVerdictKind.optional(),
  /** How the watcher learns of changes (live updates, issue 24): from events, by polling, or polling because events failed. */
  watchMode: EventsMode.optional(),
  /** Why it is polled or degraded (null when event-driven). */
  watchModeReason: z.string().nullable().optional(),
});
export type PipelineLiveState = z.infer<typeof PipelineLiveState>;

export const ArtifactLocation = z.object({ name: z.string(), bucket: z.string().nullable(), key: z.string().nullable() });

export const ActionExecution = z.object({
  actionExecutionId: z.string(),
  stageName: z.string(),
  actionName: z.string(),
  status: z.string(),
  startTime: z.string().nullable(),
  lastUpdateTime: z.string().nullable(),
  provider: z.string().nullable(),
  inputArtifacts: z.array(ArtifactLocation),
  outputArtifacts: z.array(ArtifactLocation),
  outputVariables: z.record(z.string(), z.string()),
  summary: z.string().nullable(),
  externalExecutionId: z.string().nullable(),
  externalExecutionUrl: z.string().nullable(),
  errorDetails: ErrorDetails.nullable(),
  updatedBy: z.string().nullable(),
});
export type ActionExecution = z.infer<typeof ActionExecution>;

export const ExecutionDetails = z.object({
  ref: PipelineRef,
  execution: ExecutionSummary,
  variables: z.array(z.object({ name: z.string(), value: z.string() })),
  /** Every action run of the execution, oldest first (the timeline). */
  actions: z.array(ActionExecution),
});
export type ExecutionDetails = z.infer<typeof ExecutionDetails>;

export const Approval = z.object({
  ref: PipelineRef,
  accountId: z.string().nullable(),
  accountAlias: z.string().nullable(),
  stageName: z.string(),
  actionName: z.string(),
  executionId: z.string().nullable(),
  waitingSince: z.string().nullable(),
  customData: z.string().nullable(),
  externalEntityLink: z.string().nullable(),
  /** The account is production, or may be: answering needs a word typed. */
  production: z.boolean(),
  /**
   * That word, decided by the main process for the account (shared/safety/production.ts): the alias or
   * profile name that says production, else the account id. Null with `production`: the account is not
   * identified, and nothing confirms an answer there until it is.
   */
  productionWord: z.string().nullable().optional(),
  productionVerdict: ProductionVerdictKind.optional(),
});
export type Approval = z.infer<typeof Approval>;

export const ApprovalsView = z.object({
  approvals: z.array(Approval),
  /** Targets (or pipelines) that could not be read: "none waiting" is unverified there. */
  unverified: z.array(z.object({ profile: z.string(), region: z.string(), pipeline: z.string().nullable(), error: TargetError })),
  /** Pipelines read completely. */
  pipelinesRead: z.number().int(),
  checkedAt: z.string(),
});
export type ApprovalsView = z.infer<typeof ApprovalsView>;

export const REVISION_TYPES = ['COMMIT_ID', 'IMAGE_DIGEST', 'S3_OBJECT_VERSION_ID', 'S3_OBJECT_KEY'] as const;
export const SourceRevisionOverride = z.strictObject({
  actionName: z.string().min(1).max(100),
  revisionType: z.enum(REVISION_TYPES),
  revisionValue: z.string().min(1).max(1500),
});
export const VariableOverride = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9@\-_]{1,128}$/, 'a variable name is 1 to 128 of A-Z a-z 0-9 @ - _'),
  value: z.string().min(1).max(1000),
});

export const EXECUTION_STATUSES = ['Cancelled', 'InProgress', 'Stopped', 'Stopping', 'Succeeded', 'Superseded', 'Failed'] as const;
/** Finished for good: nothing more will change in it. */
export const FINAL_STATUSES = new Set<string>(['Cancelled', 'Stopped', 'Succeeded', 'Superseded', 'Failed']);

export { ProductionVerdictKind };
