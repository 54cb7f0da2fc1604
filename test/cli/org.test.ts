// `pipewright org …` end to end, beside Debian's AWS CLI (/usr/bin/aws, 2.9), against
// the sandbox's `org` seed: the token `aws sso login` cached is used with no second
// login; accounts with state, OU path, roles and the reason; the export round trip
// (the AWS CLI reads a profile from Pipewright's block and calls the sandbox with
// it, then --remove gives the file back byte for byte); a device login made by
// Pipewright that the AWS CLI then uses; exit 4 for an incomplete discovery; and
// bad files (a token cache file, a config) refused and left as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assertBuilt, runCli, runCliWithInput } from '../helpers/cli';
import { startSandbox } from '../helpers/sandbox';
import { awsConfigSnippet, orgConfigSnippet } from '../../src/main/cli/sandbox-command';
import { writeAwsDataPath } from '../../src/main/cli/aws-data-path';
import { ORG_ACCOUNTS, ORG_SSO_SESSION } from '../../src/sandbox/seed-org';
import { CLI_TOKEN_KEYS } from '../fixtures/sso-token';

const run = promisify(execFile);
const AWS = '/usr/bin/aws';

let env: Awaited<ReturnType<typeof startSandbox>>;
let dir: string;
let configFile: string;
let pwEnv: NodeJS.ProcessEnv;
let awsEnv: Record<string, string>;
/** The user's own lines, around the sandbox's: they must come back byte for byte. */
const USERS_OWN = `# My own settings, hand-written.\n[default]\nregion = eu-west-1\ncli_pager =\n\n[profile mine]\nregion = eu-west-2\nsso_session = ${ORG_SSO_SESSION}\nsso_account_id = 123456789012\nsso_role_name = Mine   # a comment\n`;

beforeAll(async () => {
  assertBuilt();
  if (!existsSync(AWS)) throw new Error("Debian's AWS CLI is missing: apt-get install awscli (.ci/run installs it).");
  env = await startSandbox({ seed: 'org' });
  dir = mkdtempSync(join(tmpdir(), 'pw-cli-org-'));
  configFile = join(dir, 'config');
  const org = env.sb.org!;
  writeFileSync(
    configFile,
    USERS_OWN +
      '\n' +
      awsConfigSnippet(env.sb.endpoint, env.sb.config) +
      '\n' +
      orgConfigSnippet(env.sb.endpoint, {
        startUrl: env.sb.identityCenter.startUrl,
        managementAccountId: org.managementAccountId,
        managementName: org.management.name,
      }),
  );
  pwEnv = {
    ...process.env,
    HOME: dir,
    PIPEWRIGHT_HOME: join(dir, 'pw'),
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_PROFILE: '',
    AWS_REGION: '',
  };
  awsEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_PAGER: '',
    AWS_RETRY_MODE: 'standard',
    // Debian's CLI is 2.9: endpoint rule sets point its sso, sso-oidc and other calls at the sandbox.
    AWS_DATA_PATH: writeAwsDataPath(join(dir, 'aws-data'), env.sb.endpoint),
  };
}, 60_000);
afterAll(async () => {
  await env?.sb.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CLI JSON output, asserted field by field
async function aws(...args: string[]): Promise<any> {
  const { stdout } = await run(AWS, [...args, '--output', 'json'], { env: awsEnv, timeout: 60_000 });
  const text = stdout.trim();
  return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
}
const pw = (...args: string[]) => runCli(args, pwEnv, 180_000);
const cachePath = (key: string) => join(dir, '.aws', 'sso', 'cache', `${createHash('sha1').update(key).digest('hex')}.json`);
const log = async (q: string) => (await env.control('GET', `log?${q}`)).body.entries as Array<{ operation: string; status: number }>;
const refill = () => new Promise((r) => setTimeout(r, 1100));

interface AccountJson {
  id: string;
  name: string;
  state: string | null;
  ouPath: string | null;
  roles: string[];
  reason: string | null;
  inIdentityCenter: boolean | null;
}

describe('pipewright org', () => {
  it('refuses a connect with nothing to connect, or flags that do not go together (exit 2)', async () => {
    expect((await pw('org', 'connect')).code).toBe(2);
    const both = await pw('org', 'connect', '--sso-session', 'x', '--sso-region', 'us-east-1');
    expect(both.code).toBe(2);
    expect(both.err).toContain('--sso-session takes the start URL and region from your AWS config');
    expect((await pw('org', 'accounts')).err).toContain('No organization is connected');
  });

  it('connect --sso-session uses the token `aws sso login` cached: no second login, then discovers with Organizations', async () => {
    const login = await run(AWS, ['sso', 'login', '--sso-session', ORG_SSO_SESSION, '--no-browser'], { env: awsEnv, timeout: 60_000 });
    expect(login.stdout).toContain('Successfully logged into Start URL');
    const cliToken = readFileSync(cachePath(ORG_SSO_SESSION), 'utf8');
    await env.control('DELETE', 'log');
    await refill();
    const r = await pw('org', 'connect', '--sso-session', ORG_SSO_SESSION, '--organizations-profile', ORG_ACCOUNTS.management);
    console.log(r.out);
    expect(r.err).not.toContain('To sign in');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Connected ${ORG_SSO_SESSION}: IAM Identity Center ${env.sb.identityCenter.startUrl} (us-east-1).`);
    expect(r.out).toContain('Using the token the AWS CLI cached for this session: no new sign-in');
    // Not one OIDC call: no registration, no device authorization, no refresh.
    expect(await log('service=sso-oidc')).toEqual([]);
    expect((await log('service=sso&operation=ListAccounts')).length).toBeGreaterThanOrEqual(3);
    expect(readFileSync(cachePath(ORG_SSO_SESSION), 'utf8')).toBe(cliToken);
    expect(r.out).toContain('300 accounts');
    expect(r.out).toMatch(/IAM Identity Center: 299 accounts in [\d.]+ s, 30\d calls at 20 a second at most/);
    expect(r.out).toContain(`1 not reached through Identity Center: ${ORG_ACCOUNTS.closed}`);
    // The token stays where it was: never printed, never in Pipewright's home.
    const token = (JSON.parse(cliToken) as { accessToken: string }).accessToken;
    expect(r.out + r.err).not.toContain(token);
    for (const f of ['connection.json', 'discovery.json']) expect(readFileSync(join(dir, 'pw', 'org', f), 'utf8')).not.toContain(token);
  }, 120_000);

  it('accounts --json: every account with its state, OU path and roles, and why when no role is usable', async () => {
    await env.control('DELETE', 'log');
    const r = await pw('org', 'accounts', '--json');
    expect(r.code).toBe(0);
    // From the last discovery: no call.
    expect(await log('service=sso')).toEqual([]);
    const out = JSON.parse(r.out) as { complete: boolean; accounts: AccountJson[] };
    expect(out.complete).toBe(true);
    expect(out.accounts).toHaveLength(300);
    const by = (name: string) => out.accounts.find((a) => a.name === name)!;
    expect(by(ORG_ACCOUNTS.management)).toMatchObject({ state: 'ACTIVE', ouPath: '', roles: ['ReadOnlyAccess', 'AdministratorAccess'], reason: null });
    expect(by('payments-prod')).toMatchObject({ state: 'ACTIVE', ouPath: 'Workloads/Prod', reason: null });
    expect(by(ORG_ACCOUNTS.closed)).toMatchObject({ state: 'CLOSED', inIdentityCenter: false, roles: [], reason: 'the account is CLOSED' });
    expect(by(ORG_ACCOUNTS.suspended)).toMatchObject({ state: 'SUSPENDED', reason: 'the account is SUSPENDED' });
    expect(by(ORG_ACCOUNTS.billingOnly)).toMatchObject({ roles: ['BillingReadOnly'], ouPath: 'Shared Services' });
    const want = new Map(env.sb.org!.accounts.map((a) => [a.id, a]));
    for (const a of out.accounts) {
      if (a.name !== ORG_ACCOUNTS.closed) expect(a.roles).toEqual(want.get(a.id)!.roles);
      expect(a.state).toBe(want.get(a.id)!.state);
    }
    const table = await pw('org', 'accounts');
    expect(table.out).toMatch(/^ACCOUNT\s+NAME\s+STATE\s+OU\s+ROLES\s+NOTE/);
    expect(table.out).toMatch(new RegExp(`${ORG_ACCOUNTS.closed}\\s+CLOSED\\s+Workloads/Prod\\s+-\\s+the account is CLOSED`));
  }, 60_000);

  it('export-profiles: a preview and a diff, asks; the AWS CLI calls the sandbox with a profile of the block; --remove gives the file back byte for byte', async () => {
    const before = readFileSync(configFile);
    const declined = await runCliWithInput(['org', 'export-profiles'], pwEnv, 'no\n');
    expect(declined.code).toBe(3);
    expect(declined.out).toContain(
      `into ${configFile}, inside Pipewright's block (# BEGIN pipewright org ${ORG_SSO_SESSION} … # END pipewright org ${ORG_SSO_SESSION}); the [sso-session] is already yours`,
    );
    expect(declined.out).toContain('+ [profile payments-prod/ReadOnlyAccess]');
    expect(declined.out).toContain(`not written: ${ORG_ACCOUNTS.suspended}`);
    expect(declined.out).toContain('Nothing was written.');
    expect(readFileSync(configFile).equals(before)).toBe(true);

    const wrote = await pw('org', 'export-profiles', '--yes');
    expect(wrote.code).toBe(0);
    const after = readFileSync(configFile, 'utf8');
    expect(after.startsWith(before.toString('utf8') + '\n# BEGIN pipewright org pipewright-sandbox\n')).toBe(true);
    expect(after).toContain(
      `[profile payments-prod/ReadOnlyAccess]\nsso_session = ${ORG_SSO_SESSION}\nsso_account_id = ${env.sb.org!.accounts.find((a) => a.name === 'payments-prod')!.id}\nsso_role_name = ReadOnlyAccess\nregion = us-east-1\nendpoint_url = ${env.sb.endpoint}\n`,
    );
    expect(after).not.toContain(
      `[sso-session ${ORG_SSO_SESSION}]\nsso_start_url = ${env.sb.identityCenter.startUrl}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n[profile payments`,
    );

    // The AWS CLI reads a profile from the block, with the token in the cache, and calls the sandbox with it.
    const withPipelines = env.sb.tables.all().find((p) => env.sb.org!.account(p.accountId)?.roles.includes('ReadOnlyAccess'))!;
    const account = env.sb.org!.account(withPipelines.accountId)!;
    const me = await aws('--profile', `${account.name}/ReadOnlyAccess`, 'sts', 'get-caller-identity');
    expect(me.Account).toBe(account.id);
    expect(me.Arn).toMatch(/:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/release\.manager@acme\.example$/);
    const listed = await aws('--profile', `${account.name}/ReadOnlyAccess`, 'codepipeline', 'list-pipelines', '--region', withPipelines.region);
    expect(listed.pipelines.map((p: { name: string }) => p.name)).toContain(withPipelines.name);

    // Again: only the block is replaced, and it is the same.
    const again = await pw('org', 'export-profiles', '--yes');
    expect(again.out).toContain('Nothing to change.');
    expect(readFileSync(configFile, 'utf8')).toBe(after);

    const removed = await pw('org', 'export-profiles', '--remove', '--yes');
    expect(removed.code).toBe(0);
    expect(removed.out).toContain('- [profile payments-prod/ReadOnlyAccess]');
    expect(readFileSync(configFile).equals(before)).toBe(true);
    expect((await pw('org', 'export-profiles', '--remove', '--yes')).out).toContain('nothing to remove');
  }, 120_000);

  it('accounts --refresh exits 4 when some roles could not be read, keeping those accounts with the reason', async () => {
    await refill();
    await env.control('POST', 'faults', { service: 'sso', operation: 'ListAccountRoles', denyRate: 0.02 });
    const r = await pw('org', 'accounts', '--refresh', '--json');
    await env.control('DELETE', 'faults');
    expect(r.code).toBe(4);
    const out = JSON.parse(r.out) as { complete: boolean; accounts: AccountJson[] };
    expect(out.complete).toBe(false);
    expect(out.accounts).toHaveLength(300);
    const unread = out.accounts.filter((a) => a.reason?.startsWith('its roles could not be read'));
    expect(unread.length).toBeGreaterThan(0);
    expect(r.err).toContain('The discovery is incomplete');
  }, 120_000);

  it('Pipewright signs in itself (device flow), and the AWS CLI uses the token it cached', async () => {
    await run(AWS, ['sso', 'logout'], { env: awsEnv, timeout: 60_000 });
    await refill();
    const r = await pw('org', 'connect', '--sso-start-url', env.sb.identityCenter.startUrl, '--sso-region', 'us-east-1', '--name', 'pw-login');
    // Organizations is still read with acme-management, whose session was just logged out: said so, exit 4, its last read kept.
    expect(r.code).toBe(4);
    expect(r.err).toContain(`AWS Organizations could not be read with profile ${ORG_ACCOUNTS.management}`);
    expect(r.out).toContain('300 accounts');
    expect(r.err).toMatch(/To sign in to IAM Identity Center, open\n {2}http:\/\/127\.0\.0\.1:\d+\/device\?user_code=[A-Z]{4}-[A-Z]{4}\n/);
    expect(r.out).toContain('Signed in; the token is in the AWS CLI’s cache, for the CLI too');
    const cached = JSON.parse(readFileSync(cachePath('pw-login'), 'utf8')) as Record<string, string>;
    expect(Object.keys(cached)).toEqual(CLI_TOKEN_KEYS);
    // The CLI with that token, as it is.
    const accounts = await aws('sso', 'list-accounts', '--access-token', cached.accessToken, '--region', 'us-east-1');
    expect(accounts.accountList).toHaveLength(299);
    // And through an SSO profile of the session Pipewright made: export writes the [sso-session] too, since the file has none.
    const before = readFileSync(configFile);
    const wrote = await pw('org', 'export-profiles', '--yes');
    expect(wrote.out).toContain(', with its [sso-session]');
    expect(readFileSync(configFile, 'utf8')).toContain(
      `[sso-session pw-login]\nsso_start_url = ${env.sb.identityCenter.startUrl}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`,
    );
    const me = await aws('--profile', `${ORG_ACCOUNTS.management}/ReadOnlyAccess`, 'sts', 'get-caller-identity');
    expect(me.Account).toBe(env.sb.org!.managementAccountId);
    expect((await pw('org', 'export-profiles', '--remove', '--yes')).code).toBe(0);
    expect(readFileSync(configFile).equals(before)).toBe(true);
  }, 120_000);

  it('refuses a token cache file that is not a token and a config it cannot parse, changing neither', async () => {
    const bad = '{"accessToken": "half a file';
    writeFileSync(cachePath('pw-login'), bad);
    const refused = await pw('org', 'accounts', '--refresh');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`${cachePath('pw-login')} is not an IAM Identity Center token the AWS CLI could have written`);
    expect(readFileSync(cachePath('pw-login'), 'utf8')).toBe(bad);

    const broken = join(dir, 'broken-config');
    const text = '[default]\nregion = x\n[profile oops\nregion = y\n';
    writeFileSync(broken, text);
    const r = await pw('org', 'export-profiles', '--out', broken, '--yes');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${broken} cannot be parsed, so it was not changed`);
    expect(r.err).toContain(`${broken}:3: The section header is not closed`);
    expect(readFileSync(broken, 'utf8')).toBe(text);

    // An explicit connect keeps the bad file aside (never over another) and signs in afresh.
    await refill();
    const again = await pw('org', 'connect', '--sso-start-url', env.sb.identityCenter.startUrl, '--sso-region', 'us-east-1', '--name', 'pw-login');
    expect(again.out).toContain('Signed in; the token is in the AWS CLI’s cache');
    expect(again.err).toContain(`was not a token; it was kept as ${createHash('sha1').update('pw-login').digest('hex')}.json.bad`);
    expect(readFileSync(`${cachePath('pw-login')}.bad`, 'utf8')).toBe(bad);
  }, 120_000);
});
