// The org feature's service against the sandbox's `org` seed, composed as the app
// and the CLI compose it: connecting from an [sso-session] of the AWS config (its
// profiles' endpoint found), Organizations (State, OU paths, through ListAccounts'
// empty pages), the two merged with every account kept, a refresh that says what
// changed, the token reused by a second process or refreshed near its end, and
// credentials for a discovered (account, role): one call per pair in flight, held,
// fetched again before they end, and usable as a ProfileInfo by the SDK clients.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodePipelineClient, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startSandbox } from '../helpers/sandbox';
import { AccountsService } from '../../src/main/accounts';
import { EventHub } from '../../src/main/rpc/event-hub';
import { Settings } from '../../src/shared/api/settings';
import { OrgService } from '../../src/main/org/service';
import { readOrganization } from '../../src/main/org/organizations-calls';
import { RoleCredentials } from '../../src/main/aws/role-credentials';
import { orgConfigSnippet } from '../../src/main/cli/sandbox-command';
import { ORG_ACCOUNTS, ORG_SSO_SESSION } from '../../src/sandbox/seed-org';
import { EMPTY_PAGE_EVERY } from '../../src/sandbox/services/organizations/api';
import type { DevicePrompt } from '../../src/main/aws/identity-center';

let env: Awaited<ReturnType<typeof startSandbox>>;
let dir: string;
let accounts: AccountsService;
let org: OrgService;
const prompts: DevicePrompt[] = [];
const saved = { HOME: process.env.HOME, AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE };

beforeAll(async () => {
  env = await startSandbox({ seed: 'org' });
  dir = mkdtempSync(join(tmpdir(), 'pw-org-service-'));
  const o = env.sb.org!;
  writeFileSync(
    join(dir, 'config'),
    orgConfigSnippet(env.sb.endpoint, {
      startUrl: env.sb.identityCenter.startUrl,
      managementAccountId: o.managementAccountId,
      managementName: o.management.name,
    }),
  );
  Object.assign(process.env, { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') });
  accounts = new AccountsService(new EventHub(), () => Settings.parse({}), { instance: undefined });
  await accounts.reload();
  org = new OrgService(accounts, join(dir, 'pw'), { minPollSeconds: 0.2 });
});
afterAll(async () => {
  org?.dispose();
  accounts?.close();
  await env.sb.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => new Promise((r) => setTimeout(r, 1100)));

const cacheFile = (key: string) => join(dir, '.aws', 'sso', 'cache', `${createHash('sha1').update(key).digest('hex')}.json`);
const log = async (q: string) => (await env.control('GET', `log?${q}`)).body.entries as Array<{ operation: string; status: number }>;
/** An account's OU path as the sandbox built it: OU names from the root down. */
function ouPathOf(id: string): string {
  const data = env.sb.org!.data;
  const names: string[] = [];
  let parent = data.accounts.find((a) => a.id === id)!.parentId;
  for (let ou = data.ous.find((u) => u.id === parent); ou; ou = data.ous.find((u) => u.id === parent)) {
    names.unshift(ou.name);
    parent = ou.parentId;
  }
  return names.join('/');
}

describe('the org service', () => {
  it("connects from the config's [sso-session], finding the endpoint its profiles name, and signs in once", async () => {
    const r = await org.connectIdentityCenter({ ssoSession: ORG_SSO_SESSION }, { login: (p) => prompts.push(p) });
    expect(r.token.source).toBe('login');
    expect(prompts).toHaveLength(1);
    expect(r.connection).toMatchObject({
      name: ORG_SSO_SESSION,
      identityCenter: {
        sessionName: ORG_SSO_SESSION,
        startUrl: env.sb.identityCenter.startUrl,
        region: 'us-east-1',
        scopes: ['sso:account:access'],
        endpoints: { sso: env.sb.endpoint, oidc: env.sb.endpoint },
        accountEndpoint: env.sb.endpoint,
        fromConfig: true,
      },
      organizationsProfile: null,
    });
    await expect(org.connectOrganizations('no-such-profile')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await org.connectOrganizations(ORG_ACCOUNTS.management);
  });

  it('reads Organizations: every account with State and its OU path, paging past the empty pages', async () => {
    const profile = accounts.profile(ORG_ACCOUNTS.management);
    const tree = await readOrganization(accounts.clients.organizations(profile), profile.name);
    expect(tree.emptyPages).toBe(Math.floor((300 - 1) / EMPTY_PAGE_EVERY));
    expect(tree.problems).toEqual([]);
    expect(tree.managementAccountId).toBe(env.sb.org!.managementAccountId);
    expect(tree.accounts).toHaveLength(300);
    for (const a of tree.accounts) {
      const want = env.sb.org!.account(a.accountId)!;
      expect([a.name, a.state, a.ouPath]).toEqual([want.name, want.state, ouPathOf(a.accountId)]);
    }
    console.log(`Organizations: 300 accounts and their OU paths in ${tree.calls} calls (${tree.emptyPages} empty pages paged past)`);
  }, 60_000);

  it('refreshes: both sources merged by account id, every account kept, and then what changed', async () => {
    const first = await org.refresh();
    expect(first.complete).toBe(true);
    expect(first.changes).toBeNull();
    expect(first.accounts).toHaveLength(300);
    const unreached = first.accounts.filter((a) => !a.inIdentityCenter);
    expect(unreached.map((a) => [a.name, a.state, a.reason])).toEqual([[ORG_ACCOUNTS.closed, 'CLOSED', 'the account is CLOSED']]);
    expect(first.accounts.filter((a) => a.reason).map((a) => a.name)).toEqual(expect.arrayContaining([ORG_ACCOUNTS.suspended, ORG_ACCOUNTS.closed]));
    expect((await org.snapshot())!.accounts).toEqual(first.accounts);

    // Meanwhile: an account is closed, another gets a role, a third loses one.
    const o = env.sb.org!;
    const closing = o.accounts.find((a) => a.name === 'orders-dev')!;
    const gaining = o.accounts.find((a) => a.name === 'payments-prod')!;
    const losing = o.accounts.find((a) => a.roles.length === 4 && a.name !== 'payments-prod')!;
    const saved = { gaining: [...gaining.roles], losing: [...losing.roles] };
    closing.state = 'CLOSED';
    gaining.roles.splice(0, gaining.roles.length, ...new Set([...saved.gaining, 'PipelineReleaser']));
    losing.roles.pop();
    try {
      const second = await org.refresh();
      expect(second.changes).toMatchObject({ since: first.identityCenter!.finishedAt, added: [], gone: [], renamed: [] });
      expect(second.changes!.closed).toEqual([{ accountId: closing.id, name: 'orders-dev', state: 'CLOSED' }]);
      const changed = Object.fromEntries(second.changes!.rolesChanged.map((r) => [r.name, [r.added, r.removed]]));
      expect(changed[losing.name]).toEqual([[], ['AdministratorAccess']]);
      expect(changed['orders-dev'][1].length).toBeGreaterThan(0);
      if (!saved.gaining.includes('PipelineReleaser')) expect(changed['payments-prod']).toEqual([['PipelineReleaser'], []]);
      expect(second.accounts.find((a) => a.name === 'orders-dev')).toMatchObject({ state: 'CLOSED', inIdentityCenter: false, reason: 'the account is CLOSED' });
    } finally {
      closing.state = 'ACTIVE';
      gaining.roles.splice(0, gaining.roles.length, ...saved.gaining);
      losing.roles.splice(0, losing.roles.length, ...saved.losing);
    }
  }, 90_000);

  it('credentials for a discovered role: one call per (account, role) in flight, held, and a ProfileInfo the SDK clients use', async () => {
    const withPipelines = env.sb.tables.all().find((p) => {
      const a = env.sb.org!.account(p.accountId);
      return a?.roles.includes('ReadOnlyAccess') && a.state === 'ACTIVE' && a.name !== ORG_ACCOUNTS.management;
    })!;
    const account = env.sb.org!.account(withPipelines.accountId)!;
    await env.control('DELETE', 'log');
    const profile = await org.profileFor(account.name, 'ReadOnlyAccess');
    expect(profile).toMatchObject({ name: `${account.name}/ReadOnlyAccess`, kind: 'sso', endpoint: env.sb.endpoint, ssoSession: ORG_SSO_SESSION });
    // Twenty clients' calls at once: one GetRoleCredentials.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => accounts.clients.codepipeline(profile, withPipelines.region).send(new ListPipelinesCommand({}))),
    );
    for (const a of answers) expect(a.pipelines!.map((p) => p.name)).toContain(withPipelines.name);
    const me = await accounts.clients.sts(profile, 'us-east-1').send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toMatch(new RegExp(`^arn:aws:sts::${account.id}:assumed-role/AWSReservedSSO_ReadOnlyAccess_`));
    expect((await log('service=sso&operation=GetRoleCredentials')).filter((e) => e.status === 200)).toHaveLength(1);
    // The same pair asked from another client is still that one call; another role is its own.
    await new CodePipelineClient({
      region: withPipelines.region,
      endpoint: env.sb.endpoint,
      credentials: (await org.credentials()).provider(account.id, 'ReadOnlyAccess'),
    }).send(new ListPipelinesCommand({}));
    expect((await log('service=sso&operation=GetRoleCredentials')).filter((e) => e.status === 200)).toHaveLength(1);

    // The role that may not call CodePipeline: its credentials work, listing is denied, and that is said as AWS says it.
    const billing = await org.profileFor(ORG_ACCOUNTS.billingOnly);
    const billingPipeline = env.sb.tables.all().find((p) => p.accountId === env.sb.org!.accounts.find((a) => a.name === ORG_ACCOUNTS.billingOnly)!.id)!;
    await expect(accounts.clients.codepipeline(billing, billingPipeline.region).send(new ListPipelinesCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    await expect(org.profileFor(ORG_ACCOUNTS.suspended, 'ReadOnlyAccess')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('SUSPENDED'),
    });
    await expect(org.profileFor('payments-prod')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('several roles') });
    await expect(org.profileFor('payments-prod', 'NoSuchRole')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(org.profileFor('no-such-account')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 60_000);

  it('fetches credentials again shortly before they end, not before', async () => {
    let now = Date.now();
    const creds = new RoleCredentials(await org.session(), { now: () => now });
    const mgmt = env.sb.org!.managementAccountId;
    const first = await creds.get(mgmt, 'ReadOnlyAccess');
    expect(await creds.get(mgmt, 'ReadOnlyAccess')).toBe(first);
    now += 50 * 60_000;
    expect(await creds.get(mgmt, 'ReadOnlyAccess')).toBe(first);
    // Within five minutes of the end (the sandbox's role credentials last an hour): fetched again.
    now += 6 * 60_000;
    const second = await creds.get(mgmt, 'ReadOnlyAccess');
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(creds.calls.get(`${mgmt}/ReadOnlyAccess`)).toBe(2);
  });

  it('a second process uses the token Pipewright cached (no sign-in); one cached under another name for the same start URL too', async () => {
    await env.control('DELETE', 'log');
    const other = new OrgService(accounts, join(dir, 'pw'));
    try {
      const r = await other.connectIdentityCenter({ ssoSession: ORG_SSO_SESSION });
      expect(r.token.source).toBe('cache');
      // Under another session name: the token the cache holds for the same start URL.
      const again = await other.connectIdentityCenter({ startUrl: env.sb.identityCenter.startUrl, region: 'us-east-1', name: 'elsewhere' });
      expect(again.token.source).toBe('cache-other-session');
      expect(await log('service=sso-oidc')).toEqual([]);
    } finally {
      other.dispose();
    }
    await org.connectIdentityCenter({ ssoSession: ORG_SSO_SESSION });
  });

  it('refreshes a cached token near its end with its refresh token, and writes it back in the CLI format', async () => {
    await env.control('DELETE', 'log');
    const file = cacheFile(ORG_SSO_SESSION);
    const before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    copyFileSync(file, `${file}.orig`);
    writeFileSync(file, JSON.stringify({ ...before, expiresAt: new Date(Date.now() + 2 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') }, null, 2));
    const other = new OrgService(accounts, join(dir, 'pw'));
    try {
      const r = await other.connectIdentityCenter({ ssoSession: ORG_SSO_SESSION });
      expect(r.token.source).toBe('refreshed');
      const after = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(Object.keys(after)).toEqual(Object.keys(before));
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.clientId).toBe(before.clientId);
      expect(Date.parse(after.expiresAt) - Date.now()).toBeGreaterThan(50 * 60_000);
      expect((await log('service=sso-oidc&operation=CreateToken')).filter((e) => e.status === 200)).toHaveLength(1);
      expect(await log('service=sso-oidc&operation=StartDeviceAuthorization')).toEqual([]);
    } finally {
      other.dispose();
    }
  });
});
