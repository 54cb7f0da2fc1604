// A stage's before-entry conditions: each rule takes its time (a deployment
// window or an alarm is watched for a while), then passes, or fails when a
// failure is injected for it (the rule's name as the action). A person may
// override a condition in progress (OverrideStageCondition).
import { current, type ConditionRecord, type ExecutionRecord, type PipelineRecord } from './records';
import { injectedFailure, sleep, type ExecutionContext } from './execution-runtime';

/** Evaluates stage `si`'s before-entry conditions: true when they pass or are overridden. */
export async function beforeEntry(ctx: ExecutionContext, p: PipelineRecord, e: ExecutionRecord, si: number, signal: AbortSignal): Promise<boolean> {
  const { deps } = ctx;
  const decl = p.versions[e.pipelineVersion - 1] ?? current(p);
  const stage = decl.stages[si];
  const now = Date.now();
  const cond: ConditionRecord = { stageName: stage.name, conditionType: 'BEFORE_ENTRY', status: 'InProgress', rules: [] };
  for (const c of stage.beforeEntry?.conditions ?? [])
    for (const rule of c.rules ?? [])
      cond.rules.push({
        ruleExecutionId: deps.rng.uuid(),
        pipelineExecutionId: e.pipelineExecutionId,
        pipelineVersion: e.pipelineVersion,
        stageName: stage.name,
        ruleName: rule.name,
        startTime: now,
        lastUpdateTime: now,
        status: 'InProgress',
        input: { ruleTypeId: { ...rule.ruleTypeId }, configuration: { ...(rule.configuration ?? {}) }, region: rule.region ?? p.region },
      });
  (e.conditions ??= []).push(cond);
  e.lastUpdateTime = now;
  ctx.notify(p);
  const wait = Math.max(0, ...cond.rules.map((r) => deps.config().durations.byProvider[r.input.ruleTypeId.provider] ?? deps.config().durations.defaultMs));
  const deadline = Date.now() + ctx.scaled(wait);
  // Sleep through the evaluation, waking early if the condition is overridden.
  while (cond.status === 'InProgress' && Date.now() < deadline)
    await ctx.asleep(() => Promise.race([sleep(Math.min(deadline - Date.now(), 1000), signal), ctx.changedOnce(p, signal)]));
  if (cond.status === 'Overridden') return true;
  const failing = cond.rules.filter((r) => injectedFailure(deps.config(), p, stage.name, r.ruleName));
  for (const r of cond.rules) {
    const failed = failing.includes(r);
    r.status = failed ? 'Failed' : 'Succeeded';
    r.summary = failed ? `Rule ${r.ruleName} failed.` : `Rule ${r.ruleName} passed.`;
    if (failed) r.errorDetails = { code: 'RuleFailed', message: `Injected failure of rule ${r.ruleName}.` };
    r.lastUpdateTime = Date.now();
  }
  cond.status = failing.length ? 'Failed' : 'Succeeded';
  cond.summary = failing.length ? `${failing.map((r) => r.ruleName).join(', ')} failed.` : 'All rules passed.';
  e.lastUpdateTime = Date.now();
  ctx.notify(p);
  return !failing.length;
}

/** OverrideStageCondition: a condition in progress passes now. False when none is in progress. */
export function overrideCondition(
  ctx: ExecutionContext,
  p: PipelineRecord,
  e: ExecutionRecord,
  stageName: string,
  type: 'BEFORE_ENTRY' | 'ON_SUCCESS',
  by: string,
): boolean {
  const cond = [...(e.conditions ?? [])].reverse().find((c) => c.stageName === stageName && c.conditionType === type);
  if (!cond || cond.status !== 'InProgress') return false;
  cond.status = 'Overridden';
  cond.summary = `Overridden by ${by}.`;
  for (const r of cond.rules)
    if (r.status === 'InProgress') {
      r.status = 'Abandoned';
      r.updatedBy = by;
      r.lastUpdateTime = Date.now();
    }
  e.lastUpdateTime = Date.now();
  ctx.notify(p);
  return true;
}
