// What a person types to confirm a cleanup, for tests and benchmarks: every
// account of the plan by id, and each production account's word again.
import type { CleanupPlan } from '../../src/shared/artifacts/plan';
import { accountProductionWord, confirm, planAccounts, type Confirmed } from '../../src/shared/safety/confirmation';

export function confirmedCleanup(plan: Pick<CleanupPlan, 'items'>): Confirmed<'cleanup'> {
  const accounts = planAccounts(plan.items);
  return confirm({ kind: 'cleanup', accounts }, { words: accounts.map((a) => a.accountId), production: accounts.map((a) => accountProductionWord(a) ?? '') });
}
