// CodePipeline's execution calls: the live state of a pipeline (its graph with
// statuses), the execution history, one execution's action timeline, and the
// controls (start, stop, retry, roll back, approve, transitions). What the
// service answers is parsed into the contract's zod types here, never cast.
import {
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  OverrideStageConditionCommand,
  PutApprovalResultCommand,
  RetryStageExecutionCommand,
  RollbackStageCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type CodePipelineClient,
  type GetPipelineStateOutput,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline';
import { AppError } from '../../shared/api/errors';
import { ActionExecution, ExecutionDetails, ExecutionSummary, LiveStage, type PipelineLiveState, type PipelineRef } from '../../shared/api/executions';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import { isWaitingApproval } from '../../shared/executions/approvals';
import { declarationFromSdk } from '../aws/sdk-shapes';
import { pipelinePages } from '../aws/pipeline-pages';
import type { CallGate } from '../aws/fanout';

const iso = (d?: Date | null) => (d ? d.toISOString() : null);
const direct: CallGate = (call) => call();

/** The execution summary as ListPipelineExecutions / GetPipelineExecution answer it. */
export function executionFromSdk(e: PipelineExecutionSummary & { variables?: unknown }): ExecutionSummary {
  const start = e.startTime?.getTime();
  const end = e.lastUpdateTime?.getTime();
  const running = e.status === 'InProgress' || e.status === 'Stopping';
  return ExecutionSummary.parse({
    id: e.pipelineExecutionId ?? '',
    status: e.status ?? 'Unknown',
    statusSummary: e.statusSummary ?? null,
    startTime: iso(e.startTime),
    lastUpdateTime: iso(e.lastUpdateTime),
    durationSec: start && end && !running ? Math.round((end - start) / 1000) : null,
    trigger: { type: e.trigger?.triggerType ?? null, detail: e.trigger?.triggerDetail ?? null },
    sourceRevisions: (e.sourceRevisions ?? []).map((r) => ({
      actionName: r.actionName ?? '',
      revisionId: r.revisionId ?? null,
      revisionSummary: r.revisionSummary ?? null,
      revisionUrl: r.revisionUrl ?? null,
    })),
    executionMode: e.executionMode ?? null,
    executionType: e.executionType ?? null,
    stopReason: e.stopTrigger?.reason ?? null,
    rollbackTargetId: e.rollbackMetadata?.rollbackTargetPipelineExecutionId ?? null,
  });
}

/** The stages and actions of GetPipelineState, laid over the declaration (category, provider, run order). */
export function liveStagesFrom(decl: PipelineDeclaration, state: GetPipelineStateOutput): LiveStage[] {
  const byName = new Map((state.stageStates ?? []).map((s) => [s.stageName ?? '', s]));
  return decl.stages.map((stage) => {
    const s = byName.get(stage.name);
    const actionStates = new Map((s?.actionStates ?? []).map((a) => [a.actionName ?? '', a]));
    const inbound = s?.inboundTransitionState;
    return LiveStage.parse({
      name: stage.name,
      status: s?.latestExecution?.status ?? null,
      executionId: s?.latestExecution?.pipelineExecutionId ?? null,
      waitingExecutionIds: (s?.inboundExecutions ?? (s?.inboundExecution ? [s.inboundExecution] : [])).map((x) => x.pipelineExecutionId ?? ''),
      inbound: {
        enabled: inbound?.enabled ?? true,
        reason: inbound?.disabledReason ?? null,
        lastChangedBy: inbound?.lastChangedBy ?? null,
        lastChangedAt: iso(inbound?.lastChangedAt),
      },
      beforeEntry: s?.beforeEntryConditionState?.latestExecution
        ? {
            status: s.beforeEntryConditionState.latestExecution.status ?? 'Unknown',
            summary: s.beforeEntryConditionState.latestExecution.summary ?? null,
            rules: (s.beforeEntryConditionState.conditionStates ?? []).flatMap((c) =>
              (c.ruleStates ?? []).map((r) => ({
                name: r.ruleName ?? '',
                status: r.latestExecution?.status ?? null,
                summary: r.latestExecution?.summary ?? null,
              })),
            ),
          }
        : null,
      actions: stage.actions.map((a) => {
        const st = actionStates.get(a.name);
        const latest = st?.latestExecution;
        const config = (a.configuration ?? {}) as Record<string, unknown>;
        const text = (v: unknown) => (typeof v === 'string' ? v : null);
        return {
          name: a.name,
          category: a.actionTypeId.category,
          provider: a.actionTypeId.provider,
          runOrder: a.runOrder ?? 1,
          status: latest?.status ?? null,
          summary: latest?.summary ?? null,
          lastStatusChange: iso(latest?.lastStatusChange),
          externalExecutionId: latest?.externalExecutionId ?? null,
          externalExecutionUrl: latest?.externalExecutionUrl ?? st?.entityUrl ?? null,
          errorDetails: latest?.errorDetails ? { code: latest.errorDetails.code ?? null, message: latest.errorDetails.message ?? null } : null,
          waitingForApproval: isWaitingApproval({ category: a.actionTypeId.category, status: latest?.status, token: latest?.token }),
          customData: text(config.CustomData),
          externalEntityLink: text(config.ExternalEntityLink),
        };
      }),
    });
  });
}

export interface ExecutionReads {
  cp: CodePipelineClient;
  gate?: CallGate;
  signal?: AbortSignal;
}

/** The latest execution only (ListPipelineExecutions, maxResults 1): the cheap "did anything change" probe. */
export async function latestExecution({ cp, gate = direct, signal }: ExecutionReads, name: string): Promise<ExecutionSummary | null> {
  const r = await gate(() => cp.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 1 }), { abortSignal: signal }));
  const e = r.pipelineExecutionSummaries?.[0];
  return e ? executionFromSdk(e) : null;
}

export async function pipelineDeclaration({ cp, gate = direct, signal }: ExecutionReads, name: string): Promise<PipelineDeclaration> {
  const r = await gate(() => cp.send(new GetPipelineCommand({ name }), { abortSignal: signal }));
  return declarationFromSdk(r.pipeline, name);
}

export async function pipelineState({ cp, gate = direct, signal }: ExecutionReads, name: string): Promise<GetPipelineStateOutput> {
  return gate(() => cp.send(new GetPipelineStateCommand({ name }), { abortSignal: signal }));
}

/** Everything the live view shows, in one read (GetPipeline only when the caller has no declaration of this version). */
export async function readLiveState(
  reads: ExecutionReads,
  ref: PipelineRef,
  known?: PipelineDeclaration,
): Promise<{ state: PipelineLiveState; declaration: PipelineDeclaration }> {
  const [raw, latest] = await Promise.all([pipelineState(reads, ref.name), latestExecution(reads, ref.name)]);
  let declaration = known;
  if (!declaration || (raw.pipelineVersion !== undefined && declaration.version !== raw.pipelineVersion))
    declaration = await pipelineDeclaration(reads, ref.name);
  return { state: liveStateOf(ref, declaration, raw, latest), declaration };
}

/** `readAt`: when GetPipelineState was asked (the state holds every change made before it). */
export function liveStateOf(
  ref: PipelineRef,
  decl: PipelineDeclaration,
  raw: GetPipelineStateOutput,
  latest: ExecutionSummary | null,
  readAt = new Date(),
): PipelineLiveState {
  return {
    ref,
    pipelineVersion: raw.pipelineVersion ?? decl.version ?? null,
    pipelineType: decl.pipelineType ?? null,
    stages: liveStagesFrom(decl, raw),
    latest,
    observedAt: readAt.toISOString(),
    error: null,
    throttled: false,
  };
}

/** Every pipeline's name in the client's (account, region), all pages. */
export async function listPipelineNames({ cp, gate = direct, signal }: ExecutionReads): Promise<string[]> {
  const names: string[] = [];
  for await (const summaries of pipelinePages(cp, gate, signal)) names.push(...summaries.map((p) => p.name ?? '').filter(Boolean));
  return names;
}

/** One page of history, newest first. */
export async function listExecutions(
  { cp, gate = direct, signal }: ExecutionReads,
  name: string,
  page: { maxResults: number; nextToken?: string },
): Promise<{ executions: ExecutionSummary[]; nextToken: string | null }> {
  const r = await gate(() =>
    cp.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: page.maxResults, nextToken: page.nextToken }), { abortSignal: signal }),
  );
  return { executions: (r.pipelineExecutionSummaries ?? []).map(executionFromSdk), nextToken: r.nextToken ?? null };
}

/** One execution's summary (GetPipelineExecution). */
export async function executionSummary({ cp, gate = direct, signal }: ExecutionReads, name: string, executionId: string): Promise<ExecutionSummary> {
  const got = await gate(() => cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: executionId }), { abortSignal: signal }));
  if (!got.pipelineExecution) throw new AppError('NOT_FOUND', `Execution ${executionId} of ${name} was not found.`);
  return executionFromSdk(got.pipelineExecution);
}

/** One execution, with every action run it made (all pages of ListActionExecutions), oldest first. */
export async function executionDetails({ cp, gate = direct, signal }: ExecutionReads, ref: PipelineRef, executionId: string): Promise<ExecutionDetails> {
  const got = await gate(() => cp.send(new GetPipelineExecutionCommand({ pipelineName: ref.name, pipelineExecutionId: executionId }), { abortSignal: signal }));
  const e = got.pipelineExecution;
  if (!e) throw new AppError('NOT_FOUND', `Execution ${executionId} of ${ref.name} was not found.`);
  const actions: ActionExecution[] = [];
  let nextToken: string | undefined;
  do {
    const r = await gate(() =>
      cp.send(new ListActionExecutionsCommand({ pipelineName: ref.name, filter: { pipelineExecutionId: executionId }, maxResults: 100, nextToken }), {
        abortSignal: signal,
      }),
    );
    for (const a of r.actionExecutionDetails ?? []) {
      const result = a.output?.executionResult;
      const err = result?.errorDetails;
      actions.push(
        ActionExecution.parse({
          actionExecutionId: a.actionExecutionId ?? '',
          stageName: a.stageName ?? '',
          actionName: a.actionName ?? '',
          status: a.status ?? 'Unknown',
          startTime: iso(a.startTime),
          lastUpdateTime: iso(a.lastUpdateTime),
          provider: a.input?.actionTypeId?.provider ?? null,
          inputArtifacts: (a.input?.inputArtifacts ?? []).map((x) => ({
            name: x.name ?? '',
            bucket: x.s3location?.bucket ?? null,
            key: x.s3location?.key ?? null,
          })),
          outputArtifacts: (a.output?.outputArtifacts ?? []).map((x) => ({
            name: x.name ?? '',
            bucket: x.s3location?.bucket ?? null,
            key: x.s3location?.key ?? null,
          })),
          outputVariables: a.output?.outputVariables ?? {},
          summary: result?.externalExecutionSummary ?? null,
          externalExecutionId: result?.externalExecutionId ?? null,
          externalExecutionUrl: result?.externalExecutionUrl ?? null,
          errorDetails: err ? { code: err.code ?? null, message: err.message ?? null } : null,
          updatedBy: a.updatedBy ?? null,
        }),
      );
    }
    nextToken = r.nextToken;
  } while (nextToken);
  actions.sort((a, b) => (a.startTime ?? '').localeCompare(b.startTime ?? ''));
  // GetPipelineExecution has no times: the execution spans its action runs.
  const execution = executionFromSdk(e);
  if (!execution.startTime && actions.length) {
    const first = actions[0].startTime;
    const last =
      actions
        .map((a) => a.lastUpdateTime ?? '')
        .sort()
        .at(-1) ?? null;
    const running = execution.status === 'InProgress' || execution.status === 'Stopping';
    execution.startTime = first;
    execution.lastUpdateTime = last;
    execution.durationSec = first && last && !running ? Math.round((Date.parse(last) - Date.parse(first)) / 1000) : null;
  }
  return ExecutionDetails.parse({
    ref,
    execution,
    variables: (e.variables ?? []).map((v) => ({ name: v.name ?? '', value: v.resolvedValue ?? '' })),
    actions,
  });
}

// ---- Controls ---------------------------------------------------------------

export interface StartRequest {
  variables?: Array<{ name: string; value: string }>;
  sourceRevisions?: Array<{ actionName: string; revisionType: string; revisionValue: string }>;
  /** The idempotency token: a start repeated with it (after a crash, say) returns the execution it started. */
  clientRequestToken?: string;
}

export async function startExecution(cp: CodePipelineClient, name: string, req: StartRequest): Promise<string> {
  const r = await cp.send(
    new StartPipelineExecutionCommand({
      name,
      ...(req.variables?.length ? { variables: req.variables } : {}),
      ...(req.sourceRevisions?.length ? { sourceRevisions: req.sourceRevisions as never } : {}),
      ...(req.clientRequestToken ? { clientRequestToken: req.clientRequestToken } : {}),
    }),
  );
  return r.pipelineExecutionId ?? '';
}

export async function stopExecution(cp: CodePipelineClient, name: string, executionId: string, reason: string, abandon: boolean): Promise<void> {
  await cp.send(new StopPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: executionId, reason, abandon }));
}

export async function retryStage(cp: CodePipelineClient, name: string, executionId: string, stageName: string, allActions: boolean): Promise<string> {
  const r = await cp.send(
    new RetryStageExecutionCommand({
      pipelineName: name,
      pipelineExecutionId: executionId,
      stageName,
      retryMode: allActions ? 'ALL_ACTIONS' : 'FAILED_ACTIONS',
    }),
  );
  return r.pipelineExecutionId ?? executionId;
}

export async function rollbackStage(cp: CodePipelineClient, name: string, stageName: string, targetExecutionId: string): Promise<string> {
  const r = await cp.send(new RollbackStageCommand({ pipelineName: name, stageName, targetPipelineExecutionId: targetExecutionId }));
  return r.pipelineExecutionId ?? '';
}

export async function overrideCondition(
  cp: CodePipelineClient,
  name: string,
  stageName: string,
  executionId: string,
  conditionType: 'BEFORE_ENTRY' | 'ON_SUCCESS',
): Promise<void> {
  await cp.send(new OverrideStageConditionCommand({ pipelineName: name, stageName, pipelineExecutionId: executionId, conditionType }));
}

export async function setTransition(
  cp: CodePipelineClient,
  name: string,
  stageName: string,
  type: 'Inbound' | 'Outbound',
  enabled: boolean,
  reason: string,
): Promise<void> {
  if (enabled) await cp.send(new EnableStageTransitionCommand({ pipelineName: name, stageName, transitionType: type }));
  else await cp.send(new DisableStageTransitionCommand({ pipelineName: name, stageName, transitionType: type, reason }));
}

/**
 * Answers a waiting approval. The token is read now, from GetPipelineState, and only
 * for the execution the user saw (`expectedExecutionId`), so an answer never lands
 * on a newer execution that replaced it.
 */
export async function answerApproval(
  cp: CodePipelineClient,
  ref: PipelineRef,
  stageName: string,
  actionName: string,
  status: 'Approved' | 'Rejected',
  summary: string,
  expectedExecutionId: string | null,
): Promise<{ executionId: string | null }> {
  const [state, declared] = await Promise.all([cp.send(new GetPipelineStateCommand({ name: ref.name })), pipelineDeclaration({ cp }, ref.name)]);
  const stage = state.stageStates?.find((s) => s.stageName === stageName);
  const action = stage?.actionStates?.find((a) => a.actionName === actionName);
  const category = declared?.stages.find((s) => s.name === stageName)?.actions.find((a) => a.name === actionName)?.actionTypeId.category;
  const token = action?.latestExecution?.token;
  if (!stage || !action) throw new AppError('NOT_FOUND', `${ref.name} has no action ${stageName} / ${actionName}.`);
  if (!token || !isWaitingApproval({ category, status: action.latestExecution?.status, token }))
    throw new AppError('CONFLICT', `${stageName} / ${actionName} of ${ref.name} is not waiting for approval any more.`);
  const executionId = stage.latestExecution?.pipelineExecutionId ?? null;
  if (expectedExecutionId && executionId && executionId !== expectedExecutionId)
    throw new AppError(
      'CONFLICT',
      `The approval waiting in ${ref.name} now belongs to execution ${executionId}, not ${expectedExecutionId} which you reviewed. Review it again.`,
    );
  await cp.send(new PutApprovalResultCommand({ pipelineName: ref.name, stageName, actionName, token, result: { status, summary } }));
  return { executionId };
}
