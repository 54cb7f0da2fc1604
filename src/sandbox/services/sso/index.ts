// The Identity Center portal as a sandbox service: REST JSON, unsigned (the
// access token rides in a header), its errors as the portal writes them.
import { SandboxError } from '../../errors';
import { jsonRequestId, type ServiceSpec } from '../../service-spec';
import { handlePortal, portalOperation } from './api';
import type { IdentityCenter } from './identity-center';

const CORAL = 'http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/';

export function ssoService(ic: IdentityCenter): ServiceSpec {
  return {
    name: 'sso',
    unsigned: true,
    maxBody: 64 * 1024,
    operation: (req, url) => portalOperation(req.method ?? 'GET', url.pathname) || 'Unknown',
    handle: (req) => handlePortal(req, ic),
    errorResponse: (e) => ({
      status: e.status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': `${e.code}:${CORAL}` },
      body: JSON.stringify({ message: e.message, __type: `com.amazonaws.switchboard.portal#${e.code}` }),
    }),
    requestIdHeaders: jsonRequestId,
    errors: {
      throttled: () => new SandboxError('TooManyRequestsException', 'HTTP 429 Unknown Code', 429),
      internal: () => new SandboxError('InternalServerException', 'An internal error occurred.', 500),
      denied: (message) => new SandboxError('ForbiddenException', message, 403),
    },
  };
}
