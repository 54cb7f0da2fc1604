// The typed confirmations a real cleanup needs, as one rule for the app, the
// main process and the CLI: every account of the plan typed (id or alias), and
// an account whose alias looks like production confirmed a second time.
export interface PlanAccount {
  accountId: string;
  accountAlias: string | null;
}

/** An alias that looks like production ("prod", "production", "acme-prod-eu"…). */
export const looksLikeProduction = (alias: string | null | undefined): alias is string => !!alias && /prod/i.test(alias);

/** Each account of the plan once, with its alias. */
export function planAccounts(items: PlanAccount[]): PlanAccount[] {
  return [...new Map(items.map((i) => [i.accountId, i.accountAlias])).entries()].map(([accountId, accountAlias]) => ({ accountId, accountAlias }));
}

/** What is still missing: accounts not typed, and production accounts not confirmed again (by alias). */
export function missingConfirmations(
  items: PlanAccount[],
  typed: string[],
  prodConfirmed: string[],
): { untyped: PlanAccount[]; unconfirmedProd: PlanAccount[] } {
  const accounts = planAccounts(items);
  return {
    untyped: accounts.filter((a) => !typed.includes(a.accountId) && !(a.accountAlias && typed.includes(a.accountAlias))),
    unconfirmedProd: accounts.filter((a) => looksLikeProduction(a.accountAlias) && !prodConfirmed.includes(a.accountAlias)),
  };
}
