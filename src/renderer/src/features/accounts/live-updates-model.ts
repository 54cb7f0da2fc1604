// Pure view logic for the live-updates setup: which targets "Set up all" takes, the
// one setup input it makes of them (with the hub the user chose), the hub's choices,
// and how far the creation has come.
import type { EventsPlanView, EventsSetupInput, EventsTargetStatus, ResourceOutcome } from '../../../../shared/api/events';

export type LiveUpdatesTarget = { profile: string; region: string };
/** The hub as the dialog chose it: a profile, and one region for all or (undefined) each watched region its own. */
export type HubChoice = { profile: string; region?: string };

/**
 * What "Set up all polled targets" takes: the targets polled only because nothing was set up.
 * A target whose last setup failed (its reason goes on "not set up: the last setup failed: …"),
 * or that is not permitted, is left to its own row, where the reason is read first.
 */
export const notSetUpTargets = (statuses: readonly EventsTargetStatus[]): LiveUpdatesTarget[] =>
  statuses.filter((t) => t.mode === 'polled' && t.reason === 'not set up').map((t) => ({ profile: t.profile, region: t.region }));

/** One setup for several targets: each profile once with its regions, in the order given, and the chosen hub. */
export function setupInputOf(targets: readonly LiveUpdatesTarget[], hub: HubChoice): EventsSetupInput {
  const byProfile = new Map<string, string[]>();
  for (const t of targets) {
    const regions = byProfile.get(t.profile) ?? [];
    if (!regions.includes(t.region)) regions.push(t.region);
    byProfile.set(t.profile, regions);
  }
  return {
    targets: [...byProfile].map(([profile, regions]) => ({ profile, regions })),
    hubProfile: hub.profile,
    ...(hub.region ? { hubRegion: hub.region } : {}),
  };
}

const unique = (xs: Iterable<string>) => [...new Set(xs)];

/** The profiles that can be the hub: the workspace's (the targets' own first). */
export const hubProfileChoices = (targets: readonly LiveUpdatesTarget[], workspaceProfiles: readonly string[], statuses: readonly EventsTargetStatus[]) =>
  unique([...targets.map((t) => t.profile), ...workspaceProfiles, ...statuses.map((s) => s.profile)]);

/** The regions one hub region for all can be: the workspace's (the targets' own first). */
export const hubRegionChoices = (targets: readonly LiveUpdatesTarget[], workspaceRegions: readonly string[], statuses: readonly EventsTargetStatus[]) =>
  unique([...targets.map((t) => t.region), ...workspaceRegions, ...statuses.map((s) => s.region)]);

/** How many of the plan's resources have an outcome yet (`events.resource` as they come), and how many failed. */
export function progressOf(plan: EventsPlanView, outcomes: readonly ResourceOutcome[]): { done: number; total: number; failed: number } {
  const ids = new Set(plan.resources.map((r) => r.id));
  const mine = outcomes.filter((o) => ids.has(o.id));
  return {
    done: mine.length,
    total: ids.size,
    failed: mine.filter((o) => o.outcome === 'failed' || o.outcome === 'refused' || o.outcome === 'skipped').length,
  };
}
