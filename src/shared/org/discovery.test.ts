import { describe, expect, it } from 'vitest';
import {
  diffAccounts,
  discoveryFloorMs,
  isEmptyDiff,
  mergeAccounts,
  profileKey,
  profileNames,
  safeNamePart,
  type IdentityCenterDiscovery,
  type OrganizationsRead,
} from './discovery';

const stats = { calls: 0, throttled: 0, retries: 0, refreshes: 0, logins: 0, wallMs: 0 };
const ic = (accounts: IdentityCenterDiscovery['accounts']): IdentityCenterDiscovery => ({
  startUrl: 'https://x/start',
  region: 'us-east-1',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:10Z',
  complete: true,
  listComplete: true,
  accounts,
  problems: [],
  stats,
});
const acct = (accountId: string, name: string, roles: string[], rolesError: string | null = null) => ({ accountId, name, email: null, roles, rolesError });
const orgs = (accounts: OrganizationsRead['accounts']): OrganizationsRead => ({
  profile: 'mgmt',
  readAt: '2026-01-01T00:00:00Z',
  managementAccountId: '100000000000',
  complete: true,
  accounts,
  problems: [],
});
const oacct = (accountId: string, name: string, state: string, ouPath: string | null) => ({ accountId, name, email: null, state, ouPath });

describe('merging Identity Center and Organizations', () => {
  it('keeps every account, by id, with the reason when no role is usable', () => {
    const rows = mergeAccounts(
      ic([
        acct('100000000001', 'payments-prod', ['ReadOnlyAccess', 'AdministratorAccess']),
        acct('100000000002', 'no-roles', []),
        acct('100000000003', 'broken', [], 'ForbiddenException: No access'),
        acct('100000000004', 'sandbox-experiments-dev', ['ReadOnlyAccess']),
      ]),
      orgs([
        oacct('100000000001', 'payments-prod', 'ACTIVE', 'Workloads/Prod'),
        oacct('100000000004', 'sandbox-experiments-dev', 'SUSPENDED', 'Workloads/Dev'),
        oacct('100000000005', 'legacy-crm-prod', 'CLOSED', 'Workloads/Prod'),
        oacct('100000000006', 'unreached', 'ACTIVE', 'Security'),
      ]),
    );
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(rows).toHaveLength(6);
    expect(by['payments-prod']).toMatchObject({ state: 'ACTIVE', ouPath: 'Workloads/Prod', reason: null, inIdentityCenter: true, inOrganizations: true });
    expect(by['no-roles'].reason).toBe('no Identity Center role is assigned to you in this account');
    expect(by['no-roles'].inOrganizations).toBe(false);
    expect(by['broken'].reason).toBe('its roles could not be read: ForbiddenException: No access');
    expect(by['sandbox-experiments-dev'].reason).toBe('the account is SUSPENDED');
    expect(by['legacy-crm-prod']).toMatchObject({ reason: 'the account is CLOSED', inIdentityCenter: false, roles: [] });
    expect(by['unreached'].reason).toBe('Identity Center gives you no access to this account (Organizations lists it)');
    // Sorted by OU path, then name; accounts without a known OU last.
    expect(rows.map((r) => r.ouPath)).toEqual(['Security', 'Workloads/Dev', 'Workloads/Prod', 'Workloads/Prod', null, null]);
  });

  it('without Organizations, state and OU are unknown, not guessed; without Identity Center, no role is known', () => {
    const [row] = mergeAccounts(ic([acct('100000000001', 'a', ['R'])]), null);
    expect(row).toMatchObject({ state: null, ouPath: null, inOrganizations: null, reason: null });
    const [only] = mergeAccounts(null, orgs([oacct('100000000001', 'a', 'ACTIVE', '')]));
    expect(only).toMatchObject({ inIdentityCenter: null, inOrganizations: true, roles: [], ouPath: '' });
    expect(only.reason).toMatch(/^no IAM Identity Center is connected/);
  });
});

describe('the diff between two discoveries', () => {
  it('names accounts added, gone, closed, renamed and roles changed', () => {
    const before = mergeAccounts(ic([acct('1', 'a', ['R1', 'R2']), acct('2', 'b', ['R1']), acct('3', 'c', ['R1']), acct('4', 'd', ['R1'])]), null);
    const after = mergeAccounts(
      ic([acct('1', 'a', ['R2', 'R3']), acct('3', 'c-renamed', ['R1']), acct('4', 'd', ['R1']), acct('5', 'e', ['R1'])]),
      orgs([oacct('4', 'd', 'SUSPENDED', '')]),
    );
    const d = diffAccounts(before, after, '2026-01-01T00:00:00Z');
    expect(d).toEqual({
      since: '2026-01-01T00:00:00Z',
      added: [{ accountId: '5', name: 'e' }],
      gone: [{ accountId: '2', name: 'b' }],
      closed: [{ accountId: '4', name: 'd', state: 'SUSPENDED' }],
      rolesChanged: [{ accountId: '1', name: 'a', added: ['R3'], removed: ['R1'] }],
      renamed: [{ accountId: '3', name: 'c-renamed', from: 'c' }],
    });
    expect(isEmptyDiff(d)).toBe(false);
    expect(isEmptyDiff(diffAccounts(after, after, 'x'))).toBe(true);
    // A list cut short is no evidence that an account left.
    expect(diffAccounts(before, after, 'x', false).gone).toEqual([]);
  });
});

describe('profile names', () => {
  it('are {AccountName}/{RoleName}, safe for a section header, and never shared by two accounts', () => {
    const names = profileNames([
      { accountId: '111111111111', name: 'payments-prod', roles: ['ReadOnlyAccess'] },
      { accountId: '222222222222', name: 'Shared Services (EU)', roles: ['Admin Role'] },
      { accountId: '333333333333', name: 'twin', roles: ['R'] },
      { accountId: '444444444444', name: 'Twin', roles: ['R'] },
    ]);
    expect(names.get(profileKey('111111111111', 'ReadOnlyAccess'))).toBe('payments-prod/ReadOnlyAccess');
    expect(names.get(profileKey('222222222222', 'Admin Role'))).toBe('Shared-Services-EU/Admin-Role');
    expect(names.get(profileKey('333333333333', 'R'))).toBe('twin-333333333333/R');
    expect(names.get(profileKey('444444444444', 'R'))).toBe('Twin-444444444444/R');
    expect(safeNamePart('   ')).toBe('unnamed');
  });

  it('give the floor a discovery is measured against', () => {
    expect(discoveryFloorMs(302)).toBe(15_100);
  });
});
