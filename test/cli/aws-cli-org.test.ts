// Debian's AWS CLI (/usr/bin/aws, 2.9) against `pipewright sandbox --seed org
// --aws-config FILE`, configured only by that file and the AWS_DATA_PATH export the
// command prints: `aws sso login` completes unattended (the sandbox approves device
// logins) and writes the CLI's token cache; the portal answers `aws sso …`; the
// management account's SSO profile reads Organizations. An independent client of
// the sandbox's Identity Center and Organizations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCli, type RunningCli } from '../helpers/cli';

const run = promisify(execFile);
const AWS = '/usr/bin/aws';
const SESSION = 'pipewright-sandbox';

let cli: RunningCli;
let dir: string;
let env: Record<string, string>;
let endpoint: string;
beforeAll(async () => {
  if (!existsSync(AWS)) throw new Error("Debian's AWS CLI is missing: apt-get install awscli (.ci/run installs it).");
  dir = mkdtempSync(join(tmpdir(), 'pw-awscli-org-'));
  cli = startCli(['sandbox', '--seed', 'org', '--time-scale', '0.005', '--aws-config', join(dir, 'config')]);
  await cli.waitFor(/Try: aws/);
  const out = cli.output();
  endpoint = /listening on (\S+)/.exec(out)![1];
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    AWS_CONFIG_FILE: /export AWS_CONFIG_FILE=(\S+)/.exec(out)![1],
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_PAGER: '',
    AWS_RETRY_MODE: 'standard',
    AWS_DATA_PATH: /export AWS_DATA_PATH=(\S+)/.exec(out)![1],
  };
}, 60_000);
afterAll(async () => {
  await cli?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `aws ARGS… --output json`: its JSON output (or text); throws when it fails. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CLI JSON output, asserted field by field
async function aws(...args: string[]): Promise<any> {
  const { stdout } = await run(AWS, [...args, '--output', 'json'], { env, timeout: 60_000 });
  const text = stdout.trim();
  return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
}
async function awsFails(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(AWS, [...args, '--output', 'json'], { env, timeout: 60_000 });
  } catch (e) {
    const x = e as { code: number; stderr: string };
    return { code: x.code, stderr: x.stderr };
  }
  throw new Error(`aws ${args.join(' ')} succeeded`);
}
const cacheFile = () => join(dir, '.aws', 'sso', 'cache', `${createHash('sha1').update(SESSION).digest('hex')}.json`);
const cachedToken = () => (JSON.parse(readFileSync(cacheFile(), 'utf8')) as { accessToken: string }).accessToken;

describe('AWS CLI v2 against the org seed', () => {
  it("says device logins are approved, and writes an sso-session and the management account's SSO profile", () => {
    expect(cli.output()).toContain(`IAM Identity Center: start URL ${endpoint}/start, region us-east-1. Device logins are approved automatically`);
    const config = readFileSync(env.AWS_CONFIG_FILE, 'utf8');
    expect(config).toContain(
      `[sso-session ${SESSION}]\nsso_start_url = ${endpoint}/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`,
    );
    expect(config).toMatch(
      new RegExp(`\\[profile acme-management\\]\\nsso_session = ${SESSION}\\nsso_account_id = \\d{12}\\nsso_role_name = AdministratorAccess\\n`),
    );
    // The sandbox's key profiles are still there.
    expect(config).toContain('[profile sandbox-dev]');
  });

  it('aws sso login --no-browser completes unattended and writes the token cache as the CLI does', async () => {
    const { stdout } = await run(AWS, ['sso', 'login', '--sso-session', SESSION, '--no-browser'], { env, timeout: 60_000 });
    expect(stdout).toContain(`Successfully logged into Start URL: ${endpoint}/start`);
    const token = JSON.parse(readFileSync(cacheFile(), 'utf8')) as Record<string, string>;
    expect(Object.keys(token).sort()).toEqual([
      'accessToken',
      'clientId',
      'clientSecret',
      'expiresAt',
      'refreshToken',
      'region',
      'registrationExpiresAt',
      'startUrl',
    ]);
    expect(token.startUrl).toBe(`${endpoint}/start`);
    expect(token.region).toBe('us-east-1');
    expect(token.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(token.expiresAt) - Date.now()).toBeGreaterThan(50 * 60_000);
    // Beside it, the CLI's own client registration (not a token).
    expect(readdirSync(join(dir, '.aws', 'sso', 'cache'))).toHaveLength(2);
  });

  it('aws sso list-accounts, list-account-roles and get-role-credentials with the cached token', async () => {
    const token = cachedToken();
    const accounts = (await aws('sso', 'list-accounts', '--access-token', token, '--region', 'us-east-1')).accountList as Array<{
      accountId: string;
      accountName: string;
    }>;
    expect(accounts).toHaveLength(299);
    const mgmt = accounts.find((a) => a.accountName === 'acme-management')!;
    const roles = await aws('sso', 'list-account-roles', '--access-token', token, '--account-id', mgmt.accountId, '--region', 'us-east-1');
    expect(roles.roleList.map((r: { roleName: string }) => r.roleName)).toEqual(['ReadOnlyAccess', 'AdministratorAccess']);
    const creds = await aws(
      'sso',
      'get-role-credentials',
      '--access-token',
      token,
      '--account-id',
      mgmt.accountId,
      '--role-name',
      'ReadOnlyAccess',
      '--region',
      'us-east-1',
    );
    expect(creds.roleCredentials.accessKeyId).toMatch(/^ASIA/);
    const tooMany = await awsFails('sso', 'list-accounts', '--access-token', token, '--region', 'us-east-1', '--page-size', '101');
    expect(tooMany.stderr).toContain(
      '(InvalidRequestException) when calling the ListAccounts operation: ResultSize parameter must be within the valid limits of: 1-100',
    );
  });

  it("the management account's SSO profile reads Organizations, through its empty pages", async () => {
    const me = await aws('--profile', 'acme-management', 'sts', 'get-caller-identity');
    expect(me.Arn).toMatch(/:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/release\.manager@acme\.example$/);
    const listed = (await aws('--profile', 'acme-management', 'organizations', 'list-accounts')).Accounts as Array<{ Id: string; Name: string }>;
    expect(listed).toHaveLength(300);
    expect(new Set(listed.map((a) => a.Id)).size).toBe(300);
    const org = (await aws('--profile', 'acme-management', 'organizations', 'describe-organization')).Organization;
    expect(org.MasterAccountId).toBe(me.Account);
    const root = (await aws('--profile', 'acme-management', 'organizations', 'list-roots')).Roots[0].Id;
    const ous = await aws('--profile', 'acme-management', 'organizations', 'list-organizational-units-for-parent', '--parent-id', root);
    expect(ous.OrganizationalUnits.map((o: { Name: string }) => o.Name)).toEqual(['Security', 'Shared Services', 'Workloads']);
  });

  it('aws sso logout ends the token at the portal', async () => {
    const token = cachedToken();
    await run(AWS, ['sso', 'logout'], { env, timeout: 60_000 });
    expect(existsSync(cacheFile())).toBe(false);
    const after = await awsFails('sso', 'list-accounts', '--access-token', token, '--region', 'us-east-1');
    expect(after.stderr).toContain('(UnauthorizedException) when calling the ListAccounts operation: Session token not found or invalid');
  });
});
