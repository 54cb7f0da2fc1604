// A believable execution history for the demo: runs minutes long (the seed runs
// them in no time, then they are re-timed here), and 30 days of older history per
// pipeline with failures that carry error details, a stopped and a superseded
// run, and rollbacks in V2 pipelines. Older runs are records only: their
// artifacts are gone, as a lifecycle rule would have expired them.
import { Rng } from './random';
import { current, type ActionExecutionRecord, type ExecutionRecord, type PipelineRecord } from './services/codepipeline/records';
import { effectiveRunOrder, type ActionDeclaration } from '../shared/pipeline/model';

const MIN = 60_000;
const DAY = 86_400_000;
export const HISTORY_DAYS = 30;

/** How long an action of this provider takes in the demo's history, in ms. */
function historyDuration(a: ActionDeclaration, rng: Rng): number {
  const p = a.actionTypeId.provider;
  const c = a.actionTypeId.category;
  if (c === 'Approval') return 10 * MIN + rng.int(120 * MIN);
  if (c === 'Source') return 15_000 + rng.int(30_000);
  if (p === 'CodeBuild' || p === 'Commands') return 2 * MIN + rng.int(5 * MIN);
  if (c === 'Deploy') return MIN + rng.int(3 * MIN);
  return 30_000 + rng.int(2 * MIN);
}

const FAILURES = [
  { code: 'JobFailed', message: 'Build failed: 3 of 412 tests failed (OrderTotalsTest.roundsHalfEven).' },
  { code: 'JobFailed', message: 'COMMAND_EXECUTION_ERROR: npm ci exited with 1 (ERESOLVE could not resolve peer dependency).' },
  { code: 'DeploymentFailed', message: 'Deployment d-4ZK2QH8JX failed: 2 of 4 instances failed the health check.' },
  { code: 'JobFailed', message: 'The ECS service did not reach a steady state within 10 minutes.' },
];

/**
 * Lays an execution's action runs out in time, stage after stage, runOrder group
 * after group, so that it ends at `end`; its start moves back accordingly.
 */
export function retime(p: PipelineRecord, e: ExecutionRecord, end: number, rng: Rng): void {
  const decl = p.versions[e.pipelineVersion - 1] ?? current(p);
  const byKey = new Map(decl.stages.flatMap((s) => s.actions.map((a) => [`${s.name}/${a.name}`, a] as const)));
  const orderOf = (stage: string, action: string) => {
    const a = byKey.get(`${stage}/${action}`);
    return a ? effectiveRunOrder(a) : 1;
  };
  // Plan forward from zero, then shift so the last action ends at `end`.
  const plan = new Map<ActionExecutionRecord, { start: number; end: number }>();
  let t = 0;
  for (const stage of decl.stages) {
    const runs = e.actions.filter((a) => a.stageName === stage.name);
    if (!runs.length) continue;
    const orders = [...new Set(runs.map((r) => orderOf(stage.name, r.actionName)))].sort((a, b) => a - b);
    for (const order of orders) {
      let groupEnd = t;
      for (const r of runs.filter((x) => orderOf(stage.name, x.actionName) === order)) {
        const decl = byKey.get(`${stage.name}/${r.actionName}`);
        const d = decl ? historyDuration(decl, rng) : MIN;
        plan.set(r, { start: t, end: t + d });
        groupEnd = Math.max(groupEnd, t + d);
      }
      t = groupEnd + 2_000;
    }
    t += 5_000;
  }
  const shift = end - t;
  for (const [r, at] of plan) {
    r.startTime = at.start + shift;
    // A run still in progress (an approval waiting) has not changed since it started.
    r.lastUpdateTime = r.status === 'InProgress' ? r.startTime : at.end + shift;
  }
  e.startTime = shift;
  e.lastUpdateTime = e.status === 'InProgress' ? Math.max(...e.actions.map((a) => a.lastUpdateTime), shift) : end;
}

/** Re-times every seeded execution to minutes long, keeping the order they ran in. */
export function retimeSeeded(p: PipelineRecord, rng: Rng): void {
  for (const e of p.executions) retime(p, e, e.status === 'InProgress' ? Date.now() : e.lastUpdateTime, rng);
}

/**
 * Adds older executions to fill HISTORY_DAYS before the oldest seeded one: about
 * one a day, mostly successful, some failed with error details, one stopped, one
 * superseded, and a rollback in V2 pipelines.
 */
export function synthesizeHistory(p: PipelineRecord, rng: Rng, now = Date.now()): void {
  const decl = current(p);
  const oldest = p.executions.at(-1)?.startTime ?? now;
  const from = now - HISTORY_DAYS * DAY;
  const older: ExecutionRecord[] = [];
  let at = oldest - (6 + rng.int(18)) * 60 * MIN;
  let n = 0;
  while (at > from) {
    n++;
    const roll = rng.next();
    const status: ExecutionRecord['status'] = n === 4 ? 'Stopped' : n === 7 ? 'Superseded' : roll < 0.14 ? 'Failed' : 'Succeeded';
    const stopAt = status === 'Succeeded' ? decl.stages.length : 1 + rng.int(Math.max(1, decl.stages.length - 1));
    const e: ExecutionRecord = {
      pipelineExecutionId: rng.uuid(),
      pipelineVersion: p.versions.length,
      status,
      ...(status === 'Failed' ? { statusSummary: 'One or more actions failed.' } : {}),
      startTime: at,
      lastUpdateTime: at,
      trigger:
        n % 5 === 0
          ? { triggerType: 'StartPipelineExecution', triggerDetail: `arn:aws:sts::${p.accountId}:assumed-role/release-manager/dana` }
          : { triggerType: 'Webhook', triggerDetail: 'push' },
      ...(status === 'Stopped' ? { stopTrigger: { reason: 'Wrong branch pushed; stopping before deploy.' } } : {}),
      executionMode: decl.executionMode ?? 'SUPERSEDED',
      executionType: 'STANDARD',
      variables: (decl.variables ?? []).map((v) => ({ name: v.name, resolvedValue: v.defaultValue ?? '' })),
      sourceRevisionOverrides: [],
      artifactRevisions: decl.stages[0].actions
        .filter((a) => a.actionTypeId.category === 'Source')
        .map((a) => ({
          name: a.outputArtifacts?.[0]?.name ?? a.name,
          revisionId: rng.hex(40),
          revisionSummary: ['Fix rounding in order totals', 'Bump dependencies', 'Add retry to the payment client', 'Tune the cache TTL', 'Log request ids'][
            rng.int(5)
          ],
          created: at - rng.int(30 * MIN),
        })),
      artifacts: {},
      stages: {},
      actions: [],
      stageIndex: -1,
      waiting: false,
    };
    decl.stages.slice(0, stopAt).forEach((s, si) => {
      const last = si === stopAt - 1;
      const failing = last && status === 'Failed' ? (s.actions.find((a) => a.actionTypeId.category !== 'Source') ?? s.actions[0]) : undefined;
      for (const a of s.actions) {
        const failed = a === failing;
        const cut = last && (status === 'Stopped' || status === 'Superseded');
        const error = failed ? FAILURES[rng.int(FAILURES.length)] : undefined;
        e.actions.push({
          actionExecutionId: rng.uuid(),
          pipelineExecutionId: e.pipelineExecutionId,
          pipelineVersion: e.pipelineVersion,
          stageName: s.name,
          actionName: a.name,
          startTime: at,
          lastUpdateTime: at,
          status: failed ? 'Failed' : cut ? 'Abandoned' : 'Succeeded',
          ...(error ? { errorDetails: error, summary: error.message } : { summary: `${a.actionTypeId.provider} succeeded` }),
          ...(a.actionTypeId.category === 'Approval' && !failed && !cut ? { updatedBy: `arn:aws:sts::${p.accountId}:assumed-role/release-manager/sam` } : {}),
          input: {
            actionTypeId: { ...a.actionTypeId },
            configuration: { ...(a.configuration ?? {}) },
            resolvedConfiguration: { ...(a.configuration ?? {}) },
            region: a.region ?? p.region,
            inputArtifacts: (a.inputArtifacts ?? []).map((i) => ({ name: i.name })),
          },
          output: {
            outputArtifacts: failed || cut ? [] : (a.outputArtifacts ?? []).map((o) => ({ name: o.name })),
            ...(failed || cut
              ? {}
              : { executionResult: { externalExecutionId: rng.hex(12), externalExecutionSummary: `${a.actionTypeId.provider} succeeded` } }),
            outputVariables: {},
          },
        });
      }
      e.stages[s.name] = { status: last && status !== 'Succeeded' ? (status === 'Failed' ? 'Failed' : 'Stopped') : 'Succeeded' };
    });
    retime(p, e, at + 20 * MIN, rng);
    older.push(e);
    at -= (12 + rng.int(36)) * 60 * MIN;
  }
  // A rollback of the last stage in V2 pipelines: half an hour after a run, back to an earlier success.
  const after = older[8];
  const target = older.slice(9).find((x) => x.status === 'Succeeded');
  if (decl.pipelineType === 'V2' && after && target) {
    const lastStage = decl.stages[decl.stages.length - 1];
    const model = target.actions.find((x) => x.stageName === lastStage.name) ?? target.actions[0];
    const rb: ExecutionRecord = {
      ...structuredClone(target),
      pipelineExecutionId: rng.uuid(),
      status: 'Succeeded',
      trigger: { triggerType: 'ManualRollback', triggerDetail: `arn:aws:sts::${p.accountId}:assumed-role/release-manager/dana` },
      executionType: 'ROLLBACK',
      rollbackMetadata: { rollbackTargetPipelineExecutionId: target.pipelineExecutionId },
      stages: { [lastStage.name]: { status: 'Succeeded' } },
      actions: [],
    };
    rb.actions = lastStage.actions.map((a) => ({
      ...structuredClone(model),
      actionExecutionId: rng.uuid(),
      pipelineExecutionId: rb.pipelineExecutionId,
      stageName: lastStage.name,
      actionName: a.name,
      status: 'Succeeded' as const,
      summary: `Rolled back to ${target.pipelineExecutionId.slice(0, 8)}`,
    }));
    retime(p, rb, after.lastUpdateTime + 40 * MIN, rng);
    older.splice(8, 0, rb);
  }
  p.executions.push(...older);
  p.created = Math.min(p.created, (p.executions.at(-1)?.startTime ?? now) - DAY);
}
