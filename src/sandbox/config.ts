// The sandbox's configuration: accounts and their keys, roles and MFA for STS,
// action durations and the time scale. Validated with zod; every field defaults.
import { z } from 'zod';
import { S3WriteLimit } from './services/s3/write-limit';

const AccountId = z.string().regex(/^\d{12}$/);

export const SandboxAccountConfig = z.object({
  id: AccountId,
  name: z.string().min(1).max(63),
  accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{12,28}$/),
  secretAccessKey: z.string().min(16),
});
export type SandboxAccountConfig = z.infer<typeof SandboxAccountConfig>;

/**
 * An IAM user with a narrower policy than the account's own keys: every action
 * allowed except those in `deny` ("service:Operation", "*" allowed as the
 * operation). The demo's least-privilege auditor is one.
 */
export const SandboxUserConfig = z.object({
  name: z.string().min(1).max(63),
  account: AccountId,
  accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{12,28}$/),
  secretAccessKey: z.string().min(16),
  deny: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z*]+$/)).default([]),
});
export type SandboxUserConfig = z.infer<typeof SandboxUserConfig>;

export const RoleConfig = z.object({
  /** Role name, assumable in every sandbox account (arn:aws:iam::<account>:role/<name>). */
  name: z.string().min(1),
  /** Accounts whose principals may assume it; '*' for every sandbox account. */
  trustedAccounts: z.array(z.union([AccountId, z.literal('*')])).default(['*']),
  requireMfa: z.boolean().default(false),
});

export const FailureRule = z.object({
  pipeline: z.string(),
  stage: z.string(),
  action: z.string(),
  /** once: the next run fails, then the rule is spent; always: every run fails; after: fails after `seconds`. */
  mode: z.enum(['once', 'always', 'after']),
  seconds: z.number().min(0).optional(),
  account: z.string().optional(),
  region: z.string().optional(),
});
export type FailureRule = z.infer<typeof FailureRule>;

export const SandboxConfig = z.object({
  accounts: z
    .array(SandboxAccountConfig)
    .min(1)
    .default(() => DEFAULT_ACCOUNTS.map((a) => ({ ...a }))),
  regions: z.array(z.string()).default(['us-east-1', 'eu-west-1', 'ap-southeast-2']),
  /**
   * Opt-in regions enabled for every account (besides any in `regions`). The
   * others answer CodePipeline calls as AWS does in a region an account has
   * not enabled, and account:ListRegions reports them DISABLED.
   */
  enabledOptInRegions: z.array(z.string()).default([]),
  users: z.array(SandboxUserConfig).default(() => DEFAULT_USERS.map((u) => ({ ...u, deny: [...u.deny] }))),
  roles: z.array(RoleConfig).default([
    { name: 'PipewrightAdmin', trustedAccounts: ['*'], requireMfa: false },
    { name: 'PipewrightMfaAdmin', trustedAccounts: ['*'], requireMfa: true },
  ]),
  mfa: z
    .object({
      /** Every account has one virtual MFA device: arn:aws:iam::<account>:mfa/<deviceName>. */
      deviceName: z.string().default('sandbox-user'),
      code: z
        .string()
        .regex(/^\d{6}$/)
        .default('123456'),
    })
    .prefault({}),
  /** Multiplies every simulated duration: 0.01 makes a 3 s action take 30 ms. */
  timeScale: z.number().min(0).max(100).default(1),
  durations: z
    .object({
      // A demo run takes one to three minutes at time scale 1: a pace a person can watch.
      defaultMs: z.number().min(0).default(20_000),
      byProvider: z.record(z.string(), z.number().min(0)).default({
        Manual: 0,
        CodeStarSourceConnection: 8_000,
        CodeCommit: 6_000,
        S3: 10_000,
        CodeBuild: 45_000,
        Commands: 40_000,
        CodeDeploy: 35_000,
        ECS: 30_000,
        CloudFormation: 25_000,
      }),
      /** Keyed "pipeline/stage/action". */
      byAction: z.record(z.string(), z.number().min(0)).default({}),
    })
    .prefault({}),
  approvalTimeoutMinutes: z
    .number()
    .min(1)
    .default(7 * 24 * 60),
  failures: z.array(FailureRule).default([]),
  /** IAM Identity Center (the `org` seed): the throttle its portal and OIDC APIs share, 20 requests a second on AWS. */
  identityCenter: z
    .object({
      requestsPerSecond: z.number().min(1).max(100_000).default(20),
    })
    .prefault({}),
  /** S3's per-prefix write rate (503 SlowDown beyond it); off unless set. */
  s3WriteLimit: S3WriteLimit.optional(),
  /** CreatePipeline starts an execution, as the service does. */
  startOnCreate: z.boolean().default(true),
  /** Random ids (execution ids, artifact keys) come from this seed: same seed, same ids. */
  randomSeed: z.number().int().default(20150709),
});
export type SandboxConfig = z.infer<typeof SandboxConfig>;

export const DEFAULT_ACCOUNTS: SandboxAccountConfig[] = [
  { id: '111111111111', name: 'sandbox-dev', accessKeyId: 'AKIASANDBOXDEV000001', secretAccessKey: 'sandbox-dev-secret-key-0000000000000001' },
  { id: '222222222222', name: 'sandbox-staging', accessKeyId: 'AKIASANDBOXSTAGING01', secretAccessKey: 'sandbox-staging-secret-key-000000000002' },
  { id: '333333333333', name: 'sandbox-prod', accessKeyId: 'AKIASANDBOXPROD00001', secretAccessKey: 'sandbox-prod-secret-key-00000000000003' },
];

/** A least-privilege auditor in the dev account: reads pipelines and S3, but not execution history. */
export const DEFAULT_USERS: SandboxUserConfig[] = [
  {
    name: 'sandbox-auditor',
    account: '111111111111',
    accessKeyId: 'AKIASANDBOXAUDITOR01',
    secretAccessKey: 'sandbox-auditor-secret-key-0000000000001',
    deny: ['codepipeline:ListPipelineExecutions'],
  },
];

export function parseSandboxConfig(input: unknown): SandboxConfig {
  return SandboxConfig.parse(input ?? {});
}
