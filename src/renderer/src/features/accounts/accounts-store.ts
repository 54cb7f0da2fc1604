// The accounts' state: the profiles and workspace as the main process sees them,
// whether a check is running, and the MFA and SSO prompts waiting for the user.
import { create } from 'zustand';
import type { AccountsView } from '../../../../shared/api/accounts';
import type { EventsTargetStatus, EventsTestResult, ResourceOutcome } from '../../../../shared/api/events';

export interface MfaPromptState {
  promptId: string;
  profile: string;
  serial: string;
}

export interface AccountsState {
  accounts: AccountsView | null;
  checking: boolean;
  mfaPrompts: MfaPromptState[];
  ssoPrompt: { profile: string; verificationUri: string; userCode: string } | null;
  /** Live updates: each watched target's mode (null until read). */
  liveUpdates: EventsTargetStatus[] | null;
  /** The outcomes of the running (or last) setup or removal, as `events.resource` reports them. */
  liveUpdatesOutcomes: ResourceOutcome[];
  /** The last test per target (`profile/region`); 'running' while it runs. */
  liveUpdatesTests: Record<string, EventsTestResult | 'running'>;
}

const initial: AccountsState = {
  accounts: null,
  checking: false,
  mfaPrompts: [],
  ssoPrompt: null,
  liveUpdates: null,
  liveUpdatesOutcomes: [],
  liveUpdatesTests: {},
};

export const useAccountsStore = create<AccountsState>()(() => ({ ...initial }));

export function resetAccountsStore(): void {
  useAccountsStore.setState({ ...initial }, true);
}
