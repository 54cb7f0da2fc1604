// What the renderer may know about profiles and accounts: names, kinds, regions,
// account ids, aliases and states. Never keys, secrets or tokens.
import { z } from 'zod';

export const ProfileState = z.enum(['unchecked', 'ok', 'expired', 'needs-mfa', 'needs-sso-login', 'error', 'unreachable']);
export type ProfileState = z.infer<typeof ProfileState>;

export const ProfileView = z.object({
  name: z.string(),
  group: z.enum(['aws', 'sandbox']),
  kind: z.enum(['static', 'session', 'assume-role', 'sso', 'process', 'web-identity', 'sandbox', 'incomplete']),
  region: z.string().nullable(),
  endpoint: z.string().nullable(),
  roleArn: z.string().nullable(),
  sourceProfile: z.string().nullable(),
  mfa: z.boolean(),
  ssoSession: z.string().nullable(),
  chain: z.array(z.string()),
  problems: z.array(z.string()),
  state: ProfileState,
  message: z.string().nullable(),
  accountId: z.string().nullable(),
  arn: z.string().nullable(),
  alias: z.string().nullable(),
  checkedAt: z.string().nullable(),
});
export type ProfileView = z.infer<typeof ProfileView>;

export const ConfigProblem = z.object({ file: z.string(), line: z.number().int(), message: z.string() });

export const RegionView = z.object({ code: z.string(), name: z.string(), optIn: z.boolean() });

export const AccountsView = z.object({
  profiles: z.array(ProfileView),
  configProblems: z.array(ConfigProblem),
  /** The shared config and credentials files, and whether each exists. */
  files: z.object({ config: z.string(), credentials: z.string(), configExists: z.boolean().default(false), credentialsExists: z.boolean().default(false) }),
  regions: z.array(RegionView),
  /** The effective workspace: what the explorer covers (settings, or the defaults). */
  workspace: z.object({ profiles: z.array(z.string()), regions: z.array(z.string()), isDefault: z.boolean() }),
});
export type AccountsView = z.infer<typeof AccountsView>;

export const MfaPrompt = z.object({ promptId: z.string(), profile: z.string(), serial: z.string() });
export const SsoPrompt = z.object({ profile: z.string(), verificationUri: z.string(), userCode: z.string() });
