// AWS Organizations as a sandbox service: AWS JSON 1.1, the operation in X-Amz-Target.
import { SandboxError } from '../../errors';
import { INTERNAL_MESSAGE, jsonRequestId, type ServiceSpec } from '../../service-spec';
import { handleOrganizations, organizationsOperation } from './api';
import type { Organization } from './directory';

export function organizationsService(org: () => Organization | null): ServiceSpec {
  return {
    name: 'organizations',
    maxBody: 64 * 1024,
    operation: (req) => organizationsOperation(req.headers['x-amz-target']),
    handle: (req) => handleOrganizations(req, org()),
    // Organizations' errors carry Message (capitalised), and InvalidInputException its Reason.
    errorResponse: (e) => ({
      status: e.status,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ __type: e.code, Message: e.message, ...e.extra }),
    }),
    requestIdHeaders: jsonRequestId,
    errors: {
      throttled: () => new SandboxError('TooManyRequestsException', 'Rate exceeded', 400, { Type: 'AccountLimitExceeded' }),
      internal: () => new SandboxError('ServiceException', INTERNAL_MESSAGE, 500),
      denied: (message) => new SandboxError('AccessDeniedException', message, 400),
    },
  };
}
