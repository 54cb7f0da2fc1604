// AWS Organizations with the real SDK client (@aws-sdk/client-organizations)
// against the `org` seed, signed with the management account's Identity Center role:
// the organization, its OU tree, every account with its State (no Status), pages
// that come back empty before the end, who may ask, malformed input; and the
// seed itself (deterministic, 300 accounts, 40 with pipelines, the odd ones out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type Account,
} from '@aws-sdk/client-organizations';
import { startSandbox } from '../helpers/sandbox';
import { deviceLogin, orgAccount, roleCredentials } from '../helpers/identity-center';
import { Sandbox } from '../../src/sandbox/sandbox';
import { buildOrganization, ORG_ACCOUNTS } from '../../src/sandbox/seed-org';
import { EMPTY_PAGE_EVERY } from '../../src/sandbox/services/organizations/api';

let env: Awaited<ReturnType<typeof startSandbox>>;
let mgmt: OrganizationsClient;
let token: string;
beforeAll(async () => {
  env = await startSandbox({ seed: 'org' });
  token = (await deviceLogin(env.sb)).accessToken;
  const creds = await roleCredentials(env.sb, token, env.sb.org!.managementAccountId, 'AdministratorAccess');
  mgmt = new OrganizationsClient({ endpoint: env.sb.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: creds });
});
afterAll(() => env.sb.stop());

type AwsError = Error & { $metadata?: { httpStatusCode?: number }; Reason?: string };
async function failure(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (e) {
    return e as AwsError;
  }
  throw new Error('the call succeeded');
}

describe('the organization', () => {
  it('describes itself: all features, the management account', async () => {
    const { Organization: o } = await mgmt.send(new DescribeOrganizationCommand({}));
    expect(o?.Id).toMatch(/^o-[a-z0-9]{10}$/);
    expect(o?.FeatureSet).toBe('ALL');
    expect(o?.MasterAccountId).toBe(env.sb.org!.managementAccountId);
    expect(o?.MasterAccountArn).toBe(`arn:aws:organizations::${o?.MasterAccountId}:account/${o?.Id}/${o?.MasterAccountId}`);
  });

  it('lists all 300 accounts with State and no Status, through pages that may be empty before the end', async () => {
    // Page by hand, as a careful client must: until NextToken is absent, whatever a page holds.
    const pages: Account[][] = [];
    let next: string | undefined;
    do {
      const r = await mgmt.send(new ListAccountsCommand({ NextToken: next }));
      pages.push(r.Accounts ?? []);
      next = r.NextToken;
    } while (next);
    const empty = pages.map((p, i) => (p.length === 0 ? i : -1)).filter((i) => i >= 0);
    expect(empty.length).toBe(Math.floor((300 - 1) / EMPTY_PAGE_EVERY));
    expect(empty.every((i) => i < pages.length - 1)).toBe(true);
    const all = pages.flat();
    expect(all).toHaveLength(300);
    expect(new Set(all.map((a) => a.Id)).size).toBe(300);
    expect(all.every((a) => a.Status === undefined && a.State !== undefined)).toBe(true);
    const states = all.reduce<Record<string, number>>((m, a) => ({ ...m, [a.State!]: (m[a.State!] ?? 0) + 1 }), {});
    expect(states).toEqual({ ACTIVE: 298, SUSPENDED: 1, CLOSED: 1 });
    expect(all.find((a) => a.State === 'SUSPENDED')?.Name).toBe(ORG_ACCOUNTS.suspended);
    expect(all.find((a) => a.State === 'CLOSED')?.Name).toBe(ORG_ACCOUNTS.closed);
    const one = all.find((a) => a.Name === 'payments-prod')!;
    expect(one.Arn).toBe(`arn:aws:organizations::${env.sb.org!.managementAccountId}:account/${env.sb.org!.id}/${one.Id}`);
    expect(one.Email).toBe('aws+payments-prod@acme.example');
    expect(one.JoinedTimestamp).toBeInstanceOf(Date);
    expect(one.Paths?.[0]).toMatch(new RegExp(`^${env.sb.org!.id}/r-[0-9a-z]{4}/ou-[0-9a-z-]+/ou-[0-9a-z-]+/${one.Id}/$`));
    // The SDK's paginator follows the empty pages too; smaller pages meet them as well.
    let viaPaginator = 0;
    for await (const page of paginateListAccounts({ client: mgmt, pageSize: 7 }, {})) viaPaginator += page.Accounts?.length ?? 0;
    expect(viaPaginator).toBe(300);
  });

  it('gives the OU tree: Security, Shared Services, Workloads with Dev, Staging and Prod', async () => {
    const { Roots } = await mgmt.send(new ListRootsCommand({}));
    expect(Roots).toHaveLength(1);
    expect(Roots![0].Name).toBe('Root');
    const rootId = Roots![0].Id!;
    const ousOf = async (parent: string) => {
      const out = [];
      for await (const p of paginateListOrganizationalUnitsForParent({ client: mgmt }, { ParentId: parent })) out.push(...(p.OrganizationalUnits ?? []));
      return out;
    };
    const accountsOf = async (parent: string) => {
      const out: Account[] = [];
      for await (const p of paginateListAccountsForParent({ client: mgmt, pageSize: 20 }, { ParentId: parent })) out.push(...(p.Accounts ?? []));
      return out;
    };
    const top = await ousOf(rootId);
    expect(top.map((o) => o.Name)).toEqual(['Security', 'Shared Services', 'Workloads']);
    const workloads = top.find((o) => o.Name === 'Workloads')!;
    const envs = await ousOf(workloads.Id!);
    expect(envs.map((o) => o.Name)).toEqual(['Dev', 'Staging', 'Prod']);
    expect(envs[2].Path).toBe(`${env.sb.org!.id}/${rootId}/${workloads.Id}/${envs[2].Id}/`);
    const counts: Record<string, number> = { Root: (await accountsOf(rootId)).length };
    for (const o of [...top, ...envs]) counts[o.Name!] = (await accountsOf(o.Id!)).length;
    expect(counts).toEqual({ Root: 1, Security: 5, 'Shared Services': 14, Workloads: 0, Dev: 100, Staging: 80, Prod: 100 });
    expect((await accountsOf(rootId))[0].Name).toBe('acme-management');
  });

  it('describes one account, the closed one included', async () => {
    const closed = orgAccount(env.sb, ORG_ACCOUNTS.closed);
    const { Account: a } = await mgmt.send(new DescribeAccountCommand({ AccountId: closed.id }));
    expect([a?.Name, a?.State]).toEqual([ORG_ACCOUNTS.closed, 'CLOSED']);
    const missing = await failure(mgmt.send(new DescribeAccountCommand({ AccountId: '000000000000' })));
    expect(missing.name).toBe('AccountNotFoundException');
  });

  it('answers bad input with InvalidInputException and its Reason, an unknown parent with ParentNotFoundException', async () => {
    const cases: Array<[Promise<unknown>, string, string]> = [
      [mgmt.send(new ListAccountsCommand({ MaxResults: 21 })), 'InvalidInputException', 'MAX_VALUE_EXCEEDED'],
      [mgmt.send(new ListAccountsCommand({ MaxResults: 0 })), 'InvalidInputException', 'MIN_VALUE_EXCEEDED'],
      [mgmt.send(new ListAccountsCommand({ NextToken: 'not-a-token' })), 'InvalidInputException', 'INVALID_NEXT_TOKEN'],
      [mgmt.send(new DescribeAccountCommand({ AccountId: '12345' })), 'InvalidInputException', 'INVALID_PATTERN'],
      [mgmt.send(new ListAccountsForParentCommand({ ParentId: 'nope' })), 'InvalidInputException', 'INVALID_PATTERN'],
    ];
    for (const [call, name, reason] of cases) {
      const e = await failure(call);
      expect([e.name, e.Reason, e.$metadata?.httpStatusCode]).toEqual([name, reason, 400]);
    }
    const unknown = await failure(mgmt.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'ou-zzzz-zzzzzzzz' })));
    expect(unknown.name).toBe('ParentNotFoundException');
    // A token from another listing is not this one's.
    const first = await mgmt.send(new ListAccountsForParentCommand({ ParentId: env.sb.org!.rootId, MaxResults: 1 }));
    expect(first.NextToken).toBeUndefined();
    const page1 = await mgmt.send(new ListAccountsCommand({ MaxResults: 1 }));
    const cross = await failure(mgmt.send(new ListRootsCommand({ NextToken: page1.NextToken })));
    expect(cross.Reason).toBe('INVALID_NEXT_TOKEN');
  });
});

describe('who may ask', () => {
  it('lets a member account describe the organization and nothing more', async () => {
    const member = orgAccount(env.sb, 'payments-dev');
    const creds = await roleCredentials(env.sb, token, member.id, member.roles[0]);
    const c = new OrganizationsClient({ endpoint: env.sb.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: creds });
    expect((await c.send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountId).toBe(env.sb.org!.managementAccountId);
    for (const call of [c.send(new ListAccountsCommand({})), c.send(new ListRootsCommand({})), c.send(new DescribeAccountCommand({ AccountId: member.id }))]) {
      const e = await failure(call);
      expect([e.name, e.message]).toEqual(['AccessDeniedException', "You don't have permissions to access this resource."]);
    }
  });

  it('tells an account outside the organization that it is not in one, and refuses an unsigned call', async () => {
    const outside = new OrganizationsClient({ endpoint: env.sb.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: env.credentials('dev') });
    const e = await failure(outside.send(new DescribeOrganizationCommand({})));
    expect(e.name).toBe('AWSOrganizationsNotInUseException');
    const unsigned = await fetch(env.sb.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });
});

describe('the org seed', () => {
  it('is the same organization on every build', () => {
    const a = buildOrganization(0).data;
    const b = buildOrganization(0).data;
    expect(b).toEqual(a);
    expect(env.sb.org!.accounts.map((x) => [x.id, x.name, x.roles])).toEqual(a.accounts.map((x) => [x.id, x.name, x.roles]));
  });

  it('has 40 accounts with pipelines, in 1 to 3 regions each, the billing-only account among them; the rest have none', () => {
    const regionsByAccount = new Map<string, Set<string>>();
    for (const p of env.sb.tables.all()) regionsByAccount.set(p.accountId, (regionsByAccount.get(p.accountId) ?? new Set()).add(p.region));
    expect(regionsByAccount.size).toBe(40);
    for (const regions of regionsByAccount.values()) expect([1, 2, 3]).toContain(regions.size);
    expect(new Set([...regionsByAccount.values()].map((r) => r.size))).toEqual(new Set([1, 2, 3]));
    expect(regionsByAccount.has(orgAccount(env.sb, ORG_ACCOUNTS.billingOnly).id)).toBe(true);
    expect(regionsByAccount.has(env.sb.org!.managementAccountId)).toBe(false);
    // Every pipeline ran once, and succeeded.
    expect(env.sb.tables.all().every((p) => p.executions.length === 1 && p.executions[0].status === 'Succeeded')).toBe(true);
  });

  it('tells what no AWS API does through the control API: when the closed account closed (last week)', async () => {
    const { status, body } = await env.control('GET', 'org');
    expect(status).toBe(200);
    const accounts = body.accounts as Array<{ name: string; state: string; closedAt?: string; ou: string; roles: string[] }>;
    expect(accounts).toHaveLength(300);
    const closed = accounts.find((a) => a.state === 'CLOSED')!;
    const ageDays = (Date.now() - Date.parse(closed.closedAt!)) / 86_400_000;
    expect(ageDays).toBeGreaterThan(6);
    expect(ageDays).toBeLessThan(8);
    expect(accounts.find((a) => a.name === 'payments-staging')?.ou).toBe('Workloads/Staging');
    expect(body.startUrl).toBe(`${env.sb.endpoint}/start`);
  });

  it('comes back from --data with its organization and pipelines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-org-data-'));
    try {
      const first = await Sandbox.start({ seed: 'org', dataDir: dir, config: { timeScale: 0.001 } });
      const pipelines = first.tables.all().length;
      const management = first.org!.managementAccountId;
      await first.stop();
      const again = await Sandbox.start({ seed: 'empty', dataDir: dir, config: { timeScale: 0.001 } });
      try {
        expect(again.seedName).toBe('org');
        expect(again.org?.managementAccountId).toBe(management);
        expect(again.tables.all()).toHaveLength(pipelines);
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
