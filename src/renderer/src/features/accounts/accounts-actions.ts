// Accounts actions: load profiles, check identities, MFA and SSO prompts, workspace.
import type { EventPayload } from '../../../../shared/api/contract';
import type { ProfileView } from '../../../../shared/api/accounts';
import { call, pushToast, updateSettings } from '../../store/actions';
import { useAppStore } from '../../store/store';

const set = useAppStore.setState;

export async function loadAccounts(reload = false): Promise<void> {
  const accounts = await call('accounts.list', { reload });
  if (accounts) set({ accounts });
}

function mergeProfiles(updated: ProfileView[]): void {
  set((s) => {
    if (!s.accounts) return s;
    const by = new Map(updated.map((p) => [p.name, p]));
    return { accounts: { ...s.accounts, profiles: s.accounts.profiles.map((p) => by.get(p.name) ?? p) } };
  });
}

export async function checkProfiles(profiles?: string[], interactive = false): Promise<void> {
  set({ checking: true });
  const r = await call('accounts.check', { profiles, interactive });
  if (r) mergeProfiles(r.profiles);
  set({ checking: false });
}

export async function answerMfa(promptId: string, code: string): Promise<void> {
  set((s) => ({ mfaPrompts: s.mfaPrompts.filter((p) => p.promptId !== promptId) }));
  const r = await call('accounts.answerMfa', { promptId, code });
  if (r && !r.accepted) pushToast('warning', 'That MFA prompt had already expired; check the profile again.');
}

export async function cancelMfa(promptId: string): Promise<void> {
  set((s) => ({ mfaPrompts: s.mfaPrompts.filter((p) => p.promptId !== promptId) }));
  await call('accounts.cancelMfa', { promptId });
}

export async function ssoLogin(profile: string): Promise<void> {
  await call('accounts.ssoLogin', { profile });
}

export function dismissSsoPrompt(): void {
  set({ ssoPrompt: null });
}

export async function saveWorkspace(profiles: string[], regions: string[]): Promise<void> {
  await updateSettings({ workspace: { profiles, regions } });
  await loadAccounts();
}

export const onAccountsEvent = {
  changed(p: EventPayload<'accounts.changed'>) {
    mergeProfiles(p.profiles);
  },
  mfaPrompt(p: EventPayload<'accounts.mfaPrompt'>) {
    set((s) => ({ mfaPrompts: [...s.mfaPrompts, p] }));
  },
  ssoPrompt(p: EventPayload<'accounts.ssoPrompt'>) {
    set({ ssoPrompt: p });
  },
};
