// The `org` seed: an organization at the scale the issue's users have. 300
// accounts in nested OUs (Security, Shared Services, Workloads/Dev, /Staging,
// /Prod) under one management account, each with 1 to 4 Identity Center roles;
// 40 accounts with a few small pipelines in 1 to 3 regions, the rest with none;
// one account SUSPENDED, one CLOSED last week, and one reachable only through a
// role that may not call CodePipeline. Deterministic: the same tree, ids, roles
// and pipelines on every start (only "last week" moves with the clock).
//
// Start-up stays fast: the tree is plain data, and the pipelines are created and
// run once through the in-process CodePipeline handler, at time scale 0.
import type { PipelineDeclaration } from '../shared/pipeline/model';
import { bodyText } from './http-types';
import { Rng } from './random';
import type { SandboxCore } from './sandbox-core';
import { Organization, type OrgAccount, type OrgUnit, type PermissionSet } from './services/organizations/directory';

const DAY = 86_400_000;

/** Writes to pipelines, their buckets and their events: what a read-only role may not do. */
const PIPELINE_WRITES = [
  'codepipeline:CreatePipeline',
  'codepipeline:UpdatePipeline',
  'codepipeline:DeletePipeline',
  'codepipeline:StartPipelineExecution',
  'codepipeline:StopPipelineExecution',
  'codepipeline:RetryStageExecution',
  'codepipeline:RollbackStage',
  'codepipeline:PutApprovalResult',
  'codepipeline:EnableStageTransition',
  'codepipeline:DisableStageTransition',
  'codepipeline:OverrideStageCondition',
  'codepipeline:TagResource',
  'codepipeline:UntagResource',
];
const CLEANUP_WRITES = ['s3:DeleteObject', 's3:DeleteObjects', 's3:DeleteBucket', 's3:PutBucketLifecycleConfiguration', 's3:DeleteBucketLifecycle'];
const EVENT_SETUP = ['events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets', 'events:PutPermission', 'events:RemovePermission'];

/** Identity Center permission sets, narrowest first: read (explorer, audit), operate, release, administer. */
export const ORG_PERMISSION_SETS: PermissionSet[] = [
  { name: 'ReadOnlyAccess', deny: [...PIPELINE_WRITES, ...CLEANUP_WRITES, ...EVENT_SETUP, 's3:PutObject'], sessionSeconds: 3600 },
  {
    name: 'PipelineOperator',
    deny: ['codepipeline:CreatePipeline', 'codepipeline:UpdatePipeline', 'codepipeline:DeletePipeline', ...CLEANUP_WRITES, ...EVENT_SETUP],
    sessionSeconds: 3600,
  },
  { name: 'PipelineReleaser', deny: ['codepipeline:DeletePipeline', ...CLEANUP_WRITES], sessionSeconds: 3600 },
  { name: 'AdministratorAccess', deny: [], sessionSeconds: 3600 },
  /** The one role of the account "reachable only by a role that cannot list pipelines". */
  { name: 'BillingReadOnly', deny: ['codepipeline:*', 's3:*', 'events:*', 'sqs:*'], sessionSeconds: 3600 },
];
const ROLE_LADDER = ['ReadOnlyAccess', 'PipelineOperator', 'PipelineReleaser', 'AdministratorAccess'];

const APPS = [
  'payments',
  'orders',
  'search',
  'identity',
  'billing',
  'catalog',
  'shipping',
  'inventory',
  'reporting',
  'analytics',
  'mobile-api',
  'web-frontend',
  'notifications',
  'pricing',
  'fraud',
  'ledger',
  'ml-platform',
  'data-lake',
  'checkout',
  'recommendations',
  'loyalty',
  'partner-api',
  'support',
  'media',
  'geo',
];
const SECURITY = ['log-archive', 'audit', 'security-tooling', 'guardduty-admin', 'incident-response'];
const SHARED = [
  'network-hub',
  'dns',
  'ci-cd',
  'artifacts',
  'container-registry',
  'monitoring',
  'backup',
  'directory',
  'egress',
  'transit',
  'secrets',
  'service-catalog',
  'data-platform',
  'cost-reporting',
];

/** The named accounts tests and the docs rely on. */
export const ORG_ACCOUNTS = {
  management: 'acme-management',
  suspended: 'sandbox-experiments-dev',
  closed: 'legacy-crm-prod',
  /** Reachable only through BillingReadOnly, which may not call CodePipeline; it has pipelines all the same. */
  billingOnly: 'cost-reporting',
} as const;

export const ORG_SSO_SESSION = 'pipewright-sandbox';
export const ORG_SSO_REGION = 'us-east-1';
export const ORG_ACCOUNT_COUNT = 300;
export const ORG_ACCOUNTS_WITH_PIPELINES = 40;

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The organization: a pure function of its seed and `now` (for "closed last week"). */
export function buildOrganization(now = Date.now()): Organization {
  const rng = new Rng(0x0a9c0de5);
  const used = new Set(['111111111111', '222222222222', '333333333333']);
  const accountId = () => {
    for (;;) {
      const id = `${1 + rng.int(9)}${rng.chars(11, '0123456789')}`;
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
  const orgId = `o-${rng.chars(10, LOWER)}`;
  const rootPart = rng.chars(4, LOWER);
  const rootId = `r-${rootPart}`;
  const ous: OrgUnit[] = [];
  const ou = (name: string, parentId: string) => {
    const u = { id: `ou-${rootPart}-${rng.chars(8, LOWER)}`, name, parentId };
    ous.push(u);
    return u.id;
  };
  const security = ou('Security', rootId);
  const shared = ou('Shared Services', rootId);
  const workloads = ou('Workloads', rootId);
  const dev = ou('Dev', workloads);
  const staging = ou('Staging', workloads);
  const prod = ou('Prod', workloads);

  const since = Date.UTC(2019, 0, 1);
  const accounts: OrgAccount[] = [];
  const add = (name: string, parentId: string, roles?: string[]): OrgAccount => {
    const a: OrgAccount = {
      id: accountId(),
      name,
      email: `aws+${name}@acme.example`,
      state: 'ACTIVE',
      joinedMethod: rng.next() < 0.1 ? 'INVITED' : 'CREATED',
      joinedAt: since + rng.int(5 * 365) * DAY + rng.int(DAY),
      parentId,
      roles: roles ?? ROLE_LADDER.slice(0, 1 + rng.int(ROLE_LADDER.length)),
    };
    accounts.push(a);
    return a;
  };
  const management = add(ORG_ACCOUNTS.management, rootId, ['ReadOnlyAccess', 'AdministratorAccess']);
  management.joinedAt = Date.UTC(2018, 5, 1);
  management.joinedMethod = 'CREATED';
  for (const n of SECURITY) add(n, security);
  for (const n of SHARED) add(n, shared, n === ORG_ACCOUNTS.billingOnly ? ['BillingReadOnly'] : undefined);
  const env = (suffix: string, parentId: string, count: number, special?: { name: string; at: number }) => {
    for (let i = 0; i < count; i++) {
      const round = Math.floor(i / APPS.length);
      const name = special && i === special.at ? special.name : `${APPS[i % APPS.length]}-${suffix}${round ? `-${round + 1}` : ''}`;
      add(name, parentId);
    }
  };
  env('dev', dev, 100, { name: ORG_ACCOUNTS.suspended, at: 99 });
  env('staging', staging, 80);
  env('prod', prod, 100, { name: ORG_ACCOUNTS.closed, at: 99 });
  const byName = (n: string) => accounts.find((a) => a.name === n)!;
  byName(ORG_ACCOUNTS.suspended).state = 'SUSPENDED';
  const closed = byName(ORG_ACCOUNTS.closed);
  closed.state = 'CLOSED';
  closed.closedAt = now - 7 * DAY + rng.int(DAY);
  return new Organization({
    id: orgId,
    rootId,
    managementAccountId: management.id,
    accounts,
    ous,
    permissionSets: ORG_PERMISSION_SETS.map((p) => ({ ...p, deny: [...p.deny] })),
    userName: 'release.manager@acme.example',
  });
}

/** Which accounts have pipelines, in which regions, and how many per region (deterministic). */
export function orgPipelinePlan(org: Organization, regions: readonly string[]): Array<{ account: OrgAccount; region: string; names: string[] }> {
  const rng = new Rng(0x9191);
  const eligible = org.accounts.filter(
    (a) => a.state === 'ACTIVE' && a.id !== org.managementAccountId && a.name !== ORG_ACCOUNTS.billingOnly && /-(dev|staging|prod)(-\d+)?$/.test(a.name),
  );
  // A deterministic shuffle, then the first 39 workload accounts and the billing-only one.
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [eligible[i], eligible[j]] = [eligible[j], eligible[i]];
  }
  const chosen = [...eligible.slice(0, ORG_ACCOUNTS_WITH_PIPELINES - 1), org.accounts.find((a) => a.name === ORG_ACCOUNTS.billingOnly)!];
  const plan: Array<{ account: OrgAccount; region: string; names: string[] }> = [];
  for (const account of chosen) {
    const app = account.name.replace(/-(dev|staging|prod)(-\d+)?$/, '');
    const count = Math.min(regions.length, 1 + rng.int(3));
    const start = rng.int(regions.length);
    for (let r = 0; r < count; r++) {
      const names = [`${app}-service`, `${app}-infra`].slice(0, 1 + rng.int(2));
      plan.push({ account, region: regions[(start + r) % regions.length], names });
    }
  }
  return plan;
}

/** A small pipeline: source, build, deploy. */
function smallPipeline(name: string, account: string, bucket: string): PipelineDeclaration {
  return {
    name,
    roleArn: `arn:aws:iam::${account}:role/service-role/AWSCodePipelineServiceRole`,
    artifactStore: { type: 'S3', location: bucket },
    pipelineType: 'V2',
    executionMode: 'QUEUED',
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Source',
            actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
            runOrder: 1,
            configuration: { RepositoryName: name, BranchName: 'main', PollForSourceChanges: 'false' },
            outputArtifacts: [{ name: 'SourceArtifact' }],
            inputArtifacts: [],
          },
        ],
      },
      {
        name: 'Build',
        actions: [
          {
            name: 'Build',
            actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
            runOrder: 1,
            configuration: { ProjectName: name },
            inputArtifacts: [{ name: 'SourceArtifact' }],
            outputArtifacts: [{ name: 'BuildArtifact' }],
          },
        ],
      },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'Deploy',
            actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CodeDeploy', version: '1' },
            runOrder: 1,
            configuration: { ApplicationName: name, DeploymentGroupName: 'main' },
            inputArtifacts: [{ name: 'BuildArtifact' }],
            outputArtifacts: [],
          },
        ],
      },
    ],
  };
}

export async function seedOrg(sb: SandboxCore): Promise<void> {
  const org = buildOrganization();
  sb.org = org;
  for (const { account, region, names } of orgPipelinePlan(org, sb.config.regions)) {
    const bucket = `codepipeline-${region}-${account.id}`;
    if (!sb.s3.buckets.has(bucket)) sb.s3.createBucket(bucket, account.id, region);
    for (const name of names) {
      const res = sb.invoke('codepipeline', account.id, region, {
        target: 'CreatePipeline',
        body: { pipeline: smallPipeline(name, account.id, bucket), tags: [{ key: 'team', value: name.split('-')[0] }] },
      });
      if (res.status !== 200) throw new Error(`org seed: CreatePipeline ${name} in ${account.id}/${region} failed: ${bodyText(res)}`);
      // One run each (at time scale 0 while seeding), so every pipeline has a latest execution to show.
      sb.invoke('codepipeline', account.id, region, { target: 'StartPipelineExecution', body: { name } });
    }
  }
  await sb.executor.settled();
}
