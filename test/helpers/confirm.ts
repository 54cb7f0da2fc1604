// What a person types to confirm a cleanup, for tests and benchmarks: every
// account of the plan by id, and each production account's word again.
import type { CleanupPlan } from '../../src/shared/artifacts/plan';
import { accountProductionWord, confirm, planAccounts, type Confirmed, type PlanAccount } from '../../src/shared/safety/confirmation';
import type { EventsService } from '../../src/main/events';
import type { EventsSetupInput } from '../../src/shared/api/events';

export function confirmedCleanup(plan: Pick<CleanupPlan, 'items'>): Confirmed<'cleanup'> {
  const accounts = planAccounts(plan.items);
  return confirm({ kind: 'cleanup', accounts }, { words: accounts.map((a) => a.accountId), production: accounts.map((a) => accountProductionWord(a) ?? '') });
}

/** A person who saw the whole live-updates plan and typed every production word it asks for (tests of the setup itself). */
export async function applyLiveUpdates(svc: EventsService, input: EventsSetupInput) {
  const seen = (await svc.plan(input)).resources.map((r) => r.id);
  const request = await svc.setupRequest(input, seen);
  return svc.apply(input, { confirmed: confirm(request, { words: [], production: everyWord(request.accounts) }), resources: seen });
}

/** As applyLiveUpdates, for remove: everything its plan lists, confirmed. */
export async function removeLiveUpdates(svc: EventsService, input: { targets: Array<{ profile: string; regions: string[] }> }) {
  const seen = (await svc.removePlan(input)).resources.map((r) => r.id);
  const request = await svc.removeRequest(input, seen);
  return svc.remove(input, { confirmed: confirm(request, { words: [], production: everyWord(request.accounts) }), resources: seen });
}

const everyWord = (accounts: readonly PlanAccount[]) => accounts.map((a) => accountProductionWord(a) ?? '');
