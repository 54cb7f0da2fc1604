// The rule catalog for V2 stage conditions (category Rule, owner AWS, version 1),
// and which results each kind of condition takes. The property panel builds its
// condition forms from it and validation checks against it, as for actions.
import type { ConfigField } from './providers';

export interface RuleSpec {
  provider: string;
  label: string;
  help: string;
  config: ConfigField[];
}

export const RULE_TYPES: RuleSpec[] = [
  {
    provider: 'DeploymentWindow',
    label: 'Deployment window',
    help: 'Passes only inside a time window.',
    config: [
      { name: 'Cron', required: true, type: 'string', help: 'When deploying is allowed, as a 6- or 7-field cron expression, e.g. 0 9-17 ? * MON-FRI *.' },
      { name: 'TimeZone', required: false, type: 'string', help: "The cron expression's time zone, e.g. Europe/Paris (default UTC)." },
    ],
  },
  {
    provider: 'CloudWatchAlarm',
    label: 'CloudWatch alarm',
    help: 'Fails while an alarm is in ALARM.',
    config: [
      { name: 'AlarmName', required: true, type: 'string', help: 'The alarm to watch.' },
      { name: 'AlarmStates', required: false, type: 'string', help: 'The states to watch for, among ALARM, OK and INSUFFICIENT_DATA (default ALARM).' },
      { name: 'WaitTime', required: false, type: 'string', help: 'Minutes to allow for a state change before the result applies.' },
    ],
  },
  {
    provider: 'VariableCheck',
    label: 'Variable check',
    help: 'Compares a variable with a value.',
    config: [
      { name: 'Variable', required: true, type: 'string', help: 'The variable, e.g. #{SourceVariables.BranchName}.' },
      { name: 'Operator', required: true, type: 'enum', enumValues: ['EQ', 'NE', 'CONTAINS', 'MATCHES'], help: 'MATCHES takes a Java regular expression.' },
      { name: 'Value', required: true, type: 'string', help: 'The value to compare with.' },
    ],
  },
  {
    provider: 'LambdaInvoke',
    label: 'Lambda function',
    help: 'Calls a function that reports success or failure.',
    config: [
      { name: 'FunctionName', required: true, type: 'string', help: 'The function to call.' },
      { name: 'UserParameters', required: false, type: 'string', help: 'A string passed to the function.' },
    ],
  },
];

/** Each rule provider a pipeline's stage conditions use. */
export function ruleProviders(
  stages: ReadonlyArray<Partial<Record<ConditionKind, { conditions?: Array<{ rules?: Array<{ ruleTypeId: { provider: string } }> }> }>>>,
): Set<string> {
  return new Set(
    stages.flatMap((s) =>
      (Object.keys(CONDITION_KINDS) as ConditionKind[]).flatMap((k) =>
        (s[k]?.conditions ?? []).flatMap((c) => (c.rules ?? []).map((r) => r.ruleTypeId.provider)),
      ),
    ),
  );
}

export function findRule(provider: string | undefined): RuleSpec | undefined {
  return RULE_TYPES.find((r) => r.provider === provider);
}

/** Each condition kind and the results it may engage. */
export const CONDITION_KINDS = {
  beforeEntry: { label: 'Before entry', results: ['FAIL', 'SKIP'] },
  onSuccess: { label: 'On success', results: ['ROLLBACK', 'FAIL'] },
  onFailure: { label: 'On failure', results: ['ROLLBACK'] },
} as const;
export type ConditionKind = keyof typeof CONDITION_KINDS;

/** A SKIP result on entry works with these rules only. */
export const SKIP_RULES = ['LambdaInvoke', 'VariableCheck'];

/** A new rule of a type, its required fields waiting to be filled in. */
export function newRule(spec: RuleSpec, name: string) {
  return { name, ruleTypeId: { category: 'Rule', owner: 'AWS', provider: spec.provider, version: '1' } };
}
