// Account Management as a sandbox service: REST JSON, ListRegions.
import type { SandboxConfig } from '../../config';
import { SandboxError } from '../../errors';
import { INTERNAL_MESSAGE, jsonRequestId, type ServiceSpec } from '../../service-spec';
import { jsonErrorBody } from '../codepipeline/api';
import { handleAccount } from './api';

export function accountService(config: () => SandboxConfig): ServiceSpec {
  return {
    name: 'account',
    maxBody: 2 * 1024 * 1024,
    operation: (_req, url) => (url.pathname === '/listRegions' ? 'ListRegions' : 'Unknown'),
    handle: (req) => handleAccount(req, config()),
    errorResponse: (e) => ({ status: e.status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': e.code }, body: jsonErrorBody(e) }),
    requestIdHeaders: jsonRequestId,
    errors: {
      throttled: () => new SandboxError('TooManyRequestsException', 'Rate exceeded', 429),
      internal: () => new SandboxError('InternalServerException', INTERNAL_MESSAGE, 500),
      denied: (message) => new SandboxError('AccessDeniedException', message, 403),
    },
  };
}
