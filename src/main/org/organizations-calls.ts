// AWS Organizations, from the management account or a delegated administrator:
// every account with its Name and State (never the retired Status) from
// ListAccounts, and each one's OU path from the tree (ListRoots, then
// ListOrganizationalUnitsForParent and ListAccountsForParent under each parent).
// Every listing is paged until NextToken is absent: Organizations may answer an
// empty page before the end, and stopping there would lose accounts.
import pLimit from 'p-limit';
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AppError } from '../../shared/api/errors';
import type { OrganizationsAccount } from '../../shared/org/discovery';
import { errorText } from './discovery';

export interface OrganizationTree {
  managementAccountId: string | null;
  accounts: OrganizationsAccount[];
  problems: string[];
  /** Pages that came back empty with a NextToken (and were paged past). */
  emptyPages: number;
  calls: number;
}

/** Calls `page` with each NextToken until none comes back; every page's items, empty ones included. */
async function allPages<T>(page: (next: string | undefined) => Promise<{ items: T[]; next?: string }>, onEmpty: () => void): Promise<T[]> {
  const all: T[] = [];
  let next: string | undefined;
  do {
    const r = await page(next);
    if (!r.items.length && r.next) onEmpty();
    all.push(...r.items);
    next = r.next;
  } while (next);
  return all;
}

const toAccount = (a: Account, ouPath: string | null): OrganizationsAccount => ({
  accountId: a.Id ?? '',
  name: a.Name ?? a.Id ?? '',
  email: a.Email ?? null,
  state: a.State ?? 'UNKNOWN',
  ouPath,
});

export async function readOrganization(client: OrganizationsClient, profile: string, signal?: AbortSignal): Promise<OrganizationTree> {
  const opts = { abortSignal: signal };
  let calls = 0;
  let emptyPages = 0;
  const send = <T>(p: Promise<T>) => {
    calls++;
    return p;
  };
  let managementAccountId: string | null = null;
  try {
    managementAccountId = (await send(client.send(new DescribeOrganizationCommand({}), opts))).Organization?.MasterAccountId ?? null;
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'AWSOrganizationsNotInUseException')
      throw new AppError('INVALID_INPUT', `The account of profile ${profile} is not in an organization (AWSOrganizationsNotInUseException).`);
    throw err;
  }
  const listAccounts = () =>
    allPages(
      async (NextToken) => {
        const r = await send(client.send(new ListAccountsCommand({ NextToken }), opts));
        return { items: r.Accounts ?? [], next: r.NextToken };
      },
      () => emptyPages++,
    );
  let listed: Account[];
  try {
    listed = await listAccounts();
  } catch (err) {
    if ((err as { name?: string }).name === 'AccessDeniedException')
      throw new AppError(
        'INVALID_INPUT',
        `Profile ${profile} may not list the organization's accounts (${errorText(err)}). Use the management account or a delegated administrator.`,
      );
    throw err;
  }

  // The OU tree: each parent's OUs and accounts, a few parents at a time (Organizations has a low rate of its own).
  const problems: string[] = [];
  const paths = new Map<string, string>();
  const inTree = new Map<string, Account>();
  const limit = pLimit(4);
  const walk = async (parentId: string, path: string): Promise<void> => {
    const [ous, accounts] = await Promise.all([
      limit(() =>
        allPages(
          async (NextToken) => {
            const r = await send(client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken }), opts));
            return { items: r.OrganizationalUnits ?? [], next: r.NextToken };
          },
          () => emptyPages++,
        ),
      ).catch((err: unknown) => {
        if (signal?.aborted) throw err;
        problems.push(`The OUs under ${path || 'the root'} could not be listed: ${errorText(err)}`);
        return [];
      }),
      limit(() =>
        allPages(
          async (NextToken) => {
            const r = await send(client.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken }), opts));
            return { items: r.Accounts ?? [], next: r.NextToken };
          },
          () => emptyPages++,
        ),
      ).catch((err: unknown) => {
        if (signal?.aborted) throw err;
        problems.push(`The accounts in ${path || 'the root'} could not be listed: ${errorText(err)}`);
        return [];
      }),
    ]);
    for (const a of accounts)
      if (a.Id) {
        paths.set(a.Id, path);
        inTree.set(a.Id, a);
      }
    await Promise.all(ous.filter((o) => o.Id).map((o) => walk(o.Id!, path ? `${path}/${o.Name ?? o.Id}` : (o.Name ?? o.Id!))));
  };
  const roots = await allPages(
    async (NextToken) => {
      const r = await send(client.send(new ListRootsCommand({ NextToken }), opts));
      return { items: r.Roots ?? [], next: r.NextToken };
    },
    () => emptyPages++,
  );
  await Promise.all(roots.filter((r) => r.Id).map((r) => walk(r.Id!, '')));

  const byId = new Map<string, OrganizationsAccount>();
  for (const a of listed) if (a.Id) byId.set(a.Id, toAccount(a, paths.get(a.Id) ?? null));
  // An account the tree has and the list had not (one that joined meanwhile) is kept too.
  for (const [id, a] of inTree) if (!byId.has(id)) byId.set(id, toAccount(a, paths.get(id) ?? null));
  return { managementAccountId, accounts: [...byId.values()], problems, emptyPages, calls };
}
