// The action provider catalog: owner, version, artifact counts and the
// configuration fields of each provider. Validation and the designer's property
// forms both read it, so a rule is stated once.
import type { ActionCategory, ActionTypeId } from './model';

export interface ConfigField {
  name: string;
  required: boolean | 'conditional';
  type: 'string' | 'boolean' | 'number' | 'enum' | 'json' | 'arn';
  enumValues?: readonly string[];
  help: string;
}

export interface ProviderSpec {
  category: ActionCategory;
  owner: 'AWS' | 'ThirdParty' | 'Custom';
  provider: string;
  version: string;
  label: string;
  inputs: { min: number; max: number };
  outputs: { min: number; max: number };
  config: ConfigField[];
  /** Source, custom and third-party actions cannot run in another region. */
  crossRegion: boolean;
  /** Only in V2 pipelines. */
  v2Only?: boolean;
}

const f = (name: string, required: ConfigField['required'], help: string, type: ConfigField['type'] = 'string', enumValues?: readonly string[]): ConfigField =>
  enumValues ? { name, required, type, enumValues, help } : { name, required, type, help };

export const CFN_ACTION_MODES = ['CREATE_UPDATE', 'REPLACE_ON_FAILURE', 'DELETE_ONLY', 'CHANGE_SET_REPLACE', 'CHANGE_SET_EXECUTE'] as const;
const CAPABILITIES_HELP = 'CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND (comma-separated).';

export const PROVIDERS: readonly ProviderSpec[] = [
  // Source
  {
    category: 'Source',
    owner: 'AWS',
    provider: 'CodeCommit',
    version: '1',
    label: 'CodeCommit',
    inputs: { min: 0, max: 0 },
    outputs: { min: 1, max: 1 },
    crossRegion: false,
    config: [
      f('RepositoryName', true, 'Repository name.'),
      f('BranchName', true, 'Branch to watch.'),
      f('PollForSourceChanges', false, 'Poll for changes (prefer EventBridge).', 'boolean'),
      f('OutputArtifactFormat', false, 'CODE_ZIP or CODEBUILD_CLONE_REF.', 'enum', ['CODE_ZIP', 'CODEBUILD_CLONE_REF']),
    ],
  },
  {
    category: 'Source',
    owner: 'AWS',
    provider: 'S3',
    version: '1',
    label: 'Amazon S3',
    inputs: { min: 0, max: 0 },
    outputs: { min: 1, max: 1 },
    crossRegion: false,
    config: [
      f('S3Bucket', true, 'Versioned source bucket.'),
      f('S3ObjectKey', true, 'Object key of the source zip.'),
      f('PollForSourceChanges', false, 'Poll for changes (prefer EventBridge).', 'boolean'),
    ],
  },
  {
    category: 'Source',
    owner: 'AWS',
    provider: 'ECR',
    version: '1',
    label: 'Amazon ECR',
    inputs: { min: 0, max: 0 },
    outputs: { min: 1, max: 1 },
    crossRegion: false,
    config: [f('RepositoryName', true, 'ECR repository.'), f('ImageTag', false, 'Tag to watch (default latest).')],
  },
  {
    category: 'Source',
    owner: 'AWS',
    provider: 'CodeStarSourceConnection',
    version: '1',
    label: 'GitHub / GitLab / Bitbucket (connection)',
    inputs: { min: 0, max: 0 },
    outputs: { min: 1, max: 1 },
    crossRegion: false,
    config: [
      f('ConnectionArn', true, 'CodeConnections connection ARN.', 'arn'),
      f('FullRepositoryId', true, 'owner/repository.'),
      f('BranchName', true, 'Branch to build.'),
      f('OutputArtifactFormat', false, 'CODE_ZIP or CODEBUILD_CLONE_REF.', 'enum', ['CODE_ZIP', 'CODEBUILD_CLONE_REF']),
      f('DetectChanges', false, 'Start on push (default true).', 'boolean'),
    ],
  },
  // Build / Test
  {
    category: 'Build',
    owner: 'AWS',
    provider: 'CodeBuild',
    version: '1',
    label: 'CodeBuild',
    inputs: { min: 1, max: 5 },
    outputs: { min: 0, max: 5 },
    crossRegion: true,
    config: [
      f('ProjectName', true, 'CodeBuild project.'),
      f('PrimarySource', 'conditional', 'Input artifact used as primary source (required with several inputs).'),
      f('EnvironmentVariables', false, 'JSON list of {name,value,type}.', 'json'),
      f('BatchEnabled', false, 'Run a batch build.', 'boolean'),
    ],
  },
  {
    category: 'Test',
    owner: 'AWS',
    provider: 'CodeBuild',
    version: '1',
    label: 'CodeBuild (test)',
    inputs: { min: 1, max: 5 },
    outputs: { min: 0, max: 5 },
    crossRegion: true,
    config: [
      f('ProjectName', true, 'CodeBuild project.'),
      f('PrimarySource', 'conditional', 'Input artifact used as primary source (required with several inputs).'),
      f('EnvironmentVariables', false, 'JSON list of {name,value,type}.', 'json'),
    ],
  },
  {
    category: 'Build',
    owner: 'Custom',
    provider: 'Jenkins',
    version: '1',
    label: 'Jenkins',
    inputs: { min: 0, max: 5 },
    outputs: { min: 0, max: 5 },
    crossRegion: false,
    config: [f('ProjectName', true, 'Jenkins project name.')],
  },
  {
    category: 'Build',
    owner: 'AWS',
    provider: 'ECRBuildAndPublish',
    version: '1',
    label: 'ECR build and publish',
    inputs: { min: 1, max: 1 },
    outputs: { min: 0, max: 0 },
    crossRegion: true,
    config: [
      f('ECRRepositoryName', true, 'Target ECR repository.'),
      f('DockerFilePath', false, 'Path of the Dockerfile.'),
      f('ImageTags', false, 'Comma-separated tags.'),
    ],
  },
  {
    category: 'Test',
    owner: 'AWS',
    provider: 'DeviceFarm',
    version: '1',
    label: 'Device Farm',
    inputs: { min: 1, max: 1 },
    outputs: { min: 0, max: 0 },
    crossRegion: true,
    config: [
      f('ProjectId', true, 'Device Farm project id.'),
      f('DevicePoolArn', true, 'Device pool ARN.', 'arn'),
      f('AppType', true, 'Android, iOS or Web.'),
      f('TestType', true, 'Test framework.'),
    ],
  },
  // Deploy
  {
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CodeDeploy',
    version: '1',
    label: 'CodeDeploy',
    inputs: { min: 1, max: 1 },
    outputs: { min: 0, max: 0 },
    crossRegion: true,
    config: [f('ApplicationName', true, 'CodeDeploy application.'), f('DeploymentGroupName', true, 'Deployment group.')],
  },
  {
    category: 'Deploy',
    owner: 'AWS',
    provider: 'ECS',
    version: '1',
    label: 'Amazon ECS',
    inputs: { min: 1, max: 1 },
    outputs: { min: 0, max: 0 },
    crossRegion: true,
    config: [
      f('ClusterName', true, 'ECS cluster.'),
      f('ServiceName', true, 'ECS service.'),
      f('FileName', false, 'Image definitions file (default imagedefinitions.json).'),
      f('DeploymentTimeout', false, 'Minutes.', 'number'),
    ],
  },
  {
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CodeDeployToECS',
    version: '1',
    label: 'ECS blue/green (CodeDeploy)',
    inputs: { min: 1, max: 3 },
    outputs: { min: 0, max: 0 },
    crossRegion: true,
    config: [
      f('ApplicationName', true, 'CodeDeploy application.'),
      f('DeploymentGroupName', true, 'Deployment group.'),
      f('TaskDefinitionTemplateArtifact', true, 'Artifact holding taskdef.json.'),
      f('AppSpecTemplateArtifact', true, 'Artifact holding appspec.yaml.'),
    ],
  },
  {
    category: 'Deploy',
    owner: 'AWS',
    provider: 'ElasticBeanstalk',
    version: '1',
    label: 'Elastic Beanstalk',
    inputs: { min: 1, max: 1 },
    outputs: { min: 0, max: 0 },
    crossRegion: true,
    config: [f('ApplicationName', true, 'Beanstalk application.'), f('EnvironmentName', true, 'Beanstalk environment.')],
  },
  {
    category: 'Deploy',
    owner: 'AWS',
    provider: 'S3',
    version: '1',
    label: 'Amazon S3 deploy',
    inputs: { min: 1, max: 1 },
    outputs: { min: 0, max: 0 },
    crossRegion: true,
    config: [
      f('BucketName', true, 'Target bucket.'),
      f('Extract', true, 'Unzip before upload.', 'boolean'),
      f('ObjectKey', 'conditional', 'Key (required when Extract is false).'),
      f('CannedACL', false, 'Canned ACL.'),
      f('KMSEncryptionKeyARN', false, 'KMS key ARN.', 'arn'),
    ],
  },
  {
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CloudFormation',
    version: '1',
    label: 'CloudFormation',
    inputs: { min: 0, max: 10 },
    outputs: { min: 0, max: 1 },
    crossRegion: true,
    config: [
      f('ActionMode', true, 'What to do with the stack.', 'enum', CFN_ACTION_MODES),
      f('StackName', true, 'Stack name.'),
      f('TemplatePath', 'conditional', 'ArtifactName::path/template.yaml (required to create or update).'),
      f('Capabilities', false, CAPABILITIES_HELP),
      f('RoleArn', 'conditional', 'Role CloudFormation assumes (required except for CHANGE_SET_EXECUTE).', 'arn'),
      f('ChangeSetName', 'conditional', 'Change set (change-set modes).'),
      f('ParameterOverrides', false, 'JSON object of parameter values.', 'json'),
      f('TemplateConfiguration', false, 'ArtifactName::path/config.json.'),
      f('OutputFileName', false, 'File to write stack outputs to.'),
    ],
  },
  {
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CloudFormationStackSet',
    version: '1',
    label: 'CloudFormation StackSet',
    inputs: { min: 0, max: 10 },
    outputs: { min: 0, max: 0 },
    crossRegion: true,
    config: [
      f('StackSetName', true, 'Stack set name.'),
      f('TemplatePath', true, 'ArtifactName::path.'),
      f('DeploymentTargets', true, 'Accounts or OUs.'),
      f('Regions', false, 'Comma-separated regions.'),
      f('PermissionModel', false, 'SELF_MANAGED or SERVICE_MANAGED.', 'enum', ['SELF_MANAGED', 'SERVICE_MANAGED']),
      f('Capabilities', false, CAPABILITIES_HELP),
    ],
  },
  {
    category: 'Deploy',
    owner: 'AWS',
    provider: 'CloudFormationStackInstances',
    version: '1',
    label: 'CloudFormation stack instances',
    inputs: { min: 0, max: 10 },
    outputs: { min: 0, max: 0 },
    crossRegion: true,
    config: [f('StackSetName', true, 'Stack set name.'), f('DeploymentTargets', true, 'Accounts or OUs.'), f('Regions', true, 'Comma-separated regions.')],
  },
  // Approval
  {
    category: 'Approval',
    owner: 'AWS',
    provider: 'Manual',
    version: '1',
    label: 'Manual approval',
    inputs: { min: 0, max: 0 },
    outputs: { min: 0, max: 0 },
    crossRegion: false,
    config: [
      f('NotificationArn', false, 'SNS topic to notify approvers.', 'arn'),
      f('CustomData', false, 'Text shown to approvers.'),
      f('ExternalEntityLink', false, 'URL to review.'),
    ],
  },
  // Invoke
  {
    category: 'Invoke',
    owner: 'AWS',
    provider: 'Lambda',
    version: '1',
    label: 'AWS Lambda',
    inputs: { min: 0, max: 5 },
    outputs: { min: 0, max: 5 },
    crossRegion: true,
    config: [f('FunctionName', true, 'Function name or ARN.'), f('UserParameters', false, 'String passed to the function.')],
  },
  {
    category: 'Invoke',
    owner: 'AWS',
    provider: 'StepFunctions',
    version: '1',
    label: 'Step Functions',
    inputs: { min: 0, max: 1 },
    outputs: { min: 0, max: 1 },
    crossRegion: true,
    config: [
      f('StateMachineArn', true, 'State machine ARN.', 'arn'),
      f('Input', false, 'Input (literal or file path).'),
      f('InputType', false, 'Literal or FilePath.', 'enum', ['Literal', 'FilePath']),
      f('ExecutionNamePrefix', false, 'Prefix for execution names.'),
    ],
  },
  // Compute (V2)
  {
    category: 'Compute',
    owner: 'AWS',
    provider: 'Commands',
    version: '1',
    label: 'Commands',
    inputs: { min: 1, max: 10 },
    outputs: { min: 0, max: 1 },
    crossRegion: true,
    v2Only: true,
    config: [],
  },
];

export function findProvider(t: Pick<ActionTypeId, 'category' | 'owner' | 'provider'>): ProviderSpec | undefined {
  return PROVIDERS.find((p) => p.category === t.category && p.owner === t.owner && p.provider === t.provider);
}
