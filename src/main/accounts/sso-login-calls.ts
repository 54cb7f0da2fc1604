// IAM Identity Center device login, as `aws sso login` does it: register a
// public client, start device authorization, let the user confirm in the
// browser, poll for the token, and write it to the AWS CLI's token cache
// (~/.aws/sso/cache/<sha1>.json, same fields), so the CLI and Pipewright share it.
import { mkdir, writeFile, chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { getSSOTokenFilepath } from '@smithy/shared-ini-file-loader';
import { endpointFor, type ProfileInfo } from '../aws/profiles';

export interface SsoLoginOptions {
  signal: AbortSignal;
  onPrompt(verificationUri: string, userCode: string): void;
  /** Poll interval override for tests (seconds). */
  minIntervalSeconds?: number;
}

/** The CLI's cache entry (botocore's SSOTokenFetcher writes these keys). */
export interface SsoTokenCacheEntry {
  startUrl: string;
  region: string;
  accessToken: string;
  expiresAt: string;
  clientId: string;
  clientSecret: string;
  registrationExpiresAt: string;
  refreshToken?: string;
}

const isoNoMillis = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(Object.assign(new Error('SSO login was cancelled.'), { name: 'AbortError' }));
      },
      { once: true },
    );
  });
}

export async function ssoDeviceLogin(profile: ProfileInfo, opts: SsoLoginOptions): Promise<{ cacheFile: string; expiresAt: string }> {
  const startUrl = profile.ssoStartUrl;
  const region = profile.ssoRegion;
  if (!startUrl || !region) throw new Error(`Profile ${profile.name} has no sso_start_url and sso_region (in its [sso-session] section).`);
  const endpoint = endpointFor(profile, 'sso-oidc');
  const oidc = new SSOOIDCClient({ region, ...(endpoint ? { endpoint } : {}) });
  try {
    const reg = await oidc.send(new RegisterClientCommand({ clientName: 'pipewright', clientType: 'public', scopes: ['sso:account:access'] }), {
      abortSignal: opts.signal,
    });
    const clientId = reg.clientId!;
    const clientSecret = reg.clientSecret!;
    const auth = await oidc.send(new StartDeviceAuthorizationCommand({ clientId, clientSecret, startUrl }), { abortSignal: opts.signal });
    opts.onPrompt(auth.verificationUriComplete ?? auth.verificationUri ?? '', auth.userCode ?? '');
    let interval = Math.max(opts.minIntervalSeconds ?? 1, auth.interval ?? 5);
    const deadline = Date.now() + (auth.expiresIn ?? 600) * 1000;
    while (Date.now() < deadline) {
      await sleep(interval * 1000, opts.signal);
      try {
        const token = await oidc.send(
          new CreateTokenCommand({ grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: auth.deviceCode, clientId, clientSecret }),
          { abortSignal: opts.signal },
        );
        const entry: SsoTokenCacheEntry = {
          startUrl,
          region,
          accessToken: token.accessToken!,
          expiresAt: isoNoMillis(Date.now() + (token.expiresIn ?? 3600) * 1000),
          clientId,
          clientSecret,
          registrationExpiresAt: isoNoMillis((reg.clientSecretExpiresAt ?? Math.floor(Date.now() / 1000) + 90 * 86400) * 1000),
          ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
        };
        const cacheFile = getSSOTokenFilepath(profile.ssoSession ?? startUrl);
        await mkdir(dirname(cacheFile), { recursive: true, mode: 0o700 });
        await writeFile(cacheFile, JSON.stringify(entry, null, 2), { mode: 0o600 });
        await chmod(cacheFile, 0o600);
        return { cacheFile, expiresAt: entry.expiresAt };
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === 'AuthorizationPendingException') continue;
        if (name === 'SlowDownException') {
          interval += 5;
          continue;
        }
        throw err;
      }
    }
    throw new Error('The device login expired before it was confirmed. Start it again.');
  } finally {
    oidc.destroy();
  }
}
