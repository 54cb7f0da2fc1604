// "Production", decided in one place for cleanups, approvals, stops and releases.
//
// Production is a property of an account, by its id: whichever profile reaches an
// account, the answer is the same. An account is production when ANY of these says
// so: its alias ("prod", "production", "acme-prod-eu"…), the name of any profile
// known to reach it, or the user's settings (the account id listed as production).
// The word a person types to act there is the name that said so: the alias, else
// that profile's name, else (a setting) the account id.
//
// Nothing saying "production" is not proof of the opposite, so the rule fails safe:
// - the account is known NOT to be production only when its alias is known and does
//   not say so, or the settings list its id as not production (a name or alias that
//   says production still wins over that setting);
// - otherwise (no alias: none, or iam:ListAccountAliases denied, as is common for
//   least-privilege roles; and no setting) it is "unknown", and the word is the
//   12-digit account id itself;
// - when even the account id is unknown (the identity check failed), nothing can
//   confirm the action: a person cannot confirm an account nobody can name, and
//   credentials that cannot call GetCallerIdentity would not get far anyway. The
//   action is refused until the profile's identity is checked.
// The main process gathers the evidence (a fresh identity check at the moment of
// acting); this module only judges it.
//
// A release approval is confirmed by its environment's name (`releaseProductionWord`),
// since a person promotes an environment, not an account; an environment needs it when
// any of its targets' accounts is production, unknown or unidentified.

/** A name that looks like production. */
export const looksLikeProduction = (name: string | null | undefined): name is string => !!name && /prod/i.test(name);

/** What the user's settings say of an account id. */
export type AccountMark = 'production' | 'not-production';

/** The settings' lists (Settings.accounts): account ids marked production, and marked not production. */
export interface ProductionMarks {
  production: readonly string[];
  notProduction: readonly string[];
}

/** What a listing of the account says; production wins when it is in both lists. */
export function markOf(accountId: string | null | undefined, marks: ProductionMarks | undefined): AccountMark | null {
  if (!accountId || !marks) return null;
  if (marks.production.includes(accountId)) return 'production';
  return marks.notProduction.includes(accountId) ? 'not-production' : null;
}

/** Everything known about one account that the rule reads. */
export interface AccountNames {
  /** The account's id, once an identity check found it (null: not identified). */
  accountId: string | null;
  /** The alias, when a profile of the account could read it (null: none, denied, or not read yet). */
  accountAlias: string | null;
  /** Every profile name known to reach the account (one is enough). */
  profiles: readonly string[];
  /** What the user's settings say of the account id. */
  marked?: AccountMark | null;
}

export type ProductionVerdict =
  /** Something says production: `word` is what said so. */
  | { kind: 'production'; word: string }
  /** Nothing says either way: the account id is the word. */
  | { kind: 'unknown'; word: string }
  /** The account is not identified: nothing can confirm an action there yet. */
  | { kind: 'unidentified'; word: null }
  | { kind: 'not-production'; word: null };

export function productionVerdict(a: AccountNames): ProductionVerdict {
  if (looksLikeProduction(a.accountAlias)) return { kind: 'production', word: a.accountAlias };
  const named = a.profiles.find(looksLikeProduction);
  if (named) return { kind: 'production', word: named };
  if (!a.accountId) return { kind: 'unidentified', word: null };
  if (a.marked === 'production') return { kind: 'production', word: a.accountId };
  if (a.marked === 'not-production' || a.accountAlias) return { kind: 'not-production', word: null };
  return { kind: 'unknown', word: a.accountId };
}

/** The word to type before acting in this account, or null when none is (not production, or not identified: see `productionVerdict`). */
export const productionWord = (a: AccountNames): string | null => productionVerdict(a).word;

/** Production for certain: an alias, a profile or a setting says so. */
export const isProduction = (a: AccountNames): boolean => productionVerdict(a).kind === 'production';

/** Whether acting here needs more than a click: production, unknown, or not identified. */
export const needsProductionConfirmation = (a: AccountNames): boolean => productionVerdict(a).kind !== 'not-production';

/** A release environment is production when any of its targets' accounts may be; its word is then its name. */
export function releaseProductionWord(environment: string, targets: readonly AccountNames[]): string | null {
  return targets.some(needsProductionConfirmation) ? environment : null;
}
