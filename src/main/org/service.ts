// An organization as a source of accounts: connect it (an IAM Identity Center
// session, and optionally an AWS Organizations profile), discover its accounts and
// roles (cached in Pipewright's home, refreshed on demand, with what changed),
// hand out credentials for a discovered (account, role) as a ProfileInfo the rest
// of the main process can use, and export the accounts as profiles into
// ~/.aws/config inside Pipewright's block. The app (phase B) and the CLI share it.
import { AppError } from '../../shared/api/errors';
import {
  diffAccounts,
  mergeAccounts,
  profileKey,
  profileNames,
  type DiscoveryDiff,
  type IdentityCenterDiscovery,
  type OrgAccountView,
  type OrganizationsRead,
} from '../../shared/org/discovery';
import { SECTION_NAME, type ExportedProfile } from '../../shared/org/aws-config-block';
import { sameStartUrl } from '../../shared/org/sso-token';
import type { AwsAccess } from '../aws/access';
import { IdentityCenterSession, type DevicePrompt, type IdentityCenterConfig, type TokenSource } from '../aws/identity-center';
import { configFilePaths, endpointFor, loadSsoSession, type ProfileInfo } from '../aws/profiles';
import type { RateLimiter } from '../aws/rate-limiter';
import { identityCenterProfile, RoleCredentials } from '../aws/role-credentials';
import { planExport, writeExport, type ExportPlan } from './config-export';
import { discoverIdentityCenter, errorText, type DiscoveryProgress } from './discovery';
import { OrgStore, type OrgConnection } from './org-store';
import { readOrganization } from './organizations-calls';

export interface OrgOperation {
  /** Shows a device login's code; without it an operation that needs a sign-in fails saying so. */
  login?: (prompt: DevicePrompt) => void;
  signal?: AbortSignal;
  onProgress?: (p: DiscoveryProgress) => void;
}

export interface OrgSnapshot {
  connection: OrgConnection;
  identityCenter: IdentityCenterDiscovery | null;
  organizations: OrganizationsRead | null;
  /** Both sources merged by account id: every account, with the reason when no role is usable. */
  accounts: OrgAccountView[];
  /** What the last refresh changed, against the discovery before it. */
  changes: DiscoveryDiff | null;
  /** False when something could not be read (an account's roles, the account list, an OU). */
  complete: boolean;
  /** Problems worth saying (the sources' own, and a cache file set aside). */
  problems: string[];
}

export interface OrgServiceOptions {
  /** Identity Center's limiter (tests); default: the one for the instance in this process. */
  limiter?: RateLimiter;
  /** Role listings in flight at most. */
  concurrency?: number;
  /** Device login polling floor in seconds (tests). */
  minPollSeconds?: number;
}

const DEFAULT_SCOPES = ['sso:account:access'];

/** A name for a connection made from a start URL: its host's first label (`d-9067000000`, `acme`), else `pipewright-org`. */
export function defaultOrgName(startUrl: string): string {
  try {
    const label = new URL(startUrl).hostname.split('.')[0].replace(/[^\w-]/g, '-');
    return /^[a-z]/i.test(label) && label !== 'localhost' ? label : 'pipewright-org';
  } catch {
    return 'pipewright-org';
  }
}

/**
 * Where the portal, OIDC and the accounts' services answer, when the user's own SSO
 * profiles of this session (or start URL) name one endpoint (the sandbox's profiles
 * do): the org feature then calls where the user's CLI calls. Profiles without an
 * endpoint say nothing either way; two different endpoints leave the SDK's defaults.
 */
export function endpointsFromProfiles(profiles: ProfileInfo[], sessionName: string | undefined, startUrl: string) {
  const users = profiles.filter((p) => p.kind === 'sso' && ((sessionName && p.ssoSession === sessionName) || sameStartUrl(p.ssoStartUrl, startUrl)));
  const one = (values: Array<string | undefined>) => {
    const set = new Set(values.filter((v): v is string => !!v));
    return set.size === 1 ? [...set][0] : undefined;
  };
  return {
    sso: one(users.map((p) => endpointFor(p, 'sso'))),
    oidc: one(users.map((p) => endpointFor(p, 'sso-oidc'))),
    account: one(users.map((p) => p.endpoint)),
  };
}

export class OrgService {
  readonly store: OrgStore;
  private session_: IdentityCenterSession | undefined;
  private credentials_: RoleCredentials | undefined;

  constructor(
    private readonly access: AwsAccess,
    home: string,
    private readonly opts: OrgServiceOptions = {},
  ) {
    this.store = new OrgStore(home);
  }

  /** The saved connection; NOT_FOUND when there is none. */
  async connection(): Promise<OrgConnection> {
    const c = await this.store.connection();
    if (!c)
      throw new AppError('NOT_FOUND', 'No organization is connected: run pipewright org connect --sso-session NAME (or --sso-start-url URL --sso-region R).');
    return c;
  }

  private sessionConfig(c: NonNullable<OrgConnection['identityCenter']>): IdentityCenterConfig {
    return { sessionName: c.sessionName, startUrl: c.startUrl, region: c.region, scopes: c.scopes, ...(c.endpoints ? { endpoints: c.endpoints } : {}) };
  }

  /** The Identity Center session of the connection (one per process, so one token and one set of credentials). */
  async session(): Promise<IdentityCenterSession> {
    const c = await this.connection();
    if (!c.identityCenter)
      throw new AppError('NOT_FOUND', 'The connected organization has no IAM Identity Center: run pipewright org connect --sso-session NAME.');
    const cfg = this.sessionConfig(c.identityCenter);
    const s = this.session_;
    if (s && s.config.sessionName === cfg.sessionName && s.config.startUrl === cfg.startUrl && s.config.region === cfg.region) return s;
    s?.destroy();
    this.credentials_ = undefined;
    this.session_ = new IdentityCenterSession(cfg, { limiter: this.opts.limiter, minPollSeconds: this.opts.minPollSeconds });
    return this.session_;
  }

  /** Runs `fn` with `login` as the session's way to show a device code (only for the duration). */
  private async withLogin<T>(session: IdentityCenterSession, login: OrgOperation['login'], fn: () => Promise<T>): Promise<T> {
    const before = session.loginHandler;
    session.loginHandler = login ?? before;
    try {
      return await fn();
    } finally {
      session.loginHandler = before;
    }
  }

  /**
   * Connects IAM Identity Center: from an [sso-session] of ~/.aws/config, or a start
   * URL and region (`name` then names the session; default from the URL). Saves the
   * connection, then makes sure of a token: the AWS CLI's cached one if there is one
   * (no second login), refreshed if need be, else one device login.
   */
  async connectIdentityCenter(
    input: { ssoSession: string } | { startUrl: string; region: string; name?: string },
    op: OrgOperation & { setAsideBadCache?: boolean } = {},
  ): Promise<{ connection: OrgConnection; token: { source: TokenSource; expiresAt: string }; notes: string[] }> {
    let ic: NonNullable<OrgConnection['identityCenter']>;
    let name: string;
    if ('ssoSession' in input) {
      const s = await loadSsoSession(input.ssoSession);
      const file = configFilePaths().config;
      if (!s) throw new AppError('INVALID_INPUT', `There is no [sso-session ${input.ssoSession}] in ${file}.`);
      if (!s.startUrl || !s.region) throw new AppError('INVALID_INPUT', `[sso-session ${input.ssoSession}] in ${file} needs sso_start_url and sso_region.`);
      name = input.ssoSession;
      ic = { sessionName: name, startUrl: s.startUrl, region: s.region, scopes: s.scopes ?? DEFAULT_SCOPES, fromConfig: true };
    } else {
      name = input.name ?? defaultOrgName(input.startUrl);
      let url: URL;
      try {
        url = new URL(input.startUrl);
      } catch {
        throw new AppError('INVALID_INPUT', `--sso-start-url ${input.startUrl} is not a URL.`);
      }
      if (!/^https?:$/.test(url.protocol)) throw new AppError('INVALID_INPUT', `--sso-start-url ${input.startUrl} is not an http(s) URL.`);
      if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(input.region)) throw new AppError('INVALID_INPUT', `--sso-region ${input.region} is not a region.`);
      const existing = await loadSsoSession(name);
      ic = { sessionName: name, startUrl: input.startUrl, region: input.region, scopes: existing?.scopes ?? DEFAULT_SCOPES, fromConfig: !!existing };
    }
    if (!SECTION_NAME.test(name)) throw new AppError('INVALID_INPUT', `${name} cannot name an sso-session: use letters, digits and - _ . @ + % : / only.`);
    const found = endpointsFromProfiles(this.access.profiles(), ic.sessionName, ic.startUrl);
    if (found.sso || found.oidc) ic.endpoints = { ...(found.sso ? { sso: found.sso } : {}), ...(found.oidc ? { oidc: found.oidc } : {}) };
    if (found.account) ic.accountEndpoint = found.account;
    const previous = await this.store.connectionOrAside();
    const connection: OrgConnection = { version: 1, name, identityCenter: ic, organizationsProfile: previous?.organizationsProfile ?? null };
    await this.store.saveConnection(connection);
    this.session_?.destroy();
    this.session_ = new IdentityCenterSession(this.sessionConfig(ic), {
      limiter: this.opts.limiter,
      minPollSeconds: this.opts.minPollSeconds,
      setAsideBadCache: op.setAsideBadCache,
    });
    this.credentials_ = undefined;
    const session = this.session_;
    const token = await this.withLogin(session, op.login, () => session.ensureToken(op.signal));
    return { connection, token, notes: [...this.store.warnings.splice(0), ...session.notes] };
  }

  /** Adds AWS Organizations as a source, read with this profile (the management account or a delegated administrator). */
  async connectOrganizations(profile: string): Promise<OrgConnection> {
    this.access.profile(profile);
    const previous = await this.store.connectionOrAside();
    const connection: OrgConnection = previous
      ? { ...previous, organizationsProfile: profile }
      : { version: 1, name: 'pipewright-org', identityCenter: null, organizationsProfile: profile };
    await this.store.saveConnection(connection);
    return connection;
  }

  /** Reads Organizations now with the connection's profile. */
  async readOrganizations(signal?: AbortSignal): Promise<OrganizationsRead> {
    const c = await this.connection();
    if (!c.organizationsProfile)
      throw new AppError('NOT_FOUND', 'No Organizations profile is connected: run pipewright org connect --organizations-profile P.');
    const profile = this.access.profile(c.organizationsProfile);
    const started = new Date().toISOString();
    const tree = await readOrganization(this.access.clients.organizations(profile), profile.name, signal);
    return {
      profile: profile.name,
      readAt: started,
      managementAccountId: tree.managementAccountId,
      complete: tree.problems.length === 0,
      accounts: tree.accounts,
      problems: tree.problems,
    };
  }

  /**
   * Discovers again (Identity Center, and Organizations when connected), saves the
   * result, and says what changed against the discovery before. A source that
   * fails keeps its last result, and the snapshot is then incomplete.
   */
  async refresh(op: OrgOperation & { identityCenter?: boolean; organizations?: boolean } = {}): Promise<OrgSnapshot> {
    const c = await this.connection();
    let previous = await this.store.discovery();
    const problems = [...this.store.warnings.splice(0)];
    // Another organization (a start URL of its own) is not compared with this one: no diff, and its accounts are not kept.
    if (previous?.identityCenter && c.identityCenter && !sameStartUrl(previous.identityCenter.startUrl, c.identityCenter.startUrl)) previous = null;
    let ic = previous?.identityCenter ?? null;
    let orgs = previous?.organizations ?? null;
    if (c.identityCenter && op.identityCenter !== false) {
      const session = await this.session();
      ic = await this.withLogin(session, op.login, () =>
        discoverIdentityCenter(session, { signal: op.signal, onProgress: op.onProgress, concurrency: this.opts.concurrency }),
      );
      problems.push(...session.notes.splice(0));
    }
    if (c.organizationsProfile && op.organizations !== false) {
      try {
        orgs = await this.readOrganizations(op.signal);
      } catch (err) {
        if (op.signal?.aborted) throw err;
        problems.push(`AWS Organizations could not be read with profile ${c.organizationsProfile}: ${errorText(err)}`);
        orgs = orgs ? { ...orgs, complete: false, problems: [`Not read again: ${errorText(err)}`] } : null;
      }
    } else if (!c.organizationsProfile) orgs = null;
    if (!c.identityCenter) ic = null;
    const since = previous?.identityCenter?.finishedAt ?? previous?.organizations?.readAt;
    // An account missing from a list cut short (or from a source not read this time) is not known to be gone.
    const goneKnown = (ic?.listComplete ?? true) && (orgs?.complete ?? true);
    const changes =
      previous && since ? diffAccounts(mergeAccounts(previous.identityCenter, previous.organizations), mergeAccounts(ic, orgs), since, goneKnown) : null;
    await this.store.saveDiscovery({ version: 1, identityCenter: ic, organizations: orgs, changes });
    return this.snapshotOf(c, ic, orgs, changes, problems);
  }

  private snapshotOf(
    connection: OrgConnection,
    ic: IdentityCenterDiscovery | null,
    orgs: OrganizationsRead | null,
    changes: DiscoveryDiff | null,
    extra: string[],
  ): OrgSnapshot {
    const complete = (connection.identityCenter ? !!ic && ic.complete : true) && (connection.organizationsProfile ? !!orgs && orgs.complete : true);
    return {
      connection,
      identityCenter: ic,
      organizations: orgs,
      accounts: mergeAccounts(ic, orgs),
      changes,
      complete,
      problems: [...extra, ...(ic?.problems ?? []), ...(orgs?.problems ?? [])],
    };
  }

  /** What the last discovery found (no call), or null when none was made yet. */
  async snapshot(): Promise<OrgSnapshot | null> {
    const c = await this.connection();
    const d = await this.store.discovery();
    const warnings = this.store.warnings.splice(0);
    if (!d) return null;
    return this.snapshotOf(c, c.identityCenter ? d.identityCenter : null, c.organizationsProfile ? d.organizations : null, d.changes, warnings);
  }

  /** Credentials for discovered (account, role) pairs: held in memory, one call per pair in flight. */
  async credentials(): Promise<RoleCredentials> {
    const session = await this.session();
    if (!this.credentials_) this.credentials_ = new RoleCredentials(session);
    return this.credentials_;
  }

  /**
   * A discovered account (by id or name) through one of its roles, as a ProfileInfo
   * every service can use (AwsClients, the fan-out). Without `role`, the account's
   * only role; an account with several needs one named.
   */
  async profileFor(account: string, role?: string, op: Pick<OrgOperation, 'login'> = {}): Promise<ProfileInfo> {
    const snap = await this.snapshot();
    if (!snap?.identityCenter) throw new AppError('NOT_FOUND', 'No discovery yet: run pipewright org accounts --refresh (or org connect).');
    const all = snap.identityCenter.accounts;
    const a =
      all.find((x) => x.accountId === account) ??
      all.find((x) => x.name === account) ??
      (all.filter((x) => x.name.toLowerCase() === account.toLowerCase()).length === 1
        ? all.find((x) => x.name.toLowerCase() === account.toLowerCase())
        : undefined);
    if (!a) throw new AppError('NOT_FOUND', `No discovered account ${account}.`);
    const view = snap.accounts.find((v) => v.accountId === a.accountId);
    if (view?.reason) throw new AppError('INVALID_INPUT', `${a.name} (${a.accountId}) has no usable role: ${view.reason}.`);
    const roleName = role ?? (a.roles.length === 1 ? a.roles[0] : undefined);
    if (!roleName) throw new AppError('INVALID_INPUT', `${a.name} (${a.accountId}) has several roles; name one: ${a.roles.join(', ')}.`);
    if (!a.roles.includes(roleName)) throw new AppError('INVALID_INPUT', `${a.name} (${a.accountId}) has no role ${roleName}; it has ${a.roles.join(', ')}.`);
    const ic = snap.connection.identityCenter!;
    const session = await this.session();
    // Credentials are fetched when a client first calls, after this returns: the handler stays the session's.
    if (op.login) session.loginHandler = op.login;
    const creds = await this.credentials();
    return identityCenterProfile({
      name: profileNames(all).get(profileKey(a.accountId, roleName)) ?? `${a.accountId}/${roleName}`,
      accountId: a.accountId,
      roleName,
      session: ic,
      credentials: creds.provider(a.accountId, roleName),
      region: ic.region,
      ...(ic.accountEndpoint ? { endpoint: ic.accountEndpoint } : {}),
    });
  }

  /**
   * What export-profiles would write (or `remove` take out) in `file` (default: the
   * AWS config file): the file's new text, the section-by-section diff, and what is
   * left out and why. Nothing is written.
   */
  async planExport(o: { file?: string; remove?: boolean } = {}): Promise<ExportPlan & { leftOut: Array<{ name: string; accountId: string; reason: string }> }> {
    const c = await this.connection();
    const file = o.file ?? configFilePaths().config;
    if (!c.identityCenter) throw new AppError('NOT_FOUND', 'Profiles need an IAM Identity Center connection: run pipewright org connect --sso-session NAME.');
    const snap = o.remove ? null : await this.snapshot();
    if (!o.remove && !snap?.identityCenter) throw new AppError('NOT_FOUND', 'No discovery yet: run pipewright org accounts --refresh (or org connect).');
    const ic = c.identityCenter;
    const profiles: ExportedProfile[] = [];
    const leftOut: Array<{ name: string; accountId: string; reason: string }> = [];
    if (snap?.identityCenter) {
      const names = profileNames(snap.identityCenter.accounts);
      for (const a of snap.accounts) {
        if (!a.inIdentityCenter) continue;
        if (a.reason) {
          leftOut.push({ name: a.name, accountId: a.accountId, reason: a.reason });
          continue;
        }
        for (const r of a.roles) {
          const name = names.get(profileKey(a.accountId, r));
          if (!name) continue;
          profiles.push({ name, accountId: a.accountId, roleName: r, region: ic.region, ...(ic.accountEndpoint ? { endpointUrl: ic.accountEndpoint } : {}) });
        }
      }
    }
    const plan = await planExport({
      file,
      blockName: c.name,
      session: { name: ic.sessionName, startUrl: ic.startUrl, region: ic.region, scopes: ic.scopes },
      profiles,
      remove: !!o.remove,
    });
    return { ...plan, leftOut };
  }

  /** Writes a plan made by planExport, if the file is still what it was planned from. */
  writeExport(plan: ExportPlan): Promise<void> {
    return writeExport(plan);
  }

  dispose(): void {
    this.session_?.destroy();
    this.session_ = undefined;
    this.credentials_ = undefined;
  }
}
