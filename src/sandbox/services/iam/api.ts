// A sliver of IAM over the query protocol: iam:ListAccountAliases.
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import type { Principals } from '../../principals';
import { IAM_NS, queryParams, respond } from '../query-protocol';

export function handleIam(req: ServiceRequest, principals: Principals): ServiceResponse {
  const params = queryParams(req);
  const action = params.get('Action') ?? '';
  req.operation = action || 'Unknown';
  if (action === 'ListAccountAliases') {
    const acct = principals.account(req.accountId);
    return respond(action, { AccountAliases: acct ? { member: [acct.name] } : '', IsTruncated: false }, req.requestId, IAM_NS);
  }
  throw new SandboxError('InvalidAction', `Could not find operation ${action.slice(0, 64)} for version 2010-05-08`);
}
