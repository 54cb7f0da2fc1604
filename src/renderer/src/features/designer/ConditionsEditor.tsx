// V2 stage behaviour: what a failure does (fail, roll back, or retry), and the
// stage's conditions: before entry, on success and on failure, each a result and
// rules from the rule catalog. Edits replace one field, so unknown keys survive.
import type { StageDeclaration } from '../../../../shared/pipeline/model';
import { CONDITION_KINDS, RULE_TYPES, findRule, newRule, type ConditionKind } from '../../../../shared/pipeline/rules';
import { uniqueName, withConfigValue } from '../../../../shared/pipeline/edit';
import type { ConfigField } from '../../../../shared/pipeline/providers';
import { ConfigFields, Field, Text, removeAt, replaceAt, type Opaque } from './fields';

type Condition = NonNullable<StageDeclaration['beforeEntry']>['conditions'][number];
type Rule = NonNullable<Condition['rules']>[number];

/** The stage with one kind's conditions replaced; none left removes the block (onFailure keeps its result). */
function withConditions(s: StageDeclaration, kind: ConditionKind, conditions: Condition[] | undefined): Partial<StageDeclaration> {
  if (kind === 'onFailure') {
    const { conditions: _old, ...rest } = s.onFailure ?? {};
    const next = conditions ? { ...rest, conditions } : rest;
    return { onFailure: Object.keys(next).length ? next : undefined };
  }
  return { [kind]: conditions ? { ...s[kind], conditions } : undefined };
}

function RuleFields({ rule, path, opaque, onChange }: { rule: Rule; path: string; opaque: Opaque; onChange: (r: Rule) => void }) {
  const spec = findRule(rule.ruleTypeId.provider);
  // A rule type outside the catalog shows the configuration it came with.
  const fields: ConfigField[] = spec?.config ?? Object.keys(rule.configuration ?? {}).map((name) => ({ name, required: false, type: 'string', help: '' }));
  const setConfig = (key: string, value: string | undefined) => {
    const { configuration: _old, ...rest } = rule;
    const configuration = withConfigValue(rule.configuration, key, value);
    onChange(configuration ? { ...rest, configuration } : rest);
  };
  return (
    <>
      <Field label="Rule name" path={`${path}.name`} required>
        <Text value={rule.name} onChange={(name) => onChange({ ...rule, name })} path={`${path}.name`} opaque={opaque} data-testid="rule-name" />
      </Field>
      <Field label="Rule" path={`${path}.ruleTypeId`} help={spec?.help}>
        <select
          value={rule.ruleTypeId.provider}
          onChange={(e) => {
            // Another type: its own configuration, starting empty.
            const { configuration: _old, ...rest } = rule;
            onChange({ ...rest, ruleTypeId: { ...rule.ruleTypeId, provider: e.target.value } });
          }}
          data-testid="rule-type"
        >
          {!spec && <option value={rule.ruleTypeId.provider}>{rule.ruleTypeId.provider}</option>}
          {RULE_TYPES.map((r) => (
            <option key={r.provider} value={r.provider}>
              {r.label}
            </option>
          ))}
        </select>
      </Field>
      <ConfigFields fields={fields} config={rule.configuration} path={path} opaque={opaque} testIdPrefix="rule-config-" onChange={setConfig} />
    </>
  );
}

function ConditionList({
  stage,
  si,
  kind,
  opaque,
  onChange,
}: {
  stage: StageDeclaration;
  si: number;
  kind: ConditionKind;
  opaque: Opaque;
  onChange: (patch: Partial<StageDeclaration>) => void;
}) {
  const { label, results } = CONDITION_KINDS[kind];
  const conditions: Condition[] = stage[kind]?.conditions ?? [];
  const path = `stages.${si}.${kind}.conditions`;
  const set = (next: Condition[] | undefined) => onChange(withConditions(stage, kind, next));
  const ruleNames = () =>
    (Object.keys(CONDITION_KINDS) as ConditionKind[]).flatMap((k) => (stage[k]?.conditions ?? []).flatMap((c) => (c.rules ?? []).map((r) => r.name)));
  return (
    <div className="conditions" data-testid={`conditions-${kind}`}>
      <strong className="small">{label}</strong>
      {conditions.map((c, ci) => {
        const setCondition = (next: Condition) => set(replaceAt(conditions, ci, next));
        const rules = c.rules ?? [];
        return (
          <div key={ci} className="condition" data-field={`${path}.${ci}`} data-testid="condition">
            <Field label="When a rule fails" path={`${path}.${ci}.result`}>
              <select value={c.result ?? ''} onChange={(e) => setCondition({ ...c, result: e.target.value })} data-testid="condition-result">
                {!results.includes(c.result as never) && <option value={c.result ?? ''}>{c.result ?? '—'}</option>}
                {results.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </Field>
            {rules.map((r, ri) => (
              <div key={ri} className="rule" data-field={`${path}.${ci}.rules.${ri}`} data-testid="rule">
                <RuleFields
                  rule={r}
                  path={`${path}.${ci}.rules.${ri}`}
                  opaque={opaque}
                  onChange={(next) => setCondition({ ...c, rules: replaceAt(rules, ri, next) })}
                />
                <button type="button" className="link danger" onClick={() => setCondition({ ...c, rules: removeAt(rules, ri) ?? [] })}>
                  Remove rule
                </button>
              </div>
            ))}
            <div className="row">
              <button
                type="button"
                className="link"
                onClick={() => setCondition({ ...c, rules: [...rules, newRule(RULE_TYPES[0], uniqueName('Rule', ruleNames()))] })}
                data-testid="rule-add"
              >
                + Rule
              </button>
              <span className="spacer" />
              <button type="button" className="link danger" onClick={() => set(removeAt(conditions, ci))} data-testid="condition-remove">
                Remove condition
              </button>
            </div>
          </div>
        );
      })}
      <button
        type="button"
        className="link"
        onClick={() => set([...conditions, { result: results[0], rules: [newRule(RULE_TYPES[0], uniqueName('Rule', ruleNames()))] }])}
        data-testid={`condition-add-${kind}`}
      >
        + {label.toLowerCase()} condition
      </button>
    </div>
  );
}

export function StageBehaviour({
  stage,
  si,
  opaque,
  onChange,
}: {
  stage: StageDeclaration;
  si: number;
  opaque: Opaque;
  onChange: (patch: Partial<StageDeclaration>) => void;
}) {
  const failure = stage.onFailure;
  const setResult = (result: string) => {
    const { result: _r, retryConfiguration: _c, ...rest } = failure ?? {};
    const next = {
      ...rest,
      ...(result ? { result } : {}),
      ...(result === 'RETRY' ? { retryConfiguration: failure?.retryConfiguration ?? { retryMode: 'FAILED_ACTIONS' } } : {}),
    };
    onChange({ onFailure: Object.keys(next).length ? next : undefined });
  };
  return (
    <fieldset className="stage-behaviour" data-field={`stages.${si}.onFailure`} data-testid="prop-stage-behaviour">
      <legend>Failure and conditions (V2)</legend>
      <Field
        label="When the stage fails"
        path={`stages.${si}.onFailure.result`}
        help={si === 0 ? 'The source stage cannot roll back.' : 'Roll back to the last successful execution, or retry automatically.'}
      >
        <select value={failure?.result ?? ''} onChange={(e) => setResult(e.target.value)} data-testid="stage-on-failure">
          <option value="">Fail (the default)</option>
          {si > 0 && <option value="ROLLBACK">ROLLBACK</option>}
          <option value="RETRY">RETRY</option>
        </select>
      </Field>
      {failure?.result === 'RETRY' && (
        <Field label="Retry" path={`stages.${si}.onFailure.retryConfiguration`}>
          <select
            value={failure.retryConfiguration?.retryMode ?? 'FAILED_ACTIONS'}
            onChange={(e) => onChange({ onFailure: { ...failure, retryConfiguration: { ...failure.retryConfiguration, retryMode: e.target.value } } })}
            data-testid="stage-retry-mode"
          >
            <option value="FAILED_ACTIONS">the failed actions</option>
            <option value="ALL_ACTIONS">all actions</option>
          </select>
        </Field>
      )}
      {(Object.keys(CONDITION_KINDS) as ConditionKind[]).map((kind) => (
        <ConditionList key={kind} stage={stage} si={si} kind={kind} opaque={opaque} onChange={onChange} />
      ))}
    </fieldset>
  );
}
