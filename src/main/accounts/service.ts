// Profiles and accounts: the user's ~/.aws profiles plus the sandbox's, their
// identity states, MFA prompts answered from the renderer (never stored), and
// the workspace (which profiles and regions the explorer covers).
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { AccountsView, ProfileState, ProfileView } from '../../shared/api/accounts';
import { CODEPIPELINE_REGIONS } from '../../shared/aws/regions';
import type { Settings } from '../../shared/api/settings';
import { AppError } from '../../shared/api/errors';
import { AwsClients } from '../aws/clients';
import { CredentialBroker } from '../aws/credentials';
import type { ConfigFileProblem } from '../aws/ini-lint';
import { FanOut } from '../aws/fanout';
import { whoAmI } from '../aws/identity';
import { loadProfiles, type ProfileInfo } from '../aws/profiles';
import type { EventHub } from '../rpc/event-hub';
import type { AwsAccess, IdentityState } from '../aws/access';
import type { SandboxInstance } from './ports';

const MFA_TIMEOUT_MS = 5 * 60 * 1000;

export type { AwsAccess } from '../aws/access';

/** The environment's defaults, read in this one place: AWS_PROFILE, and AWS_REGION (else AWS_DEFAULT_REGION). */
export function envDefaults(): { profile: string | undefined; region: string | undefined } {
  return { profile: process.env.AWS_PROFILE || undefined, region: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined };
}

export class AccountsService implements AwsAccess {
  readonly broker: CredentialBroker;
  readonly clients: AwsClients;
  readonly fanout: FanOut;
  private fileProfiles: ProfileInfo[] = [];
  private problems: ConfigFileProblem[] = [];
  private files = { config: '', credentials: '', configExists: false, credentialsExists: false };
  private states = new Map<string, IdentityState>();
  private prompts = new Map<string, { profile: string; resolve: (code: string) => void; reject: (err: Error) => void }>();

  constructor(
    private hub: EventHub,
    private settings: () => Settings,
    private sandbox: SandboxInstance,
  ) {
    this.broker = new CredentialBroker(
      () => this.profiles(),
      (profile, serial) => this.askMfa(profile, serial),
    );
    this.clients = new AwsClients(this.broker);
    this.fanout = new FanOut(() => ({ perTarget: this.settings().fanout.perTargetConcurrency, global: this.settings().fanout.globalConcurrency }));
  }

  async reload(): Promise<void> {
    const snap = await loadProfiles();
    this.fileProfiles = snap.profiles;
    this.problems = snap.problems;
    // Whether each file is there: "from ~/.aws/config" must not be said of a file that does not exist.
    this.files = { ...snap.files, configExists: existsSync(snap.files.config), credentialsExists: existsSync(snap.files.credentials) };
    this.broker.invalidate();
    this.clients.clear();
  }

  /** File profiles, then the sandbox's accounts as profiles (unless a file profile has the name). */
  profiles(): ProfileInfo[] {
    const sb = this.sandbox.instance;
    const names = new Set(this.fileProfiles.map((p) => p.name));
    // The accounts' own keys, then its narrower users (the demo's least-privilege auditor).
    const keys = sb ? [...sb.config.accounts, ...sb.config.users] : [];
    const sandboxProfiles: ProfileInfo[] = sb
      ? keys
          .filter((a) => !names.has(a.name))
          .map((a) => ({
            name: a.name,
            group: 'sandbox',
            kind: 'sandbox',
            region: sb.config.regions[0],
            endpoint: sb.endpoint,
            serviceEndpoints: {},
            chain: [a.name],
            problems: [],
            staticCredentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
          }))
      : [];
    return [...this.fileProfiles, ...sandboxProfiles];
  }

  profile(name: string): ProfileInfo {
    const p = this.profiles().find((x) => x.name === name);
    if (!p)
      throw new AppError(
        'NOT_FOUND',
        `No profile named ${name} in ${this.files.config || '~/.aws/config'} or ${this.files.credentials || '~/.aws/credentials'}${this.sandbox.instance ? ', nor in the sandbox' : ''}.`,
      );
    return p;
  }

  /** The regions a profile covers by default: its region (else AWS_REGION), or every sandbox region for sandbox profiles. */
  private defaultRegions(p: ProfileInfo): string[] {
    if (p.group === 'sandbox') return this.sandbox.instance?.config.regions ?? [];
    const region = p.region ?? envDefaults().region;
    return region ? [region] : [];
  }

  /**
   * A command line's scope: the profiles named (else AWS_PROFILE, else every
   * profile), each in the regions named (else every CodePipeline region with
   * `allRegions`, else its own region, else AWS_REGION). `unplaced` lists the
   * profiles left with no region.
   */
  scope(o: { profiles: string[]; regions: string[]; allRegions: boolean }): { pairs: Array<{ profile: ProfileInfo; region: string }>; unplaced: string[] } {
    const env = envDefaults();
    const names = o.profiles.length ? o.profiles : env.profile ? [env.profile] : this.profiles().map((p) => p.name);
    const unplaced: string[] = [];
    const pairs = names.flatMap((name) => {
      const profile = this.profile(name);
      const regions = o.allRegions
        ? CODEPIPELINE_REGIONS.map((r) => r.code)
        : o.regions.length
          ? o.regions
          : [profile.region ?? env.region].filter((r): r is string => !!r);
      if (!regions.length) unplaced.push(name);
      return regions.map((region) => ({ profile, region }));
    });
    return { pairs, unplaced };
  }

  /**
   * What the explorer covers: the saved choice, else the defaults: the AWS_PROFILE
   * profile when that is set (plus the sandbox's), else every profile, each in its own region.
   */
  workspace(): { profiles: ProfileInfo[]; regions: string[]; isDefault: boolean } {
    const ws = this.settings().workspace;
    const all = this.profiles();
    const envProfile = envDefaults().profile && all.find((p) => p.name === envDefaults().profile);
    // The sandbox's narrower users reach accounts its main profiles already cover: opt-in only.
    const users = new Set(this.sandbox.instance?.config.users.map((u) => u.name) ?? []);
    const defaults = (envProfile ? all.filter((p) => p === envProfile || p.group === 'sandbox') : all).filter(
      (p) => p.group !== 'sandbox' || !users.has(p.name),
    );
    const chosen = ws.profiles.length ? all.filter((p) => ws.profiles.includes(p.name)) : defaults;
    const regions = ws.regions.length ? ws.regions : [...new Set(chosen.flatMap((p) => this.defaultRegions(p)))];
    return { profiles: chosen, regions, isDefault: !ws.profiles.length && !ws.regions.length };
  }

  viewOf(p: ProfileInfo): ProfileView {
    const s = this.states.get(p.name);
    return {
      name: p.name,
      group: p.group,
      kind: p.kind,
      region: p.region ?? null,
      endpoint: p.endpoint ?? null,
      roleArn: p.roleArn ?? null,
      sourceProfile: p.sourceProfile ?? null,
      mfa: !!p.mfaSerial,
      ssoSession: p.ssoSession ?? null,
      chain: p.chain,
      problems: p.problems,
      state: p.problems.length ? 'error' : (s?.state ?? 'unchecked'),
      message: p.problems.length ? p.problems.join(' ') : (s?.message ?? null),
      accountId: s?.accountId ?? null,
      arn: s?.arn ?? null,
      alias: s?.alias ?? null,
      checkedAt: s?.checkedAt ?? null,
    };
  }

  view(): AccountsView {
    const ws = this.workspace();
    return {
      profiles: this.profiles().map((p) => this.viewOf(p)),
      configProblems: this.problems,
      files: this.files,
      regions: [...CODEPIPELINE_REGIONS],
      workspace: { profiles: ws.profiles.map((p) => p.name), regions: ws.regions, isDefault: ws.isDefault },
    };
  }

  identityOf(name: string): IdentityState | undefined {
    return this.states.get(name);
  }

  /** Identities learnt elsewhere (the explorer's listing) count as checks too. */
  recordIdentity(profile: ProfileInfo, id: { accountId: string; arn: string; alias: string | null }): void {
    const prev = this.states.get(profile.name);
    if (prev?.state === 'ok' && prev.accountId === id.accountId) return;
    this.states.set(profile.name, { state: 'ok', message: null, ...id, checkedAt: new Date().toISOString() });
    this.hub.emit('accounts.changed', { profiles: [this.viewOf(profile)] });
  }

  /** Checks identities, streaming each profile's state as it is known. */
  async check(names: string[] | undefined, interactive: boolean, signal?: AbortSignal): Promise<ProfileView[]> {
    const targets = this.profiles()
      .filter((p) => !names || names.includes(p.name))
      .filter((p) => p.problems.length === 0)
      .map((p) => ({ key: `identity:${p.name}`, profile: p, region: p.region }));
    if (interactive) for (const t of targets) this.broker.invalidate(t.profile.name);
    await this.fanout.run(
      targets,
      async (t, gate, sig) => {
        if (interactive) await this.broker.resolveInteractive(t.profile);
        return whoAmI(this.clients, t.profile, gate, sig);
      },
      {
        signal,
        onOutcome: (o) => {
          const now = new Date().toISOString();
          if (o.ok && o.value) this.states.set(o.target.profile.name, { state: 'ok', message: null, ...o.value, checkedAt: now });
          else {
            const kind = o.error?.kind;
            const state: ProfileState =
              kind === 'needs-mfa'
                ? 'needs-mfa'
                : kind === 'needs-sso-login'
                  ? 'needs-sso-login'
                  : kind === 'expired-credentials'
                    ? 'expired'
                    : kind === 'network'
                      ? 'unreachable'
                      : 'error';
            const prev = this.states.get(o.target.profile.name);
            this.states.set(o.target.profile.name, {
              state,
              message: o.error?.message ?? null,
              accountId: prev?.accountId ?? null,
              arn: prev?.arn ?? null,
              alias: prev?.alias ?? null,
              checkedAt: now,
            });
          }
          this.hub.emit('accounts.changed', { profiles: [this.viewOf(o.target.profile)] });
        },
      },
    );
    return this.profiles()
      .filter((p) => !names || names.includes(p.name))
      .map((p) => this.viewOf(p));
  }

  private askMfa(profile: string, serial: string): Promise<string> {
    const promptId = randomUUID();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.prompts.delete(promptId);
        reject(new Error(`No MFA code was entered for ${profile} within 5 minutes.`));
      }, MFA_TIMEOUT_MS);
      timer.unref?.();
      this.prompts.set(promptId, {
        profile,
        resolve: (code) => {
          clearTimeout(timer);
          resolve(code);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.hub.emit('accounts.mfaPrompt', { promptId, profile, serial });
    });
  }

  answerMfa(promptId: string, code: string): boolean {
    const p = this.prompts.get(promptId);
    if (!p) return false;
    this.prompts.delete(promptId);
    p.resolve(code);
    return true;
  }

  cancelMfa(promptId: string): boolean {
    const p = this.prompts.get(promptId);
    if (!p) return false;
    this.prompts.delete(promptId);
    p.reject(Object.assign(new Error(`MFA entry for ${p.profile} was cancelled.`), { name: 'MfaRequiredError' }));
    return true;
  }

  close(): void {
    for (const id of [...this.prompts.keys()]) this.cancelMfa(id);
    this.clients.destroy();
  }
}
