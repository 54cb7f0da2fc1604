// IAM Identity Center's state behind the portal (sso) and OIDC (sso-oidc) APIs:
// registered OIDC clients, device authorizations, access and refresh tokens, and
// the throttle the two APIs share (20 requests a second for the whole instance,
// which AWS does not raise: a token bucket here, so a client that calls faster
// meets 429s as it would on AWS).
//
// The sandbox has one instance, with one user, and only once the `org` seed made
// an organization. Its start URL is the sandbox's own `/start`. Device logins are
// approved as soon as they start: nobody has to open a browser or type a code.
import { createHash, randomBytes } from 'node:crypto';
import { TokenBucket } from '../../../shared/rate/token-bucket';
import type { Organization, OrgAccount } from '../organizations/directory';
import type { Principal, Principals } from '../../principals';

const HOUR = 3_600_000;
/** How long a device code waits to be redeemed, as AWS (600 s). */
export const DEVICE_CODE_SECONDS = 600;
/** A client registration lasts 90 days. */
const REGISTRATION_MS = 90 * 24 * HOUR;
/** The portal session (the instance's session duration; AWS's default is 8 hours). */
const SESSION_MS = 8 * HOUR;
/** An access token with a refresh token lives an hour; one without lasts the session (legacy clients). */
const REFRESHABLE_TOKEN_MS = HOUR;

export interface OidcClient {
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
}

interface DeviceAuthorization {
  clientId: string;
  userCode: string;
  expiresAt: number;
  redeemed: boolean;
}

interface AccessToken {
  clientId: string;
  expiresAt: number;
  refreshToken?: string;
}

interface RefreshToken {
  clientId: string;
  sessionEndsAt: number;
}

const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

export class IdentityCenter {
  private clients = new Map<string, OidcClient>();
  private devices = new Map<string, DeviceAuthorization>();
  private tokens = new Map<string, AccessToken>();
  private refreshTokens = new Map<string, RefreshToken>();
  private bucket: TokenBucket;
  /** Requests refused by the throttle since the sandbox started (for tests and the control API). */
  throttled = 0;

  constructor(
    private readonly deps: {
      org: () => Organization | null;
      endpoint: () => string;
      principals: Principals;
      requestsPerSecond: () => number;
    },
  ) {
    this.bucket = new TokenBucket({ perSecond: deps.requestsPerSecond() });
  }

  get organization(): Organization | null {
    return this.deps.org();
  }

  /** The portal's start URL: the sandbox's own, so a login names this sandbox. */
  get startUrl(): string {
    return `${this.deps.endpoint()}/start`;
  }

  /** The same start URL however the loopback host is written, with or without a trailing slash or fragment. */
  isStartUrl(url: string): boolean {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    const mine = new URL(this.startUrl);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'];
    return u.protocol === mine.protocol && loopback.includes(u.hostname) && u.port === mine.port && u.pathname.replace(/\/+$/, '') === '/start';
  }

  /** Forgets every client, login and token, and refills the throttle (a reset). */
  clear(): void {
    this.clients.clear();
    this.devices.clear();
    this.tokens.clear();
    this.refreshTokens.clear();
    this.bucket = new TokenBucket({ perSecond: this.deps.requestsPerSecond() });
    this.throttled = 0;
  }

  /** One request through the shared throttle: false when it must be refused with a 429. */
  admit(now = performance.now()): boolean {
    if (this.bucket.perSecond !== this.deps.requestsPerSecond()) this.bucket = new TokenBucket({ perSecond: this.deps.requestsPerSecond() });
    const ok = this.bucket.take(now);
    if (!ok) this.throttled++;
    return ok;
  }

  registerClient(name: string, scopes: string[], now = Date.now()): OidcClient {
    const c: OidcClient = {
      clientId: secret(24),
      clientSecret: secret(96),
      name,
      scopes,
      issuedAt: now,
      expiresAt: now + REGISTRATION_MS,
    };
    this.clients.set(c.clientId, c);
    return c;
  }

  /** The registered client these credentials name, if they are valid now. */
  client(clientId: string, clientSecret: string, now = Date.now()): OidcClient | undefined {
    const c = this.clients.get(clientId);
    return c && c.clientSecret === clientSecret && c.expiresAt > now ? c : undefined;
  }

  /** A device login for the sandbox's user, approved at once. */
  startDeviceAuthorization(clientId: string, now = Date.now()): { deviceCode: string; userCode: string } {
    const deviceCode = secret(48);
    const letters = 'BCDFGHJKLMNPQRSTVWXZ';
    const pick = () => Array.from(randomBytes(4), (b) => letters[b % letters.length]).join('');
    const userCode = `${pick()}-${pick()}`;
    this.devices.set(deviceCode, { clientId, userCode, expiresAt: now + DEVICE_CODE_SECONDS * 1000, redeemed: false });
    return { deviceCode, userCode };
  }

  /** Redeems a device code: a token, or why not. */
  redeemDeviceCode(
    clientId: string,
    deviceCode: string,
    now = Date.now(),
  ): { token: string; expiresIn: number; refreshToken?: string } | 'invalid' | 'expired' {
    const d = this.devices.get(deviceCode);
    if (!d || d.clientId !== clientId || d.redeemed) return 'invalid';
    if (d.expiresAt <= now) {
      this.devices.delete(deviceCode);
      return 'expired';
    }
    d.redeemed = true;
    this.devices.delete(deviceCode);
    const client = this.clients.get(clientId);
    return this.issue(clientId, (client?.scopes.length ?? 0) > 0, now + SESSION_MS, now);
  }

  redeemRefreshToken(clientId: string, refreshToken: string, now = Date.now()): { token: string; expiresIn: number; refreshToken?: string } | 'invalid' {
    const r = this.refreshTokens.get(refreshToken);
    if (!r || r.clientId !== clientId) return 'invalid';
    if (r.sessionEndsAt <= now) {
      this.refreshTokens.delete(refreshToken);
      return 'invalid';
    }
    return this.issue(clientId, true, r.sessionEndsAt, now, refreshToken);
  }

  private issue(clientId: string, refreshable: boolean, sessionEndsAt: number, now: number, refreshToken?: string) {
    const token = `aoa${secret(96)}`;
    const expiresAt = refreshable ? Math.min(now + REFRESHABLE_TOKEN_MS, sessionEndsAt) : sessionEndsAt;
    if (refreshable) {
      refreshToken ??= `aor${secret(96)}`;
      this.refreshTokens.set(refreshToken, { clientId, sessionEndsAt });
    }
    this.tokens.set(token, { clientId, expiresAt, refreshToken });
    return { token, expiresIn: Math.max(1, Math.round((expiresAt - now) / 1000)), ...(refreshable ? { refreshToken } : {}) };
  }

  /** Whether an access token is valid now (an expired one is forgotten). */
  tokenValid(token: string, now = Date.now()): boolean {
    const t = this.tokens.get(token);
    if (!t) return false;
    if (t.expiresAt <= now) {
      this.tokens.delete(token);
      return false;
    }
    return true;
  }

  /** The portal's Logout: the token and its refresh token stop working. */
  logout(token: string): void {
    const t = this.tokens.get(token);
    this.tokens.delete(token);
    if (t?.refreshToken) {
      this.refreshTokens.delete(t.refreshToken);
      for (const [k, v] of this.tokens) if (v.refreshToken === t.refreshToken) this.tokens.delete(k);
    }
  }

  /**
   * As if the hours had passed: every access token expires now; with `sessions`,
   * refresh tokens too (a new login is needed). Returns how many access tokens ended.
   */
  expire(opts: { sessions?: boolean } = {}): number {
    const n = this.tokens.size;
    this.tokens.clear();
    if (opts.sessions) this.refreshTokens.clear();
    return n;
  }

  /** The accounts the portal lists: those with an assignment, except closed ones. */
  assignedAccounts(): OrgAccount[] {
    return (this.organization?.accounts ?? []).filter((a) => a.roles.length > 0 && a.state !== 'CLOSED');
  }

  /** Temporary keys for a role in an account, as the portal's GetRoleCredentials hands them out. */
  roleCredentials(account: OrgAccount, roleName: string): Principal {
    const org = this.organization!;
    const set = org.permissionSet(roleName)!;
    const suffix = createHash('sha256').update(`${account.id}/${roleName}`).digest('hex').slice(0, 16);
    const role = `AWSReservedSSO_${roleName}_${suffix}`;
    const user = org.data.userName;
    const roleId = `AROA${createHash('sha256').update(role).digest('hex').slice(0, 17).toUpperCase()}`;
    return this.deps.principals.issueTemporary(
      account.id,
      `arn:aws:sts::${account.id}:assumed-role/${role}/${user}`,
      `${roleId}:${user}`,
      set.sessionSeconds,
      false,
      set.deny,
    );
  }
}
