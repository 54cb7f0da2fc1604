// Runs a stage's actions: runOrder groups in order, the actions of a group side
// by side; an action takes its simulated duration (scaled by timeScale), an
// approval waits for PutApprovalResult (or its timeout), a source action records
// its revision, and outputs go to S3 through the artifact writer. Injected
// failures and a retry of failed actions only are honoured here.
import type { ActionExecutionRecord, ExecutionRecord, PipelineRecord } from './records';
import { effectiveRunOrder, type ActionDeclaration, type PipelineDeclaration } from '../../../shared/pipeline/model';
import { Halt, injectedFailure, sleep, type ExecutionContext, type StopReason } from './execution-runtime';
import { missingInput, writeOutputArtifacts } from './artifact-writer';

export type ApprovalResult = { status: 'Approved' | 'Rejected'; summary: string; by: string };
export type RetryMode = 'FAILED_ACTIONS' | 'ALL_ACTIONS';

export class ActionRunner {
  private approvals = new Map<string, { resolve(result: ApprovalResult): void }>();
  private commitCounter = 0;

  constructor(private ctx: ExecutionContext) {}

  resolveApproval(actionExecutionId: string, result: ApprovalResult): boolean {
    const w = this.approvals.get(actionExecutionId);
    if (!w) return false;
    this.approvals.delete(actionExecutionId);
    w.resolve(result);
    return true;
  }

  /** An abandoned approval can no longer be answered. */
  forgetApproval(actionExecutionId: string): void {
    this.approvals.delete(actionExecutionId);
  }

  /** Runs stage `si`'s runOrder groups: false when an action failed, Halt when the execution was aborted. */
  async runStage(
    p: PipelineRecord,
    decl: PipelineDeclaration,
    e: ExecutionRecord,
    si: number,
    retryMode: RetryMode | undefined,
    signal: AbortSignal,
  ): Promise<boolean> {
    const stage = decl.stages[si];
    const groups = [...new Set(stage.actions.map(effectiveRunOrder))].sort((a, b) => a - b);
    for (const order of groups) {
      let group = stage.actions.filter((a) => effectiveRunOrder(a) === order);
      if (retryMode === 'FAILED_ACTIONS') {
        group = group.filter((a) => {
          const lastRun = [...e.actions].reverse().find((x) => x.stageName === stage.name && x.actionName === a.name);
          return !lastRun || lastRun.status !== 'Succeeded';
        });
      }
      const results = await Promise.allSettled(group.map((a) => this.runAction(p, decl, e, stage.name, a, signal)));
      const halted = results.find((r) => r.status === 'rejected' && r.reason instanceof Halt);
      if (halted && halted.status === 'rejected') throw halted.reason;
      if (results.some((r) => r.status === 'rejected' || r.value === false)) return false;
      if (e.status === 'Stopping') return true;
    }
    return true;
  }

  private duration(p: PipelineRecord, stage: string, a: ActionDeclaration): number {
    const d = this.ctx.deps.config().durations;
    return d.byAction[`${p.name}/${stage}/${a.name}`] ?? d.byProvider[a.actionTypeId.provider] ?? d.defaultMs;
  }

  private async runAction(
    p: PipelineRecord,
    decl: PipelineDeclaration,
    e: ExecutionRecord,
    stageName: string,
    a: ActionDeclaration,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { ctx } = this;
    const { deps } = ctx;
    const region = a.region ?? p.region;
    const now = Date.now();
    const rec: ActionExecutionRecord = {
      actionExecutionId: deps.rng.uuid(),
      pipelineExecutionId: e.pipelineExecutionId,
      pipelineVersion: e.pipelineVersion,
      stageName,
      actionName: a.name,
      startTime: now,
      lastUpdateTime: now,
      status: 'InProgress',
      input: {
        actionTypeId: { ...a.actionTypeId },
        configuration: { ...(a.configuration ?? {}) },
        resolvedConfiguration: { ...(a.configuration ?? {}) },
        roleArn: a.roleArn,
        region,
        inputArtifacts: (a.inputArtifacts ?? []).map((i) => ({ name: i.name, s3location: e.artifacts[i.name] })),
        namespace: a.namespace,
      },
      output: { outputArtifacts: [], outputVariables: {} },
    };
    e.actions.push(rec);
    e.lastUpdateTime = now;
    ctx.events.action(p, e, rec, 'STARTED');
    ctx.notify(p);
    const fail = (message: string, code = 'JobFailed') => {
      rec.status = 'Failed';
      rec.errorDetails = { code, message };
      rec.summary = message;
      rec.lastUpdateTime = Date.now();
      e.lastUpdateTime = rec.lastUpdateTime; // the execution changed with its action
      ctx.events.action(p, e, rec, 'FAILED');
      ctx.notify(p);
      return false;
    };

    // Inputs must exist where earlier actions wrote them.
    const missing = missingInput(deps.s3, rec.input.inputArtifacts);
    if (missing !== null) return fail(`Input artifact ${missing} was not found in the artifact store.`);

    if (a.actionTypeId.category === 'Approval') return this.awaitApproval(p, e, a, rec, fail, signal);

    const injected = injectedFailure(deps.config(), p, stageName, a.name);
    const ms = injected?.afterMs ?? this.duration(p, stageName, a);
    await ctx.asleep(() => sleep(ctx.scaled(ms), signal));
    if (injected) return fail(`Injected failure of ${a.name}.`);

    // Write outputs to the store of the action's region.
    if (a.actionTypeId.category === 'Source') this.recordRevision(e, a, rec);
    const notWritten = writeOutputArtifacts(deps, { p, decl, e, stageName, region }, a, rec);
    if (notWritten) return fail(notWritten);
    const externalId = deps.rng.hex(12);
    const url = consoleUrlOf(a, region, externalId);
    rec.output.executionResult = {
      externalExecutionId: externalId,
      externalExecutionSummary: `${a.actionTypeId.provider} succeeded`,
      ...(url ? { externalExecutionUrl: url } : {}),
    };
    rec.status = 'Succeeded';
    rec.summary = rec.output.executionResult.externalExecutionSummary;
    rec.lastUpdateTime = Date.now();
    e.lastUpdateTime = rec.lastUpdateTime; // the execution changed with its action
    ctx.events.action(p, e, rec, 'SUCCEEDED');
    ctx.notify(p);
    return true;
  }

  /** An approval action: waits for a person (PutApprovalResult) or its timeout. */
  private async awaitApproval(
    p: PipelineRecord,
    e: ExecutionRecord,
    a: ActionDeclaration,
    rec: ActionExecutionRecord,
    fail: (message: string, code?: string) => boolean,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { ctx } = this;
    rec.token = ctx.deps.rng.uuid();
    ctx.notify(p);
    const timeoutMin = a.timeoutInMinutes ?? ctx.deps.config().approvalTimeoutMinutes;
    const outcome = await new Promise<ApprovalResult | 'timeout'>((resolve, reject) => {
      // With timeScale 0 (seeding) durations vanish, but an approval still waits for a person.
      const timeoutMs = ctx.scaled(timeoutMin * 60_000);
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.approvals.delete(rec.actionExecutionId);
              resolve('timeout');
            }, timeoutMs)
          : undefined;
      this.approvals.set(rec.actionExecutionId, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          this.approvals.delete(rec.actionExecutionId);
          reject(new Halt(signal.reason as StopReason));
        },
        { once: true },
      );
    });
    if (outcome === 'timeout') return fail('The approval request timed out.', 'ApprovalTimedOut');
    rec.updatedBy = outcome.by;
    rec.summary = outcome.summary;
    if (outcome.status === 'Rejected') return fail(`Rejected: ${outcome.summary}`, 'Rejected');
    rec.status = 'Succeeded';
    rec.lastUpdateTime = Date.now();
    e.lastUpdateTime = rec.lastUpdateTime; // the execution changed with its action
    ctx.events.action(p, e, rec, 'SUCCEEDED');
    ctx.notify(p);
    return true;
  }

  private recordRevision(e: ExecutionRecord, a: ActionDeclaration, rec: ActionExecutionRecord): void {
    const override = e.sourceRevisionOverrides.find((s) => s.actionName === a.name);
    const existing = e.artifactRevisions.find((r) => r.name === a.outputArtifacts?.[0]?.name);
    const revisionId = override?.revisionValue ?? existing?.revisionId ?? this.ctx.deps.rng.hex(40);
    const n = ++this.commitCounter;
    const summary = existing?.revisionSummary ?? (override ? `Pinned revision ${override.revisionValue}` : COMMIT_MESSAGES[n % COMMIT_MESSAGES.length]);
    if (!existing)
      e.artifactRevisions.push({
        name: a.outputArtifacts?.[0]?.name ?? a.name,
        revisionId,
        revisionSummary: summary,
        created: Date.now(),
        revisionChangeIdentifier: revisionId,
      });
    rec.output.outputVariables = {
      CommitId: revisionId,
      CommitMessage: summary,
      BranchName: a.configuration?.BranchName ?? 'main',
      ...(a.configuration?.FullRepositoryId ? { FullRepositoryName: a.configuration.FullRepositoryId } : {}),
    };
    rec.output.executionResult = { externalExecutionId: revisionId, externalExecutionSummary: summary };
  }
}

const COMMIT_MESSAGES = [
  'Fix flaky integration test',
  'Bump dependencies',
  'Add health check endpoint',
  'Tune autoscaling thresholds',
  'Refactor billing module',
  'Update README',
  'Add feature flag for checkout v2',
  'Harden input validation',
];

/** The console page of what an action ran, as the service links it (CodeBuild builds, stacks, deployments). */
function consoleUrlOf(a: ActionDeclaration, region: string, externalId: string): string | null {
  const c = a.configuration ?? {};
  const base = `https://${region}.console.aws.amazon.com`;
  switch (a.actionTypeId.provider) {
    case 'CodeBuild':
      return `${base}/codesuite/codebuild/projects/${encodeURIComponent(c.ProjectName ?? 'project')}/build/${encodeURIComponent(`${c.ProjectName ?? 'project'}:${externalId}`)}/?region=${region}`;
    case 'CodeDeploy':
      return `${base}/codesuite/codedeploy/deployments/d-${externalId.slice(0, 9).toUpperCase()}?region=${region}`;
    case 'CloudFormation':
      return `${base}/cloudformation/home?region=${region}#/stacks/stackinfo?stackId=${encodeURIComponent(c.StackName ?? '')}`;
    case 'ECS':
      return `${base}/ecs/v2/clusters/${encodeURIComponent(c.ClusterName ?? '')}/services/${encodeURIComponent(c.ServiceName ?? '')}?region=${region}`;
    default:
      return null;
  }
}
