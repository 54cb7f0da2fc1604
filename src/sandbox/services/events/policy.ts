// An event bus's resource policy: built by PutPermission (one statement each) or set
// whole with its `Policy` parameter, read back by DescribeEventBus, and asked at
// delivery whether another account may put events on the bus.
import { SandboxError } from '../../errors';
import { iamGlobMatches } from '../../glob';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** What a bus-to-bus delivery or a cross-account PutEvents asks the policy. */
export interface PutEventsRequestContext {
  account: string;
  busArn: string;
  source: string;
  detailType: string;
}

const MAX_POLICY_BYTES = 10_240;
const validation = (message: string) => new SandboxError('ValidationException', message);

export function checkPolicySize(doc: PolicyDocument): void {
  if (Buffer.byteLength(JSON.stringify(doc)) > MAX_POLICY_BYTES)
    throw new SandboxError('PolicyLengthExceededException', 'The event bus policy is too long: it may not exceed 10 KB.');
}

/** The statement PutPermission adds (Principal an account id or '*', an optional organization condition). */
export function permissionStatement(
  input: { StatementId: string; Action: string; Principal: string; Condition?: { Type: string; Key: string; Value: string } },
  busArn: string,
): PolicyStatement {
  if (input.Action !== 'events:PutEvents') throw validation(`Provided Action '${input.Action}' is not supported: the only action is events:PutEvents.`);
  const statement: PolicyStatement = {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: input.Principal === '*' ? '*' : { AWS: `arn:aws:iam::${input.Principal}:root` },
    Action: input.Action,
    Resource: busArn,
  };
  if (input.Condition) {
    const { Type, Key, Value } = input.Condition;
    if (Type !== 'StringEquals') throw validation(`Condition Type '${Type}' is not supported: the only type is StringEquals.`);
    if (Key !== 'aws:PrincipalOrgID') throw validation(`Condition Key '${Key}' is not supported: the only key is aws:PrincipalOrgID.`);
    statement.Condition = { StringEquals: { 'aws:PrincipalOrgID': Value } };
  }
  return statement;
}

/** PutPermission's `Policy`: a whole policy document, checked before it replaces the bus's. */
export function parsePolicy(text: string): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw validation('Policy is not valid JSON.');
  }
  const d = doc as Partial<PolicyDocument> | null;
  const statements = d && typeof d === 'object' ? (Array.isArray(d.Statement) ? d.Statement : d.Statement ? [d.Statement] : undefined) : undefined;
  if (!statements?.length) throw validation('Policy must hold a Statement.');
  for (const s of statements as unknown[]) {
    const st = s as Partial<PolicyStatement> | null;
    if (!st || typeof st !== 'object') throw validation('Each policy Statement must be an object.');
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') throw validation('Each policy Statement needs an Effect of Allow or Deny.');
    if (st.Principal === undefined) throw validation('Each policy Statement needs a Principal.');
    if (typeof st.Action !== 'string' && !(Array.isArray(st.Action) && st.Action.every((a) => typeof a === 'string')))
      throw validation('Each policy Statement needs an Action (a string or a list of strings).');
  }
  return { Version: typeof d!.Version === 'string' ? d!.Version : '2012-10-17', Statement: statements };
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's glob: * any run of characters, ? one (without a regex: a policy is anyone's input). */
const globMatches = iamGlobMatches;

function principalMatches(principal: unknown, account: string): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  return list((principal as { AWS?: string | string[] }).AWS).some(
    (p) => p === '*' || p === account || p === `arn:aws:iam::${account}:root` || p.startsWith(`arn:aws:iam::${account}:`),
  );
}

/**
 * The sandbox has no AWS Organizations: its accounts are taken to be one
 * organization, so aws:PrincipalOrgID conditions hold for every sandbox account.
 */
const ANY_ORGANIZATION = Symbol('any organization');

function conditionValue(key: string, ctx: PutEventsRequestContext): string | undefined | typeof ANY_ORGANIZATION {
  switch (key.toLowerCase()) {
    case 'aws:principalorgid':
      return ANY_ORGANIZATION;
    case 'aws:principalaccount':
    case 'aws:sourceaccount':
      return ctx.account;
    case 'events:source':
      return ctx.source;
    case 'events:detail-type':
      return ctx.detailType;
    default:
      return undefined;
  }
}

function conditionsHold(condition: PolicyStatement['Condition'], ctx: PutEventsRequestContext): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = conditionValue(key, ctx);
      if (actual === ANY_ORGANIZATION) continue;
      if (actual === undefined) return false; // a key the sandbox cannot evaluate never grants
      const values = list(expected);
      const op = operator.replace(/IfExists$/, '');
      const ok =
        op === 'StringEquals' || op === 'ArnEquals'
          ? values.includes(actual)
          : op === 'StringEqualsIgnoreCase'
            ? values.some((v) => v.toLowerCase() === actual.toLowerCase())
            : op === 'StringLike' || op === 'ArnLike'
              ? values.some((v) => globMatches(v, actual))
              : op === 'StringNotEquals'
                ? !values.includes(actual)
                : op === 'StringNotLike'
                  ? !values.some((v) => globMatches(v, actual))
                  : false;
      if (!ok) return false;
    }
  }
  return true;
}

function statementApplies(s: PolicyStatement, ctx: PutEventsRequestContext): boolean {
  const actionOk = list(s.Action).some((a) => globMatches(a, 'events:PutEvents', true));
  const resourceOk = s.Resource === undefined || list(s.Resource).some((r) => globMatches(r, ctx.busArn));
  return actionOk && resourceOk && principalMatches(s.Principal, ctx.account) && conditionsHold(s.Condition, ctx);
}

/** Whether the bus's policy lets `ctx.account` put this event: an explicit Deny wins, else an Allow is needed. */
export function policyAllowsPutEvents(policy: PolicyDocument | undefined, ctx: PutEventsRequestContext): boolean {
  const statements = policy?.Statement ?? [];
  if (statements.some((s) => s.Effect === 'Deny' && statementApplies(s, ctx))) return false;
  return statements.some((s) => s.Effect === 'Allow' && statementApplies(s, ctx));
}
