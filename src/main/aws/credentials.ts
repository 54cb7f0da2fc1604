// Credentials, held in the main process only. Each profile gets one provider,
// built by the SDK's own chain (fromIni: static keys, role chains with MFA, SSO,
// credential_process, web identity), with the role chain's STS calls sent to the
// profile's endpoint (fromIni ignores it otherwise). Results are cached until
// shortly before they expire; nothing is persisted.
import { fromIni } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { MfaRequiredError } from './errors';
import { endpointFor, stsEndpointForChain, type ProfileInfo } from './profiles';

export type MfaPrompter = (profile: string, serial: string) => Promise<string>;

const REFRESH_BEFORE_MS = 5 * 60 * 1000;

interface Entry {
  interactive: boolean;
  pending?: Promise<AwsCredentialIdentity>;
  value?: AwsCredentialIdentity;
}

export class CredentialBroker {
  private entries = new Map<string, Entry>();

  constructor(
    private profiles: () => ProfileInfo[],
    private promptMfa: MfaPrompter,
  ) {}

  /**
   * A provider for SDK clients. Non-interactive providers never prompt: a profile that
   * needs an MFA code fails with MfaRequiredError until an interactive call got one.
   */
  provider(profile: ProfileInfo): AwsCredentialIdentityProvider {
    return () => this.resolve(profile, false);
  }

  /** Resolves with prompting allowed (a user action: "Enter MFA", "Check"). */
  resolveInteractive(profile: ProfileInfo): Promise<AwsCredentialIdentity> {
    return this.resolve(profile, true);
  }

  private fresh(c: AwsCredentialIdentity | undefined): c is AwsCredentialIdentity {
    return !!c && (!c.expiration || c.expiration.getTime() - Date.now() > REFRESH_BEFORE_MS);
  }

  private resolve(profile: ProfileInfo, interactive: boolean): Promise<AwsCredentialIdentity> {
    const entry = this.entries.get(profile.name) ?? { interactive };
    this.entries.set(profile.name, entry);
    if (this.fresh(entry.value)) return Promise.resolve(entry.value);
    if (entry.pending && (entry.interactive || !interactive)) return entry.pending;
    entry.interactive = interactive;
    const p = this.build(profile, interactive)().then(
      (value) => {
        entry.value = value;
        if (entry.pending === p) entry.pending = undefined;
        return value;
      },
      (err) => {
        if (entry.pending === p) entry.pending = undefined;
        throw err;
      },
    );
    entry.pending = p;
    return p;
  }

  private build(profile: ProfileInfo, interactive: boolean): AwsCredentialIdentityProvider {
    // A discovered account's role: the org feature holds and refreshes those credentials (one call per role in flight).
    if (profile.identityCenterRole) return profile.identityCenterRole.credentials;
    if (profile.staticCredentials) {
      const c = profile.staticCredentials;
      return () => Promise.resolve({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey });
    }
    // The calls a provider makes itself: STS for role chains, the SSO portal for SSO profiles.
    const stsEndpoint = profile.kind === 'sso' ? endpointFor(profile, 'sso') : stsEndpointForChain(profile, this.profiles());
    return fromIni({
      profile: profile.name,
      ignoreCache: true,
      mfaCodeProvider: (serial: string) =>
        interactive ? this.promptMfa(profile.name, serial) : Promise.reject(new MfaRequiredError(`Profile ${profile.name} needs an MFA code (${serial}).`)),
      clientConfig: { region: profile.region ?? 'us-east-1', ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) },
    });
  }

  /** Forget cached credentials (one profile, or all), e.g. after the config files changed. */
  invalidate(name?: string): void {
    if (name) this.entries.delete(name);
    else this.entries.clear();
  }

  /** Whether credentials are cached and fresh (for the UI's state, without a call). */
  hasFresh(name: string): boolean {
    return this.fresh(this.entries.get(name)?.value);
  }
}
