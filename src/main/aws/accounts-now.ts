// Accounts as the production rule (shared/safety/production.ts) sees them at the
// moment of confirming or acting: one home for gathering that evidence, so a
// cleanup, a bucket deletion and the live-updates setup judge an account alike.
import type { AccountConfirmationView } from '../../shared/api/artifacts';
import { accountVerdict, planAccounts, type PlanAccount } from '../../shared/safety/confirmation';
import { markOf, type ProductionMarks } from '../../shared/safety/production';
import type { AwsAccess } from './access';
import type { ProfileInfo } from './profiles';

/** An account as a page shows it before a person types: the word asked for, or none. */
export const accountConfirmationView = (a: PlanAccount): AccountConfirmationView => {
  const verdict = accountVerdict(a);
  return { accountId: a.accountId, accountAlias: a.accountAlias, productionVerdict: verdict.kind, productionWord: verdict.word };
};

/** The profiles an identity check found reaching the account, the preferred one first (no call made). */
function reachingNow(accounts: AwsAccess, accountId: string, preferred?: string): ProfileInfo[] {
  const reaching = accounts.profiles().filter((p) => {
    const id = accounts.identityOf(p.name);
    return !p.problems.length && id?.state === 'ok' && id.accountId === accountId;
  });
  return [...reaching.filter((p) => p.name === preferred), ...reaching.filter((p) => p.name !== preferred)];
}

/**
 * The identities that decide (the profiles named here, those known to reach these
 * accounts, and any never checked) are checked now, without prompting; then each
 * account gets every profile that reaches it, the alias as read now and the settings'
 * mark. What a plan or an audit said of the alias is kept only to be named when it is
 * not the live one: a file's word never makes an account less production, nor confirms one.
 */
export async function accountsNow(
  accounts: AwsAccess,
  marks: ProductionMarks | undefined,
  wanted: ReadonlyArray<Pick<PlanAccount, 'accountId' | 'accountAlias' | 'profile'>>,
): Promise<PlanAccount[]> {
  const ids = new Set(wanted.map((w) => w.accountId));
  const named = new Set(wanted.map((w) => w.profile));
  const toCheck = accounts
    .profiles()
    .filter((p) => !p.problems.length)
    .filter((p) => {
      const id = accounts.identityOf(p.name);
      return named.has(p.name) || id?.state !== 'ok' || ids.has(id.accountId ?? '');
    })
    .map((p) => p.name);
  if (toCheck.length) await accounts.check(toCheck, false);
  return planAccounts(wanted).map((a) => {
    const reaching = reachingNow(accounts, a.accountId, a.profile);
    const alias = reaching.map((p) => accounts.identityOf(p.name)?.alias).find((x) => !!x) ?? null;
    return {
      accountId: a.accountId,
      accountAlias: alias,
      ...(a.accountAlias && a.accountAlias !== alias ? { planAlias: a.accountAlias } : {}),
      profile: a.profile,
      profiles: reaching.map((p) => p.name).filter((p) => p !== a.profile),
      marked: markOf(a.accountId, marks),
    };
  });
}
