// The accounts' state: the profiles and workspace as the main process sees them,
// whether a check is running, and the MFA and SSO prompts waiting for the user.
import { create } from 'zustand';
import type { AccountsView } from '../../../../shared/api/accounts';

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
}

const initial: AccountsState = { accounts: null, checking: false, mfaPrompts: [], ssoPrompt: null };

export const useAccountsStore = create<AccountsState>()(() => ({ ...initial }));

export function resetAccountsStore(): void {
  useAccountsStore.setState({ ...initial }, true);
}
