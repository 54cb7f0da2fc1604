// Accounts actions: load profiles, check identities, MFA and SSO prompts, workspace;
// and the routing of the accounts' events into their store.
import type { ApiClient } from '../../../../shared/api/client';
import type { ProfileView } from '../../../../shared/api/accounts';
import { call, pushToast, updateSettings } from '../../store/actions';
import { useAccountsStore } from './accounts-store';

const set = useAccountsStore.setState;

export async function loadAccounts(reload = false): Promise<void> {
  const accounts = await call('accounts.list', { reload });
  if (accounts) set({ accounts });
}

/** The server lost this window's session (or events): profile states it missed are read again. */
export async function resubscribeAccounts(): Promise<void> {
  if (useAccountsStore.getState().accounts) await loadAccounts();
}

/** Reloads the files (the user may have edited them), then checks the unchecked profiles in the background: never prompts. */
export async function refreshAccounts(): Promise<void> {
  await loadAccounts(true);
  const unchecked = useAccountsStore.getState().accounts?.profiles.filter((p) => p.state === 'unchecked') ?? [];
  if (unchecked.length) await checkProfiles(unchecked.map((p) => p.name));
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

export function subscribeAccountsEvents(a: ApiClient): Array<() => void> {
  return [
    a.on('accounts.changed', (p) => mergeProfiles(p.profiles)),
    a.on('accounts.mfaPrompt', (p) => set((s) => ({ mfaPrompts: [...s.mfaPrompts, p] }))),
    a.on('accounts.ssoPrompt', (p) => set({ ssoPrompt: p })),
    // A new or reseeded sandbox brings other profiles.
    a.on('sandbox.changed', () => void loadAccounts()),
  ];
}
