// A local IAM Identity Center stub for tests: the OIDC device flow and the SSO
// portal's GetRoleCredentials, answering as the services do (REST JSON).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SsoStub {
  endpoint: string;
  calls: string[];
  close(): Promise<void>;
}

export async function startSsoStub(roleCredentials: { accessKeyId: string; secretAccessKey: string }, opts: { pendingPolls?: number } = {}): Promise<SsoStub> {
  const calls: string[] = [];
  let polls = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      calls.push(`${req.method} ${url.pathname}`);
      const json = (status: number, obj: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(obj));
      };
      if (req.method === 'POST' && url.pathname === '/client/register')
        return json(200, {
          clientId: 'stub-client',
          clientSecret: 'stub-client-secret',
          clientIdIssuedAt: Math.floor(Date.now() / 1000),
          clientSecretExpiresAt: Math.floor(Date.now() / 1000) + 86400,
        });
      if (req.method === 'POST' && url.pathname === '/device_authorization')
        return json(200, {
          deviceCode: 'dev-code',
          userCode: 'ABCD-EFGH',
          verificationUri: 'https://device.sso.us-east-1.amazonaws.com/',
          verificationUriComplete: 'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH',
          expiresIn: 60,
          interval: 1,
        });
      if (req.method === 'POST' && url.pathname === '/token') {
        if (polls++ < (opts.pendingPolls ?? 1))
          return json(400, { error: 'authorization_pending', error_description: 'Pending' }, { 'x-amzn-errortype': 'AuthorizationPendingException' });
        return json(200, { accessToken: 'stub-access-token', tokenType: 'Bearer', expiresIn: 3600, refreshToken: 'stub-refresh' });
      }
      if (req.method === 'GET' && url.pathname === '/federation/credentials') {
        if (req.headers['x-amz-sso_bearer_token'] !== 'stub-access-token')
          return json(401, { message: 'Session token not found or invalid' }, { 'x-amzn-errortype': 'UnauthorizedException' });
        return json(200, { roleCredentials: { ...roleCredentials, sessionToken: 'stub-session', expiration: Date.now() + 3600_000 } });
      }
      json(404, { message: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
