// fast-check arbitraries: valid PipelineDeclarations, V1 and V2, built from the
// provider catalog so artifact counts and required configuration hold.
import fc from 'fast-check';
import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from '../../src/shared/pipeline/model';
import { PROVIDERS } from '../../src/shared/pipeline/providers';
import { CONDITION_KINDS, RULE_TYPES, SKIP_RULES, type ConditionKind } from '../../src/shared/pipeline/rules';

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,15}$/);
const configValue = fc.oneof(fc.stringMatching(/^[A-Za-z0-9 ._:/#{}-]{1,30}$/), fc.constant('true'), fc.constant('****'));
const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2');

const nonSource = PROVIDERS.filter((p) => p.category !== 'Source' && p.owner === 'AWS' && !p.v2Only && p.inputs.min <= 1);
const sources = PROVIDERS.filter((p) => p.category === 'Source');

export const pipelineArbitrary: fc.Arbitrary<PipelineDeclaration> = fc
  .record({
    name,
    v2: fc.boolean(),
    mode: fc.constantFrom('SUPERSEDED', 'QUEUED', 'PARALLEL'),
    source: fc.constantFrom(...sources),
    stages: fc.array(
      fc.array(
        fc.record({
          provider: fc.constantFrom(...nonSource),
          runOrder: fc.integer({ min: 1, max: 3 }),
          extraConfig: fc.dictionary(fc.stringMatching(/^X[A-Za-z]{1,8}$/), configValue, { maxKeys: 2 }),
          withRegion: fc.boolean(),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    crossRegion: fc.boolean(),
    variables: fc.array(
      fc.record({ name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/), defaultValue: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }) }),
      { maxLength: 2 },
    ),
    encrypt: fc.boolean(),
    actionRegion: region,
    // V2 only: stage conditions from the rule catalog, an automatic retry, a git trigger.
    conditions: fc.array(
      fc.record({
        stage: fc.nat(),
        kind: fc.constantFrom(...(Object.keys(CONDITION_KINDS) as ConditionKind[])),
        result: fc.nat(),
        rule: fc.constantFrom(...RULE_TYPES),
        withOptional: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    retry: fc.option(fc.record({ stage: fc.nat(), mode: fc.constantFrom('FAILED_ACTIONS', 'ALL_ACTIONS') }), { nil: undefined }),
    trigger: fc.option(
      fc.record({ branches: fc.array(fc.stringMatching(/^[a-z][a-z0-9/*-]{0,10}$/), { minLength: 1, maxLength: 3 }), pullRequest: fc.boolean() }),
      { nil: undefined },
    ),
  })
  .map((r) => {
    let n = 0;
    const configFor = (p: (typeof PROVIDERS)[number], extra: Record<string, string>) => {
      const c: Record<string, string> = { ...extra };
      for (const f of p.config) if (f.required === true) c[f.name] = f.enumValues?.[0] ?? `${f.name.toLowerCase()}-value`;
      return c;
    };
    const source: ActionDeclaration = {
      name: 'Source',
      actionTypeId: { category: 'Source', owner: r.source.owner, provider: r.source.provider, version: r.source.version },
      runOrder: 1,
      configuration: configFor(r.source, {}),
      outputArtifacts: [{ name: 'SourceOut' }],
    };
    const stages: StageDeclaration[] = [{ name: 'Source', actions: [source] }];
    r.stages.forEach((actions, si) => {
      stages.push({
        name: `Stage${si + 1}`,
        actions: actions.map((a, ai) => {
          const act: ActionDeclaration = {
            name: `A${si}_${ai}_${n++}`,
            actionTypeId: { category: a.provider.category, owner: a.provider.owner, provider: a.provider.provider, version: a.provider.version },
            runOrder: a.runOrder,
            configuration: configFor(a.provider, a.extraConfig),
          };
          if (a.provider.inputs.min >= 1) act.inputArtifacts = [{ name: 'SourceOut' }];
          if (a.provider.outputs.min >= 1) act.outputArtifacts = [{ name: `Out${n}` }];
          if (r.crossRegion && a.withRegion && a.provider.crossRegion) act.region = r.actionRegion;
          return act;
        }),
      });
    });
    if (r.v2) {
      for (const c of r.conditions) {
        const stage = stages[1 + (c.stage % (stages.length - 1))];
        const results = CONDITION_KINDS[c.kind].results;
        let result: string = results[c.result % results.length];
        if (result === 'SKIP' && !SKIP_RULES.includes(c.rule.provider)) result = 'FAIL';
        const configuration = Object.fromEntries(
          c.rule.config.filter((f) => f.required === true || c.withOptional).map((f) => [f.name, f.enumValues?.[0] ?? `${f.name.toLowerCase()}-value`]),
        );
        const condition = {
          result,
          rules: [{ name: `Rule${n++}`, ruleTypeId: { category: 'Rule', owner: 'AWS', provider: c.rule.provider, version: '1' }, configuration }],
        };
        if (c.kind === 'onFailure') stage.onFailure = { result: 'ROLLBACK', conditions: [...(stage.onFailure?.conditions ?? []), condition] };
        else stage[c.kind] = { conditions: [...(stage[c.kind]?.conditions ?? []), condition] };
      }
      const retried = r.retry && stages[1 + (r.retry.stage % (stages.length - 1))];
      if (retried && !retried.onFailure) retried.onFailure = { result: 'RETRY', retryConfiguration: { retryMode: r.retry!.mode } };
    }
    const triggers =
      r.v2 && r.trigger && r.source.provider === 'CodeStarSourceConnection'
        ? [
            {
              providerType: 'CodeStarSourceConnection',
              gitConfiguration: {
                sourceActionName: 'Source',
                push: [{ branches: { includes: r.trigger.branches } }],
                ...(r.trigger.pullRequest ? { pullRequest: [{ events: ['OPEN', 'UPDATED'], branches: { includes: r.trigger.branches } }] } : {}),
              },
            },
          ]
        : undefined;
    const usesRegions = stages.some((s) => s.actions.some((a) => a.region));
    const store = (loc: string) => ({ type: 'S3', location: loc, ...(r.encrypt ? { encryptionKey: { id: 'alias/artifacts', type: 'KMS' } } : {}) });
    const decl: PipelineDeclaration = {
      name: r.name,
      roleArn: 'arn:aws:iam::123456789012:role/pipeline',
      ...(usesRegions
        ? { artifactStores: { 'us-east-1': store('bucket-use1'), [r.actionRegion]: store(`bucket-${r.actionRegion}`) } }
        : { artifactStore: store('bucket-use1') }),
      stages,
      pipelineType: r.v2 ? 'V2' : 'V1',
      ...(r.v2 ? { executionMode: r.mode } : {}),
      ...(r.v2 && r.variables.length ? { variables: dedupe(r.variables) } : {}),
      ...(triggers ? { triggers } : {}),
    };
    return decl;
  });

function dedupe<T extends { name: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((v) => !seen.has(v.name) && seen.add(v.name)).map((v) => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as T);
}
