// CodePipeline's AWS JSON 1.1 API (X-Amz-Target: CodePipeline_20150709.<Op>)
// over the sandbox's pipeline tables and executor. Errors carry the service's
// real codes in `__type`. Structure checks come from the shared validator.
import { PipelineDeclaration } from '../../../shared/pipeline/model';
import { PROVIDERS } from '../../../shared/pipeline/providers';
import { hasErrors, validatePipeline } from '../../../shared/pipeline/validate';
import { current, pipelineArn, type ActionExecutionRecord, type ExecutionRecord, type PipelineRecord, type PipelineTables } from './records';
import { SandboxError } from '../../errors';
import type { Executor } from './executor';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import { parseInput } from './inputs';

type Json = Record<string, unknown>;
const epoch = (ms: number) => ms / 1000;

export interface CodePipelineContext {
  tables: PipelineTables;
  executor: Executor;
  startOnCreate: () => boolean;
  changed: () => void;
}

function validation(message: string): SandboxError {
  return new SandboxError('ValidationException', message);
}

function paginate<T>(items: T[], input: { maxResults?: number; nextToken?: string }, defMax: number): { page: T[]; nextToken?: string } {
  const max = input.maxResults ?? defMax;
  const token = input.nextToken;
  let offset = 0;
  if (token !== undefined) {
    const parsed = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(parsed) || parsed < 0) throw new SandboxError('InvalidNextTokenException', 'The next token was specified in an invalid format.');
    offset = parsed;
  }
  const page = items.slice(offset, offset + max);
  const next = offset + max < items.length ? Buffer.from(`o:${offset + max}`).toString('base64url') : undefined;
  return next ? { page, nextToken: next } : { page };
}

function parseDeclaration(raw: unknown, region: string): PipelineDeclaration {
  const parsed = PipelineDeclaration.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw validation(`1 validation error detected: Value at 'pipeline.${first.path.join('.')}' failed to satisfy constraint: ${first.message}`);
  }
  const issues = validatePipeline(parsed.data, { region }).filter((i) => i.severity === 'error');
  if (hasErrors(issues)) throw new SandboxError('InvalidStructureException', issues.map((i) => i.message).join(' '));
  return parsed.data;
}

/** Fills what the service fills: type, mode and (V2-only fields) the V2 upgrade. */
function normalise(decl: PipelineDeclaration, version: number): PipelineDeclaration {
  const v2 =
    decl.pipelineType === 'V2' ||
    (decl.pipelineType === undefined &&
      (!!decl.variables?.length ||
        !!decl.triggers?.length ||
        decl.executionMode === 'QUEUED' ||
        decl.executionMode === 'PARALLEL' ||
        decl.stages.some((s) => s.onSuccess || s.beforeEntry || s.onFailure?.conditions)));
  const out: PipelineDeclaration = { ...structuredClone(decl), version, pipelineType: v2 ? 'V2' : 'V1', executionMode: decl.executionMode ?? 'SUPERSEDED' };
  return out;
}

function getPipelineRecord(ctx: CodePipelineContext, req: ServiceRequest, name: string | undefined): PipelineRecord {
  const p = name === undefined ? undefined : ctx.tables.table(req.accountId, req.region).get(name);
  if (!p) throw new SandboxError('PipelineNotFoundException', `Account '${req.accountId}' does not have a pipeline with name '${name}'`);
  return p;
}

function findExecution(p: PipelineRecord, id: string | undefined): ExecutionRecord {
  const e = p.executions.find((x) => x.pipelineExecutionId === id);
  if (!e) throw new SandboxError('PipelineExecutionNotFoundException', `Pipeline execution with id '${id}' in pipeline '${p.name}' does not exist.`);
  return e;
}

function tagsFrom(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!Array.isArray(raw) || raw.some((t: { key?: unknown; value?: unknown } | null) => typeof t?.key !== 'string' || typeof t?.value !== 'string'))
    throw validation('tags must be a list of {key, value} strings.');
  if (raw.length > 50) throw new SandboxError('TooManyTagsException', 'A resource has at most 50 tags.');
  return Object.fromEntries(raw.map((t: { key: string; value: string }) => [t.key, t.value]));
}

function resourceFromArn(ctx: CodePipelineContext, req: ServiceRequest, arn: string | undefined): PipelineRecord {
  const m = /^arn:aws:codepipeline:([a-z0-9-]+):(\d{12}):([A-Za-z0-9.@\-_]+)$/.exec(arn ?? '');
  if (!m) throw new SandboxError('InvalidArnException', `The ARN ${arn} is not valid.`);
  const p = m[1] === req.region && m[2] === req.accountId ? ctx.tables.table(req.accountId, req.region).get(m[3]) : undefined;
  if (!p) throw new SandboxError('ResourceNotFoundException', `The resource ${arn} was not found.`);
  return p;
}

const sourceRevisionsOf = (p: PipelineRecord, e: ExecutionRecord) => {
  const decl = p.versions[e.pipelineVersion - 1] ?? current(p);
  return (decl.stages[0]?.actions ?? []).flatMap((a) => {
    const rev = e.artifactRevisions.find((r) => r.name === a.outputArtifacts?.[0]?.name);
    return rev ? [{ actionName: a.name, revisionId: rev.revisionId, revisionSummary: rev.revisionSummary }] : [];
  });
};

function executionSummary(p: PipelineRecord, e: ExecutionRecord): Json {
  return {
    pipelineExecutionId: e.pipelineExecutionId,
    status: e.status,
    ...(e.statusSummary ? { statusSummary: e.statusSummary } : {}),
    startTime: epoch(e.startTime),
    lastUpdateTime: epoch(e.lastUpdateTime),
    sourceRevisions: sourceRevisionsOf(p, e),
    trigger: e.trigger,
    ...(e.stopTrigger ? { stopTrigger: e.stopTrigger } : {}),
    executionMode: e.executionMode,
    executionType: e.executionType,
    ...(e.rollbackMetadata ? { rollbackMetadata: e.rollbackMetadata } : {}),
  };
}

/** The newest before-entry condition evaluation of a stage, as GetPipelineState shows it. */
function conditionStateOf(p: PipelineRecord, stageName: string): Json {
  for (const e of p.executions) {
    const c = [...(e.conditions ?? [])].reverse().find((x) => x.stageName === stageName && x.conditionType === 'BEFORE_ENTRY');
    if (!c) continue;
    return {
      beforeEntryConditionState: {
        latestExecution: { status: c.status, ...(c.summary ? { summary: c.summary } : {}) },
        conditionStates: [
          {
            latestExecution: { status: c.status, ...(c.summary ? { summary: c.summary } : {}) },
            ruleStates: c.rules.map((r) => ({
              ruleName: r.ruleName,
              latestExecution: {
                ruleExecutionId: r.ruleExecutionId,
                status: r.status,
                ...(r.summary ? { summary: r.summary } : {}),
                lastStatusChange: epoch(r.lastUpdateTime),
                ...(r.updatedBy ? { lastUpdatedBy: r.updatedBy } : {}),
                ...(r.errorDetails ? { errorDetails: r.errorDetails } : {}),
              },
            })),
          },
        ],
      },
    };
  }
  return {};
}

function actionExecutionDetail(a: ActionExecutionRecord): Json {
  return {
    pipelineExecutionId: a.pipelineExecutionId,
    actionExecutionId: a.actionExecutionId,
    pipelineVersion: a.pipelineVersion,
    stageName: a.stageName,
    actionName: a.actionName,
    startTime: epoch(a.startTime),
    lastUpdateTime: epoch(a.lastUpdateTime),
    ...(a.updatedBy ? { updatedBy: a.updatedBy } : {}),
    status: a.status,
    input: a.input,
    output: {
      outputArtifacts: a.output.outputArtifacts,
      // A failed run has a result too: the service puts its error there.
      ...(a.output.executionResult || a.errorDetails
        ? { executionResult: { ...a.output.executionResult, ...(a.errorDetails ? { errorDetails: a.errorDetails } : {}) } }
        : {}),
      outputVariables: a.output.outputVariables,
    },
  };
}

type Op = (ctx: CodePipelineContext, req: ServiceRequest, body: Json) => Json;

const ops: Record<string, Op> = {
  CreatePipeline(ctx, req, body) {
    const raw = body.pipeline as Json | undefined;
    if (!raw || typeof raw !== 'object')
      throw validation("1 validation error detected: Value null at 'pipeline' failed to satisfy constraint: Member must not be null");
    const decl = parseDeclaration(raw, req.region);
    const table = ctx.tables.table(req.accountId, req.region);
    if (table.has(decl.name)) throw new SandboxError('PipelineNameInUseException', `PipelineName [${decl.name}] is already used`);
    const tags = tagsFrom(body.tags);
    const now = Date.now();
    const stored = normalise(decl, 1);
    const p: PipelineRecord = {
      accountId: req.accountId,
      region: req.region,
      name: decl.name,
      versions: [stored],
      created: now,
      updated: now,
      tags,
      inbound: {},
      outbound: {},
      executions: [],
      stageLatest: {},
    };
    table.set(decl.name, p);
    if (ctx.startOnCreate()) ctx.executor.start(p, { triggerType: 'CreatePipeline', triggerDetail: req.principal.arn });
    ctx.changed();
    return { pipeline: stored, ...(Object.keys(tags).length ? { tags: body.tags } : {}) };
  },

  GetPipeline(ctx, req, body) {
    const { name, version } = parseInput('GetPipeline', body);
    const p = getPipelineRecord(ctx, req, name);
    const decl = version === undefined ? current(p) : p.versions[version - 1];
    if (!decl) throw new SandboxError('PipelineVersionNotFoundException', `Pipeline version ${version} not found.`);
    return { pipeline: decl, metadata: { pipelineArn: pipelineArn(p), created: epoch(p.created), updated: epoch(p.updated) } };
  },

  UpdatePipeline(ctx, req, body) {
    const raw = body.pipeline as Json | undefined;
    if (!raw || typeof raw !== 'object')
      throw validation("1 validation error detected: Value null at 'pipeline' failed to satisfy constraint: Member must not be null");
    const p = getPipelineRecord(ctx, req, typeof raw.name === 'string' ? raw.name : undefined);
    const decl = parseDeclaration(raw, req.region);
    const stored = normalise(decl, p.versions.length + 1);
    p.versions.push(stored);
    p.updated = Date.now();
    ctx.changed();
    return { pipeline: stored };
  },

  DeletePipeline(ctx, req, body) {
    const { name } = parseInput('DeletePipeline', body);
    const table = ctx.tables.table(req.accountId, req.region);
    const p = table.get(name);
    if (p) {
      ctx.executor.abandonAll(p);
      table.delete(p.name);
      ctx.changed();
    }
    return {};
  },

  ListPipelines(ctx, req, body) {
    const all = [...ctx.tables.table(req.accountId, req.region).values()].sort((a, b) => a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(all, parseInput('ListPipelines', body), 1000);
    return {
      pipelines: page.map((p) => {
        const d = current(p);
        return {
          name: p.name,
          version: p.versions.length,
          pipelineType: d.pipelineType,
          executionMode: d.executionMode,
          created: epoch(p.created),
          updated: epoch(p.updated),
        };
      }),
      ...(nextToken ? { nextToken } : {}),
    };
  },

  GetPipelineState(ctx, req, body) {
    const p = getPipelineRecord(ctx, req, parseInput('GetPipelineState', body).name);
    const decl = current(p);
    return {
      pipelineName: p.name,
      pipelineVersion: p.versions.length,
      created: epoch(p.created),
      updated: epoch(p.updated),
      stageStates: decl.stages.map((s) => {
        const inbound = p.inbound[s.name];
        const e = p.executions.find((x) => x.pipelineExecutionId === p.stageLatest[s.name]);
        const waiting = p.executions.filter(
          (x) => x.waiting && x.status === 'InProgress' && (p.versions[x.pipelineVersion - 1] ?? decl).stages[x.stageIndex]?.name === s.name,
        );
        return {
          stageName: s.name,
          inboundTransitionState: inbound
            ? {
                enabled: inbound.enabled,
                lastChangedBy: inbound.lastChangedBy,
                lastChangedAt: inbound.lastChangedAt && epoch(inbound.lastChangedAt),
                ...(inbound.disabledReason ? { disabledReason: inbound.disabledReason } : {}),
              }
            : { enabled: true },
          ...(waiting.length
            ? {
                inboundExecution: { pipelineExecutionId: waiting[0].pipelineExecutionId, status: 'InProgress', type: waiting[0].executionType },
                inboundExecutions: waiting.map((w) => ({ pipelineExecutionId: w.pipelineExecutionId, status: 'InProgress', type: w.executionType })),
              }
            : {}),
          actionStates: s.actions.map((a) => {
            const run = e ? [...e.actions].reverse().find((x) => x.stageName === s.name && x.actionName === a.name) : undefined;
            const revision = a.actionTypeId.category === 'Source' && e ? e.artifactRevisions.find((r) => r.name === a.outputArtifacts?.[0]?.name) : undefined;
            return {
              actionName: a.name,
              ...(revision
                ? {
                    currentRevision: { revisionId: revision.revisionId, revisionChangeId: revision.revisionChangeIdentifier, created: epoch(revision.created) },
                  }
                : {}),
              ...(run
                ? {
                    latestExecution: {
                      actionExecutionId: run.actionExecutionId,
                      status: run.status,
                      ...(run.summary ? { summary: run.summary } : {}),
                      lastStatusChange: epoch(run.lastUpdateTime),
                      ...(run.token && run.status === 'InProgress' ? { token: run.token } : {}),
                      ...(run.updatedBy ? { lastUpdatedBy: run.updatedBy } : {}),
                      ...(run.output.executionResult?.externalExecutionId ? { externalExecutionId: run.output.executionResult.externalExecutionId } : {}),
                      ...(run.output.executionResult?.externalExecutionUrl ? { externalExecutionUrl: run.output.executionResult.externalExecutionUrl } : {}),
                      ...(run.errorDetails ? { errorDetails: run.errorDetails } : {}),
                    },
                  }
                : {}),
            };
          }),
          ...(e
            ? { latestExecution: { pipelineExecutionId: e.pipelineExecutionId, status: e.stages[s.name]?.status ?? 'InProgress', type: e.executionType } }
            : {}),
          ...conditionStateOf(p, s.name),
        };
      }),
    };
  },

  StartPipelineExecution(ctx, req, body) {
    const input = parseInput('StartPipelineExecution', body);
    const p = getPipelineRecord(ctx, req, input.name);
    const decl = current(p);
    const variables = input.variables ?? [];
    const declared = new Set((decl.variables ?? []).map((v) => v.name));
    for (const v of variables) if (!declared.has(v.name)) throw validation(`Variable ${v.name} is not declared in pipeline ${p.name}.`);
    // The same idempotency token answers with the execution it started, as the service does.
    const earlier = input.clientRequestToken ? p.executions.find((x) => x.clientRequestToken === input.clientRequestToken) : undefined;
    if (earlier) return { pipelineExecutionId: earlier.pipelineExecutionId };
    const sourceRevisions = input.sourceRevisions ?? [];
    for (const s of sourceRevisions)
      if (!decl.stages[0].actions.some((a) => a.name === s.actionName)) throw validation(`Source action ${s.actionName} does not exist in pipeline ${p.name}.`);
    const e = ctx.executor.start(p, {
      triggerType: 'StartPipelineExecution',
      triggerDetail: req.principal.arn,
      variables,
      sourceRevisions,
      clientRequestToken: input.clientRequestToken,
    });
    return { pipelineExecutionId: e.pipelineExecutionId };
  },

  StopPipelineExecution(ctx, req, body) {
    const input = parseInput('StopPipelineExecution', body);
    const p = getPipelineRecord(ctx, req, input.pipelineName);
    const e = findExecution(p, input.pipelineExecutionId);
    const reason = input.reason ?? '';
    if (e.status === 'Stopping') throw new SandboxError('DuplicatedStopRequestException', 'A stop request for this execution is already in progress.');
    if (e.status !== 'InProgress')
      throw new SandboxError('PipelineExecutionNotStoppableException', `Pipeline execution ${e.pipelineExecutionId} is ${e.status} and cannot be stopped.`);
    ctx.executor.stop(p, e, input.abandon === true, reason);
    return { pipelineExecutionId: e.pipelineExecutionId };
  },

  GetPipelineExecution(ctx, req, body) {
    const input = parseInput('GetPipelineExecution', body);
    const p = getPipelineRecord(ctx, req, input.pipelineName);
    const e = findExecution(p, input.pipelineExecutionId);
    return {
      pipelineExecution: {
        pipelineName: p.name,
        pipelineVersion: e.pipelineVersion,
        pipelineExecutionId: e.pipelineExecutionId,
        status: e.status,
        ...(e.statusSummary ? { statusSummary: e.statusSummary } : {}),
        artifactRevisions: e.artifactRevisions.map((r) => ({ ...r, created: epoch(r.created) })),
        variables: e.variables,
        trigger: e.trigger,
        executionMode: e.executionMode,
        executionType: e.executionType,
        ...(e.rollbackMetadata ? { rollbackMetadata: e.rollbackMetadata } : {}),
      },
    };
  },

  ListPipelineExecutions(ctx, req, body) {
    const input = parseInput('ListPipelineExecutions', body);
    const p = getPipelineRecord(ctx, req, input.pipelineName);
    let list = p.executions;
    const stageName = input.filter?.succeededInStage?.stageName;
    if (stageName) list = list.filter((e) => e.stages[stageName]?.status === 'Succeeded');
    const { page, nextToken } = paginate(list, input, 100);
    return { pipelineExecutionSummaries: page.map((e) => executionSummary(p, e)), ...(nextToken ? { nextToken } : {}) };
  },

  ListActionExecutions(ctx, req, body) {
    const input = parseInput('ListActionExecutions', body);
    const p = getPipelineRecord(ctx, req, input.pipelineName);
    const execId = input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId;
    const execs = execId ? [findExecution(p, execId)] : p.executions;
    const actions = execs.flatMap((e) => [...e.actions].reverse());
    const { page, nextToken } = paginate(actions, input, 100);
    return { actionExecutionDetails: page.map(actionExecutionDetail), ...(nextToken ? { nextToken } : {}) };
  },

  PutApprovalResult(ctx, req, body) {
    const { pipelineName, stageName, actionName, token, result } = parseInput('PutApprovalResult', body);
    const p = getPipelineRecord(ctx, req, pipelineName);
    const stage = current(p).stages.find((s) => s.name === stageName);
    if (!stage) throw new SandboxError('StageNotFoundException', `Stage ${stageName} not found in pipeline ${p.name}.`);
    if (!stage.actions.some((a) => a.name === actionName))
      throw new SandboxError('ActionNotFoundException', `Action ${actionName} not found in stage ${stageName}.`);
    const runs = p.executions.flatMap((e) => e.actions).filter((a) => a.stageName === stageName && a.actionName === actionName && a.token);
    const pending = runs.find((a) => a.status === 'InProgress' && a.token === token);
    if (!pending) {
      if (runs.some((a) => a.token === token))
        throw new SandboxError('ApprovalAlreadyCompletedException', 'The approval action has already been approved or rejected.');
      throw new SandboxError('InvalidApprovalTokenException', `The approval token ${token} is not valid.`);
    }
    ctx.executor.resolveApproval(pending.actionExecutionId, { status: result.status, summary: result.summary, by: req.principal.arn });
    return { approvedAt: epoch(Date.now()) };
  },

  RetryStageExecution(ctx, req, body) {
    const { pipelineName, stageName, pipelineExecutionId, retryMode: mode } = parseInput('RetryStageExecution', body);
    const p = getPipelineRecord(ctx, req, pipelineName);
    const e = findExecution(p, pipelineExecutionId);
    const decl = p.versions[e.pipelineVersion - 1] ?? current(p);
    const si = decl.stages.findIndex((s) => s.name === stageName);
    if (si < 0) throw new SandboxError('StageNotFoundException', `Stage ${stageName} not found in pipeline ${p.name}.`);
    const stageStatus = e.stages[stageName]?.status;
    if (p.stageLatest[stageName] !== e.pipelineExecutionId)
      throw new SandboxError('NotLatestPipelineExecutionException', `Execution ${e.pipelineExecutionId} is not the latest in stage ${stageName}.`);
    if (!(e.status === 'Failed' || e.status === 'Stopped') || !(stageStatus === 'Failed' || stageStatus === 'Stopped'))
      throw new SandboxError('StageNotRetryableException', `Stage ${stageName} of execution ${e.pipelineExecutionId} has no failed actions to retry.`);
    if (p.executions.some((x) => x !== e && x.stageIndex === si && x.status === 'InProgress' && !x.waiting && x.executionMode !== 'PARALLEL'))
      throw new SandboxError('ConflictException', `Stage ${stageName} is in progress for another execution.`);
    ctx.executor.retry(p, e, si, mode);
    return { pipelineExecutionId: e.pipelineExecutionId };
  },

  RollbackStage(ctx, req, body) {
    const { pipelineName, stageName, targetPipelineExecutionId } = parseInput('RollbackStage', body);
    const p = getPipelineRecord(ctx, req, pipelineName);
    const target = findExecution(p, targetPipelineExecutionId);
    const decl = current(p);
    const si = decl.stages.findIndex((s) => s.name === stageName);
    if (si < 0) throw new SandboxError('StageNotFoundException', `Stage ${stageName} not found in pipeline ${p.name}.`);
    if (si === 0) throw new SandboxError('UnableToRollbackStageException', 'The source stage cannot be rolled back.');
    if (target.stages[stageName]?.status !== 'Succeeded')
      throw new SandboxError('UnableToRollbackStageException', `Execution ${target.pipelineExecutionId} did not succeed in stage ${stageName}.`);
    if (p.executions.some((x) => x.status === 'InProgress' && x.stageIndex === si && !x.waiting))
      throw new SandboxError('ConflictException', `Stage ${stageName} is in progress.`);
    const e = ctx.executor.start(p, { triggerType: 'ManualRollback', triggerDetail: req.principal.arn, rollback: { stageIndex: si, target } });
    return { pipelineExecutionId: e.pipelineExecutionId };
  },

  OverrideStageCondition(ctx, req, body) {
    const { pipelineName, stageName, pipelineExecutionId, conditionType } = parseInput('OverrideStageCondition', body);
    const p = getPipelineRecord(ctx, req, pipelineName);
    const e = findExecution(p, pipelineExecutionId);
    if (!current(p).stages.some((s) => s.name === stageName))
      throw new SandboxError('StageNotFoundException', `Stage ${stageName} not found in pipeline ${p.name}.`);
    if (!ctx.executor.overrideCondition(p, e, stageName, conditionType, req.principal.arn))
      throw new SandboxError(
        'ConditionNotOverridableException',
        `No ${conditionType} condition of stage ${stageName} is in progress in execution ${e.pipelineExecutionId}.`,
      );
    return {};
  },

  ListRuleExecutions(ctx, req, body) {
    const input = parseInput('ListRuleExecutions', body);
    const p = getPipelineRecord(ctx, req, input.pipelineName);
    const execId = input.filter?.pipelineExecutionId ?? input.filter?.latestInPipelineExecution?.pipelineExecutionId;
    const execs = execId ? [findExecution(p, execId)] : p.executions;
    const rules = execs.flatMap((e) => (e.conditions ?? []).flatMap((c) => c.rules).reverse());
    const { page, nextToken } = paginate(rules, input, 100);
    return {
      ruleExecutionDetails: page.map((r) => ({
        pipelineExecutionId: r.pipelineExecutionId,
        ruleExecutionId: r.ruleExecutionId,
        pipelineVersion: r.pipelineVersion,
        stageName: r.stageName,
        ruleName: r.ruleName,
        startTime: epoch(r.startTime),
        lastUpdateTime: epoch(r.lastUpdateTime),
        ...(r.updatedBy ? { updatedBy: r.updatedBy } : {}),
        status: r.status,
        input: { ...r.input, resolvedConfiguration: r.input.configuration },
        output: {
          executionResult: { externalExecutionSummary: r.summary ?? '', ...(r.errorDetails ? { errorDetails: r.errorDetails } : {}) },
        },
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  },

  EnableStageTransition(ctx, req, body) {
    return setTransition(ctx, req, body, true);
  },
  DisableStageTransition(ctx, req, body) {
    return setTransition(ctx, req, body, false);
  },

  TagResource(ctx, req, body) {
    const input = parseInput('TagResource', body);
    const p = resourceFromArn(ctx, req, input.resourceArn);
    const tags = Object.fromEntries(input.tags.map((t) => [t.key, t.value]));
    if (Object.keys({ ...p.tags, ...tags }).length > 50) throw new SandboxError('TooManyTagsException', 'A resource has at most 50 tags.');
    Object.assign(p.tags, tags);
    ctx.changed();
    return {};
  },
  UntagResource(ctx, req, body) {
    const { resourceArn, tagKeys } = parseInput('UntagResource', body);
    const p = resourceFromArn(ctx, req, resourceArn);
    for (const k of tagKeys) delete p.tags[k];
    ctx.changed();
    return {};
  },
  ListTagsForResource(ctx, req, body) {
    const input = parseInput('ListTagsForResource', body);
    const p = resourceFromArn(ctx, req, input.resourceArn);
    const all = Object.entries(p.tags).map(([key, value]) => ({ key, value }));
    const { page, nextToken } = paginate(all, input, 50);
    return { tags: page, ...(nextToken ? { nextToken } : {}) };
  },

  ListActionTypes(_ctx, _req, body) {
    const owner = parseInput('ListActionTypes', body).actionOwnerFilter;
    const types = PROVIDERS.filter((p) => !owner || p.owner === owner).map((p) => ({
      id: { category: p.category, owner: p.owner, provider: p.provider, version: p.version },
      settings: {},
      actionConfigurationProperties: p.config.map((f) => ({
        name: f.name,
        required: f.required === true,
        key: true,
        secret: false,
        description: f.help,
        type: 'String',
      })),
      inputArtifactDetails: { minimumCount: p.inputs.min, maximumCount: p.inputs.max },
      outputArtifactDetails: { minimumCount: p.outputs.min, maximumCount: p.outputs.max },
    }));
    return { actionTypes: types };
  },
};

function setTransition(ctx: CodePipelineContext, req: ServiceRequest, body: Json, enabled: boolean): Json {
  const input = enabled ? parseInput('EnableStageTransition', body) : parseInput('DisableStageTransition', body);
  const { stageName, transitionType: type } = input;
  const p = getPipelineRecord(ctx, req, input.pipelineName);
  if (!current(p).stages.some((s) => s.name === stageName))
    throw new SandboxError('StageNotFoundException', `Stage ${stageName} not found in pipeline ${p.name}.`);
  const reason = 'reason' in input && typeof input.reason === 'string' ? input.reason : undefined;
  const table = type === 'Inbound' ? p.inbound : p.outbound;
  table[stageName] = { enabled, lastChangedBy: req.principal.arn, lastChangedAt: Date.now(), ...(reason ? { disabledReason: reason } : {}) };
  ctx.executor.notify(p);
  return {};
}

export const CODEPIPELINE_OPERATIONS = Object.keys(ops);

export function handleCodePipeline(req: ServiceRequest, ctx: CodePipelineContext): ServiceResponse {
  const target = String(req.headers['x-amz-target'] ?? '');
  const m = /^CodePipeline_20150709\.(\w+)$/.exec(target);
  req.operation = m?.[1] ?? 'Unknown';
  const op = m ? ops[m[1]] : undefined;
  if (!op) throw new SandboxError('UnknownOperationException', `Unknown operation ${target.slice(0, 100)}`);
  let body: Json;
  try {
    const text = req.body.toString('utf8');
    body = text.trim() ? (JSON.parse(text) as Json) : {};
  } catch {
    throw new SandboxError('SerializationException', 'Start of structure or map found where not expected, or the body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SandboxError('SerializationException', 'The request body must be a JSON object.');
  const result = op(ctx, req, body);
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(result) };
}

export function jsonErrorBody(err: SandboxError): string {
  return JSON.stringify({ __type: err.code, message: err.message });
}
