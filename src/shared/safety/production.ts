// "Production", decided in one place for cleanups, approvals, stops and releases.
//
// An account is production when its alias, or the name of any profile that reaches
// it, says "prod" ("prod", "production", "acme-prod-eu"…). The word a person types
// to act there is the name that said so: the alias when it does, else that
// profile's name. (A release approval is confirmed by its environment's name,
// `releaseProductionWord`, since a person promotes an environment, not an account.)

/** A name that looks like production. */
export const looksLikeProduction = (name: string | null | undefined): name is string => !!name && /prod/i.test(name);

export interface AccountNames {
  accountAlias: string | null;
  /** Every profile name known to reach the account (one is enough). */
  profiles: readonly string[];
}

/** The word to type before acting in this account, or null when it is not production. */
export function productionWord(a: AccountNames): string | null {
  if (looksLikeProduction(a.accountAlias)) return a.accountAlias;
  return a.profiles.find(looksLikeProduction) ?? null;
}

export const isProduction = (a: AccountNames): boolean => productionWord(a) !== null;

/** A release environment is production when any of its targets' accounts is; its word is then its name. */
export function releaseProductionWord(environment: string, targets: readonly AccountNames[]): string | null {
  return targets.some(isProduction) ? environment : null;
}
