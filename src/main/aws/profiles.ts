// The user's profiles, read from the standard shared files with the SDK's own
// loader (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE honoured), classified by
// how they get credentials, with role chains checked (missing source, cycles)
// and each profile's own endpoint_url / services endpoints resolved, since the
// SDK reads those only for the process-wide profile.
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { lintIni, type ConfigFileProblem } from './ini-lint';

export type ProfileKind = 'static' | 'session' | 'assume-role' | 'sso' | 'process' | 'web-identity' | 'sandbox' | 'incomplete';
export type ServiceId = 'codepipeline' | 's3' | 'sts' | 'iam' | 'account' | 'events' | 'sqs' | 'sso' | 'sso-oidc' | 'organizations';

export interface ProfileInfo {
  name: string;
  group: 'aws' | 'sandbox';
  kind: ProfileKind;
  region?: string;
  /** endpoint_url of the profile, then per service from its [services] section. */
  endpoint?: string;
  serviceEndpoints: Partial<Record<ServiceId, string>>;
  roleArn?: string;
  sourceProfile?: string;
  credentialSource?: string;
  mfaSerial?: string;
  ssoSession?: string;
  ssoStartUrl?: string;
  ssoRegion?: string;
  /** The profiles a role chain walks through, this one first. */
  chain: string[];
  /** Why this profile cannot work as written; empty when fine. */
  problems: string[];
  /** Only for sandbox profiles: the keys live in the main process and never cross the contract. */
  staticCredentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * Only for an account discovered through IAM Identity Center (src/main/org): the
   * role whose credentials the org feature fetches and holds (never written, never
   * sent to the renderer), instead of anything in the files.
   */
  identityCenterRole?: { accountId: string; roleName: string; credentials: AwsCredentialIdentityProvider };
}

export interface ProfilesSnapshot {
  profiles: ProfileInfo[];
  problems: ConfigFileProblem[];
  files: { config: string; credentials: string };
}

export function configFilePaths(): { config: string; credentials: string } {
  return {
    config: process.env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'),
    credentials: process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials'),
  };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

type Section = Record<string, string | undefined>;

function kindOf(s: Section): ProfileKind {
  if (s.role_arn && s.web_identity_token_file) return 'web-identity';
  if (s.role_arn) return 'assume-role';
  if (s.sso_session || s.sso_start_url) return 'sso';
  if (s.credential_process) return 'process';
  if (s.aws_access_key_id && s.aws_secret_access_key) return s.aws_session_token ? 'session' : 'static';
  return 'incomplete';
}

const SERVICE_KEYS: Record<ServiceId, string> = {
  codepipeline: 'codepipeline',
  s3: 's3',
  sts: 'sts',
  iam: 'iam',
  account: 'account',
  // The [services] keys are the SDK's service ids in snake case: EventBridge's is eventbridge.
  events: 'eventbridge',
  sqs: 'sqs',
  sso: 'sso',
  'sso-oidc': 'sso_oidc',
  organizations: 'organizations',
};

export async function loadProfiles(): Promise<ProfilesSnapshot> {
  const files = configFilePaths();
  const problems: ConfigFileProblem[] = [];
  const [configText, credentialsText] = await Promise.all([readIfExists(files.config), readIfExists(files.credentials)]);
  if (configText !== undefined) problems.push(...lintIni(configText, files.config, 'config'));
  if (credentialsText !== undefined) problems.push(...lintIni(credentialsText, files.credentials, 'credentials'));

  let configFile: Record<string, Section> = {};
  let credentialsFile: Record<string, Section> = {};
  try {
    ({ configFile, credentialsFile } = await loadSharedConfigFiles({ filepath: files.credentials, configFilepath: files.config, ignoreCache: true }));
  } catch (err) {
    problems.push({ file: files.config, line: 0, message: err instanceof Error ? err.message : String(err) });
  }

  const names = new Set<string>();
  for (const key of [...Object.keys(configFile), ...Object.keys(credentialsFile)]) {
    if (!key.startsWith('sso-session.') && !key.startsWith('services.')) names.add(key);
  }
  const merged = (name: string): Section => ({ ...configFile[name], ...credentialsFile[name] });

  const profiles: ProfileInfo[] = [...names].sort().map((name) => {
    const s = merged(name);
    const info: ProfileInfo = { name, group: 'aws', kind: kindOf(s), serviceEndpoints: {}, chain: [name], problems: [] };
    if (s.region) info.region = s.region;
    if (s.endpoint_url) info.endpoint = s.endpoint_url;
    if (s.services) {
      const svc = configFile[`services.${s.services}`];
      if (!svc) info.problems.push(`services = ${s.services} names a [services ${s.services}] section that does not exist.`);
      for (const [id, key] of Object.entries(SERVICE_KEYS)) {
        const url = svc?.[`${key}.endpoint_url`];
        if (url) info.serviceEndpoints[id as ServiceId] = url;
      }
    }
    if (s.role_arn) info.roleArn = s.role_arn;
    if (s.source_profile) info.sourceProfile = s.source_profile;
    if (s.credential_source) info.credentialSource = s.credential_source;
    if (s.mfa_serial) info.mfaSerial = s.mfa_serial;
    if (s.sso_session) {
      info.ssoSession = s.sso_session;
      const session = configFile[`sso-session.${s.sso_session}`];
      if (!session) info.problems.push(`sso_session = ${s.sso_session} names an [sso-session ${s.sso_session}] section that does not exist.`);
      info.ssoStartUrl = session?.sso_start_url;
      info.ssoRegion = session?.sso_region;
    } else if (s.sso_start_url) {
      info.ssoStartUrl = s.sso_start_url;
      info.ssoRegion = s.sso_region;
    }
    if (info.kind === 'incomplete') {
      if (s.aws_access_key_id && !s.aws_secret_access_key) info.problems.push('aws_access_key_id is set but aws_secret_access_key is missing.');
      else info.problems.push('No credentials: set keys, role_arn, sso_session, or credential_process.');
    }
    if (info.kind === 'assume-role' && !s.source_profile && !s.credential_source) info.problems.push('role_arn needs source_profile or credential_source.');
    if (s.source_profile && s.credential_source) info.problems.push('source_profile and credential_source cannot both be set.');
    return info;
  });

  // Walk role chains: the target must exist, and no profile may appear twice.
  const byName = new Map(profiles.map((p) => [p.name, p]));
  for (const p of profiles) {
    let cur = p;
    const seen = [p.name];
    while (cur.sourceProfile) {
      const next = byName.get(cur.sourceProfile);
      if (!next) {
        p.problems.push(`source_profile ${cur.sourceProfile} (used by ${cur.name}) does not exist.`);
        break;
      }
      if (seen.includes(next.name)) {
        // A profile may name itself as the source of its own keys (role_arn + static keys).
        if (next === cur && cur.kind === 'assume-role' && merged(cur.name).aws_access_key_id) break;
        p.problems.push(`The role chain loops: ${[...seen, next.name].join(' → ')}.`);
        break;
      }
      seen.push(next.name);
      cur = next;
    }
    p.chain = seen;
  }
  return { profiles, problems, files };
}

/** An [sso-session NAME] section of the config file, as the SDK reads it; undefined when there is none. */
export async function loadSsoSession(name: string): Promise<{ startUrl?: string; region?: string; scopes?: string[] } | undefined> {
  const { configFile } = await loadSharedConfigFiles({ configFilepath: configFilePaths().config, filepath: configFilePaths().credentials, ignoreCache: true });
  const s = configFile[`sso-session.${name}`];
  if (!s) return undefined;
  const scopes = s.sso_registration_scopes
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  return { startUrl: s.sso_start_url, region: s.sso_region, ...(scopes?.length ? { scopes } : {}) };
}

/** The endpoint a client for `service` should use with this profile, if any. */
export function endpointFor(p: ProfileInfo, service: ServiceId): string | undefined {
  return p.serviceEndpoints[service] ?? p.endpoint;
}

/**
 * Where a role chain's STS calls go: the profile's own STS endpoint, else the first
 * one found down the chain (where the source keys are valid). fromIni ignores
 * profile endpoints for these calls unless told.
 */
export function stsEndpointForChain(p: ProfileInfo, all: ProfileInfo[]): string | undefined {
  for (const name of p.chain) {
    const hop = all.find((x) => x.name === name);
    const e = hop && endpointFor(hop, 'sts');
    if (e) return e;
  }
  return undefined;
}
