// Exports a design as CloudFormation (YAML with short-form intrinsics, or JSON)
// or as the CLI's create-pipeline/update-pipeline input. Options turn
// environment-specific values into Parameters, masked secrets into NoEcho
// Parameters, and can add an artifact bucket and a least-privilege service role.
import { orderKeys, toCfnProperties, toCliInput, type Json } from './cloudformation';
import type { DesignFile } from './design-file';
import type { PipelineDeclaration } from './model';
import { restoreOpaque, restoreOpaqueIn } from './opaque';
import { stringifyJson, stringifyYaml } from './template';
import { ruleProviders } from './rules';

export const EXPORT_FORMATS = ['cfn-yaml', 'cfn-json', 'cli-json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** Role ARN, artifact bucket names and connection ARNs become template Parameters. */
  parameterize?: boolean;
  /** Add an encrypted, versioned artifact bucket with a lifecycle rule, used as the pipeline's store. */
  addArtifactBucket?: boolean;
  /** Add a service role whose policy is derived from the actions used. */
  addServiceRole?: boolean;
}

type Obj = Record<string, Json>;

const paramName = (...parts: string[]) =>
  parts
    .join(' ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('')
    .slice(0, 255) || 'Param';

/** The template for a design: its imported template with the pipeline replaced, or a new one. */
/**
 * A template may put an intrinsic (`{ Ref: … }`) where the API's model has a string:
 * the one place export writes across the model's types, on its own copy.
 */
function putIntrinsic(target: object, key: string, value: Json): void {
  Reflect.set(target, key, value);
}

export function buildTemplate(design: DesignFile, opts: ExportOptions = {}): Obj {
  const decl: PipelineDeclaration = structuredClone(design.pipeline);
  const params: Obj = {};
  const resources: Obj = {};
  const unique = (base: string) => {
    let n = base;
    for (let i = 2; n in params || n in resources; i++) n = `${base}${i}`;
    return n;
  };

  // Masked secrets (****) can never be exported as values: NoEcho parameters, always.
  decl.stages.forEach((s) =>
    s.actions.forEach((a) => {
      for (const [k, v] of Object.entries(a.configuration ?? {})) {
        if (v !== '****') continue;
        const name = unique(paramName(s.name, a.name, k));
        params[name] = { Type: 'String', NoEcho: true, Description: `${k} of ${s.name}/${a.name} (masked by the service; supply it at deploy time)` };
        (a.configuration as Record<string, Json>)[k] = { Ref: name };
      }
    }),
  );

  if (opts.parameterize) {
    if (typeof decl.roleArn === 'string' && decl.roleArn && !opts.addServiceRole) {
      const name = unique('PipelineRoleArn');
      params[name] = { Type: 'String', Default: decl.roleArn, Description: 'Service role CodePipeline assumes' };
      putIntrinsic(decl, 'roleArn', { Ref: name });
    }
    const buckets = new Map<string, string>();
    const bucketParam = (location: string, region?: string) => {
      if (!buckets.has(location)) {
        const name = unique(region ? paramName('ArtifactBucket', region) : 'ArtifactBucket');
        params[name] = { Type: 'String', Default: location, Description: `Artifact bucket${region ? ` in ${region}` : ''}` };
        buckets.set(location, name);
      }
      return { Ref: buckets.get(location)! };
    };
    if (decl.artifactStore && typeof decl.artifactStore.location === 'string' && !opts.addArtifactBucket)
      putIntrinsic(decl.artifactStore, 'location', bucketParam(decl.artifactStore.location));
    for (const [region, store] of Object.entries(decl.artifactStores ?? {}))
      if (typeof store.location === 'string') putIntrinsic(store, 'location', bucketParam(store.location, region));
    const connections = new Map<string, string>();
    for (const s of decl.stages)
      for (const a of s.actions) {
        const arn = a.configuration?.ConnectionArn;
        if (typeof arn !== 'string' || arn.startsWith('\u27E6')) continue;
        if (!connections.has(arn)) {
          const name = unique(connections.size ? `ConnectionArn${connections.size + 1}` : 'ConnectionArn');
          params[name] = { Type: 'String', Default: arn, Description: 'CodeConnections connection ARN' };
          connections.set(arn, name);
        }
        (a.configuration as Record<string, Json>).ConnectionArn = { Ref: connections.get(arn)! };
      }
  }

  if (opts.addArtifactBucket) {
    resources.ArtifactBucket = artifactBucketResource();
    if (decl.artifactStore) putIntrinsic(decl.artifactStore, 'location', { Ref: 'ArtifactBucket' });
  }
  if (opts.addServiceRole) {
    resources.PipelineRole = serviceRoleResource(design.pipeline, !!opts.addArtifactBucket);
    putIntrinsic(decl, 'roleArn', { 'Fn::GetAtt': ['PipelineRole', 'Arn'] });
  }

  const props = restoreOpaque(toCfnProperties(decl, design.extras), design.extras?.opaque) as Obj;

  if (design.template) {
    const doc = structuredClone(design.template.document) as Obj;
    const res = (doc.Resources as Obj | undefined) ?? {};
    const resource = { ...((res[design.template.logicalId] as Obj) ?? { Type: 'AWS::CodePipeline::Pipeline' }), Properties: props };
    doc.Resources = { ...res, ...resources, [design.template.logicalId]: resource };
    if (Object.keys(params).length) doc.Parameters = Object.assign({}, doc.Parameters, params);
    return doc;
  }
  const name = typeof design.pipeline.name === 'string' ? design.pipeline.name : 'pipeline';
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `CodePipeline ${name}, exported by Pipewright`,
    ...(Object.keys(params).length ? { Parameters: params } : {}),
    Resources: { ...resources, Pipeline: { Type: 'AWS::CodePipeline::Pipeline', Properties: props } },
  };
}

export function exportDesign(design: DesignFile, format: ExportFormat, opts: ExportOptions = {}): string {
  if (format === 'cli-json') {
    const out = toCliInput(restoreOpaqueIn(design.pipeline, design.extras?.opaque), design.extras?.tags);
    return JSON.stringify(orderCli(out), null, 2) + '\n';
  }
  const template = buildTemplate(design, opts);
  return format === 'cfn-yaml' ? stringifyYaml(template) : stringifyJson(template);
}

function orderCli(v: Json): Json {
  return v; // The API shape keeps the declaration's own order, which is the user's.
}

function artifactBucketResource(): Obj {
  return {
    Type: 'AWS::S3::Bucket',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-old-artifacts',
            Status: 'Enabled',
            ExpirationInDays: 90,
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
    },
  };
}

/** Least privilege, derived from the providers the pipeline uses. */
function serviceRoleResource(p: PipelineDeclaration, ownBucket: boolean): Obj {
  const providers = new Set(p.stages.flatMap((s) => s.actions.map((a) => `${a.actionTypeId.category}/${a.actionTypeId.provider}`)));
  const has = (...keys: string[]) => keys.some((k) => [...providers].some((x) => x.endsWith(`/${k}`) || x === k));
  const buckets: Json[] = ownBucket
    ? [{ 'Fn::GetAtt': ['ArtifactBucket', 'Arn'] }, { 'Fn::Sub': '${ArtifactBucket.Arn}/*' }]
    : [
        ...new Set(
          [p.artifactStore?.location, ...Object.values(p.artifactStores ?? {}).map((s) => s.location)].filter((x): x is string => typeof x === 'string'),
        ),
      ].flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]);
  const statements: Obj[] = [
    {
      Sid: 'Artifacts',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:GetBucketVersioning', 's3:GetBucketLocation', 's3:ListBucket'],
      Resource: buckets,
    },
  ];
  const add = (Sid: string, Action: string[], Resource: Json = '*') => statements.push({ Sid, Effect: 'Allow', Action, Resource });
  if (has('Source/CodeCommit'))
    add('CodeCommit', [
      'codecommit:GetBranch',
      'codecommit:GetCommit',
      'codecommit:UploadArchive',
      'codecommit:GetUploadArchiveStatus',
      'codecommit:CancelUploadArchive',
    ]);
  if (has('CodeStarSourceConnection')) add('Connections', ['codestar-connections:UseConnection', 'codeconnections:UseConnection']);
  if (has('Source/ECR', 'ECRBuildAndPublish')) add('ECR', ['ecr:DescribeImages', 'ecr:GetAuthorizationToken', 'ecr:BatchGetImage']);
  if (has('CodeBuild')) add('CodeBuild', ['codebuild:StartBuild', 'codebuild:BatchGetBuilds', 'codebuild:StartBuildBatch', 'codebuild:BatchGetBuildBatches']);
  if (has('CodeDeploy', 'CodeDeployToECS'))
    add('CodeDeploy', [
      'codedeploy:CreateDeployment',
      'codedeploy:GetApplication',
      'codedeploy:GetApplicationRevision',
      'codedeploy:GetDeployment',
      'codedeploy:GetDeploymentConfig',
      'codedeploy:RegisterApplicationRevision',
    ]);
  if (has('Deploy/ECS', 'CodeDeployToECS'))
    add('ECS', [
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeTasks',
      'ecs:ListTasks',
      'ecs:RegisterTaskDefinition',
      'ecs:UpdateService',
      'ecs:TagResource',
    ]);
  if (has('CloudFormation', 'CloudFormationStackSet', 'CloudFormationStackInstances'))
    add('CloudFormation', [
      'cloudformation:CreateStack',
      'cloudformation:UpdateStack',
      'cloudformation:DeleteStack',
      'cloudformation:DescribeStacks',
      'cloudformation:CreateChangeSet',
      'cloudformation:ExecuteChangeSet',
      'cloudformation:DeleteChangeSet',
      'cloudformation:DescribeChangeSet',
      'cloudformation:ValidateTemplate',
      'cloudformation:CreateStackSet',
      'cloudformation:UpdateStackSet',
      'cloudformation:CreateStackInstances',
      'cloudformation:DescribeStackSetOperation',
    ]);
  if (has('ElasticBeanstalk'))
    add('Beanstalk', [
      'elasticbeanstalk:CreateApplicationVersion',
      'elasticbeanstalk:DescribeEnvironments',
      'elasticbeanstalk:UpdateEnvironment',
      'elasticbeanstalk:DescribeEvents',
    ]);
  if (has('Deploy/S3')) add('DeployS3', ['s3:PutObject', 's3:PutObjectAcl']);
  if (has('Lambda')) add('Lambda', ['lambda:InvokeFunction', 'lambda:ListFunctions']);
  if (has('StepFunctions')) add('StepFunctions', ['states:StartExecution', 'states:DescribeExecution', 'states:DescribeStateMachine']);
  if (has('DeviceFarm'))
    add('DeviceFarm', ['devicefarm:ListProjects', 'devicefarm:ScheduleRun', 'devicefarm:GetRun', 'devicefarm:CreateUpload', 'devicefarm:GetUpload']);
  if (has('Commands')) add('Commands', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  // Stage-condition rules run as the pipeline's role too.
  const rules = ruleProviders(p.stages);
  if (rules.has('CloudWatchAlarm')) add('RuleAlarms', ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory']);
  if (rules.has('LambdaInvoke')) add('RuleLambda', ['lambda:InvokeFunction', 'lambda:ListFunctions']);
  if (rules.has('Commands')) add('RuleCommands', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  const approvalTopics = p.stages
    .flatMap((s) => s.actions.filter((a) => a.actionTypeId.provider === 'Manual').map((a) => a.configuration?.NotificationArn))
    .filter((x): x is string => typeof x === 'string');
  if (approvalTopics.length) add('ApprovalNotifications', ['sns:Publish'], [...new Set(approvalTopics)]);
  if (has('CloudFormation', 'Deploy/ECS', 'CodeDeployToECS'))
    statements.push({
      Sid: 'PassRole',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: '*',
      Condition: { StringEqualsIfExists: { 'iam:PassedToService': ['cloudformation.amazonaws.com', 'ecs-tasks.amazonaws.com'] } },
    });
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: 'pipeline', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
}

export { orderKeys };
