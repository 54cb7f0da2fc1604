// A queue's resource policy, evaluated as IAM does for the cases queues meet:
// who (a service principal such as events.amazonaws.com, an account, an ARN or
// everyone), which action (sqs:SendMessage, sqs:*, wildcards), on which
// resource, under which conditions (aws:SourceArn, aws:SourceAccount…). An
// explicit Deny wins; nothing allowed is denied. What the sandbox cannot
// evaluate (an unknown condition operator) never grants access: it fails an
// Allow and holds for a Deny.
import { iamGlobMatches } from '../../glob';

export interface PolicyCaller {
  /** A service principal, e.g. events.amazonaws.com. */
  service?: string;
  /** An IAM principal: its account and the ARNs it goes by (an assumed role's session and its role). */
  aws?: { accountId: string; arns: string[] };
}

export interface PolicyRequest {
  caller: PolicyCaller;
  /** "sqs:SendMessage" */
  action: string;
  resource: string;
  /** Condition keys, e.g. aws:SourceArn (matched case-insensitively, as IAM does). */
  context: Record<string, string>;
}

type Json = unknown;

const asList = (v: Json): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: Json): string[] => asList(v).filter((x): x is string => typeof x === 'string');
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** IAM's wildcards: * any run of characters, ? one character (without a regex: a policy is anyone's input). */
export const globMatches = iamGlobMatches;

function principalMatches(principal: Json, caller: PolicyCaller): boolean {
  if (principal === '*') return true;
  if (!isObject(principal)) return false;
  const aws = strings(principal.AWS);
  if (aws.includes('*')) return true;
  if (caller.service && strings(principal.Service).includes(caller.service)) return true;
  if (caller.aws) {
    const { accountId, arns } = caller.aws;
    return aws.some((p) => p === accountId || p === `arn:aws:iam::${accountId}:root` || arns.includes(p));
  }
  return false;
}

function actionMatches(statement: Record<string, Json>, action: string): boolean {
  if (statement.Action !== undefined) return strings(statement.Action).some((a) => globMatches(a, action, true));
  if (statement.NotAction !== undefined) return !strings(statement.NotAction).some((a) => globMatches(a, action, true));
  return false;
}

function resourceMatches(statement: Record<string, Json>, resource: string): boolean {
  if (statement.Resource !== undefined) return strings(statement.Resource).some((r) => globMatches(r, resource));
  if (statement.NotResource !== undefined) return !strings(statement.NotResource).some((r) => globMatches(r, resource));
  // A resource policy may leave the resource implied: the queue it is attached to.
  return true;
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (p, v) => p === v,
  StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  StringLike: (p, v) => globMatches(p, v),
  ArnEquals: (p, v) => p === v,
  ArnLike: (p, v) => globMatches(p, v),
};

function conditionHolds(operator: string, block: Json, context: Record<string, string>, unknownHolds: boolean): boolean {
  if (!isObject(block)) return unknownHolds;
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const negated = /^(String|Arn)Not/.test(base);
  const test = OPERATORS[negated ? base.replace('Not', '') : base];
  if (!test) return unknownHolds;
  return Object.entries(block).every(([key, expected]) => {
    const found = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase());
    if (found === undefined) return ifExists || negated;
    const matched = strings(expected).some((p) => test(p, found[1]));
    return negated ? !matched : matched;
  });
}

function statementApplies(statement: Record<string, Json>, req: PolicyRequest): boolean {
  const deny = statement.Effect === 'Deny';
  if (statement.NotPrincipal !== undefined) {
    // "Everyone but": only ever used to deny.
    if (!deny || principalMatches(statement.NotPrincipal, req.caller)) return false;
  } else if (!principalMatches(statement.Principal, req.caller)) return false;
  if (!actionMatches(statement, req.action)) return false;
  if (!resourceMatches(statement, req.resource)) return false;
  const condition = statement.Condition;
  if (condition === undefined) return true;
  if (!isObject(condition)) return deny;
  return Object.entries(condition).every(([operator, block]) => conditionHolds(operator, block, req.context, deny));
}

/** Parses a policy document's text; undefined when it is not a JSON object with statements. */
export function parsePolicy(text: string): Record<string, Json> | undefined {
  try {
    const doc: Json = JSON.parse(text);
    return isObject(doc) && doc.Statement !== undefined ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the policy allows the request: some Allow statement applies and no Deny does. */
export function policyAllows(policyText: string | undefined, req: PolicyRequest): boolean {
  if (!policyText) return false;
  const doc = parsePolicy(policyText);
  if (!doc) return false;
  const statements = asList(doc.Statement).filter(isObject);
  const applying = statements.filter((s) => statementApplies(s, req));
  if (applying.some((s) => s.Effect === 'Deny')) return false;
  return applying.some((s) => s.Effect === 'Allow');
}
