// IAM Identity Center through the real SDK clients against a sandbox seeded with
// `org`: the OIDC device login (approved by the sandbox at once), the portal, and
// role credentials as other clients' credentials.
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import type { Sandbox } from '../../src/sandbox/sandbox';

export const oidc = (sb: Sandbox, extra: object = {}) => new SSOOIDCClient({ endpoint: sb.endpoint, region: 'us-east-1', maxAttempts: 1, ...extra });
export const portal = (sb: Sandbox, extra: object = {}) => new SSOClient({ endpoint: sb.endpoint, region: 'us-east-1', maxAttempts: 1, ...extra });

export interface Login {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  clientId: string;
  clientSecret: string;
}

/** A device login as the AWS CLI does it: register, start, one CreateToken (the sandbox approves at once). */
export async function deviceLogin(sb: Sandbox, opts: { scopes?: string[]; startUrl?: string } = {}): Promise<Login> {
  const c = oidc(sb);
  const reg = await c.send(new RegisterClientCommand({ clientName: 'pipewright-test', clientType: 'public', scopes: opts.scopes ?? ['sso:account:access'] }));
  const auth = await c.send(
    new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: opts.startUrl ?? sb.identityCenter.startUrl }),
  );
  const token = await c.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      deviceCode: auth.deviceCode,
    }),
  );
  return {
    accessToken: token.accessToken!,
    refreshToken: token.refreshToken,
    expiresIn: token.expiresIn!,
    clientId: reg.clientId!,
    clientSecret: reg.clientSecret!,
  };
}

/** Role credentials from the portal, shaped for another SDK client's `credentials`. */
export async function roleCredentials(sb: Sandbox, accessToken: string, accountId: string, roleName: string) {
  const r = await portal(sb).send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }));
  const c = r.roleCredentials!;
  return { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken!, expiration: new Date(c.expiration!) };
}

/** An account of the organization by name. */
export function orgAccount(sb: Sandbox, name: string) {
  const a = sb.org?.accounts.find((x) => x.name === name);
  if (!a) throw new Error(`The sandbox's organization has no account ${name}.`);
  return a;
}
