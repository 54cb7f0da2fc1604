// Identity Center OIDC as a sandbox service: REST JSON, unsigned, OAuth's error
// bodies. It shares its throttle and tokens with the portal (services/sso).
import { SandboxError } from '../../errors';
import { jsonRequestId, type ServiceSpec } from '../../service-spec';
import type { IdentityCenter } from '../sso/identity-center';
import { handleOidc, OAUTH_ERRORS, oidcOperation } from './api';

export function ssoOidcService(ic: IdentityCenter): ServiceSpec {
  return {
    name: 'sso-oidc',
    unsigned: true,
    maxBody: 64 * 1024,
    operation: (req, url) => oidcOperation(req.method ?? 'GET', url.pathname) || 'Unknown',
    handle: (req) => handleOidc(req, ic),
    errorResponse: (e) => ({
      status: e.status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': e.code },
      body: JSON.stringify(OAUTH_ERRORS[e.code] ? { error: OAUTH_ERRORS[e.code], error_description: e.message } : { message: e.message }),
    }),
    requestIdHeaders: jsonRequestId,
    errors: {
      throttled: () => new SandboxError('TooManyRequestsException', 'HTTP 429 Unknown Code', 429),
      internal: () => new SandboxError('InternalServerException', 'An internal error occurred.', 500),
      denied: (message) => new SandboxError('AccessDeniedException', message, 400),
    },
  };
}
