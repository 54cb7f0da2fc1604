// The IAM Identity Center portal API (service "sso", REST JSON), as AWS serves it
// at portal.sso.<region>.amazonaws.com: ListAccounts, ListAccountRoles,
// GetRoleCredentials and Logout. Every call carries the OIDC access token in the
// x-amz-sso_bearer_token header instead of a signature. Errors are AWS's:
// UnauthorizedException (401, "Session token not found or invalid") for a missing,
// unknown, expired or logged-out token; InvalidRequestException for a bad
// parameter (max_result outside 1-100 included); ForbiddenException ("No access",
// 403) for a role the user is not assigned; TooManyRequestsException (429) past
// the throttle the portal shares with OIDC.
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import type { IdentityCenter } from './identity-center';

export const PORTAL_ROUTES: Record<string, string> = {
  'GET /assignment/accounts': 'ListAccounts',
  'GET /assignment/roles': 'ListAccountRoles',
  'GET /federation/credentials': 'GetRoleCredentials',
  'POST /logout': 'Logout',
};

/** The operation a portal request names ('' when it names none). */
export function portalOperation(method: string, pathname: string): string {
  return PORTAL_ROUTES[`${method} ${pathname.replace(/\/+$/, '')}`] ?? '';
}

const DEFAULT_PAGE = 20;
export const THROTTLED_MESSAGE = 'HTTP 429 Unknown Code';

const unauthorized = () => new SandboxError('UnauthorizedException', 'Session token not found or invalid', 401);
const invalid = (message: string) => new SandboxError('InvalidRequestException', message, 400);
const noAccess = () => new SandboxError('ForbiddenException', 'No access', 403);

function pageSize(params: URLSearchParams): number {
  const raw = params.get('max_result');
  if (raw === null) return DEFAULT_PAGE;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 100)
    throw invalid('ResultSize parameter must be within the valid limits of: 1-100');
  return n;
}

/** The page token: opaque to clients, and bound to what it pages (another listing's token is refused). */
function pageStart(params: URLSearchParams, scope: string, total: number): number {
  const raw = params.get('next_token');
  if (raw === null || raw === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const p = parsed as { s?: unknown; o?: unknown } | undefined;
  if (!p || p.s !== scope || typeof p.o !== 'number' || !Number.isInteger(p.o) || p.o < 0 || p.o > total) throw invalid('Invalid nextToken');
  return p.o;
}
const tokenFor = (scope: string, offset: number) => Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64url');

function page<T>(items: readonly T[], params: URLSearchParams, scope: string): { items: T[]; nextToken?: string } {
  const size = pageSize(params);
  const start = pageStart(params, scope, items.length);
  const end = Math.min(items.length, start + size);
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: tokenFor(scope, end) } : {}) };
}

const ACCOUNT_ID = /^\d{12}$/;

function json(body: unknown): ServiceResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function handlePortal(req: ServiceRequest, ic: IdentityCenter): ServiceResponse {
  const op = portalOperation(req.method, req.url.pathname);
  if (!op)
    throw new SandboxError('UnknownOperationException', `The Identity Center portal has no operation ${req.method} ${req.url.pathname.slice(0, 100)}.`, 404);
  req.operation = op;
  if (!ic.admit()) throw new SandboxError('TooManyRequestsException', THROTTLED_MESSAGE, 429);
  const token = req.headers['x-amz-sso_bearer_token'];
  if (typeof token !== 'string' || !token || !ic.tokenValid(token)) throw unauthorized();
  const params = req.url.searchParams;
  switch (op) {
    case 'ListAccounts': {
      const p = page(ic.assignedAccounts(), params, 'accounts');
      return json({
        accountList: p.items.map((a) => ({ accountId: a.id, accountName: a.name, emailAddress: a.email })),
        ...(p.nextToken ? { nextToken: p.nextToken } : {}),
      });
    }
    case 'ListAccountRoles': {
      const accountId = params.get('account_id') ?? '';
      if (!accountId) throw invalid('account_id is required');
      if (!ACCOUNT_ID.test(accountId)) throw invalid('Invalid account_id');
      const account = ic.assignedAccounts().find((a) => a.id === accountId);
      // An account the user is not assigned in lists no roles.
      const p = page(account?.roles ?? [], params, `roles:${accountId}`);
      return json({ roleList: p.items.map((roleName) => ({ roleName, accountId })), ...(p.nextToken ? { nextToken: p.nextToken } : {}) });
    }
    case 'GetRoleCredentials': {
      const accountId = params.get('account_id') ?? '';
      const roleName = params.get('role_name') ?? '';
      if (!accountId || !roleName) throw invalid(`${!accountId ? 'account_id' : 'role_name'} is required`);
      if (!ACCOUNT_ID.test(accountId)) throw invalid('Invalid account_id');
      const account = ic.assignedAccounts().find((a) => a.id === accountId);
      // A suspended account stays assigned and listed, but its roles cannot be had.
      if (!account || !account.roles.includes(roleName) || account.state !== 'ACTIVE') throw noAccess();
      const creds = ic.roleCredentials(account, roleName);
      return json({
        roleCredentials: {
          accessKeyId: creds.accessKeyId,
          secretAccessKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
          expiration: creds.expiresAt,
        },
      });
    }
    default: {
      ic.logout(token);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '' };
    }
  }
}
