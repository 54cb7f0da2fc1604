// CodePipeline's EventBridge events as the service shapes them (source
// aws.codepipeline, three detail-types), built by pure functions so the shapes
// can be checked against AWS's documented examples without running anything.
// The shapes follow the CodePipeline user guide, "Monitoring CodePipeline
// events" (emitted events, not the renamed "processed" ones CodeStar
// Notifications deliver):
//   - `time` has second resolution; `start-time` has milliseconds;
//   - the detail's `version` (the pipeline structure's) and
//     `pipeline-execution-attempt` are numbers, the action type's `version` a string;
//   - `execution-trigger` appears on STARTED; `stop-execution-comments` on STOPPING;
//   - `input-artifacts` on an action's STARTED, `output-artifacts` on its SUCCEEDED,
//     `execution-result` (with `error-code` when it failed) on its end;
//   - after a stage retry, stage events carry `stage-last-retry-attempt-time`,
//     and the documented RESUMED stage event and ABANDONED action event have no `start-time`.

export const CODEPIPELINE_EVENT_SOURCE = 'aws.codepipeline';

export const CODEPIPELINE_DETAIL_TYPES = {
  pipeline: 'CodePipeline Pipeline Execution State Change',
  stage: 'CodePipeline Stage Execution State Change',
  action: 'CodePipeline Action Execution State Change',
} as const;

export type PipelineEventState = 'STARTED' | 'STOPPING' | 'STOPPED' | 'SUCCEEDED' | 'RESUMED' | 'FAILED' | 'CANCELED' | 'SUPERSEDED';
export type StageEventState = 'STARTED' | 'STOPPING' | 'STOPPED' | 'SUCCEEDED' | 'RESUMED' | 'FAILED' | 'CANCELED';
/** A rejected approval is FAILED; an action of a stop-and-abandon is ABANDONED. */
export type ActionEventState = 'STARTED' | 'SUCCEEDED' | 'FAILED' | 'ABANDONED' | 'CANCELED';

// The details are type aliases, not interfaces, so they fit AwsEventEnvelope's default Record detail.
import type { AwsEventEnvelope } from '../events/model';

export type { AwsEventEnvelope };

/** Where the sandbox's CodePipeline sends its events: the default bus of the pipeline's account and region. */
export interface CodePipelineEventSink {
  emit(account: string, region: string, event: AwsEventEnvelope<object>): void;
}

export const NO_EVENT_SINK: CodePipelineEventSink = { emit: () => {} };

export type ArtifactLocation = {
  name: string;
  s3location: { bucket: string; key: string };
};

export type PipelineEventDetail = {
  pipeline: string;
  'execution-id': string;
  'start-time'?: string;
  'execution-trigger'?: { 'trigger-type': string; 'trigger-detail': string };
  state: PipelineEventState;
  version: number;
  'pipeline-execution-attempt': number;
  'stop-execution-comments'?: string;
};

export type StageEventDetail = {
  pipeline: string;
  'execution-id': string;
  'start-time'?: string;
  'stage-last-retry-attempt-time'?: string;
  stage: string;
  state: StageEventState;
  version: number;
  'pipeline-execution-attempt': number;
};

export type ActionExecutionResultDetail = {
  'external-execution-url'?: string;
  'external-execution-summary'?: string;
  'external-execution-id'?: string;
  'error-code'?: string;
};

export type ActionEventDetail = {
  pipeline: string;
  'execution-id': string;
  'start-time'?: string;
  stage: string;
  'execution-result'?: ActionExecutionResultDetail;
  'input-artifacts'?: ArtifactLocation[];
  'output-artifacts'?: ArtifactLocation[];
  'action-execution-id': string;
  action: string;
  state: ActionEventState;
  /** The action's region (the envelope's is the pipeline's). */
  region: string;
  type: { owner: string; provider: string; category: string; version: string };
  version: number;
  'pipeline-execution-attempt': number;
};

/** ISO 8601 at second resolution, as EventBridge stamps `time`. */
export const eventTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** ISO 8601 with milliseconds, as CodePipeline writes `start-time`. */
export const detailTime = (ms: number): string => new Date(ms).toISOString();

export interface EnvelopeInput<Detail extends object> {
  id: string;
  detailType: string;
  account: string;
  region: string;
  pipelineArn: string;
  time: number;
  detail: Detail;
}

export function buildEnvelope<Detail extends object>(input: EnvelopeInput<Detail>): AwsEventEnvelope<Detail> {
  return {
    version: '0',
    id: input.id,
    'detail-type': input.detailType,
    source: CODEPIPELINE_EVENT_SOURCE,
    account: input.account,
    time: eventTime(input.time),
    region: input.region,
    resources: [input.pipelineArn],
    detail: input.detail,
  };
}

/** What every detail says of the execution. */
export interface ExecutionFacts {
  pipeline: string;
  executionId: string;
  startTime: number;
  /** The pipeline structure's version the execution runs. */
  pipelineVersion: number;
  attempt: number;
}

export function pipelineDetail(
  x: ExecutionFacts,
  state: PipelineEventState,
  extra: { trigger?: { triggerType: string; triggerDetail: string }; stopComments?: string } = {},
): PipelineEventDetail {
  return {
    pipeline: x.pipeline,
    'execution-id': x.executionId,
    'start-time': detailTime(x.startTime),
    ...(state === 'STARTED' && extra.trigger
      ? { 'execution-trigger': { 'trigger-type': extra.trigger.triggerType, 'trigger-detail': extra.trigger.triggerDetail } }
      : {}),
    state,
    version: x.pipelineVersion,
    'pipeline-execution-attempt': x.attempt,
    ...(state === 'STOPPING' && extra.stopComments ? { 'stop-execution-comments': extra.stopComments } : {}),
  };
}

export function stageDetail(x: ExecutionFacts, stage: string, state: StageEventState, lastRetryTime?: number): StageEventDetail {
  return {
    pipeline: x.pipeline,
    'execution-id': x.executionId,
    ...(state === 'RESUMED' ? {} : { 'start-time': detailTime(x.startTime) }),
    ...(lastRetryTime !== undefined ? { 'stage-last-retry-attempt-time': detailTime(lastRetryTime) } : {}),
    stage,
    state,
    version: x.pipelineVersion,
    'pipeline-execution-attempt': x.attempt,
  };
}

export interface ActionFacts {
  stage: string;
  action: string;
  actionExecutionId: string;
  region: string;
  type: { owner: string; provider: string; category: string; version: string };
  inputArtifacts: Array<{ name: string; s3location?: { bucket: string; key: string } }>;
  outputArtifacts: Array<{ name: string; s3location?: { bucket: string; key: string } }>;
  result?: { externalExecutionId?: string; externalExecutionUrl?: string; externalExecutionSummary?: string };
  error?: { code: string; message: string };
}

const located = (artifacts: ActionFacts['inputArtifacts']): ArtifactLocation[] =>
  artifacts.flatMap((a) => (a.s3location ? [{ name: a.name, s3location: { bucket: a.s3location.bucket, key: a.s3location.key } }] : []));

function executionResult(a: ActionFacts, state: ActionEventState): ActionExecutionResultDetail | undefined {
  if (state !== 'SUCCEEDED' && state !== 'FAILED') return undefined;
  const r = a.result ?? {};
  const summary = r.externalExecutionSummary ?? (state === 'FAILED' ? a.error?.message : undefined);
  const out: ActionExecutionResultDetail = {
    ...(r.externalExecutionUrl ? { 'external-execution-url': r.externalExecutionUrl } : {}),
    ...(summary ? { 'external-execution-summary': summary } : {}),
    ...(r.externalExecutionId ? { 'external-execution-id': r.externalExecutionId } : {}),
    ...(state === 'FAILED' && a.error ? { 'error-code': a.error.code } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

export function actionDetail(x: ExecutionFacts, a: ActionFacts, state: ActionEventState): ActionEventDetail {
  const result = executionResult(a, state);
  const inputs = state === 'STARTED' ? located(a.inputArtifacts) : [];
  const outputs = state === 'SUCCEEDED' ? located(a.outputArtifacts) : [];
  return {
    pipeline: x.pipeline,
    'execution-id': x.executionId,
    ...(state === 'ABANDONED' ? {} : { 'start-time': detailTime(x.startTime) }),
    stage: a.stage,
    ...(result ? { 'execution-result': result } : {}),
    ...(inputs.length ? { 'input-artifacts': inputs } : {}),
    ...(outputs.length ? { 'output-artifacts': outputs } : {}),
    'action-execution-id': a.actionExecutionId,
    action: a.action,
    state,
    region: a.region,
    type: { owner: a.type.owner, provider: a.type.provider, category: a.type.category, version: a.type.version },
    version: x.pipelineVersion,
    'pipeline-execution-attempt': x.attempt,
  };
}
