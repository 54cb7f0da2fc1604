// One IAM Identity Center session (a start URL and region, cached under an
// sso-session name): its token, from and to the AWS CLI's cache, and every call to
// the portal (sso) and OIDC (sso-oidc) through one shared limiter.
//
// - The token: the CLI's cache file for the session (else any cached token for the
//   same start URL, such as one `aws sso login` wrote under another session name),
//   refreshed with the refresh token when near its end, and written back where it
//   came from. When neither works, one device login, however many calls were waiting:
//   renewal is single-flight, and a call refused with 401 because the token ended
//   under it waits for that one renewal and is sent again.
// - The limit: Identity Center allows 20 requests a second for the portal and OIDC
//   together. Every call here waits its turn at one RateLimiter per instance
//   (shared by every session of that start URL in this process), with the SDK's own
//   retries off (they would bypass it). A 429 slows the limiter and is retried
//   after a backoff: throttling never fails a call, only delays it.
//
// Tokens never leave this module except to the SDK call that sends them, and never
// appear in an error message, a log line or anything the contract carries.
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
  type CreateTokenCommandOutput,
} from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';
import { setMaxListeners } from 'node:events';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AppError } from '../../shared/api/errors';
import { canRefresh, formatCacheTime, sameStartUrl, timeOf, tokenFreshness, type SsoToken } from '../../shared/org/sso-token';
import { RateLimiter, sleep } from './rate-limiter';
import { findSsoTokens, readSsoTokenFile, setAside, ssoTokenPath, writeSsoTokenFile, type CachedSsoToken } from './sso-token-file';

/** Identity Center's shared rate for the portal and OIDC (requests a second); AWS does not raise it. */
export const IDENTITY_CENTER_RATE = 20;
/** A token this close to its end is refreshed first (the JS SDK's window). */
const REFRESH_BEFORE_MS = 5 * 60_000;
/** granted retries a throttled call up to 50 times; so do we, with backoff, so a discovery outlasts any burst. */
const MAX_THROTTLE_RETRIES = 50;
/** A 5xx or a dropped connection is retried a few times only: a service that is down is said so. */
const MAX_SERVER_RETRIES = 4;
const DEFAULT_SCOPES = ['sso:account:access'];

export interface IdentityCenterConfig {
  /** The sso-session name: the token cache key, and the section exported profiles name. */
  sessionName: string;
  startUrl: string;
  region: string;
  scopes?: string[];
  /** Where the portal and OIDC answer when not at AWS's own hosts (the sandbox); unset: the SDK's defaults, AWS_ENDPOINT_URL_SSO… included. */
  endpoints?: { sso?: string; oidc?: string };
}

export interface DevicePrompt {
  verificationUri: string;
  userCode: string;
}

export interface SessionOptions {
  /** Shows a device login's code to the person; without it a session that needs a login fails saying so. */
  login?: (prompt: DevicePrompt) => void;
  /** Move a cache file that is not a token aside (X.json.bad) instead of failing: for an explicit connect, which then signs in afresh. */
  setAsideBadCache?: boolean;
  /** The limiter to share (tests); default: the one for this instance in this process. */
  limiter?: RateLimiter;
  /** Device login polling floor in seconds (tests). */
  minPollSeconds?: number;
  now?: () => number;
}

export interface SessionStats {
  calls: number;
  throttled: number;
  retries: number;
  refreshes: number;
  logins: number;
  byOperation: Record<string, number>;
}

/** How the session got its token, for the person (never the token). */
export type TokenSource = 'cache' | 'cache-other-session' | 'refreshed' | 'login';

const limiters = new Map<string, RateLimiter>();

/** One limiter per Identity Center instance (region and start URL) in this process: every session and credential call shares it. */
export function limiterFor(region: string, startUrl: string): RateLimiter {
  const key = `${region}\u0000${startUrl.replace(/\/+$/, '').toLowerCase()}`;
  let l = limiters.get(key);
  if (!l) {
    l = new RateLimiter({ perSecond: IDENTITY_CENTER_RATE });
    limiters.set(key, l);
  }
  return l;
}

type SdkError = Error & { name: string; $metadata?: { httpStatusCode?: number }; error?: string };
const statusOf = (e: SdkError) => e?.$metadata?.httpStatusCode;
// OIDC's SlowDownException is not one: it asks a device login to poll less often (deviceLogin does).
const isThrottle = (e: SdkError) => statusOf(e) === 429 || ['TooManyRequestsException', 'ThrottlingException'].includes(e?.name);
const isAbort = (e: unknown, signal?: AbortSignal) => signal?.aborted || (e as Error)?.name === 'AbortError';
const isServerOrNetwork = (e: SdkError) => {
  const s = statusOf(e);
  if (s !== undefined) return s >= 500;
  return /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|TimeoutError/i.test(`${e?.name} ${e?.message} ${(e as { code?: string })?.code ?? ''}`);
};
/** Exponential backoff with full jitter, capped. */
const backoffMs = (n: number, capMs: number) => Math.random() * Math.min(capMs, 200 * 2 ** Math.min(n, 10)) + 50;

/** Waits for `p`, or rejects with an AbortError as soon as `signal` aborts (p goes on for whoever else waits on it). */
function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('Cancelled.'), { name: 'AbortError' }));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** A device login needs a person, and there is none here (a background refresh, a script). */
export function needsLoginError(cfg: IdentityCenterConfig, why: string): AppError {
  return new AppError(
    'UNAVAILABLE',
    `IAM Identity Center (${cfg.startUrl}) needs a new sign-in: ${why}. Run pipewright org connect, or aws sso login --sso-session ${cfg.sessionName}.`,
    { kind: 'needs-sso-login' },
  );
}

export class IdentityCenterSession {
  readonly config: IdentityCenterConfig;
  readonly limiter: RateLimiter;
  readonly stats: SessionStats = { calls: 0, throttled: 0, retries: 0, refreshes: 0, logins: 0, byOperation: {} };
  /** How the current token was had (for the person). */
  tokenSource: TokenSource | undefined;
  /** Who shows a device login's code now (the caller of the operation under way); none: a login fails saying one is needed. */
  loginHandler: ((prompt: DevicePrompt) => void) | undefined;
  /** Things worth telling the person (a bad cache file set aside, a cache file that is not a token skipped). */
  readonly notes: string[] = [];
  private current: CachedSsoToken | undefined;
  private loaded: Promise<void> | undefined;
  private renewing: Promise<CachedSsoToken> | undefined;
  private readonly sso: SSOClient;
  private readonly oidc: SSOOIDCClient;
  private readonly life = new AbortController();
  private readonly now: () => number;

  constructor(
    config: IdentityCenterConfig,
    private readonly opts: SessionOptions = {},
  ) {
    this.config = { ...config, scopes: config.scopes?.length ? config.scopes : DEFAULT_SCOPES };
    this.loginHandler = opts.login;
    this.limiter = opts.limiter ?? limiterFor(config.region, config.startUrl);
    this.now = opts.now ?? Date.now;
    // Every call in flight listens on the session's life signal: hundreds are expected.
    setMaxListeners(0, this.life.signal);
    // maxAttempts 1: every retry goes through the limiter below, never around it. Timeouts, so a
    // connection that hangs fails (and is retried) instead of holding a discovery forever.
    const requestHandler = new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 });
    const common = { region: config.region, maxAttempts: 1, requestHandler };
    this.sso = new SSOClient({ ...common, ...(config.endpoints?.sso ? { endpoint: config.endpoints.sso } : {}) });
    this.oidc = new SSOOIDCClient({ ...common, ...(config.endpoints?.oidc ? { endpoint: config.endpoints.oidc } : {}) });
  }

  /** The session's own cache file (where a login made here is written). */
  get cacheFile(): string {
    return ssoTokenPath(this.config.sessionName);
  }

  /** When the current token ends (ISO), once one is held. */
  get expiresAt(): string | undefined {
    return this.current?.token.expiresAt;
  }

  /** Reads the cache once: the session's file, else any token for the start URL (the one ending last). */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      let own: CachedSsoToken | undefined;
      try {
        own = await readSsoTokenFile(this.cacheFile);
      } catch (err) {
        if (!(err instanceof AppError) || !this.opts.setAsideBadCache) throw err;
        const moved = await setAside(this.cacheFile);
        this.notes.push(`${this.cacheFile} was not a token; it was kept as ${moved}.`);
      }
      if (own && (!own.token.startUrl || sameStartUrl(own.token.startUrl, this.config.startUrl))) {
        this.current = own;
        this.tokenSource = 'cache';
        return;
      }
      const { found, unreadable } = await findSsoTokens(this.config.startUrl);
      for (const f of unreadable) this.notes.push(`Skipped ${f} in the token cache: it is not a token.`);
      const best = found.filter((f) => f.file !== this.cacheFile).sort((a, b) => timeOf(b.token.expiresAt) - timeOf(a.token.expiresAt))[0];
      if (best) {
        this.current = best;
        this.tokenSource = 'cache-other-session';
      }
    })();
    return this.loaded;
  }

  /**
   * A usable token, now: the cached one, refreshed first when near its end (if that
   * fails while it is still valid, it is used as it is), else renewed (refresh, or one login).
   */
  async ensureToken(signal?: AbortSignal): Promise<{ source: TokenSource; expiresAt: string }> {
    await this.token(signal);
    return { source: this.tokenSource!, expiresAt: this.current!.token.expiresAt };
  }

  private async token(signal?: AbortSignal): Promise<string> {
    await raceAbort(this.load(), signal);
    const cur = this.current;
    const state = cur ? tokenFreshness(cur.token, this.now(), REFRESH_BEFORE_MS) : 'expired';
    if (cur && state === 'fresh') return cur.token.accessToken;
    if (cur && state === 'refresh-soon') {
      if (!canRefresh(cur.token, this.now())) return cur.token.accessToken;
      try {
        return (await this.renew(cur.token.accessToken, signal)).token.accessToken;
      } catch (err) {
        if (isAbort(err, signal)) throw err;
        // Still valid: use it, and let a 401 later ask again.
        return cur.token.accessToken;
      }
    }
    return (await this.renew(cur?.token.accessToken, signal)).token.accessToken;
  }

  /**
   * A new token in place of `stale`: one renewal in flight at a time, whoever asks,
   * and none at all when another caller has replaced `stale` already.
   */
  private renew(stale: string | undefined, signal?: AbortSignal): Promise<CachedSsoToken> {
    const cur = this.current;
    if (cur && cur.token.accessToken !== stale && tokenFreshness(cur.token, this.now(), 0) === 'fresh') return Promise.resolve(cur);
    this.renewing ??= this.doRenew().finally(() => (this.renewing = undefined));
    return raceAbort(this.renewing, signal);
  }

  private async doRenew(): Promise<CachedSsoToken> {
    const cur = this.current;
    if (cur && canRefresh(cur.token, this.now())) {
      try {
        const refreshed = await this.refresh(cur);
        this.current = refreshed;
        this.tokenSource = 'refreshed';
        return refreshed;
      } catch (err) {
        const name = (err as SdkError).name;
        // The session ended (or the registration): only a login helps. Anything else (a network down) is said as it is.
        if (
          !['InvalidGrantException', 'ExpiredTokenException', 'InvalidClientException', 'UnauthorizedClientException', 'AccessDeniedException'].includes(name)
        )
          throw err;
      }
    }
    if (!this.loginHandler) throw needsLoginError(this.config, cur ? 'the cached token has ended and cannot be refreshed' : 'no cached token for it');
    return this.doLogin(cur?.token);
  }

  private async doLogin(reuse: SsoToken | undefined): Promise<CachedSsoToken> {
    const onPrompt = this.loginHandler;
    if (!onPrompt) throw needsLoginError(this.config, 'a sign-in was asked for where nobody can answer it');
    const token = await deviceLogin(this.config, {
      signal: this.life.signal,
      onPrompt,
      minPollSeconds: this.opts.minPollSeconds,
      // A registration still good for a day is reused, as the CLI reuses its own.
      reuseClient: reuse,
      send: (op, fn, urgent) => this.send(op, fn, this.life.signal, urgent),
      now: this.now,
    });
    this.stats.logins++;
    const fresh = { file: this.cacheFile, token };
    await writeSsoTokenFile(fresh.file, token);
    this.current = fresh;
    this.tokenSource = 'login';
    return fresh;
  }

  private async refresh(cur: CachedSsoToken): Promise<CachedSsoToken> {
    const t = cur.token;
    const out = await this.send(
      'CreateToken',
      (signal) =>
        this.oidc.send(
          new CreateTokenCommand({ clientId: t.clientId, clientSecret: t.clientSecret, grantType: 'refresh_token', refreshToken: t.refreshToken }),
          { abortSignal: signal },
        ),
      this.life.signal,
      true,
    );
    this.stats.refreshes++;
    const token: SsoToken = { ...t, ...tokenFields(out, this.now()), refreshToken: out.refreshToken ?? t.refreshToken };
    // Written back where it came from, so the CLI sees the same refreshed token.
    await writeSsoTokenFile(cur.file, token);
    return { file: cur.file, token };
  }

  /**
   * One Identity Center request through the limiter, retried on 429 (and a few times
   * on a 5xx or a dropped connection). `urgent` calls go to the front of the queue
   * (a page of the account list others wait for, a token renewal).
   */
  private async send<T>(op: string, fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal | undefined, urgent = false): Promise<T> {
    let throttles = 0;
    let failures = 0;
    const both = signal ? AbortSignal.any([signal, this.life.signal]) : this.life.signal;
    for (;;) {
      await this.limiter.acquire(both, urgent);
      this.stats.calls++;
      this.stats.byOperation[op] = (this.stats.byOperation[op] ?? 0) + 1;
      try {
        const r = await fn(both);
        this.limiter.succeeded();
        return r;
      } catch (err) {
        const e = err as SdkError;
        if (isAbort(e, both)) throw Object.assign(new Error('Cancelled.'), { name: 'AbortError' });
        if (isThrottle(e) && throttles < MAX_THROTTLE_RETRIES) {
          this.stats.throttled++;
          this.stats.retries++;
          this.limiter.throttled();
          await sleep(backoffMs(throttles++, 5_000), both);
          continue;
        }
        if (isThrottle(e)) this.stats.throttled++;
        if (!isThrottle(e) && isServerOrNetwork(e) && failures < MAX_SERVER_RETRIES) {
          this.stats.retries++;
          await sleep(backoffMs(failures++, 2_000), both);
          continue;
        }
        throw err;
      }
    }
  }

  /** A portal call with the session's token: a 401 renews the token once (refresh, else one login for everyone) and sends it again. */
  private async portal<T>(op: string, fn: (token: string, signal: AbortSignal) => Promise<T>, signal?: AbortSignal, urgent = false): Promise<T> {
    let renewedFrom: string | undefined;
    for (;;) {
      const token = await this.token(signal);
      try {
        return await this.send(op, (s) => fn(token, s), signal, urgent);
      } catch (err) {
        const e = err as SdkError;
        if ((e.name === 'UnauthorizedException' || statusOf(e) === 401) && renewedFrom !== token) {
          renewedFrom = token;
          this.stats.retries++;
          await this.renew(token, signal);
          continue;
        }
        if (e.name === 'UnauthorizedException') throw needsLoginError(this.config, 'the portal refuses the new token too');
        throw err;
      }
    }
  }

  /** One page of the accounts the user may reach (100 at most, the portal's limit). */
  async listAccounts(
    nextToken: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ accounts: Array<{ accountId: string; name: string; email: string | null }>; nextToken?: string }> {
    const out = await this.portal(
      'ListAccounts',
      (accessToken, s) => this.sso.send(new ListAccountsCommand({ accessToken, maxResults: 100, ...(nextToken ? { nextToken } : {}) }), { abortSignal: s }),
      signal,
      true,
    );
    return {
      accounts: (out.accountList ?? []).map((a) => ({ accountId: a.accountId ?? '', name: a.accountName ?? a.accountId ?? '', email: a.emailAddress ?? null })),
      ...(out.nextToken ? { nextToken: out.nextToken } : {}),
    };
  }

  /** Every role the user has in an account (paged, 100 a page). */
  async listAccountRoles(accountId: string, signal?: AbortSignal): Promise<string[]> {
    const roles: string[] = [];
    let next: string | undefined;
    do {
      const out = await this.portal(
        'ListAccountRoles',
        (accessToken, s) =>
          this.sso.send(new ListAccountRolesCommand({ accessToken, accountId, maxResults: 100, ...(next ? { nextToken: next } : {}) }), { abortSignal: s }),
        signal,
      );
      roles.push(...(out.roleList ?? []).flatMap((r) => (r.roleName ? [r.roleName] : [])));
      next = out.nextToken;
    } while (next);
    return roles;
  }

  /** Temporary credentials for a role in an account (GetRoleCredentials). */
  async getRoleCredentials(accountId: string, roleName: string, signal?: AbortSignal): Promise<AwsCredentialIdentity> {
    const out = await this.portal(
      'GetRoleCredentials',
      (accessToken, s) => this.sso.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }), { abortSignal: s }),
      signal,
    );
    const c = out.roleCredentials;
    if (!c?.accessKeyId || !c.secretAccessKey) throw new AppError('AWS_ERROR', `Identity Center returned no credentials for ${roleName} in ${accountId}.`);
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
      ...(c.expiration ? { expiration: new Date(c.expiration) } : {}),
    };
  }

  /** Signs in now with the device flow (one login), whatever the cache holds. */
  async login(signal?: AbortSignal): Promise<{ expiresAt: string }> {
    await raceAbort(this.load(), signal);
    this.renewing ??= this.doLogin(this.current?.token).finally(() => (this.renewing = undefined));
    return { expiresAt: (await raceAbort(this.renewing, signal)).token.expiresAt };
  }

  /** Stops what is in flight (a login's polling, backoffs) and releases the clients. */
  destroy(): void {
    this.life.abort();
    this.sso.destroy();
    this.oidc.destroy();
  }
}

function tokenFields(out: CreateTokenCommandOutput, now: number): Pick<SsoToken, 'accessToken' | 'expiresAt'> {
  if (!out.accessToken) throw new AppError('AWS_ERROR', 'IAM Identity Center answered CreateToken without an access token.');
  return { accessToken: out.accessToken, expiresAt: formatCacheTime(now + (out.expiresIn ?? 3600) * 1000) };
}

export interface DeviceLoginContext {
  signal: AbortSignal;
  onPrompt: (prompt: DevicePrompt) => void;
  minPollSeconds?: number;
  /** A token whose client registration may be reused (still good for a day). */
  reuseClient?: SsoToken;
  /** How each OIDC request is sent (through the session's limiter and retries); default: as it is. */
  send?: <T>(op: string, fn: (signal: AbortSignal) => Promise<T>, urgent?: boolean) => Promise<T>;
  oidc?: SSOOIDCClient;
  now?: () => number;
}

/**
 * The device login, as `aws sso login` does it: register a public client (or reuse
 * one), start device authorization, show the code, poll CreateToken at the interval
 * asked until the person confirms. Returns the token in the CLI's cache format; the
 * caller writes it.
 */
export async function deviceLogin(cfg: IdentityCenterConfig, ctx: DeviceLoginContext): Promise<SsoToken> {
  const now = ctx.now ?? Date.now;
  const oidc = ctx.oidc ?? new SSOOIDCClient({ region: cfg.region, maxAttempts: 1, ...(cfg.endpoints?.oidc ? { endpoint: cfg.endpoints.oidc } : {}) });
  const send = ctx.send ?? (<T>(_op: string, fn: (signal: AbortSignal) => Promise<T>) => fn(ctx.signal));
  try {
    const reuse = ctx.reuseClient;
    let client: { clientId: string; clientSecret: string; registrationExpiresAt: string };
    if (reuse?.clientId && reuse.clientSecret && reuse.registrationExpiresAt && timeOf(reuse.registrationExpiresAt) - now() > 86_400_000)
      client = { clientId: reuse.clientId, clientSecret: reuse.clientSecret, registrationExpiresAt: reuse.registrationExpiresAt };
    else {
      const reg = await send(
        'RegisterClient',
        (s) =>
          oidc.send(new RegisterClientCommand({ clientName: 'pipewright', clientType: 'public', scopes: cfg.scopes ?? DEFAULT_SCOPES }), { abortSignal: s }),
        true,
      );
      client = {
        clientId: reg.clientId!,
        clientSecret: reg.clientSecret!,
        registrationExpiresAt: formatCacheTime((reg.clientSecretExpiresAt ?? Math.floor(now() / 1000) + 90 * 86400) * 1000),
      };
    }
    const auth = await send(
      'StartDeviceAuthorization',
      (s) =>
        oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: cfg.startUrl }), {
          abortSignal: s,
        }),
      true,
    );
    ctx.onPrompt({ verificationUri: auth.verificationUriComplete ?? auth.verificationUri ?? '', userCode: auth.userCode ?? '' });
    let interval = Math.max(ctx.minPollSeconds ?? 1, auth.interval ?? 5);
    const deadline = now() + (auth.expiresIn ?? 600) * 1000;
    while (now() < deadline) {
      await sleep(interval * 1000, ctx.signal);
      try {
        const out = await send(
          'CreateToken',
          (s) =>
            oidc.send(
              new CreateTokenCommand({
                grantType: 'urn:ietf:params:oauth:grant-type:device_code',
                deviceCode: auth.deviceCode,
                clientId: client.clientId,
                clientSecret: client.clientSecret,
              }),
              { abortSignal: s },
            ),
          true,
        );
        return {
          startUrl: cfg.startUrl,
          region: cfg.region,
          ...tokenFields(out, now()),
          ...client,
          ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}),
        };
      } catch (err) {
        const name = (err as SdkError).name;
        if (name === 'AuthorizationPendingException') continue;
        if (name === 'SlowDownException') {
          interval += 5;
          continue;
        }
        throw err;
      }
    }
    throw new AppError('UNAVAILABLE', 'The device login expired before it was confirmed. Start it again.', { kind: 'needs-sso-login' });
  } finally {
    if (!ctx.oidc) oidc.destroy();
  }
}
