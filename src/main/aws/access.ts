// What the features need of the accounts, as a port: SDK clients, the fan-out
// engine, profiles, identities and the workspace. The accounts feature implements
// it (AccountsService); the others depend on this interface, never on that class.
import type { ProfileState } from '../../shared/api/accounts';
import type { AwsClients } from './clients';
import type { FanOut } from './fanout';
import type { ProfileInfo } from './profiles';

/** What an identity check found for a profile (or why it could not). */
export interface IdentityState {
  state: ProfileState;
  message: string | null;
  accountId: string | null;
  arn: string | null;
  alias: string | null;
  checkedAt: string | null;
}

export interface AwsAccess {
  readonly clients: AwsClients;
  readonly fanout: FanOut;
  /** The named profile; throws NOT_FOUND when there is none. */
  profile(name: string): ProfileInfo;
  profiles(): ProfileInfo[];
  workspace(): { profiles: ProfileInfo[]; regions: string[]; isDefault: boolean };
  identityOf(name: string): IdentityState | undefined;
  /** Checks these profiles' identities now (all when undefined), never prompting when `interactive` is false; each outcome lands in `identityOf`. */
  check(names: string[] | undefined, interactive: boolean): Promise<unknown>;
  recordIdentity(profile: ProfileInfo, id: { accountId: string; arn: string; alias: string | null }): void;
}
