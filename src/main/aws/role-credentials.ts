// Credentials for a discovered (account, role): GetRoleCredentials when first
// needed, held in memory in the main process only, fetched again shortly before
// they expire, and at most one call per (account, role) in flight however many
// SDK clients ask at once (their requests wait on the same promise). Every call
// goes through the session, so through Identity Center's one limiter, and a token
// that ended asks for one renewal, not one per account.
//
// `identityCenterProfile` makes such a pair usable wherever a ProfileInfo is: the
// same AwsClients and fan-out, with these credentials instead of a file profile's.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AppError } from '../../shared/api/errors';
import type { IdentityCenterSession } from './identity-center';
import type { ProfileInfo } from './profiles';

/** Fetched again when this close to the end (as CredentialBroker does for file profiles). */
const REFRESH_BEFORE_MS = 5 * 60_000;

interface Entry {
  value?: AwsCredentialIdentity;
  pending?: Promise<AwsCredentialIdentity>;
}

export class RoleCredentials {
  private entries = new Map<string, Entry>();
  /** GetRoleCredentials calls made, per `account/role` (tests, and what a page may show). */
  readonly calls = new Map<string, number>();

  constructor(
    private readonly session: IdentityCenterSession,
    private readonly opts: { now?: () => number; refreshBeforeMs?: number } = {},
  ) {}

  private fresh(c: AwsCredentialIdentity | undefined): c is AwsCredentialIdentity {
    const now = this.opts.now?.() ?? Date.now();
    return !!c && (!c.expiration || c.expiration.getTime() - now > (this.opts.refreshBeforeMs ?? REFRESH_BEFORE_MS));
  }

  /** The role's credentials: held ones while fresh, else one GetRoleCredentials shared by every caller waiting. */
  get(accountId: string, roleName: string): Promise<AwsCredentialIdentity> {
    const key = `${accountId}/${roleName}`;
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = {}));
    if (this.fresh(e.value)) return Promise.resolve(e.value);
    if (e.pending) return e.pending;
    const entry = e;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    const p = this.session.getRoleCredentials(accountId, roleName).then(
      (value) => {
        entry.value = value;
        entry.pending = undefined;
        return value;
      },
      (err: unknown) => {
        entry.pending = undefined;
        const name = (err as { name?: string }).name;
        if (name === 'ForbiddenException')
          throw new AppError('AWS_ERROR', `IAM Identity Center refuses role ${roleName} in account ${accountId}: No access.`, {
            awsCode: name,
            kind: 'access-denied',
          });
        throw err;
      },
    );
    entry.pending = p;
    return p;
  }

  /** A provider for SDK clients (`credentials`), for one (account, role). */
  provider(accountId: string, roleName: string): AwsCredentialIdentityProvider {
    return () => this.get(accountId, roleName);
  }

  /** Forgets held credentials (one pair, or all). */
  invalidate(accountId?: string, roleName?: string): void {
    if (accountId && roleName) this.entries.delete(`${accountId}/${roleName}`);
    else this.entries.clear();
  }
}

/**
 * A discovered (account, role) as a ProfileInfo, so AwsClients, the fan-out and
 * every service that takes a profile can use it unchanged. Its credentials come
 * from `credentials` (never from the files); `name` is what the person sees
 * (`{AccountName}/{RoleName}`, as an exported profile would be named).
 */
export function identityCenterProfile(o: {
  name: string;
  accountId: string;
  roleName: string;
  session: { sessionName: string; startUrl: string; region: string };
  credentials: AwsCredentialIdentityProvider;
  region?: string;
  endpoint?: string;
}): ProfileInfo {
  return {
    name: o.name,
    group: 'aws',
    kind: 'sso',
    ...(o.region ? { region: o.region } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    serviceEndpoints: {},
    ssoSession: o.session.sessionName,
    ssoStartUrl: o.session.startUrl,
    ssoRegion: o.session.region,
    chain: [o.name],
    problems: [],
    identityCenterRole: { accountId: o.accountId, roleName: o.roleName, credentials: o.credentials },
  };
}
