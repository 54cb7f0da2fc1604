// IAM Identity Center's portal and OIDC APIs with the real SDK clients
// (@aws-sdk/client-sso, client-sso-oidc) against the `org` seed: the device login,
// the portal's listings and their limits, role credentials that work (or are denied)
// against the sandbox's other services, token expiry and logout, malformed
// requests, and the 20-requests-a-second throttle the two APIs share.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, LogoutCommand, paginateListAccounts } from '@aws-sdk/client-sso';
import { CodePipelineClient, ListPipelinesCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startSandbox } from '../helpers/sandbox';
import { deviceLogin, oidc, orgAccount, portal, roleCredentials, type Login } from '../helpers/identity-center';
import { ORG_ACCOUNTS } from '../../src/sandbox/seed-org';

let env: Awaited<ReturnType<typeof startSandbox>>;
let login: Login;
beforeAll(async () => {
  env = await startSandbox({ seed: 'org' });
});
afterAll(() => env.sb.stop());
// Each test starts with a full throttle bucket: the burst tests empty it on purpose.
const refill = () => new Promise((r) => setTimeout(r, 1100));

type AwsError = Error & { $metadata?: { httpStatusCode?: number }; error?: string; error_description?: string };
async function failure(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (e) {
    return e as AwsError;
  }
  throw new Error('the call succeeded');
}
const client = (creds: Awaited<ReturnType<typeof roleCredentials>>, region = 'us-east-1') => ({
  endpoint: env.sb.endpoint,
  region,
  maxAttempts: 1,
  credentials: creds,
});

describe('OIDC device login', () => {
  beforeEach(refill);

  it('registers a client, starts a device login that the sandbox approves at once, and issues a refreshable token', async () => {
    const c = oidc(env.sb);
    const reg = await c.send(new RegisterClientCommand({ clientName: 'cli', clientType: 'public', scopes: ['sso:account:access'] }));
    expect(reg.clientId).toBeTruthy();
    expect(reg.clientSecretExpiresAt! - reg.clientIdIssuedAt!).toBe(90 * 86400);
    const auth = await c.send(
      new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: env.sb.identityCenter.startUrl }),
    );
    expect(auth.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(auth.verificationUri).toBe(`${env.sb.endpoint}/device`);
    expect(auth.verificationUriComplete).toBe(`${env.sb.endpoint}/device?user_code=${auth.userCode}`);
    expect([auth.expiresIn, auth.interval]).toEqual([600, 1]);
    // The page a person would open says there is nothing to do.
    expect(await (await fetch(auth.verificationUriComplete!)).text()).toContain('approved automatically');
    const grant = {
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      deviceCode: auth.deviceCode,
    };
    const token = await c.send(new CreateTokenCommand(grant));
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresIn).toBe(3600);
    expect(token.refreshToken).toBeTruthy();
    // A device code is redeemed once.
    const again = await failure(c.send(new CreateTokenCommand(grant)));
    expect([again.name, again.error, again.$metadata?.httpStatusCode]).toEqual(['InvalidGrantException', 'invalid_grant', 400]);
    // The refresh grant gives a new access token for the same session.
    const refreshed = await c.send(
      new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken }),
    );
    expect(refreshed.accessToken).not.toBe(token.accessToken);
    expect((await portal(env.sb).send(new ListAccountsCommand({ accessToken: refreshed.accessToken, maxResults: 1 }))).accountList).toHaveLength(1);
  });

  it('gives a client registered without scopes an 8-hour token and no refresh token, as for legacy profiles', async () => {
    const legacy = await deviceLogin(env.sb, { scopes: [] });
    expect(legacy.expiresIn).toBe(8 * 3600);
    expect(legacy.refreshToken).toBeUndefined();
  });

  it("refuses another client's secret, a start URL that is not the sandbox's, and grants it does not serve", async () => {
    const c = oidc(env.sb);
    const reg = await c.send(new RegisterClientCommand({ clientName: 'x', clientType: 'public' }));
    const badSecret = await failure(
      c.send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: 'nope', startUrl: env.sb.identityCenter.startUrl })),
    );
    expect([badSecret.name, badSecret.$metadata?.httpStatusCode]).toEqual(['InvalidClientException', 401]);
    const otherUrl = await failure(
      c.send(
        new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: 'https://d-9067000000.awsapps.com/start' }),
      ),
    );
    expect([otherUrl.name, otherUrl.error]).toEqual(['InvalidRequestException', 'invalid_request']);
    // OAuth's error_description carries the reason (the SDK keeps it on the error).
    expect(otherUrl.error_description).toContain(env.sb.identityCenter.startUrl);
    // The same start URL written with localhost is the same portal.
    await c.send(
      new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: `http://localhost:${env.sb.port}/start/` }),
    );
    const grant = await failure(c.send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'client_credentials' })));
    expect(grant.name).toBe('UnsupportedGrantTypeException');
    const confidential = await failure(c.send(new RegisterClientCommand({ clientName: 'x', clientType: 'confidential' })));
    expect(confidential.name).toBe('InvalidClientMetadataException');
  });
});

describe('the portal', () => {
  beforeAll(async () => {
    await refill();
    login = await deviceLogin(env.sb);
  });
  beforeEach(refill);

  it('lists every account the user is assigned in (all but the closed one), 100 at most a page', async () => {
    const names: string[] = [];
    for await (const page of paginateListAccounts({ client: portal(env.sb) }, { accessToken: login.accessToken, maxResults: 100 })) {
      expect(page.accountList!.length).toBeLessThanOrEqual(100);
      names.push(...page.accountList!.map((a) => a.accountName!));
    }
    expect(names).toHaveLength(299);
    expect(new Set(names).size).toBe(299);
    expect(names).toContain(ORG_ACCOUNTS.suspended);
    expect(names).not.toContain(ORG_ACCOUNTS.closed);
    const first = await portal(env.sb).send(new ListAccountsCommand({ accessToken: login.accessToken, maxResults: 1 }));
    expect(first.accountList![0]).toEqual({
      accountId: env.sb.org!.managementAccountId,
      accountName: 'acme-management',
      emailAddress: 'aws+acme-management@acme.example',
    });
    const tooMany = await failure(portal(env.sb).send(new ListAccountsCommand({ accessToken: login.accessToken, maxResults: 101 })));
    expect([tooMany.name, tooMany.message, tooMany.$metadata?.httpStatusCode]).toEqual([
      'InvalidRequestException',
      'ResultSize parameter must be within the valid limits of: 1-100',
      400,
    ]);
    const badPage = await failure(portal(env.sb).send(new ListAccountsCommand({ accessToken: login.accessToken, nextToken: 'garbage' })));
    expect(badPage.name).toBe('InvalidRequestException');
  });

  it("lists each account's roles (1 to 4 permission sets), and none where the user has no assignment", async () => {
    const billing = orgAccount(env.sb, ORG_ACCOUNTS.billingOnly);
    const roles = await portal(env.sb).send(new ListAccountRolesCommand({ accessToken: login.accessToken, accountId: billing.id }));
    expect(roles.roleList).toEqual([{ roleName: 'BillingReadOnly', accountId: billing.id }]);
    for (const a of env.sb.org!.accounts) expect([1, 2, 3, 4]).toContain(a.roles.length);
    const counts = new Set(env.sb.org!.accounts.map((a) => a.roles.length));
    expect([...counts].sort()).toEqual([1, 2, 3, 4]);
    const stranger = await portal(env.sb).send(new ListAccountRolesCommand({ accessToken: login.accessToken, accountId: '000000000000' }));
    expect(stranger.roleList).toEqual([]);
    const bad = await failure(portal(env.sb).send(new ListAccountRolesCommand({ accessToken: login.accessToken, accountId: 'abc' })));
    expect(bad.name).toBe('InvalidRequestException');
  });

  it('hands out role credentials that the sandbox knows, with what the permission set denies', async () => {
    const mgmt = env.sb.org!.managementAccountId;
    const admin = await roleCredentials(env.sb, login.accessToken, mgmt, 'AdministratorAccess');
    expect(admin.accessKeyId).toMatch(/^ASIA/);
    expect(admin.expiration.getTime() - Date.now()).toBeGreaterThan(3500_000);
    const me = await new STSClient(client(admin)).send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(mgmt);
    expect(me.Arn).toMatch(new RegExp(`^arn:aws:sts::${mgmt}:assumed-role/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}/release\\.manager@acme\\.example$`));

    // An account with pipelines: a read-only role lists them and may not start one.
    const withPipelines = env.sb.tables.all().find((p) => orgAccountById(p.accountId)?.roles.includes('ReadOnlyAccess') && p.accountId !== mgmt)!;
    const ro = await roleCredentials(env.sb, login.accessToken, withPipelines.accountId, 'ReadOnlyAccess');
    const cp = new CodePipelineClient(client(ro, withPipelines.region));
    expect((await cp.send(new ListPipelinesCommand({}))).pipelines!.map((p) => p.name)).toContain(withPipelines.name);
    const start = await failure(cp.send(new StartPipelineExecutionCommand({ name: withPipelines.name })));
    expect(start.name).toBe('AccessDeniedException');
    expect(start.message).toContain('AWSReservedSSO_ReadOnlyAccess_');

    // The account reachable only by a role that may not call CodePipeline: its pipelines exist, and are denied.
    const billing = orgAccount(env.sb, ORG_ACCOUNTS.billingOnly);
    const billingPipeline = env.sb.tables.all().find((p) => p.accountId === billing.id)!;
    expect(billingPipeline).toBeDefined();
    const bro = await roleCredentials(env.sb, login.accessToken, billing.id, 'BillingReadOnly');
    expect((await new STSClient(client(bro)).send(new GetCallerIdentityCommand({}))).Account).toBe(billing.id);
    const denied = await failure(new CodePipelineClient(client(bro, billingPipeline.region)).send(new ListPipelinesCommand({})));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('is not authorized to perform: codepipeline:ListPipelines');
  });

  it('answers "No access" for a role the user is not assigned, and for the suspended account', async () => {
    const billing = orgAccount(env.sb, ORG_ACCOUNTS.billingOnly);
    const notAssigned = await failure(
      portal(env.sb).send(new GetRoleCredentialsCommand({ accessToken: login.accessToken, accountId: billing.id, roleName: 'AdministratorAccess' })),
    );
    expect([notAssigned.name, notAssigned.message, notAssigned.$metadata?.httpStatusCode]).toEqual(['ForbiddenException', 'No access', 403]);
    const suspended = orgAccount(env.sb, ORG_ACCOUNTS.suspended);
    const s = await failure(
      portal(env.sb).send(new GetRoleCredentialsCommand({ accessToken: login.accessToken, accountId: suspended.id, roleName: suspended.roles[0] })),
    );
    expect(s.name).toBe('ForbiddenException');
    const closed = orgAccount(env.sb, ORG_ACCOUNTS.closed);
    const c = await failure(
      portal(env.sb).send(new GetRoleCredentialsCommand({ accessToken: login.accessToken, accountId: closed.id, roleName: closed.roles[0] })),
    );
    expect(c.name).toBe('ForbiddenException');
  });
});

const orgAccountById = (id: string) => env.sb.org!.account(id);

describe('tokens end', () => {
  beforeEach(refill);

  it('refuses an expired token with UnauthorizedException until a refresh; role credentials already issued keep working', async () => {
    const l = await deviceLogin(env.sb);
    const mgmt = env.sb.org!.managementAccountId;
    const creds = await roleCredentials(env.sb, l.accessToken, mgmt, 'ReadOnlyAccess');
    expect((await env.control('POST', 'identity-center/expire-tokens', {})).body.expired).toBeGreaterThan(0);
    const expired = await failure(portal(env.sb).send(new ListAccountsCommand({ accessToken: l.accessToken })));
    expect([expired.name, expired.message, expired.$metadata?.httpStatusCode]).toEqual(['UnauthorizedException', 'Session token not found or invalid', 401]);
    expect((await new STSClient(client(creds)).send(new GetCallerIdentityCommand({}))).Account).toBe(mgmt);
    const refreshed = await oidc(env.sb).send(
      new CreateTokenCommand({ clientId: l.clientId, clientSecret: l.clientSecret, grantType: 'refresh_token', refreshToken: l.refreshToken }),
    );
    expect((await portal(env.sb).send(new ListAccountsCommand({ accessToken: refreshed.accessToken, maxResults: 5 }))).accountList).toHaveLength(5);
    // When the session ends too, only a new login helps.
    await env.control('POST', 'identity-center/expire-tokens', { sessions: true });
    const ended = await failure(
      oidc(env.sb).send(
        new CreateTokenCommand({ clientId: l.clientId, clientSecret: l.clientSecret, grantType: 'refresh_token', refreshToken: l.refreshToken }),
      ),
    );
    expect(ended.name).toBe('InvalidGrantException');
  });

  it('ends a token at Logout, and refuses one that was never issued or not sent', async () => {
    const l = await deviceLogin(env.sb);
    await portal(env.sb).send(new LogoutCommand({ accessToken: l.accessToken }));
    const after = await failure(portal(env.sb).send(new ListAccountsCommand({ accessToken: l.accessToken })));
    expect(after.name).toBe('UnauthorizedException');
    const bogus = await failure(portal(env.sb).send(new ListAccountsCommand({ accessToken: 'aoa-never-issued' })));
    expect(bogus.name).toBe('UnauthorizedException');
    const none = await fetch(`${env.sb.endpoint}/assignment/accounts`);
    expect([none.status, none.headers.get('x-amzn-errortype')?.split(':')[0]]).toEqual([401, 'UnauthorizedException']);
  });
});

describe('malformed requests', () => {
  beforeEach(refill);

  it('get the real errors and never stop the sandbox', async () => {
    const post = (path: string, body: string) => fetch(`${env.sb.endpoint}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (const [path, body] of [
      ['/token', '{not json'],
      ['/token', '[]'],
      ['/client/register', JSON.stringify({ clientName: 7, clientType: 'public' })],
      ['/device_authorization', JSON.stringify({ clientId: 'x' })],
      ['/client/register', JSON.stringify({ clientName: 'x', clientType: 'public', scopes: ['no scope here'] })],
    ]) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: string };
      expect(['invalid_request', 'invalid_scope']).toContain(json.error);
    }
    const roles = await fetch(`${env.sb.endpoint}/assignment/roles?max_result=abc`, {
      headers: { 'x-amz-sso_bearer_token': (await deviceLogin(env.sb)).accessToken },
    });
    expect(roles.status).toBe(400);
    expect(
      (await portal(env.sb).send(new ListAccountsCommand({ accessToken: (await deviceLogin(env.sb)).accessToken, maxResults: 2 }))).accountList,
    ).toHaveLength(2);
  });
});

describe('the shared throttle: 20 requests a second', () => {
  beforeEach(refill);

  it('answers a burst of 60 portal calls with some 429s, and the OIDC API meets the same limit at once', async () => {
    const l = await deviceLogin(env.sb);
    await refill();
    const mgmt = env.sb.org!.managementAccountId;
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => portal(env.sb).send(new ListAccountRolesCommand({ accessToken: l.accessToken, accountId: mgmt }))),
    );
    const throttled = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as AwsError] : []));
    expect(throttled.length).toBeGreaterThan(0);
    expect(results.length - throttled.length).toBeGreaterThanOrEqual(20);
    for (const e of throttled) expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['TooManyRequestsException', 429]);
    // The OIDC API shares the bucket: a login right after the burst is throttled too.
    const oidcBurst = await Promise.allSettled(
      Array.from({ length: 10 }, () => oidc(env.sb).send(new RegisterClientCommand({ clientName: 'b', clientType: 'public' }))),
    );
    expect(oidcBurst.some((r) => r.status === 'rejected' && (r.reason as AwsError).$metadata?.httpStatusCode === 429)).toBe(true);
    const log = (await env.control('GET', 'log?service=sso&operation=ListAccountRoles')).body.entries as Array<{ status: number; errorCode?: string }>;
    expect(log.filter((e) => e.status === 429 && e.errorCode === 'TooManyRequestsException').length).toBe(throttled.length);
  });

  it('lets a client that keeps under the limit through, and the SDK retries a 429 to success', async () => {
    const l = await deviceLogin(env.sb);
    await refill();
    const mgmt = env.sb.org!.managementAccountId;
    // 30 calls at 15 a second: never throttled.
    for (let i = 0; i < 30; i++) {
      await portal(env.sb).send(new ListAccountRolesCommand({ accessToken: l.accessToken, accountId: mgmt }));
      await new Promise((r) => setTimeout(r, 67));
    }
    // A burst with the SDK's standard retries (backoff, then the bucket refills) ends without a failure.
    await refill();
    const before = env.sb.identityCenter.throttled;
    const retrying = portal(env.sb, { maxAttempts: 10 });
    const all = await Promise.all(
      Array.from({ length: 30 }, () => retrying.send(new ListAccountRolesCommand({ accessToken: l.accessToken, accountId: mgmt }))),
    );
    expect(all.every((r) => r.roleList!.length === 2)).toBe(true);
    expect(env.sb.identityCenter.throttled).toBeGreaterThan(before);
  });
});

describe('without an organization', () => {
  it('has no Identity Center instance to log in to', async () => {
    const empty = await startSandbox({ seed: 'empty' });
    try {
      const c = oidc(empty.sb);
      const reg = await c.send(new RegisterClientCommand({ clientName: 'x', clientType: 'public' }));
      const e = await failure(
        c.send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: empty.sb.identityCenter.startUrl })),
      );
      expect(e.name).toBe('InvalidRequestException');
      expect(e.error_description).toContain('--seed org');
    } finally {
      await empty.sb.stop();
    }
  });
});
