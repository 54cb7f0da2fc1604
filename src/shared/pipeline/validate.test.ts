// One case per service rule and per warning: a valid pipeline, changed just
// enough to break that rule, must produce exactly that code at that path.
import { describe, expect, it } from 'vitest';
import type { ActionDeclaration, PipelineDeclaration } from './model';
import { validatePipeline } from './validate';
import { convertToArtifactStores } from './edit';

const source = (name = 'Source', out = 'Src'): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
  configuration: { RepositoryName: 'r', BranchName: 'main' },
  outputArtifacts: [{ name: out }],
});
const build = (name = 'Build', inputs = ['Src'], outputs: string[] = ['Out'], runOrder?: number): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  configuration: { ProjectName: 'p' },
  inputArtifacts: inputs.map((n) => ({ name: n })),
  outputArtifacts: outputs.map((n) => ({ name: n })),
  ...(runOrder ? { runOrder } : {}),
});
const deploy = (input = 'Out'): ActionDeclaration => ({
  name: 'Deploy',
  actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' },
  configuration: { BucketName: 'site', Extract: 'true' },
  inputArtifacts: [{ name: input }],
});

const commands = (list: string[]): ActionDeclaration => ({
  name: 'Build',
  actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
  commands: list,
  inputArtifacts: [{ name: 'Src' }],
  outputArtifacts: [{ name: 'Out' }],
});
const rule = (name: string, provider: string, configuration: Record<string, string>) => ({
  name,
  ruleTypeId: { category: 'Rule', owner: 'AWS', provider, version: '1' },
  configuration,
});

function base(): PipelineDeclaration {
  return {
    name: 'valid',
    roleArn: 'arn:aws:iam::111111111111:role/pipeline',
    artifactStore: { type: 'S3', location: 'bucket' },
    stages: [
      { name: 'Source', actions: [source()] },
      { name: 'Build', actions: [build()] },
      { name: 'Deploy', actions: [deploy()] },
    ],
  };
}

type Case = [code: string, mutate: (p: PipelineDeclaration) => void, path?: Array<string | number>];

const ERRORS: Case[] = [
  ['NAME_CHARS', (p) => (p.name = 'bad name!'), ['name']],
  ['NAME_LENGTH', (p) => (p.stages[1].name = 'x'.repeat(101)), ['stages', 1, 'name']],
  ['ROLE_ARN_MISSING', (p) => (p.roleArn = ''), ['roleArn']],
  ['ROLE_ARN_INVALID', (p) => (p.roleArn = 'arn:aws:iam::1:user/x'), ['roleArn']],
  ['ARTIFACT_STORE_BOTH', (p) => (p.artifactStores = { 'us-east-1': { type: 'S3', location: 'b' } }), ['artifactStores']],
  ['ARTIFACT_STORE_MISSING', (p) => delete p.artifactStore, ['artifactStore']],
  ['ARTIFACT_STORE_LOCATION', (p) => (p.artifactStore!.location = ''), ['artifactStore', 'location']],
  ['PIPELINE_TYPE', (p) => (p.pipelineType = 'V3'), ['pipelineType']],
  ['EXECUTION_MODE', (p) => (p.executionMode = 'FASTEST'), ['executionMode']],
  ['V2_ONLY', (p) => ((p.pipelineType = 'V1'), (p.executionMode = 'QUEUED')), ['executionMode']],
  ['VARIABLE_NAME', (p) => ((p.pipelineType = 'V2'), (p.variables = [{ name: 'bad name' }])), ['variables', 0, 'name']],
  ['VARIABLE_DUPLICATE', (p) => ((p.pipelineType = 'V2'), (p.variables = [{ name: 'a' }, { name: 'a' }])), ['variables']],
  ['STAGE_COUNT', (p) => (p.stages = p.stages.slice(0, 1)), ['stages']],
  ['STAGE_DUPLICATE', (p) => (p.stages[2].name = 'Build'), ['stages', 2, 'name']],
  ['ACTION_COUNT', (p) => p.stages[2].actions.splice(0), ['stages', 2, 'actions']],
  ['ACTION_DUPLICATE', (p) => p.stages[1].actions.push(build('Build', ['Src'], [])), ['stages', 1, 'actions', 1, 'name']],
  ['SOURCE_STAGE_ONLY_SOURCE', (p) => p.stages[0].actions.push(build('Early', [], [])), ['stages', 0, 'actions', 1, 'actionTypeId']],
  ['SOURCE_NOT_FIRST', (p) => p.stages[1].actions.push(source('Late', 'Late')), ['stages', 1, 'actions', 1, 'actionTypeId']],
  ['NO_NON_SOURCE_STAGE', (p) => ((p.stages = [p.stages[0], { name: 'More', actions: [source('S2', 'S2')] }]), undefined), ['stages', 1]],
  ['RUN_ORDER', (p) => (p.stages[1].actions[0].runOrder = 1000), ['stages', 1, 'actions', 0, 'runOrder']],
  ['NAMESPACE', (p) => (p.stages[1].actions[0].namespace = 'has space'), ['stages', 1, 'actions', 0, 'namespace']],
  ['PROVIDER_UNKNOWN', (p) => (p.stages[1].actions[0].actionTypeId.provider = 'CodeBuilder'), ['stages', 1, 'actions', 0, 'actionTypeId', 'provider']],
  ['INPUT_COUNT', (p) => (p.stages[1].actions[0].inputArtifacts = []), ['stages', 1, 'actions', 0, 'inputArtifacts']],
  ['OUTPUT_COUNT', (p) => (p.stages[0].actions[0].outputArtifacts = []), ['stages', 0, 'actions', 0, 'outputArtifacts']],
  ['CONFIG_REQUIRED', (p) => delete p.stages[1].actions[0].configuration!.ProjectName, ['stages', 1, 'actions', 0, 'configuration', 'ProjectName']],
  ['CONFIG_KEY_LENGTH', (p) => (p.stages[1].actions[0].configuration!['K'.repeat(51)] = 'v')],
  [
    'CONFIG_VALUE_LENGTH',
    (p) => (p.stages[1].actions[0].configuration!.ProjectName = 'v'.repeat(1001)),
    ['stages', 1, 'actions', 0, 'configuration', 'ProjectName'],
  ],
  [
    'ARTIFACT_NAME',
    (p) => ((p.stages[1].actions[0].outputArtifacts = [{ name: 'has.dot' }]), (p.stages[2].actions[0].inputArtifacts = [{ name: 'has.dot' }])),
    ['stages', 1, 'actions', 0, 'outputArtifacts', 0, 'name'],
  ],
  ['ARTIFACT_DUPLICATE_OUTPUT', (p) => (p.stages[1].actions[0].outputArtifacts = [{ name: 'Src' }]), ['stages', 1, 'actions', 0, 'outputArtifacts', 0, 'name']],
  ['INPUT_NOT_PRODUCED', (p) => (p.stages[2].actions[0].inputArtifacts = [{ name: 'Nothing' }]), ['stages', 2, 'actions', 0, 'inputArtifacts', 0, 'name']],
  ['INPUT_NOT_EARLIER', (p) => p.stages[1].actions.push(build('Same', ['Out'], [], 1)), ['stages', 1, 'actions', 1, 'inputArtifacts', 0, 'name']],
  [
    'APPROVAL_TIMEOUT',
    (p) =>
      p.stages[2].actions.unshift({
        name: 'Gate',
        actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
        timeoutInMinutes: 2,
        configuration: { NotificationArn: 'arn:aws:sns:us-east-1:1:t' },
      }),
    ['stages', 2, 'actions', 0, 'timeoutInMinutes'],
  ],
  ['CROSS_REGION_NEEDS_STORES', (p) => (p.stages[2].actions[0].region = 'eu-west-1'), ['artifactStore']],
  [
    'CROSS_REGION_STORE',
    (p) => ((p.stages[2].actions[0].region = 'eu-west-1'), delete p.artifactStore, (p.artifactStores = { 'us-east-1': { type: 'S3', location: 'a' } })),
    ['artifactStores', 'eu-west-1'],
  ],
  [
    'CROSS_REGION_NOT_ALLOWED',
    (p) => (
      (p.stages[0].actions[0].region = 'eu-west-1'),
      delete p.artifactStore,
      (p.artifactStores = { 'us-east-1': { type: 'S3', location: 'a' }, 'eu-west-1': { type: 'S3', location: 'b' } })
    ),
    ['stages', 0, 'actions', 0, 'region'],
  ],
  [
    'TRIGGER_PROVIDER',
    (p) => ((p.pipelineType = 'V2'), (p.triggers = [{ providerType: 'GitHub', gitConfiguration: { sourceActionName: 'Source' } }])),
    ['triggers', 0, 'providerType'],
  ],
  [
    'TRIGGER_SOURCE',
    (p) => ((p.pipelineType = 'V2'), (p.triggers = [{ providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Missing' } }])),
    ['triggers', 0, 'gitConfiguration', 'sourceActionName'],
  ],
  [
    'TRIGGER_FILTER_COUNT',
    (p) => {
      p.pipelineType = 'V2';
      p.stages[0].actions[0] = {
        ...source(),
        actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
        configuration: { ConnectionArn: 'arn:c', FullRepositoryId: 'a/b', BranchName: 'main' },
      };
      p.triggers = [
        {
          providerType: 'CodeStarSourceConnection',
          gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: Array.from({ length: 9 }, (_, i) => `b${i}`) } }] },
        },
      ];
    },
    ['triggers', 0, 'gitConfiguration'],
  ],
  [
    'CONDITION_RESULT',
    (p) => (
      (p.pipelineType = 'V2'),
      (p.stages[1].beforeEntry = { conditions: [{ result: 'ROLLBACK', rules: [rule('Alarm', 'CloudWatchAlarm', { AlarmName: 'errors' })] }] })
    ),
    ['stages', 1, 'beforeEntry'],
  ],
  [
    'CONDITION_RETRY_MODE',
    (p) => ((p.pipelineType = 'V2'), (p.stages[1].onFailure = { result: 'RETRY', retryConfiguration: { retryMode: 'SOME' } })),
    ['stages', 1, 'onFailure', 'retryConfiguration'],
  ],
  ['CONDITION_ROLLBACK_SOURCE', (p) => (p.stages[0].onFailure = { result: 'ROLLBACK' }), ['stages', 0, 'onFailure']],
  ['ACTION_ROLE_ARN_INVALID', (p) => (p.stages[2].actions[0].roleArn = 'arn:aws:iam::222222222222:user/deployer'), ['stages', 2, 'actions', 0, 'roleArn']],
  ['COMMANDS_REQUIRED', (p) => ((p.pipelineType = 'V2'), (p.stages[1].actions[0] = commands([]))), ['stages', 1, 'actions', 0, 'commands']],
  [
    'COMMANDS_COUNT',
    (p) => ((p.pipelineType = 'V2'), (p.stages[1].actions[0] = commands(Array.from({ length: 51 }, (_, i) => `echo ${i}`)))),
    ['stages', 1, 'actions', 0, 'commands'],
  ],
  [
    'COMMAND_FORMAT',
    (p) => ((p.pipelineType = 'V2'), (p.stages[1].actions[0] = commands(['npm ci', 'echo a\necho b']))),
    ['stages', 1, 'actions', 0, 'commands', 1],
  ],
  [
    'CONDITION_NO_RULES',
    (p) => ((p.pipelineType = 'V2'), (p.stages[1].onSuccess = { conditions: [{ result: 'FAIL', rules: [] }] })),
    ['stages', 1, 'onSuccess', 'conditions', 0],
  ],
  [
    'RULE_CONFIG_REQUIRED',
    (p) => (
      (p.pipelineType = 'V2'),
      (p.stages[2].beforeEntry = { conditions: [{ result: 'FAIL', rules: [rule('Window', 'DeploymentWindow', { TimeZone: 'UTC' })] }] })
    ),
    ['stages', 2, 'beforeEntry', 'conditions', 0, 'rules', 0, 'configuration', 'Cron'],
  ],
  [
    'RULE_CONFIG_ENUM',
    (p) => (
      (p.pipelineType = 'V2'),
      (p.stages[2].beforeEntry = {
        conditions: [{ result: 'FAIL', rules: [rule('Branch', 'VariableCheck', { Variable: '#{S.B}', Operator: 'GT', Value: 'main' })] }],
      })
    ),
    ['stages', 2, 'beforeEntry', 'conditions', 0, 'rules', 0, 'configuration', 'Operator'],
  ],
  [
    'CONDITION_SKIP_RULE',
    (p) => (
      (p.pipelineType = 'V2'),
      (p.stages[2].beforeEntry = { conditions: [{ result: 'SKIP', rules: [rule('Alarm', 'CloudWatchAlarm', { AlarmName: 'errors' })] }] })
    ),
    ['stages', 2, 'beforeEntry', 'conditions', 0, 'rules', 0, 'ruleTypeId'],
  ],
  [
    'CONDITION_RETRY_WITH_CONDITIONS',
    (p) => (
      (p.pipelineType = 'V2'),
      (p.stages[2].onFailure = {
        result: 'RETRY',
        retryConfiguration: { retryMode: 'ALL_ACTIONS' },
        conditions: [{ result: 'ROLLBACK', rules: [rule('Alarm', 'CloudWatchAlarm', { AlarmName: 'errors' })] }],
      })
    ),
    ['stages', 2, 'onFailure'],
  ],
];

const WARNINGS: Case[] = [
  ['V2_IMPLICIT', (p) => (p.variables = [{ name: 'Env' }]), ['variables']],
  [
    'APPROVAL_NO_NOTIFICATION',
    (p) => p.stages[2].actions.unshift({ name: 'Gate', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }),
    ['stages', 2, 'actions', 0, 'configuration', 'NotificationArn'],
  ],
  [
    'SOURCE_POLLING',
    (p) => (p.stages[0].actions[0].configuration!.PollForSourceChanges = 'true'),
    ['stages', 0, 'actions', 0, 'configuration', 'PollForSourceChanges'],
  ],
  ['ARTIFACT_UNUSED', (p) => (p.stages[2].actions[0].inputArtifacts = [{ name: 'Src' }]), ['stages', 1, 'actions', 0, 'outputArtifacts', 0, 'name']],
  [
    'PROVIDER_CUSTOM',
    (p) => (p.stages[1].actions[0].actionTypeId = { category: 'Build', owner: 'Custom', provider: 'MyBuilder', version: '3' }),
    ['stages', 1, 'actions', 0, 'actionTypeId'],
  ],
];

describe('validatePipeline', () => {
  it('finds nothing wrong with a valid pipeline', () => {
    expect(validatePipeline(base(), { region: 'us-east-1' })).toEqual([]);
  });

  it.each(ERRORS)('error %s', (code, mutate, path) => {
    const p = base();
    mutate(p);
    const issues = validatePipeline(p, { region: 'us-east-1' });
    const hit = issues.find((i) => i.code === code);
    expect(hit, JSON.stringify(issues, null, 1)).toBeDefined();
    expect(hit!.severity).toBe('error');
    expect(hit!.message.length).toBeGreaterThan(10);
    if (path) expect(hit!.path).toEqual(path);
  });

  it.each(WARNINGS)('warning %s', (code, mutate, path) => {
    const p = base();
    mutate(p);
    const issues = validatePipeline(p, { region: 'us-east-1' });
    const hit = issues.find((i) => i.code === code);
    expect(hit, JSON.stringify(issues, null, 1)).toBeDefined();
    expect(hit!.severity).toBe('warning');
    if (path) expect(hit!.path).toEqual(path);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('accepts stage conditions built from the rule catalog', () => {
    const p = base();
    p.pipelineType = 'V2';
    p.stages[1].beforeEntry = {
      conditions: [{ result: 'SKIP', rules: [rule('OnMain', 'VariableCheck', { Variable: '#{SourceVariables.BranchName}', Operator: 'EQ', Value: 'main' })] }],
    };
    p.stages[2].beforeEntry = { conditions: [{ result: 'FAIL', rules: [rule('Window', 'DeploymentWindow', { Cron: '0 9-17 ? * MON-FRI *' })] }] };
    p.stages[2].onSuccess = { conditions: [{ result: 'ROLLBACK', rules: [rule('Alarm', 'CloudWatchAlarm', { AlarmName: 'errors', WaitTime: '5' })] }] };
    p.stages[2].onFailure = { result: 'ROLLBACK', conditions: [{ result: 'ROLLBACK', rules: [rule('Check', 'LambdaInvoke', { FunctionName: 'check' })] }] };
    p.stages[1].onFailure = { result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } };
    p.stages[1].actions[0] = commands(['npm ci', 'npm test']);
    p.stages[2].actions[0].roleArn = 'arn:aws:iam::222222222222:role/deployer';
    expect(validatePipeline(p, { region: 'us-east-1' })).toEqual([]);
  });

  it('accepts a cross-region action with a store per region', () => {
    const p = base();
    delete p.artifactStore;
    p.artifactStores = { 'us-east-1': { type: 'S3', location: 'a' }, 'eu-west-1': { type: 'S3', location: 'b' } };
    p.stages[2].actions[0].region = 'eu-west-1';
    expect(validatePipeline(p, { region: 'us-east-1' })).toEqual([]);
  });

  it('a cross-region action with only artifactStore is refused, the pipeline region known or not; the fix converts to artifactStores', () => {
    const p = base();
    p.stages[2].actions[0].region = 'eu-west-1';
    for (const region of ['us-east-1', undefined]) expect(validatePipeline(p, { region }).map((i) => i.code)).toEqual(['CROSS_REGION_NEEDS_STORES']);
    const fixed = convertToArtifactStores(p, 'us-east-1');
    expect(fixed.artifactStore).toBeUndefined();
    expect(fixed.artifactStores).toEqual({ 'us-east-1': { type: 'S3', location: 'bucket' }, 'eu-west-1': { type: 'S3', location: '' } });
    // What is left is naming the other region's bucket.
    expect(validatePipeline(fixed, { region: 'us-east-1' }).map((i) => i.code)).toEqual(['ARTIFACT_STORE_LOCATION']);
    fixed.artifactStores!['eu-west-1'].location = 'bucket-eu';
    expect(validatePipeline(fixed, { region: 'us-east-1' })).toEqual([]);
    // An action region equal to the pipeline's is not cross-region.
    const same = base();
    same.stages[2].actions[0].region = 'us-east-1';
    expect(validatePipeline(same, { region: 'us-east-1' })).toEqual([]);
  });

  it('allows 50 stages and 500 actions, not more', () => {
    const p = base();
    p.stages = [
      p.stages[0],
      ...Array.from({ length: 49 }, (_, s) => ({
        name: `S${s}`,
        actions: Array.from({ length: s < 10 ? (s === 0 ? 49 : 50) : 0 }, (_, a) => build(`A${a}`, ['Src'], [])),
      })),
    ];
    p.stages = p.stages.filter((s) => s.actions.length > 0);
    expect(validatePipeline(p).filter((i) => i.severity === 'error')).toEqual([]);
    p.stages[2].actions.push(build('One-more', ['Src'], []));
    expect(validatePipeline(p).map((i) => i.code)).toEqual(expect.arrayContaining(['ACTION_COUNT', 'ACTION_TOTAL']));
  });
});
