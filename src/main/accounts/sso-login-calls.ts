// IAM Identity Center device login for an SSO profile, as `aws sso login` does it
// (the flow itself is src/main/aws/identity-center.ts `deviceLogin`, shared with the
// org feature): register a public client, start device authorization, let the user
// confirm in the browser, poll for the token, and write it to the AWS CLI's token
// cache (~/.aws/sso/cache/<sha1>.json, same fields), so the CLI and Pipewright share it.
import { AppError } from '../../shared/api/errors';
import { deviceLogin } from '../aws/identity-center';
import { ssoTokenPath, writeSsoTokenFile } from '../aws/sso-token-file';
import { endpointFor, type ProfileInfo } from '../aws/profiles';

export interface SsoLoginOptions {
  signal: AbortSignal;
  onPrompt(verificationUri: string, userCode: string): void;
  /** Poll interval override for tests (seconds). */
  minIntervalSeconds?: number;
}

export async function ssoDeviceLogin(profile: ProfileInfo, opts: SsoLoginOptions): Promise<{ cacheFile: string; expiresAt: string }> {
  const startUrl = profile.ssoStartUrl;
  const region = profile.ssoRegion;
  if (!startUrl || !region) throw new AppError('INVALID_INPUT', `Profile ${profile.name} has no sso_start_url and sso_region (in its [sso-session] section).`);
  const oidc = endpointFor(profile, 'sso-oidc');
  // The cache key: the sso-session's name, or the start URL for a legacy profile (as the CLI keys it).
  const key = profile.ssoSession ?? startUrl;
  const token = await deviceLogin(
    { sessionName: key, startUrl, region, scopes: ['sso:account:access'], ...(oidc ? { endpoints: { oidc } } : {}) },
    {
      signal: opts.signal,
      onPrompt: (p) => opts.onPrompt(p.verificationUri, p.userCode),
      minPollSeconds: opts.minIntervalSeconds,
    },
  );
  const cacheFile = ssoTokenPath(key);
  await writeSsoTokenFile(cacheFile, token);
  return { cacheFile, expiresAt: token.expiresAt };
}
