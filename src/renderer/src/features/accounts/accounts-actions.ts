// Accounts actions: load profiles, check identities, MFA and SSO prompts, workspace;
// and the routing of the accounts' events into their store.
import type { ApiClient } from '../../../../shared/api/client';
import type { ProfileView } from '../../../../shared/api/accounts';
import type { EventsPlanView, EventsRemovePlan, EventsSetupInput, ResourceOutcome } from '../../../../shared/api/events';
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

// Live updates (issue 24): the setup takes the targets and hub its dialog chose (setupInputOf); test and removal one watched account and region, as the card's rows do.
const targetsOf = (profile: string, region: string): EventsSetupInput => ({ targets: [{ profile, regions: [region] }] });
export const liveUpdatesKey = (profile: string, region: string) => `${profile}/${region}`;

export async function loadLiveUpdates(): Promise<void> {
  const r = await call('events.status', {});
  if (r) set({ liveUpdates: r.targets });
}

/** What the setup would create for these targets and this hub (setupInputOf); nothing is created. */
export async function planLiveUpdates(input: EventsSetupInput): Promise<EventsPlanView | undefined> {
  return call('events.plan', input);
}

function recordOutcome(o: ResourceOutcome): void {
  // By id: the call's own answer repeats what the events already said.
  set((s) => ({ liveUpdatesOutcomes: [...s.liveUpdatesOutcomes.filter((x) => x.id !== o.id), o] }));
}

/**
 * Creates what the plan the person saw names (`resources`, its ids; `production`, the words they typed);
 * outcomes arrive one by one as `events.resource`, then the modes are read again.
 */
export async function applyLiveUpdates(input: EventsSetupInput, resources: string[], production: string[]): Promise<boolean | undefined> {
  set({ liveUpdatesOutcomes: [] });
  const r = await call('events.apply', { ...input, resources, production });
  if (r) r.outcomes.forEach(recordOutcome);
  await loadLiveUpdates();
  return r?.ok;
}

export async function liveUpdatesTemplates(input: EventsSetupInput): Promise<{ member: string; hub: string } | undefined> {
  return call('events.template', input);
}

export async function testLiveUpdates(profile: string, region: string): Promise<void> {
  const key = liveUpdatesKey(profile, region);
  set((s) => ({ liveUpdatesTests: { ...s.liveUpdatesTests, [key]: 'running' } }));
  const r = await call('events.test', { profile, region });
  set((s) => {
    const tests = { ...s.liveUpdatesTests };
    if (r) tests[key] = r;
    else delete tests[key];
    return { liveUpdatesTests: tests };
  });
}

export async function planLiveUpdatesRemoval(profile: string, region: string): Promise<EventsRemovePlan | undefined> {
  return call('events.removePlan', targetsOf(profile, region));
}

/** Deletes what the removal plan the person saw lists (`resources`), with the production words they typed. */
export async function removeLiveUpdates(profile: string, region: string, resources: string[], production: string[]): Promise<boolean | undefined> {
  set({ liveUpdatesOutcomes: [] });
  const r = await call('events.remove', { targets: targetsOf(profile, region).targets, confirmed: true, resources, production });
  if (r) r.outcomes.forEach(recordOutcome);
  await loadLiveUpdates();
  return r?.ok;
}

export function subscribeAccountsEvents(a: ApiClient): Array<() => void> {
  return [
    a.on('events.resource', recordOutcome),
    a.on('accounts.changed', (p) => mergeProfiles(p.profiles)),
    a.on('accounts.mfaPrompt', (p) => set((s) => ({ mfaPrompts: [...s.mfaPrompts, p] }))),
    a.on('accounts.ssoPrompt', (p) => set({ ssoPrompt: p })),
    // A new or reseeded sandbox brings other profiles.
    a.on('sandbox.changed', () => void loadAccounts()),
  ];
}
