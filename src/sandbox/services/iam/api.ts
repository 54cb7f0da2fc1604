// A sliver of IAM over the query protocol: iam:ListAccountAliases, and the roles
// an EventBridge rule needs to send to another event bus (CreateRole, GetRole,
// DeleteRole, PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies),
// kept per account (and in `--data` snapshots). Policies are stored, not evaluated: the sandbox's
// EventBridge checks that a bus target names a role, as AWS does, not what it allows.
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import type { Principals } from '../../principals';
import { IAM_NS, queryParams, respond } from '../query-protocol';

interface RoleRecord {
  name: string;
  path: string;
  roleId: string;
  arn: string;
  createdAt: string;
  trustPolicy: string;
  description?: string;
  tags: Array<{ Key: string; Value: string }>;
  inline: Map<string, string>;
}

/** A role as a snapshot keeps it: the inline policies as [name, document] pairs. */
export type RoleSnapshot = Omit<RoleRecord, 'inline'> & { account: string; inline: Array<[string, string]> };

/** Roles by account, then name (IAM is global: no region). */
export class IamRoles {
  private byAccount = new Map<string, Map<string, RoleRecord>>();
  private counter = 0;

  clear(): void {
    this.byAccount.clear();
    this.counter = 0;
  }

  toSnapshot(): RoleSnapshot[] {
    return [...this.byAccount].flatMap(([account, roles]) => [...roles.values()].map((r) => ({ ...r, account, inline: [...r.inline] })));
  }

  restore(roles: RoleSnapshot[]): void {
    for (const { account, inline, ...r } of roles) {
      this.of(account).set(r.name, { ...r, inline: new Map(inline) });
      // Ids go on from the highest restored one: a new role never takes a restored role's id.
      const n = Number(r.roleId.slice(4));
      if (Number.isSafeInteger(n)) this.counter = Math.max(this.counter, n);
    }
  }

  of(account: string): Map<string, RoleRecord> {
    let m = this.byAccount.get(account);
    if (!m) this.byAccount.set(account, (m = new Map<string, RoleRecord>()));
    return m;
  }

  nextId(): string {
    return `AROA${String(++this.counter).padStart(17, '0')}`;
  }
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const noSuchRole = (name: string) => new SandboxError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);

function required(params: URLSearchParams, key: string, pattern?: RegExp): string {
  const v = params.get(key);
  if (v === null || v === '')
    throw new SandboxError('ValidationError', `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`);
  if (pattern && !pattern.test(v))
    throw new SandboxError(
      'ValidationError',
      `1 validation error detected: Value '${v.slice(0, 80)}' at '${key}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`,
    );
  return v;
}

function policyDocument(params: URLSearchParams, key: string): string {
  const doc = required(params, key);
  try {
    const parsed: unknown = JSON.parse(doc);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
  } catch {
    throw new SandboxError('MalformedPolicyDocument', 'This policy contains invalid Json', 400);
  }
  return doc;
}

/** Tags.member.N.Key / .Value, as the query protocol flattens them. */
function tagList(params: URLSearchParams): Array<{ Key: string; Value: string }> {
  const tags: Array<{ Key: string; Value: string }> = [];
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i++)
    tags.push({ Key: params.get(`Tags.member.${i}.Key`)!, Value: params.get(`Tags.member.${i}.Value`) ?? '' });
  if (tags.length > 50) throw new SandboxError('LimitExceeded', 'A role can have at most 50 tags.', 409);
  return tags;
}

// IAM answers with the policy document URL-encoded, as RFC 3986 asks.
const roleOut = (r: RoleRecord) => ({
  Path: r.path,
  RoleName: r.name,
  RoleId: r.roleId,
  Arn: r.arn,
  CreateDate: r.createdAt,
  AssumeRolePolicyDocument: encodeURIComponent(r.trustPolicy),
  ...(r.description === undefined ? {} : { Description: r.description }),
  MaxSessionDuration: 3600,
  ...(r.tags.length ? { Tags: { member: r.tags } } : {}),
});

/** The actions that change what a snapshot keeps. */
const ROLE_CHANGES = new Set(['CreateRole', 'DeleteRole', 'PutRolePolicy', 'DeleteRolePolicy']);

function roleActions(action: string, params: URLSearchParams, account: string, roles: IamRoles, requestId: string): ServiceResponse | undefined {
  const mine = roles.of(account);
  const role = () => {
    const name = required(params, 'RoleName', ROLE_NAME);
    const r = mine.get(name);
    if (!r) throw noSuchRole(name);
    return r;
  };
  switch (action) {
    case 'CreateRole': {
      const name = required(params, 'RoleName', ROLE_NAME);
      if (mine.has(name)) throw new SandboxError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
      const path = params.get('Path') ?? '/';
      const r: RoleRecord = {
        name,
        path,
        roleId: roles.nextId(),
        arn: `arn:aws:iam::${account}:role${path}${name}`,
        createdAt: new Date().toISOString(),
        trustPolicy: policyDocument(params, 'AssumeRolePolicyDocument'),
        ...(params.get('Description') ? { description: params.get('Description')! } : {}),
        tags: tagList(params),
        inline: new Map(),
      };
      mine.set(name, r);
      return respond(action, { Role: roleOut(r) }, requestId, IAM_NS);
    }
    case 'GetRole':
      return respond(action, { Role: roleOut(role()) }, requestId, IAM_NS);
    case 'DeleteRole': {
      const r = role();
      if (r.inline.size > 0) throw new SandboxError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      mine.delete(r.name);
      return respond(action, undefined, requestId, IAM_NS);
    }
    case 'PutRolePolicy': {
      const r = role();
      r.inline.set(required(params, 'PolicyName', POLICY_NAME), policyDocument(params, 'PolicyDocument'));
      return respond(action, undefined, requestId, IAM_NS);
    }
    case 'GetRolePolicy': {
      const r = role();
      const name = required(params, 'PolicyName', POLICY_NAME);
      const doc = r.inline.get(name);
      if (doc === undefined) throw new SandboxError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404);
      return respond(action, { RoleName: r.name, PolicyName: name, PolicyDocument: encodeURIComponent(doc) }, requestId, IAM_NS);
    }
    case 'DeleteRolePolicy': {
      const r = role();
      const name = required(params, 'PolicyName', POLICY_NAME);
      if (!r.inline.delete(name)) throw new SandboxError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404);
      return respond(action, undefined, requestId, IAM_NS);
    }
    case 'ListRolePolicies':
      return respond(action, { PolicyNames: r0(role()), IsTruncated: false }, requestId, IAM_NS);
    default:
      return undefined;
  }
}

const r0 = (r: RoleRecord) => (r.inline.size ? { member: [...r.inline.keys()] } : '');

export function handleIam(req: ServiceRequest, principals: Principals, roles: IamRoles, changed: () => void = () => {}): ServiceResponse {
  const params = queryParams(req);
  const action = params.get('Action') ?? '';
  req.operation = action || 'Unknown';
  if (action === 'ListAccountAliases') {
    const acct = principals.account(req.accountId);
    return respond(action, { AccountAliases: acct ? { member: [acct.name] } : '', IsTruncated: false }, req.requestId, IAM_NS);
  }
  const answer = roleActions(action, params, req.accountId, roles, req.requestId);
  if (answer) {
    if (ROLE_CHANGES.has(action)) changed();
    return answer;
  }
  throw new SandboxError('InvalidAction', `Could not find operation ${action.slice(0, 64)} for version 2010-05-08`);
}
