// Seeds: `empty` (accounts only), `org` (an organization of 300 accounts behind
// IAM Identity Center: seed-org.ts) and `demo`, which makes the app worth exploring
// at once: ~15 pipelines over 3 accounts x 3 regions, execution history with a
// failure and waiting approvals, and the artifact-bucket cases the auditor must
// find (orphans of deleted pipelines, a 20-character prefix collision, stale
// folders, a versioned bucket with old versions and delete markers, a shared
// bucket with foreign data, and a bucket no pipeline uses).
import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from '../shared/pipeline/model';
import type { SandboxCore, SeedName } from './sandbox-core';
import { bodyText } from './http-types';

export type { SeedName } from './sandbox-core';

const DEV = '111111111111';
const STAGING = '222222222222';
const PROD = '333333333333';
import { Rng } from './random';
import { retimeSeeded, synthesizeHistory } from './history';
import { seedOrg } from './seed-org';

const DAY = 86_400_000;

const role = (acct: string) => `arn:aws:iam::${acct}:role/service-role/AWSCodePipelineServiceRole`;

// Small builders keep the seed readable as data.
const src = (
  name: string,
  provider: 'CodeStarSourceConnection' | 'CodeCommit' | 'S3' | 'ECR',
  out: string,
  config: Record<string, string>,
): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Source', owner: 'AWS', provider, version: '1' },
  runOrder: 1,
  configuration: config,
  outputArtifacts: [{ name: out }],
  inputArtifacts: [],
});
const build = (name: string, inputs: string[], outputs: string[], runOrder = 1, extra: Partial<ActionDeclaration> = {}): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  runOrder,
  configuration: { ProjectName: name.toLowerCase(), ...(inputs.length > 1 ? { PrimarySource: inputs[0] } : {}) },
  inputArtifacts: inputs.map((n) => ({ name: n })),
  outputArtifacts: outputs.map((n) => ({ name: n })),
  ...extra,
});
const approval = (name: string, runOrder = 1, notify = true): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
  runOrder,
  configuration: notify ? { NotificationArn: 'arn:aws:sns:us-east-1:333333333333:release-approvals', CustomData: 'Check the staging dashboard first.' } : {},
});
const cfn = (name: string, input: string, stack: string, mode = 'CREATE_UPDATE', runOrder = 1, region?: string): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
  runOrder,
  configuration: {
    ActionMode: mode,
    StackName: stack,
    ...(mode === 'CHANGE_SET_EXECUTE'
      ? { ChangeSetName: `${stack}-changes` }
      : { TemplatePath: `${input}::template.yaml`, RoleArn: 'arn:aws:iam::111111111111:role/cfn-deploy', Capabilities: 'CAPABILITY_IAM' }),
    ...(mode === 'CHANGE_SET_REPLACE' ? { ChangeSetName: `${stack}-changes` } : {}),
  },
  inputArtifacts: mode === 'CHANGE_SET_EXECUTE' ? [] : [{ name: input }],
  outputArtifacts: [],
  ...(region ? { region } : {}),
});
const deploy = (name: string, provider: 'S3' | 'ECS' | 'CodeDeploy', input: string, config: Record<string, string>, runOrder = 1): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Deploy', owner: 'AWS', provider, version: '1' },
  runOrder,
  configuration: config,
  inputArtifacts: [{ name: input }],
  outputArtifacts: [],
});
const invoke = (name: string, provider: 'Lambda' | 'StepFunctions', inputs: string[], config: Record<string, string>): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Invoke', owner: 'AWS', provider, version: '1' },
  runOrder: 1,
  configuration: config,
  inputArtifacts: inputs.map((n) => ({ name: n })),
  outputArtifacts: [],
});
const stage = (name: string, actions: ActionDeclaration[], extra: Partial<StageDeclaration> = {}): StageDeclaration => ({ name, actions, ...extra });
const pipeline = (name: string, acct: string, bucket: string, stages: StageDeclaration[], extra: Partial<PipelineDeclaration> = {}): PipelineDeclaration => ({
  name,
  roleArn: role(acct),
  artifactStore: { type: 'S3', location: bucket },
  stages,
  ...extra,
});
const gitSource = (repo: string, branch = 'main') =>
  src('Source', 'CodeStarSourceConnection', 'SourceOutput', {
    ConnectionArn: 'arn:aws:codeconnections:us-east-1:111111111111:connection/7d2f1a3e-0c1b-4b8e-9a55-acme00000001',
    FullRepositoryId: `acme/${repo}`,
    BranchName: branch,
    OutputArtifactFormat: 'CODE_ZIP',
  });

/** A bucket policy letting other accounts' pipeline roles read and write artifacts. */
function crossAccountPolicy(bucket: string, accounts: string[]) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CrossAccountPipelineArtifacts',
        Effect: 'Allow',
        Principal: { AWS: accounts.map((a) => `arn:aws:iam::${a}:root`) },
        Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ],
  };
}

/** The web-frontend app, promoted dev -> staging -> prod. */
function webFrontend(acct: string, bucket: string, withApproval: boolean): PipelineDeclaration {
  const deployStage = withApproval
    ? stage('Deploy', [
        approval('ReleaseApproval', 1),
        cfn('DeployStack', 'BuildOutput', `web-frontend-${acct === PROD ? 'prod' : 'staging'}`, 'CREATE_UPDATE', 2),
      ])
    : stage('Deploy', [deploy('PublishSite', 'S3', 'BuildOutput', { BucketName: `acme-web-${acct}`, Extract: 'true' })]);
  return pipeline(
    'web-frontend',
    acct,
    bucket,
    [
      stage('Source', [gitSource('web-frontend')]),
      stage('Build', [
        build('Build', ['SourceOutput'], ['BuildOutput']),
        build('UnitTests', ['SourceOutput'], [], 1, { actionTypeId: { category: 'Test', owner: 'AWS', provider: 'CodeBuild', version: '1' } }),
      ]),
      deployStage,
    ],
    {
      pipelineType: 'V2',
      executionMode: 'SUPERSEDED',
      variables: [{ name: 'DeployEnv', defaultValue: acct === DEV ? 'dev' : acct === STAGING ? 'staging' : 'prod', description: 'Target environment' }],
      triggers: [
        {
          providerType: 'CodeStarSourceConnection',
          gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: ['main', 'release/*'] }, filePaths: { excludes: ['docs/**'] } }] },
        },
      ],
    },
  );
}

export async function seedSandbox(sb: SandboxCore, seed: SeedName): Promise<void> {
  if (seed === 'empty') return;
  const config = sb.config;
  const savedScale = config.timeScale;
  const savedStart = config.startOnCreate;
  config.timeScale = 0;
  config.startOnCreate = false;
  try {
    if (seed === 'org') await seedOrg(sb);
    else await seedDemo(sb);
  } finally {
    config.timeScale = savedScale;
    config.startOnCreate = savedStart;
  }
}

async function seedDemo(sb: SandboxCore): Promise<void> {
  const [R1, R2, R3] = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  const bucket = (name: string, acct: string, region: string, opts: { versioned?: boolean; tags?: Record<string, string>; grants?: string[] } = {}) => {
    const b = sb.s3.createBucket(name, acct, region);
    if (opts.versioned) b.versioning = 'Enabled';
    if (opts.tags) b.tags = opts.tags;
    if (opts.grants) b.policy = JSON.stringify(crossAccountPolicy(name, opts.grants));
    return b;
  };
  const cp = (acct: string, region: string, target: string, body: unknown) => {
    const res = sb.invoke('codepipeline', acct, region, { target, body });
    // A seed that does not apply is a bug in the seed: fail loudly.
    if (res.status !== 200) throw new Error(`demo seed: ${target} in ${acct}/${region} failed: ${bodyText(res)}`);
    return JSON.parse(bodyText(res)) as Record<string, unknown>;
  };
  const create = (acct: string, region: string, p: PipelineDeclaration, tags: Record<string, string> = {}) =>
    cp(acct, region, 'CreatePipeline', { pipeline: p, tags: Object.entries({ app: p.name.split('-')[0], ...tags }).map(([key, value]) => ({ key, value })) });
  const run = async (acct: string, region: string, name: string, times = 1) => {
    for (let i = 0; i < times; i++) {
      cp(acct, region, 'StartPipelineExecution', { name });
      await sb.executor.settled(0);
    }
  };

  // Artifact buckets: console-style defaults and custom names.
  const devUs = bucket(`codepipeline-${R1}-${DEV}`, DEV, R1, { versioned: true });
  bucket(`codepipeline-${R2}-${DEV}`, DEV, R2);
  bucket(`codepipeline-${R3}-${DEV}`, DEV, R3);
  bucket(`codepipeline-${R1}-${STAGING}`, STAGING, R1);
  const shared = bucket('acme-staging-shared-artifacts', STAGING, R1, { tags: { team: 'platform', purpose: 'shared' } });
  bucket(`codepipeline-${R2}-${STAGING}`, STAGING, R2);
  bucket(`codepipeline-${R3}-${STAGING}`, STAGING, R3);
  bucket(`codepipeline-${R1}-${PROD}`, PROD, R1, { tags: { 'pipewright:protect': 'true' } });
  // Shared with the dev account's pipelines, as cross-account pipelines' stores are:
  // that account's pipelines may write here too, so it must be covered before any verdict.
  bucket(`acme-prod-global-artifacts-${R2}`, PROD, R2, { grants: [DEV] });
  bucket(`acme-prod-global-artifacts-${R3}`, PROD, R3);
  bucket(`codepipeline-${R2}-${PROD}`, PROD, R2);
  bucket('acme-prod-apac-artifacts', PROD, R3);
  // A console-style bucket that no pipeline uses any more.
  const unused = bucket('codepipeline-eu-west-1-5f3c9a12b7', STAGING, R2);
  bucket('acme-reporting-source', STAGING, R2, { versioned: true });

  // --- dev ---
  const wfDev = webFrontend(DEV, devUs.name, false);
  // First version produced "OldBuildOutput": renaming it later strands a stale folder.
  const wfDevV1 = structuredClone(wfDev);
  wfDevV1.stages[1].actions[0].outputArtifacts = [{ name: 'OldBuildOutput' }];
  (wfDevV1.stages[2].actions[0].inputArtifacts ?? [])[0].name = 'OldBuildOutput';
  create(DEV, R1, wfDevV1, { env: 'dev' });
  await run(DEV, R1, 'web-frontend', 2);
  cp(DEV, R1, 'UpdatePipeline', { pipeline: wfDev });
  await run(DEV, R1, 'web-frontend', 2);

  // Two live pipelines whose names share their first 20 characters.
  for (const color of ['blue', 'green']) {
    create(
      DEV,
      R1,
      pipeline(`payments-service-api-${color}`, DEV, devUs.name, [
        stage('Source', [src('Source', 'CodeCommit', 'SourceArtifact', { RepositoryName: 'payments-service-api', BranchName: color })]),
        stage('Build', [build('Build', ['SourceArtifact'], ['BuildArtifact'])]),
        stage('Deploy', [deploy('Deploy', 'CodeDeploy', 'BuildArtifact', { ApplicationName: 'payments-api', DeploymentGroupName: color })]),
      ]),
      { env: 'dev' },
    );
    await run(DEV, R1, `payments-service-api-${color}`, 2);
  }

  create(
    DEV,
    R1,
    pipeline('infra-network', DEV, devUs.name, [
      stage('Source', [src('Source', 'CodeCommit', 'SourceArtifact', { RepositoryName: 'infra-network', BranchName: 'main' })]),
      stage('Plan', [cfn('CreateChangeSet', 'SourceArtifact', 'network', 'CHANGE_SET_REPLACE')]),
      stage('Apply', [cfn('ExecuteChangeSet', 'SourceArtifact', 'network', 'CHANGE_SET_EXECUTE')]),
    ]),
  );
  await run(DEV, R1, 'infra-network', 1);

  // A deleted pipeline whose artifacts stay behind (the orphan case).
  create(
    DEV,
    R1,
    pipeline('legacy-monolith-pipeline', DEV, devUs.name, [
      stage('Source', [src('Source', 'CodeCommit', 'SourceArtifact', { RepositoryName: 'monolith', BranchName: 'master' })]),
      stage('Build', [build('Build', ['SourceArtifact'], ['BuildArtifact'])]),
    ]),
  );
  await run(DEV, R1, 'legacy-monolith-pipeline', 3);
  cp(DEV, R1, 'DeletePipeline', { name: 'legacy-monolith-pipeline' });
  // A year of its build outputs, still there: tens of GB an orphan costs every month (sizes
  // declared, not stored, so the sandbox's memory does not grow with them).
  const rng = new Rng(0x1e9ac7);
  const MiB = 1024 * 1024;
  for (let i = 0; i < 120; i++) {
    const at = Date.now() - (400 - i * 3) * DAY;
    const key = `legacy-monolith-pipe/${i % 4 === 0 ? 'SourceArti' : 'BuildArtif'}/${rng.chars(7)}`;
    const size = i % 4 === 0 ? 4 * MiB + rng.int(16 * MiB) : 120 * MiB + rng.int(300 * MiB);
    sb.s3.putObject(devUs, key, Buffer.from(`{"pipeline":"legacy-monolith-pipeline","build":${i}}\n`), 'application/zip', at, size);
  }

  // Old versions and delete markers in the versioned bucket.
  const devKeys = [...devUs.objects.keys()].filter((k) => k.startsWith('web-frontend/'));
  for (const k of devKeys.slice(0, 3)) sb.s3.putObject(devUs, k, Buffer.from('rebuilt artifact'), 'application/zip');
  for (const k of devKeys.slice(3, 5)) sb.s3.deleteObject(devUs, k);

  create(
    DEV,
    R2,
    pipeline('data-ingest', DEV, `codepipeline-${R2}-${DEV}`, [
      stage('Source', [src('Source', 'CodeCommit', 'SourceArtifact', { RepositoryName: 'data-ingest', BranchName: 'main', PollForSourceChanges: 'false' })]),
      stage('Build', [build('Package', ['SourceArtifact'], ['Package'])]),
      stage('Run', [invoke('Backfill', 'Lambda', ['Package'], { FunctionName: 'data-ingest-backfill' })]),
    ]),
  );
  await run(DEV, R2, 'data-ingest', 2);
  sb.config.failures.push({ pipeline: 'data-ingest', stage: 'Run', action: 'Backfill', mode: 'once' });
  await run(DEV, R2, 'data-ingest', 1);

  create(
    DEV,
    R3,
    pipeline(
      'mobile-backend',
      DEV,
      `codepipeline-${R3}-${DEV}`,
      [
        stage('Source', [gitSource('mobile-backend')]),
        stage('Build', [build('Build', ['SourceOutput'], ['BuildOutput'])]),
        stage('Deploy', [deploy('Deploy', 'ECS', 'BuildOutput', { ClusterName: 'mobile', ServiceName: 'backend' })]),
      ],
      { pipelineType: 'V2', executionMode: 'QUEUED' },
    ),
  );
  await run(DEV, R3, 'mobile-backend', 2);

  // --- staging ---
  create(STAGING, R1, webFrontend(STAGING, `codepipeline-${R1}-${STAGING}`, true), { env: 'staging' });
  await run(STAGING, R1, 'web-frontend', 1); // waits at ReleaseApproval

  create(
    STAGING,
    R1,
    pipeline(
      'orders-service',
      STAGING,
      shared.name,
      [
        stage('Source', [gitSource('orders-service')]),
        stage('Build', [build('Build', ['SourceOutput'], ['BuildOutput']), build('Lint', ['SourceOutput'], [], 1)]),
        stage('Deploy', [deploy('Deploy', 'ECS', 'BuildOutput', { ClusterName: 'orders', ServiceName: 'orders-api' })]),
      ],
      { pipelineType: 'V2', executionMode: 'PARALLEL' },
    ),
  );
  await run(STAGING, R1, 'orders-service', 2);
  // Non-artifact data in the shared custom bucket: never an artifact candidate.
  sb.s3.putObject(shared, 'reports/2024/summary.csv', Buffer.from('month,orders\n2024-01,1200\n'), 'text/csv');
  sb.s3.putObject(shared, 'logs/app.log', Buffer.from('started\n'), 'text/plain');
  sb.s3.putObject(shared, 'README.txt', Buffer.from('Shared bucket: artifacts and reports.\n'), 'text/plain');

  create(
    STAGING,
    R2,
    pipeline('reporting-etl', STAGING, `codepipeline-${R2}-${STAGING}`, [
      stage('Source', [
        src('Source', 'S3', 'SourceArtifact', { S3Bucket: 'acme-reporting-source', S3ObjectKey: 'etl/source.zip', PollForSourceChanges: 'true' }),
      ]),
      stage('Build', [build('Build', ['SourceArtifact'], ['BuildArtifact'])]),
      stage('Run', [
        invoke('RunEtl', 'StepFunctions', ['BuildArtifact'], {
          StateMachineArn: 'arn:aws:states:eu-west-1:222222222222:stateMachine:etl',
          InputType: 'Literal',
          Input: '{}',
        }),
      ]),
    ]),
  );
  await run(STAGING, R2, 'reporting-etl', 1);

  // A deleted pipeline's leftovers in a bucket that nothing uses now.
  create(
    STAGING,
    R2,
    pipeline('retired-batch-jobs', STAGING, unused.name, [
      stage('Source', [src('Source', 'CodeCommit', 'SourceArtifact', { RepositoryName: 'batch', BranchName: 'main' })]),
      stage('Build', [build('Build', ['SourceArtifact'], ['BuildArtifact'])]),
    ]),
  );
  await run(STAGING, R2, 'retired-batch-jobs', 2);
  cp(STAGING, R2, 'DeletePipeline', { name: 'retired-batch-jobs' });

  create(
    STAGING,
    R3,
    pipeline('edge-cache', STAGING, `codepipeline-${R3}-${STAGING}`, [
      stage('Source', [src('Image', 'ECR', 'ImageArtifact', { RepositoryName: 'edge-cache', ImageTag: 'latest' })]),
      stage('Deploy', [deploy('Deploy', 'ECS', 'ImageArtifact', { ClusterName: 'edge', ServiceName: 'cache' })]),
    ]),
  );
  await run(STAGING, R3, 'edge-cache', 1);

  // --- prod ---
  create(PROD, R1, webFrontend(PROD, `codepipeline-${R1}-${PROD}`, true), { env: 'prod' });
  await run(PROD, R1, 'web-frontend', 1);

  // Cross-region: deploy actions in two other regions, one artifact store per region.
  create(PROD, R1, {
    name: 'global-api',
    roleArn: role(PROD),
    pipelineType: 'V1',
    artifactStores: {
      [R1]: { type: 'S3', location: `codepipeline-${R1}-${PROD}` },
      [R2]: { type: 'S3', location: `acme-prod-global-artifacts-${R2}` },
      [R3]: { type: 'S3', location: `acme-prod-global-artifacts-${R3}` },
    },
    stages: [
      stage('Source', [src('Source', 'CodeCommit', 'SourceArtifact', { RepositoryName: 'global-api', BranchName: 'main' })]),
      stage('Build', [build('Build', ['SourceArtifact'], ['BuildArtifact'])]),
      stage('Deploy', [
        cfn('DeployUS', 'BuildArtifact', 'global-api', 'CREATE_UPDATE', 1),
        cfn('DeployEU', 'BuildArtifact', 'global-api', 'CREATE_UPDATE', 1, R2),
        cfn('DeployAPAC', 'BuildArtifact', 'global-api', 'CREATE_UPDATE', 2, R3),
      ]),
    ],
  });
  await run(PROD, R1, 'global-api', 1);

  create(
    PROD,
    R1,
    pipeline(
      'billing-service',
      PROD,
      `codepipeline-${R1}-${PROD}`,
      [
        stage('Source', [gitSource('billing-service')]),
        stage('Build', [build('Build', ['SourceOutput'], ['BuildOutput'])]),
        stage('Prod', [deploy('Deploy', 'CodeDeploy', 'BuildOutput', { ApplicationName: 'billing', DeploymentGroupName: 'prod' })], {
          onFailure: { result: 'ROLLBACK' },
        }),
      ],
      { pipelineType: 'V2' },
    ),
  );
  await run(PROD, R1, 'billing-service', 1);
  cp(PROD, R1, 'DisableStageTransition', {
    pipelineName: 'billing-service',
    stageName: 'Prod',
    transitionType: 'Inbound',
    reason: 'Change freeze until Monday',
  });

  create(
    PROD,
    R2,
    pipeline('eu-payments', PROD, `codepipeline-${R2}-${PROD}`, [
      stage('Source', [src('Source', 'CodeCommit', 'SourceArtifact', { RepositoryName: 'eu-payments', BranchName: 'main' })]),
      stage('Build', [build('Build', ['SourceArtifact'], ['BuildArtifact'])]),
      stage('Deploy', [deploy('Deploy', 'CodeDeploy', 'BuildArtifact', { ApplicationName: 'eu-payments', DeploymentGroupName: 'prod' })]),
    ]),
  );
  await run(PROD, R2, 'eu-payments', 2);

  create(
    PROD,
    R3,
    pipeline('apac-search', PROD, 'acme-prod-apac-artifacts', [
      stage('Source', [src('Source', 'CodeCommit', 'SourceArtifact', { RepositoryName: 'search', BranchName: 'main' })]),
      stage('Build', [build('Build', ['SourceArtifact'], ['BuildArtifact'])]),
      stage('Deploy', [deploy('Deploy', 'ECS', 'BuildArtifact', { ClusterName: 'search', ServiceName: 'api' })]),
    ]),
  );
  await run(PROD, R3, 'apac-search', 1);
  sb.config.failures.push({ pipeline: 'apac-search', stage: 'Build', action: 'Build', mode: 'once' });
  await run(PROD, R3, 'apac-search', 1);

  create(
    PROD,
    R3,
    pipeline(
      'ml-training',
      PROD,
      'acme-prod-apac-artifacts',
      [
        stage('Source', [gitSource('ml-training')]),
        stage('Train', [
          {
            name: 'Train',
            actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
            runOrder: 1,
            commands: ['pip install -r requirements.txt', 'python train.py'],
            inputArtifacts: [{ name: 'SourceOutput' }],
            outputArtifacts: [{ name: 'Model' }],
          },
        ]),
      ],
      { pipelineType: 'V2' },
    ),
  );
  await run(PROD, R3, 'ml-training', 1);

  backdateHistory(sb);
}

/** Spreads history over past weeks, so ages and retention have something to show. */
function backdateHistory(sb: SandboxCore): void {
  const rng = new Rng(20_261_130);
  for (const p of sb.tables.all()) {
    // Newest first (the executor unshifts): the newest stays, each older one moves further back.
    p.executions.forEach((e, i) => {
      const shift = i * 3 * DAY + (i === 0 ? 0 : DAY);
      if (i === 0 && e.status === 'InProgress') return;
      e.startTime -= shift;
      e.lastUpdateTime -= shift;
      for (const a of e.actions) {
        a.startTime -= shift;
        a.lastUpdateTime -= shift;
        for (const o of a.output.outputArtifacts) {
          const v = o.s3location && sb.s3.buckets.get(o.s3location.bucket)?.objects.get(o.s3location.key)?.at(-1);
          if (v) v.lastModified -= shift;
        }
      }
      for (const r of e.artifactRevisions) r.created -= shift;
    });
    p.created -= (p.executions.length + 2) * 3 * DAY;
    // Runs minutes long, and a month of older history before them.
    retimeSeeded(p, rng);
    synthesizeHistory(p, rng);
  }
  // Leftovers of deleted pipelines are older still.
  for (const b of sb.s3.buckets.values())
    for (const [key, versions] of b.objects)
      if (key.startsWith('legacy-monolith-pipe/') || key.startsWith('retired-batch-jobs/')) for (const v of versions) v.lastModified -= 90 * DAY;
}

/**
 * Load generation for benchmarks and stress tests: N small pipelines per
 * (account, region), each run K times, with artifact buckets created as needed.
 */
export async function generatePipelines(
  sb: SandboxCore,
  opts: { accounts?: string[]; regions?: string[]; pipelinesPerTarget: number; executionsPerPipeline: number; namePrefix: string },
): Promise<number> {
  const accounts = opts.accounts ?? sb.config.accounts.map((a) => a.id);
  const regions = opts.regions ?? sb.config.regions;
  const savedScale = sb.config.timeScale;
  const savedStart = sb.config.startOnCreate;
  sb.config.timeScale = 0;
  sb.config.startOnCreate = false;
  let created = 0;
  try {
    for (const acct of accounts) {
      for (const region of regions) {
        const bucket = `${opts.namePrefix}-artifacts-${acct}-${region}`;
        if (!sb.s3.buckets.has(bucket)) sb.s3.createBucket(bucket, acct, region);
        for (let i = 0; i < opts.pipelinesPerTarget; i++) {
          const name = `${opts.namePrefix}-${String(i).padStart(3, '0')}`;
          const p = pipeline(name, acct, bucket, [
            stage('Source', [src('Source', 'CodeCommit', 'SourceArtifact', { RepositoryName: name, BranchName: 'main' })]),
            stage('Build', [build('Build', ['SourceArtifact'], ['BuildArtifact'])]),
            stage('Deploy', [deploy('Deploy', 'CodeDeploy', 'BuildArtifact', { ApplicationName: name, DeploymentGroupName: 'main' })]),
          ]);
          const res = sb.invoke('codepipeline', acct, region, { target: 'CreatePipeline', body: { pipeline: p } });
          if (res.status !== 200) throw new Error(`generate: CreatePipeline ${name} failed: ${bodyText(res)}`);
          created++;
          for (let k = 0; k < opts.executionsPerPipeline; k++) sb.invoke('codepipeline', acct, region, { target: 'StartPipelineExecution', body: { name } });
        }
        await sb.executor.settled();
      }
    }
  } finally {
    sb.config.timeScale = savedScale;
    sb.config.startOnCreate = savedStart;
  }
  return created;
}
