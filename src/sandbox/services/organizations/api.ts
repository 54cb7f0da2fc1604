// AWS Organizations (AWS JSON 1.1, X-Amz-Target AWSOrganizationsV20161128.*), the
// reads an organization-wide tool needs: DescribeOrganization, ListRoots,
// ListOrganizationalUnitsForParent, ListAccountsForParent, ListAccounts and
// DescribeAccount, over the `org` seed's organization.
//
// As AWS: only the management account lists and describes (a member may call
// DescribeOrganization and is refused the rest with AccessDeniedException); an
// account outside any organization gets AWSOrganizationsNotInUseException.
// Accounts carry State (Status was retired on 2026-09-09). ListAccounts pages may
// come back empty before the end, NextToken and all, as AWS documents they can:
// the first time a listing reaches every 60th account it answers such a page.
import { z } from 'zod';
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import type { Organization, OrgAccount } from './directory';

export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.';
/** ListAccounts answers one empty page on reaching every EMPTY_PAGE_EVERY-th account. */
export const EMPTY_PAGE_EVERY = 60;

const input = (reason: string, message: string) => new SandboxError('InvalidInputException', message, 400, { Reason: reason });
const accessDenied = () => new SandboxError('AccessDeniedException', "You don't have permissions to access this resource.", 400);
const notInUse = () =>
  new SandboxError(
    'AWSOrganizationsNotInUseException',
    'Your account is not a member of an organization. To make this request, you must use the credentials of an account that belongs to an organization.',
    400,
  );

const MaxResults = z.number().int();
const NextToken = z.string().max(100_000);
const ParentId = z.string();
const Inputs = {
  DescribeOrganization: z.looseObject({}),
  ListRoots: z.looseObject({ NextToken: NextToken.optional(), MaxResults: MaxResults.optional() }),
  ListAccounts: z.looseObject({ NextToken: NextToken.optional(), MaxResults: MaxResults.optional() }),
  ListOrganizationalUnitsForParent: z.looseObject({ ParentId, NextToken: NextToken.optional(), MaxResults: MaxResults.optional() }),
  ListAccountsForParent: z.looseObject({ ParentId, NextToken: NextToken.optional(), MaxResults: MaxResults.optional() }),
  DescribeAccount: z.looseObject({ AccountId: z.string() }),
} as const;
type Operation = keyof typeof Inputs;
const isOperation = (op: string): op is Operation => Object.hasOwn(Inputs, op);

const PARENT_ID = /^(r-[0-9a-z]{4,32})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

function parse<T>(schema: z.ZodType<T>, body: Buffer): T {
  let raw: unknown;
  try {
    const text = body.toString('utf8');
    raw = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new SandboxError('SerializationException', 'Start of structure or map found where not expected.', 400);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.join('.') || 'body';
    if (issue.code === 'invalid_type' && issue.input === undefined) throw input('INPUT_REQUIRED', `You must specify a value for ${field}.`);
    throw new SandboxError('SerializationException', `Unexpected value for ${field}.`, 400);
  }
  return r.data;
}

function pageSize(max: number | undefined): number {
  if (max === undefined) return 20;
  if (max < 1) throw input('MIN_VALUE_EXCEEDED', 'You provided a value that is less than the minimum allowed value: MaxResults must be at least 1.');
  if (max > 20) throw input('MAX_VALUE_EXCEEDED', 'You provided a value that exceeds the maximum allowed value: MaxResults must be at most 20.');
  return max;
}

interface PageToken {
  s: string;
  o: number;
  /** The empty page at this offset was already answered. */
  e?: 1;
}
function readToken(raw: string | undefined, scope: string, total: number): PageToken {
  if (raw === undefined) return { s: scope, o: 0 };
  let t: unknown;
  try {
    t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    t = undefined;
  }
  const p = t as Partial<PageToken> | undefined;
  if (!p || p.s !== scope || typeof p.o !== 'number' || !Number.isInteger(p.o) || p.o < 0 || p.o > total || (p.e !== undefined && p.e !== 1))
    throw input('INVALID_NEXT_TOKEN', 'You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.');
  return { s: scope, o: p.o, ...(p.e ? { e: 1 as const } : {}) };
}
const writeToken = (t: PageToken) => Buffer.from(JSON.stringify(t)).toString('base64url');

function page<T>(items: readonly T[], scope: string, body: { NextToken?: string; MaxResults?: number }, emptyPages: boolean): { items: T[]; next?: string } {
  const size = pageSize(body.MaxResults);
  const t = readToken(body.NextToken, scope, items.length);
  if (emptyPages && t.o > 0 && t.o < items.length && t.o % EMPTY_PAGE_EVERY === 0 && !t.e) return { items: [], next: writeToken({ ...t, e: 1 }) };
  // An empty page seen, the next page may cross another boundary: it stops there, to answer its empty page next.
  let end = Math.min(items.length, t.o + size);
  if (emptyPages) {
    const boundary = (Math.floor(t.o / EMPTY_PAGE_EVERY) + 1) * EMPTY_PAGE_EVERY;
    if (boundary < end) end = boundary;
  }
  return { items: items.slice(t.o, end), ...(end < items.length ? { next: writeToken({ s: scope, o: end }) } : {}) };
}

const seconds = (ms: number) => ms / 1000;

function accountOut(org: Organization, a: OrgAccount) {
  return {
    Id: a.id,
    Arn: org.arn('account', a.id),
    Email: a.email,
    Name: a.name,
    State: a.state,
    Paths: [org.accountPath(a)],
    JoinedMethod: a.joinedMethod,
    JoinedTimestamp: seconds(a.joinedAt),
  };
}

const reply = (body: object): ServiceResponse => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) });

export function organizationsOperation(target: string | string[] | undefined): string {
  const t = typeof target === 'string' ? target : '';
  return t.startsWith(ORGANIZATIONS_TARGET_PREFIX) ? t.slice(ORGANIZATIONS_TARGET_PREFIX.length) : 'Unknown';
}

export function handleOrganizations(req: ServiceRequest, org: Organization | null): ServiceResponse {
  const op = organizationsOperation(req.headers['x-amz-target']);
  req.operation = op;
  if (!isOperation(op)) throw new SandboxError('UnknownOperationException', `The sandbox's Organizations does not serve ${op.slice(0, 80)}.`, 400);
  const caller = org?.account(req.principal.accountId);
  if (!org || !caller) throw notInUse();
  const management = caller.id === org.managementAccountId;
  if (op === 'DescribeOrganization') {
    parse(Inputs.DescribeOrganization, req.body);
    const m = org.management;
    return reply({
      Organization: {
        Id: org.id,
        Arn: org.arn('organization'),
        FeatureSet: 'ALL',
        MasterAccountArn: org.arn('account', m.id),
        MasterAccountId: m.id,
        MasterAccountEmail: m.email,
        AvailablePolicyTypes: [],
      },
    });
  }
  if (!management) throw accessDenied();
  const parent = (id: string) => {
    if (!PARENT_ID.test(id)) throw input('INVALID_PATTERN', 'You provided a value that does not match the required pattern: ParentId.');
    if (!org.isParent(id)) throw new SandboxError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.", 400);
    return id;
  };
  switch (op) {
    case 'ListRoots': {
      const body = parse(Inputs.ListRoots, req.body);
      const p = page([org.rootId], 'roots', body, false);
      return reply({ Roots: p.items.map((id) => ({ Id: id, Arn: org.arn('root'), Name: 'Root', PolicyTypes: [] })), ...(p.next ? { NextToken: p.next } : {}) });
    }
    case 'ListAccounts': {
      const body = parse(Inputs.ListAccounts, req.body);
      const p = page(org.accounts, 'accounts', body, true);
      return reply({ Accounts: p.items.map((a) => accountOut(org, a)), ...(p.next ? { NextToken: p.next } : {}) });
    }
    case 'ListOrganizationalUnitsForParent': {
      const body = parse(Inputs.ListOrganizationalUnitsForParent, req.body);
      const id = parent(body.ParentId);
      const p = page(org.childOus(id), `ous:${id}`, body, false);
      return reply({
        OrganizationalUnits: p.items.map((u) => ({ Id: u.id, Arn: org.arn('ou', u.id), Name: u.name, Path: org.ouPath(u.id) })),
        ...(p.next ? { NextToken: p.next } : {}),
      });
    }
    case 'ListAccountsForParent': {
      const body = parse(Inputs.ListAccountsForParent, req.body);
      const id = parent(body.ParentId);
      const p = page(org.childAccounts(id), `accounts:${id}`, body, false);
      return reply({ Accounts: p.items.map((a) => accountOut(org, a)), ...(p.next ? { NextToken: p.next } : {}) });
    }
    default: {
      const body = parse(Inputs.DescribeAccount, req.body);
      if (!/^\d{12}$/.test(body.AccountId)) throw input('INVALID_PATTERN', 'You provided a value that does not match the required pattern: AccountId.');
      const a = org.account(body.AccountId);
      if (!a) throw new SandboxError('AccountNotFoundException', "You specified an account that doesn't exist.", 400);
      return reply({ Account: accountOut(org, a) });
    }
  }
}
