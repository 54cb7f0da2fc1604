// IAM Identity Center's OIDC API (service "sso-oidc", REST JSON, unsigned), as
// AWS serves it at oidc.<region>.amazonaws.com: RegisterClient, the device
// authorization grant (StartDeviceAuthorization, then CreateToken with
// urn:ietf:params:oauth:grant-type:device_code) and the refresh_token grant.
// Errors are OAuth's: { error, error_description } with the exception's name in
// x-amzn-errortype. The sandbox approves every device login as it starts, so the
// first CreateToken already answers with a token. It also serves the two pages a
// person could open, /start (the start URL) and /device (the verification URI).
import { z } from 'zod';
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import { THROTTLED_MESSAGE } from '../sso/api';
import { DEVICE_CODE_SECONDS, type IdentityCenter } from '../sso/identity-center';

export const OIDC_ROUTES: Record<string, string> = {
  'POST /client/register': 'RegisterClient',
  'POST /device_authorization': 'StartDeviceAuthorization',
  'POST /token': 'CreateToken',
  'GET /start': 'StartPage',
  'GET /device': 'DevicePage',
};

export function oidcOperation(method: string, pathname: string): string {
  return OIDC_ROUTES[`${method} ${pathname.replace(/\/+$/, '') || '/'}`] ?? '';
}

/** OAuth's error string for each exception AWS names. */
export const OAUTH_ERRORS: Record<string, string> = {
  InvalidRequestException: 'invalid_request',
  InvalidClientException: 'invalid_client',
  InvalidGrantException: 'invalid_grant',
  UnsupportedGrantTypeException: 'unsupported_grant_type',
  AuthorizationPendingException: 'authorization_pending',
  ExpiredTokenException: 'expired_token',
  SlowDownException: 'slow_down',
  InvalidScopeException: 'invalid_scope',
  InvalidClientMetadataException: 'invalid_client_metadata',
  AccessDeniedException: 'access_denied',
  UnauthorizedClientException: 'unauthorized_client',
  InternalServerException: 'server_error',
};

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const oidcError = (code: keyof typeof OAUTH_ERRORS, description: string, status = 400) => new SandboxError(code, description, status);
const invalidClient = () => oidcError('InvalidClientException', 'Invalid client provided', 401);

const Scope = z.string().regex(/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.:*-]+$/);
const RegisterClientInput = z.looseObject({
  clientName: z.string().min(1).max(1024),
  clientType: z.string().min(1).max(64),
  scopes: z.array(z.string().max(256)).max(25).optional(),
});
const StartInput = z.looseObject({
  clientId: z.string().min(1).max(1024),
  clientSecret: z.string().min(1).max(4096),
  startUrl: z.string().min(1).max(2048),
});
const TokenInput = z.looseObject({
  clientId: z.string().min(1).max(1024),
  clientSecret: z.string().min(1).max(4096),
  grantType: z.string().min(1).max(256),
  deviceCode: z.string().max(4096).optional(),
  refreshToken: z.string().max(4096).optional(),
  code: z.string().max(4096).optional(),
});

function body<T>(req: ServiceRequest, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    const text = req.body.toString('utf8');
    raw = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw oidcError('InvalidRequestException', 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw oidcError('InvalidRequestException', `Invalid request: ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

const json = (value: unknown): ServiceResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
const seconds = (ms: number) => Math.floor(ms / 1000);

function page(title: string, text: string): ServiceResponse {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" },
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>\n`,
  };
}

export function handleOidc(req: ServiceRequest, ic: IdentityCenter): ServiceResponse {
  const op = oidcOperation(req.method, req.url.pathname);
  if (!op) throw new SandboxError('UnknownOperationException', `Identity Center OIDC has no operation ${req.method} ${req.url.pathname.slice(0, 100)}.`, 404);
  req.operation = op;
  if (op === 'StartPage' || op === 'DevicePage')
    return page(
      'Pipewright sandbox: IAM Identity Center',
      op === 'StartPage'
        ? 'This is the sandbox’s access portal. Sign in with a device login (aws sso login, or Pipewright): the sandbox approves it at once.'
        : 'Device logins to the sandbox are approved automatically: nothing to do here. Go back to the tool that asked.',
    );
  if (!ic.admit()) throw new SandboxError('TooManyRequestsException', THROTTLED_MESSAGE, 429);
  switch (op) {
    case 'RegisterClient': {
      const input = body(req, RegisterClientInput);
      if (input.clientType !== 'public') throw oidcError('InvalidClientMetadataException', `Invalid client type: ${input.clientType.slice(0, 64)}`);
      const scopes = input.scopes ?? [];
      const bad = scopes.find((s) => !Scope.safeParse(s).success);
      if (bad !== undefined) throw oidcError('InvalidScopeException', `Invalid scope: ${bad.slice(0, 100)}`);
      const c = ic.registerClient(input.clientName, scopes);
      return json({ clientId: c.clientId, clientSecret: c.clientSecret, clientIdIssuedAt: seconds(c.issuedAt), clientSecretExpiresAt: seconds(c.expiresAt) });
    }
    case 'StartDeviceAuthorization': {
      const input = body(req, StartInput);
      if (!ic.client(input.clientId, input.clientSecret)) throw invalidClient();
      if (!ic.organization) throw oidcError('InvalidRequestException', 'This sandbox has no IAM Identity Center instance: start it with --seed org.');
      if (!ic.isStartUrl(input.startUrl))
        throw oidcError('InvalidRequestException', `Invalid start URL: this sandbox's Identity Center answers for ${ic.startUrl} only.`);
      const { deviceCode, userCode } = ic.startDeviceAuthorization(input.clientId);
      const verificationUri = `${ic.startUrl.replace(/\/start$/, '')}/device`;
      return json({
        deviceCode,
        userCode,
        verificationUri,
        verificationUriComplete: `${verificationUri}?user_code=${userCode}`,
        expiresIn: DEVICE_CODE_SECONDS,
        interval: 1,
      });
    }
    default: {
      const input = body(req, TokenInput);
      if (!ic.client(input.clientId, input.clientSecret)) throw invalidClient();
      let issued: ReturnType<IdentityCenter['redeemRefreshToken']>;
      if (input.grantType === DEVICE_GRANT) {
        if (!input.deviceCode) throw oidcError('InvalidRequestException', 'deviceCode is required for the device_code grant.');
        const r = ic.redeemDeviceCode(input.clientId, input.deviceCode);
        if (r === 'expired') throw oidcError('ExpiredTokenException', 'Device code has expired');
        issued = r;
      } else if (input.grantType === 'refresh_token') {
        if (!input.refreshToken) throw oidcError('InvalidRequestException', 'refreshToken is required for the refresh_token grant.');
        issued = ic.redeemRefreshToken(input.clientId, input.refreshToken);
      } else throw oidcError('UnsupportedGrantTypeException', `Unsupported grant type: ${input.grantType.slice(0, 100)}`);
      if (issued === 'invalid')
        throw oidcError('InvalidGrantException', input.grantType === DEVICE_GRANT ? 'Invalid device code provided' : 'Invalid refresh token provided');
      return json({
        accessToken: issued.token,
        tokenType: 'Bearer',
        expiresIn: issued.expiresIn,
        ...(issued.refreshToken ? { refreshToken: issued.refreshToken } : {}),
      });
    }
  }
}
