// Live updates (issue 24), the setup side: plan what EventBridge and SQS resources a
// set of watched targets needs, create them with each account's own credentials
// (idempotent, resumable, per-resource outcomes), test the path end to end, say per
// target whether it is event-driven, polled or degraded (and why), and remove
// exactly what the setup created. The last apply's failures per target are kept in
// `events/setup-state.json`, so that status can say "not permitted" with AWS's own
// error rather than a bare "not set up".
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import pLimit from 'p-limit';
import { AppError } from '../../shared/api/errors';
import type { EventsApplyResult, EventsRemovePlan, EventsSetupInput, EventsTargetStatus, EventsTestResult, ResourceOutcome } from '../../shared/api/events';
import {
  HUB_BUS_NAME,
  MEMBER_RULE_NAME,
  PlanInputError,
  oldGrantRevocation,
  planEventsSetup,
  planIds,
  statementIdFor,
  type EventsSetupPlan,
  type PlannedResource,
  type WatchedTarget,
} from '../../shared/events/setup-plan';
import { CODEPIPELINE_REGIONS } from '../../shared/aws/regions';
import { eventsTemplates } from '../../shared/events/setup-template';
import { writeFileAtomic } from '../../node/atomic-file';
import { JsonFileError, readJsonFile } from '../../node/json-file';
import { inTurn } from '../../node/lock-file';
import { rename } from 'node:fs/promises';
import { classifyAwsError } from '../aws/errors';
import type { AwsAccess } from '../aws/access';
import type { ProfileInfo } from '../aws/profiles';
import { assertConfirmed, type Confirmed, type LiveUpdatesChange } from '../../shared/safety/confirmation';
import type { ProductionMarks } from '../../shared/safety/production';
import { accountConfirmationView, accountsNow } from '../aws/accounts-now';
import {
  disabledRegions,
  ensureResource,
  hubBusStatements,
  putTestEvent,
  readHub,
  readMemberRule,
  receiveTestEvent,
  removeResource,
  type HubState,
  type MemberRuleState,
} from './events-calls';
import { laterOf, queueKey, readLastEvents, type HubQueue } from './queue-reader';

export type OutcomeListener = (o: ResourceOutcome) => void;
type TargetsInput = { targets: Array<{ profile: string; regions: string[] }> };

const SetupState = z.object({
  version: z.literal(1),
  /** Per "profile/region": the last apply's failure for that target's own resources, if any. */
  targets: z.record(z.string(), z.object({ at: z.string(), failure: z.object({ message: z.string(), awsCode: z.string().nullable() }).nullable() })),
});
type SetupState = z.infer<typeof SetupState>;

const FAILED = new Set(['failed', 'refused', 'skipped']);
const DEFAULT_TEST_TIMEOUT_MS = 30_000;
/** A profile whose identity check failed is not checked again for this long by the watchers' status, which runs every minute. */
const IDENTITY_RETRY_MS = 10 * 60_000;

/** The hub a forwarding rule targets: its bus ARN's account and region; null when the ARN is not an event bus's. */
export function hubOfBusArn(arn: string): { accountId: string; region: string } | null {
  const m = /^arn:aws[\w-]*:events:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):event-bus\/[/.\-\w]+$/.exec(arn);
  return m ? { region: m[1], accountId: m[2] } : null;
}

const notABus = (arn: string) => `the forwarding rule's target is not an event bus ARN: ${arn}`;

/** How many regions of one account remove (or a setup moving a rule) reads side by side: ~30 regions, a few calls each. */
const RULE_READS_AT_ONCE = 4;

type FoundRule = Extract<MemberRuleState, { state: 'found' }>;
type RuleRead = MemberRuleState | { error: { message: string; awsCode: string | null } };
/** An account's forwarding rules, per region read (`reached` false: no profile signs in to it, so none was read). */
interface AccountRules {
  account: string;
  reached: boolean;
  regions: Map<string, RuleRead>;
}

/**
 * Which rules of an account still count (`counts`), leaving out those being removed
 * (`removing`, "account/region"), and what could not be read: a gap is never "unused".
 */
function usesOf(rules: AccountRules, removing: ReadonlySet<string>, counts: (r: FoundRule) => boolean): { users: string[]; gaps: string[] } {
  if (!rules.reached) return { users: [], gaps: [`no profile signs in to account ${rules.account}, so its rules cannot be read`] };
  const users: string[] = [];
  const gaps: string[] = [];
  for (const [region, got] of rules.regions) {
    if (removing.has(`${rules.account}/${region}`)) continue;
    if ('error' in got) gaps.push(`account ${rules.account}'s rule in ${region} could not be read (${got.error.message})`);
    else if (got.state === 'found' && counts(got)) users.push(region);
  }
  return { users: users.sort(), gaps };
}

/** Runs `work` over `items`, at most `limit` at a time (p-limit, as the fan-out engine uses it). */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const gate = pLimit(limit);
  await Promise.all(items.map((item) => gate(() => work(item))));
}

/** AWS's message inside a sentence of ours: without its closing period, so the sentence does not end twice. */
const clause = (message: string) => message.trim().replace(/\.+$/, '');

/** What one status() call read of each hub, so targets sharing a hub cost one read of it. */
interface StatusReads {
  periodic: boolean;
  hubProfiles: Map<string, Promise<ProfileInfo | undefined>>;
  hubs: Map<string, Promise<{ ok: HubState } | { err: unknown }>>;
  lastEvents: Map<string, Promise<Record<string, string>>>;
}

/** Per target, when its last event was taken from the queue in this process (the watchers' reader), if it was. */
export type LastEventOf = (t: { profile: string; region: string }) => string | null;

/** What a resource needs in place before it can be made (by plan id). */
function dependsOn(r: PlannedResource, plan: EventsSetupPlan): string[] {
  switch (r.kind) {
    case 'bus-permission':
    case 'dead-letter-queue':
      return [planIds.hubBus(r.account, r.region)];
    case 'queue':
      return [planIds.dlq(r.account, r.region)];
    case 'queue-policy':
      return [planIds.queue(r.account, r.region)];
    case 'hub-rule':
      return [planIds.hubBus(r.account, r.region), planIds.queuePolicy(r.account, r.region)];
    case 'member-rule': {
      const hub = hubOfBusArn(r.targetArn);
      if (!hub) return [planIds.role(r.account)];
      return [planIds.role(r.account), planIds.hubRule(hub.accountId, hub.region), planIds.busPermission(hub.accountId, hub.region, r.account)].filter((id) =>
        plan.resources.some((x) => x.id === id),
      );
    }
    // The old hub's grant goes only once every rule that used it forwards to the new hub.
    case 'old-bus-permission':
      return r.memberRuleIds;
    default:
      return [];
  }
}

const outcomeOf = (r: PlannedResource, o: Pick<ResourceOutcome, 'outcome' | 'message' | 'awsCode'>): ResourceOutcome => ({
  id: r.id,
  kind: r.kind,
  profile: r.profile,
  account: r.account,
  region: r.region,
  name: r.name,
  ...o,
});

function failure(err: unknown): { message: string; awsCode: string | null } {
  const c = classifyAwsError(err);
  const prefix = c.kind === 'access-denied' ? 'not permitted: ' : '';
  return { message: `${prefix}${c.message}`, awsCode: c.code && c.code !== 'Error' ? c.code : null };
}

export const viewOf = ({ id, kind, side, profile, account, region, name, arn, summary }: PlannedResource) => ({
  id,
  kind,
  side,
  profile,
  account,
  region,
  name,
  arn,
  summary,
});

export class EventsService {
  /** Per profile: when its identity check last failed (see checkIdentity). */
  private identityFailedAt = new Map<string, number>();

  constructor(
    private accounts: AwsAccess,
    /** The user-data home: the setup's state, and the hub queues' readers (queue-reader.ts). */
    readonly home: string,
    private opts: { testTimeoutMs?: number; productionMarks?: () => ProductionMarks } = {},
  ) {}

  /**
   * What a person confirms before resources are created or deleted: the plan's resources
   * they saw (by id) that the plan still names now, and their accounts as the production
   * rule sees them now (aws/accounts-now.ts). IAM's 'global' region is no account of its own.
   */
  async changeRequest<K extends 'events-setup' | 'events-remove'>(
    kind: K,
    now: readonly PlannedResource[],
    seen: readonly string[],
  ): Promise<LiveUpdatesChange<K>> {
    const chosen = now.filter((r) => seen.includes(r.id));
    const accounts = await accountsNow(
      this.accounts,
      this.opts.productionMarks?.(),
      chosen.map((r) => ({ accountId: r.account, accountAlias: null, profile: r.profile })),
    );
    // Every rule's hub, seen or not: a plan now sending somewhere the person did not see is not what they confirmed.
    const hubs = [
      ...new Set(
        now.flatMap((r) => {
          const hub = r.kind === 'member-rule' ? hubOfBusArn(r.targetArn) : null;
          return hub ? [`${hub.accountId}:${hub.region}`] : [];
        }),
      ),
    ].sort();
    return { kind, accounts, resources: chosen.map((r) => r.id), hubs };
  }

  /** The setup's confirmation request for the resources a person saw in its plan. */
  async setupRequest(input: EventsSetupInput, seen: readonly string[]): Promise<LiveUpdatesChange<'events-setup'>> {
    return this.changeRequest('events-setup', (await this.plan(input)).resources, seen);
  }

  /** Remove's confirmation request for the resources a person saw in its plan. */
  async removeRequest(input: TargetsInput, seen: readonly string[]): Promise<LiveUpdatesChange<'events-remove'>> {
    return this.changeRequest('events-remove', (await this.removePlan(input)).resources, seen);
  }

  private get stateFile() {
    return join(this.home, 'events', 'setup-state.json');
  }

  private async readState(): Promise<SetupState> {
    try {
      return await readJsonFile(this.stateFile, SetupState);
    } catch {
      // No file yet, or one we cannot read: status then says only what AWS says.
      return { version: 1, targets: {} };
    }
  }

  /**
   * Changes setup-state.json, read-change-write, one change at a time here and in any other process
   * sharing the home (the app and the CLI). A damaged file is kept aside, not written over. The file
   * only explains "polled" in status, so a write that fails is said and does not fail the setup.
   */
  private async changeState(change: (state: SetupState) => void): Promise<void> {
    await inTurn(join(this.home, 'events', 'setup-state.lock'), 'Pipewright (saving events/setup-state.json)', async () => {
      let state: SetupState = { version: 1, targets: {} };
      try {
        state = await readJsonFile(this.stateFile, SetupState);
      } catch (err) {
        if (err instanceof JsonFileError) await rename(this.stateFile, `${this.stateFile}.damaged-${Date.now()}`).catch(() => undefined);
      }
      change(state);
      await writeFileAtomic(this.stateFile, JSON.stringify(state, null, 2));
    }).catch((err: unknown) => console.warn(`events: ${this.stateFile} was not saved: ${err instanceof Error ? err.message : String(err)}`));
  }

  /**
   * Checks a profile's identity unless it is known (no prompt). `periodic`: the watchers'
   * status every minute, which does not ask again a profile whose check failed lately (a
   * person's request checks it again).
   */
  private async checkIdentity(name: string, periodic: boolean): Promise<void> {
    if (this.accounts.identityOf(name)?.accountId) return;
    const failedAt = this.identityFailedAt.get(name);
    if (periodic && failedAt !== undefined && Date.now() - failedAt < IDENTITY_RETRY_MS) return;
    await this.accounts.check([name], false).catch(() => undefined);
    if (this.accounts.identityOf(name)?.accountId) this.identityFailedAt.delete(name);
    else this.identityFailedAt.set(name, Date.now());
  }

  /** The account a profile signs in to, from an identity check (no prompt). */
  private async accountOf(name: string, periodic = false): Promise<string> {
    this.accounts.profile(name);
    await this.checkIdentity(name, periodic);
    const id = this.accounts.identityOf(name);
    if (!id?.accountId)
      throw new AppError('AWS_ERROR', `Cannot tell which account ${name} signs in to: ${clause(id?.message ?? 'its identity check failed')}.`);
    return id.accountId;
  }

  /** A profile that signs in to this account: one of `prefer` first, then any (`periodic`: see checkIdentity). */
  private async profileForAccount(
    account: string,
    prefer: string[],
    opts: { periodic?: boolean; checkedNow?: Set<string> } = {},
  ): Promise<ProfileInfo | undefined> {
    const names = [...new Set([...prefer, ...this.accounts.profiles().map((p) => p.name)])];
    for (const n of names) {
      if (this.accounts.identityOf(n)?.accountId === account) return this.accounts.profile(n);
    }
    for (const n of names) {
      if (this.accounts.identityOf(n)?.accountId) continue;
      // One plan asks each failing profile once, however many accounts it looks for.
      if (opts.checkedNow?.has(n)) continue;
      opts.checkedNow?.add(n);
      await this.checkIdentity(n, opts.periodic ?? false);
      if (this.accounts.identityOf(n)?.accountId === account) return this.accounts.profile(n);
    }
    return undefined;
  }

  /**
   * Why no profile was found for an account when that is not known to be so: the profiles
   * whose identity check failed (or was not made), any of which may sign in to it, those
   * whose role names the account first; null when every check answered.
   */
  private uncheckedFor(account: string): string | null {
    const unchecked = this.accounts.profiles().filter((p) => !this.accounts.identityOf(p.name)?.accountId);
    if (!unchecked.length) return null;
    const names = (p: ProfileInfo) => p.roleArn?.split(':')[4] === account;
    const list = [...unchecked.filter(names), ...unchecked.filter((p) => !names(p))];
    const who =
      list.length > 3
        ? `${list
            .slice(0, 3)
            .map((p) => p.name)
            .join(', ')} and ${list.length - 3} more`
        : list.map((p) => p.name).join(', ');
    const why = this.accounts.identityOf(list[0].name)?.message ?? 'not checked';
    return `the identity of ${who} could not be checked (${clause(why)})`;
  }

  /** The targets ("profile/region") the last setup completed for: only these can be event-driven, so the others cost no call to tell. */
  async setUpTargets(): Promise<Set<string>> {
    const state = await this.readState();
    return new Set(Object.entries(state.targets).flatMap(([key, t]) => (t.failure ? [] : [key])));
  }

  /** A profile that reads the hub account's queue (the target's own first), for the watchers' periodic check. */
  hubProfile(account: string, prefer: string[]): Promise<ProfileInfo | undefined> {
    return this.profileForAccount(account, prefer, { periodic: true });
  }

  async plan(input: EventsSetupInput): Promise<EventsSetupPlan> {
    const watched: WatchedTarget[] = [];
    for (const t of input.targets) watched.push({ profile: t.profile, accountId: await this.accountOf(t.profile), regions: t.regions });
    const hubProfile = input.hubProfile ?? input.targets[0].profile;
    let plan: EventsSetupPlan;
    try {
      plan = planEventsSetup(watched, { profile: hubProfile, accountId: await this.accountOf(hubProfile), region: input.hubRegion });
    } catch (err) {
      if (err instanceof PlanInputError) throw new AppError('INVALID_INPUT', err.message);
      throw err;
    }
    const moved = await this.oldGrants(plan);
    return { ...plan, resources: [...plan.resources, ...moved.resources], warnings: [...plan.warnings, ...moved.warnings] };
  }

  /**
   * A rule this setup moves to another hub leaves its account's grant on the old hub's
   * bus: the plan revokes it (after the rule moved), unless another rule of the account
   * still forwards there, or that cannot be told (then it says so and leaves it).
   */
  private async oldGrants(plan: EventsSetupPlan): Promise<{ resources: PlannedResource[]; warnings: string[] }> {
    const resources: PlannedResource[] = [];
    const warnings: string[] = [];
    const moving = new Map<string, { member: string; profile: string; oldHub: { accountId: string; region: string }; routes: EventsSetupPlan['routes'] }>();
    for (const route of plan.routes) {
      let rule: MemberRuleState;
      try {
        rule = await readMemberRule(this.accounts.clients, this.accounts.profile(route.profile), route.region);
      } catch (err) {
        warnings.push(
          `The rule in ${route.accountId} ${route.region} cannot be read now (${failure(err).message}): if it forwards to another hub, that hub's grant to ${route.accountId} is not revoked.`,
        );
        continue;
      }
      const old = rule.state === 'found' && rule.ours && rule.hubBusArn ? hubOfBusArn(rule.hubBusArn) : null;
      // Only a hub in another account holds a grant for this one.
      if (!old || old.accountId === route.accountId || (old.accountId === plan.hub.accountId && old.region === route.hubRegion)) continue;
      const key = `${route.accountId}|${old.accountId}|${old.region}`;
      const m = moving.get(key) ?? { member: route.accountId, profile: route.profile, oldHub: old, routes: [] };
      m.routes.push(route);
      moving.set(key, m);
    }
    const checkedNow = new Set<string>();
    const reads = this.ruleReads(
      plan.routes.map((r) => r.region),
      checkedNow,
    );
    for (const m of moving.values()) {
      const sid = statementIdFor(m.member);
      const where = `the old hub ${m.oldHub.accountId} ${m.oldHub.region}`;
      const stays = `${sid} on ${where} stays`;
      // This plan's own routes now forward where it plans; every other region of the account is read.
      if (plan.routes.some((r) => r.accountId === m.member && plan.hub.accountId === m.oldHub.accountId && r.hubRegion === m.oldHub.region)) continue;
      const planned = new Set(plan.routes.filter((r) => r.accountId === m.member).map((r) => `${r.accountId}/${r.region}`));
      const use = usesOf(await reads(m.member, [m.profile]), planned, (r) => {
        const at = r.hubBusArn ? hubOfBusArn(r.hubBusArn) : null;
        return at?.accountId === m.oldHub.accountId && at.region === m.oldHub.region;
      });
      if (use.users.length) continue;
      if (use.gaps.length) {
        warnings.push(`${stays}: whether another rule of ${m.member} still forwards there cannot be told (${use.gaps[0]}).`);
        continue;
      }
      const hubProfile = await this.profileForAccount(m.oldHub.accountId, [plan.hub.profile, m.profile], { checkedNow });
      if (!hubProfile) {
        warnings.push(`${stays}: no profile signs in to ${m.oldHub.accountId}; remove it there.`);
        continue;
      }
      try {
        if (!(await hubBusStatements(this.accounts.clients, hubProfile, m.oldHub.region))?.includes(sid)) continue;
      } catch (err) {
        warnings.push(`${stays}: its bus policy cannot be read (${failure(err).message}).`);
        continue;
      }
      resources.push(
        oldGrantRevocation({
          member: m.member,
          memberRegions: m.routes.map((r) => r.region),
          memberRuleIds: m.routes.map((r) => planIds.memberRule(r.accountId, r.region, { accountId: plan.hub.accountId, region: r.hubRegion })),
          oldHub: { profile: hubProfile.name, ...m.oldHub },
          newHub: { accountId: plan.hub.accountId, region: m.routes[0].hubRegion },
        }),
      );
    }
    return { resources, warnings };
  }

  /**
   * Why this profile may not act on this resource, or null: only a profile whose identity
   * check says it signs in to the resource's own account acts on it, so nothing planned
   * for one account is ever done in another.
   */
  private async wrongAccount(r: PlannedResource): Promise<string | null> {
    try {
      const account = await this.accountOf(r.profile);
      return account === r.account ? null : `${r.profile} signs in to ${account}, not to ${r.account}: nothing was done`;
    } catch (err) {
      return `${err instanceof Error ? err.message : String(err)} Nothing was done in ${r.account}.`;
    }
  }

  async templates(input: EventsSetupInput): Promise<{ member: string; hub: string }> {
    return eventsTemplates(await this.plan(input));
  }

  /**
   * Creates what the plan names now and the person confirmed (`confirmed`, for the ids
   * they saw), hub first; a resource whose prerequisite failed, or that the plan names
   * now and was not confirmed, is skipped. Run again to resume.
   */
  async apply(
    input: EventsSetupInput,
    confirmation: { confirmed: Confirmed<'events-setup'> | null; resources: readonly string[] },
    onOutcome: OutcomeListener = () => {},
  ): Promise<EventsApplyResult> {
    const plan = await this.plan(input);
    const request = await this.changeRequest('events-setup', plan.resources, confirmation.resources);
    assertConfirmed(confirmation.confirmed, request);
    const outcomes = new Map<string, ResourceOutcome>();
    for (const r of plan.resources) {
      const blocker = dependsOn(r, plan).find((id) => FAILED.has(outcomes.get(id)?.outcome ?? ''));
      let o: ResourceOutcome;
      if (!confirmation.resources.includes(r.id))
        o = outcomeOf(r, { outcome: 'skipped', message: 'Not in the plan that was confirmed: plan again, and confirm what it shows.', awsCode: null });
      else if (blocker) o = outcomeOf(r, { outcome: 'skipped', message: `Needs ${blocker}, which was ${outcomes.get(blocker)!.outcome}.`, awsCode: null });
      else {
        const wrong = await this.wrongAccount(r);
        if (wrong) o = outcomeOf(r, { outcome: 'refused', message: wrong, awsCode: null });
        else
          try {
            o = outcomeOf(r, { ...(await ensureResource(this.accounts.clients, this.accounts.profile(r.profile), r)), awsCode: null });
          } catch (err) {
            o = outcomeOf(r, { outcome: 'failed', ...failure(err) });
          }
      }
      outcomes.set(r.id, o);
      onOutcome(o);
    }
    const list = [...outcomes.values()];
    await this.recordApply(plan, outcomes);
    return {
      plan: { ...plan, resources: plan.resources.map(viewOf), accounts: request.accounts.map(accountConfirmationView) },
      outcomes: list,
      ok: list.every((o) => !FAILED.has(o.outcome)),
    };
  }

  /** Keeps, per target, the first failure among what its events need (its rule and what that rule depends on). */
  private async recordApply(plan: EventsSetupPlan, outcomes: Map<string, ResourceOutcome>): Promise<void> {
    const at = new Date().toISOString();
    await this.changeState((state) => {
      for (const route of plan.routes) {
        const rule = plan.resources.find((r) => r.kind === 'member-rule' && r.account === route.accountId && r.region === route.region)!;
        const chain = [...dependsOn(rule, plan), rule.id].map((id) => outcomes.get(id)).filter((o) => o && (o.outcome === 'failed' || o.outcome === 'refused'));
        const first = chain[0];
        state.targets[`${route.profile}/${route.region}`] = {
          at,
          failure: first ? { message: `${first.id} ${first.outcome}: ${first.message ?? ''}`.trim(), awsCode: first.awsCode } : null,
        };
      }
    });
  }

  async test(profileName: string, region: string): Promise<EventsTestResult> {
    const base = { profile: profileName, region, eventId: null, queueUrl: null, elapsedMs: null, awsCode: null };
    const p = this.accounts.profile(profileName);
    try {
      const rule = await readMemberRule(this.accounts.clients, p, region);
      if (rule.state === 'absent')
        return { ...base, ok: false, message: `Not set up: no rule ${'pipewright-events-forward'} in ${region}. Run pipewright events setup.` };
      if (!rule.ours || !rule.hubBusArn) return { ...base, ok: false, message: "The forwarding rule is not the setup's, or has no hub bus target." };
      if (!rule.enabled) return { ...base, ok: false, message: 'The forwarding rule is disabled.' };
      const at = hubOfBusArn(rule.hubBusArn);
      if (!at) return { ...base, ok: false, message: `The forwarding rule's target is not an event bus ARN: ${rule.hubBusArn}.` };
      const { accountId: hubAccount, region: hubRegion } = at;
      const hubProfile = await this.profileForAccount(hubAccount, [profileName]);
      if (!hubProfile) {
        const unchecked = this.uncheckedFor(hubAccount);
        return {
          ...base,
          ok: false,
          message: unchecked
            ? `Unverified: ${unchecked}, so the hub account ${hubAccount}'s queue cannot be read.`
            : `No profile signs in to the hub account ${hubAccount}: its queue cannot be read.`,
        };
      }
      const hub = await readHub(this.accounts.clients, hubProfile, hubRegion);
      if ('missing' in hub) return { ...base, ok: false, message: `The hub is incomplete: ${hub.missing}.` };
      const nonce = randomUUID();
      const started = Date.now();
      const eventId = await putTestEvent(this.accounts.clients, p, region, nonce);
      const arrivedAt = await receiveTestEvent(
        this.accounts.clients,
        hubProfile,
        hubRegion,
        hub.queueUrl,
        nonce,
        started + (this.opts.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS),
      );
      const elapsedMs = (arrivedAt ?? Date.now()) - started;
      return arrivedAt !== null
        ? {
            ...base,
            ok: true,
            eventId,
            queueUrl: hub.queueUrl,
            elapsedMs,
            message: `The test event reached ${hubAccount}'s queue in ${hubRegion} in ${elapsedMs} ms, and was deleted.`,
          }
        : {
            ...base,
            ok: false,
            eventId,
            queueUrl: hub.queueUrl,
            message: `The test event (${eventId}) did not reach the hub queue within ${Math.round(elapsedMs / 1000)} s: check the bus policy, the forwarding role and the queue policy.`,
          };
    } catch (err) {
      const f = failure(err);
      return { ...base, ok: false, message: f.message, awsCode: f.awsCode };
    }
  }

  /**
   * Each target's mode and why. `lastEvent`: this process's own reader of the queues, if it
   * has one; the reader on this machine (another process, say) left its own in a record.
   * `periodic`: the watchers' check every minute (see profileForAccount).
   */
  async status(
    targets?: Array<{ profile: string; region: string }>,
    opts: { lastEvent?: LastEventOf; periodic?: boolean } = {},
  ): Promise<EventsTargetStatus[]> {
    const ws = this.accounts.workspace();
    const list =
      targets ?? ws.profiles.flatMap((p) => (ws.regions.length ? ws.regions : [p.region ?? 'us-east-1']).map((region) => ({ profile: p.name, region })));
    const state = await this.readState();
    const reads: StatusReads = { periodic: opts.periodic ?? false, hubProfiles: new Map(), hubs: new Map(), lastEvents: new Map() };
    const out: EventsTargetStatus[] = [];
    for (const t of list) {
      const s = await this.statusOf(t.profile, t.region, state, reads);
      const recorded =
        s.hub?.queueUrl && s.accountId
          ? (await this.recordedLastEvents({ region: s.hub.region, url: s.hub.queueUrl }, reads))[`${s.accountId}/${s.region}`]
          : null;
      out.push({ ...s, lastEventAt: laterOf(opts.lastEvent?.(t), recorded) });
    }
    return out;
  }

  private recordedLastEvents(q: HubQueue, reads: StatusReads): Promise<Record<string, string>> {
    let got = reads.lastEvents.get(queueKey(q));
    if (!got) reads.lastEvents.set(queueKey(q), (got = readLastEvents(this.home, q)));
    return got;
  }

  /** The hub account's profile and the hub's state, read once per status() for every target that routes there. */
  private hubProfileOnce(account: string, prefer: string, reads: StatusReads): Promise<ProfileInfo | undefined> {
    let got = reads.hubProfiles.get(account);
    if (!got) reads.hubProfiles.set(account, (got = this.profileForAccount(account, [prefer], { periodic: reads.periodic })));
    return got;
  }

  private hubOnce(p: ProfileInfo, account: string, region: string, reads: StatusReads): Promise<{ ok: HubState } | { err: unknown }> {
    const key = `${account}/${region}`;
    let got = reads.hubs.get(key);
    if (!got)
      reads.hubs.set(
        key,
        (got = readHub(this.accounts.clients, p, region).then(
          (ok) => ({ ok }),
          (err: unknown) => ({ err }),
        )),
      );
    return got;
  }

  private async statusOf(profileName: string, region: string, state: SetupState, reads: StatusReads): Promise<EventsTargetStatus> {
    const base = {
      profile: profileName,
      region,
      accountId: null as string | null,
      hub: null,
      lastEventAt: null,
      awsCode: null as string | null,
      verified: true,
    };
    const polled = (reason: string, awsCode: string | null = null): EventsTargetStatus => ({ ...base, mode: 'polled', reason, awsCode });
    try {
      base.accountId = await this.accountOf(profileName, reads.periodic);
    } catch (err) {
      // No verdict: without the account, neither the rule nor the hub can be told (`events status` exits "unverified").
      const why = this.accounts.identityOf(profileName)?.message ?? (err instanceof Error ? err.message : String(err));
      return { ...polled(`the identity of ${profileName} could not be checked (${clause(why)})`), verified: false };
    }
    const p = this.accounts.profile(profileName);
    let rule;
    try {
      rule = await readMemberRule(this.accounts.clients, p, region);
    } catch (err) {
      const f = failure(err);
      // No verdict: the rule may well be there (`events status` exits "unverified").
      return { ...polled(`the forwarding rule cannot be read: ${f.message}`, f.awsCode), verified: false };
    }
    const last = state.targets[`${profileName}/${region}`]?.failure;
    if (rule.state === 'absent') return last ? polled(`not set up: the last setup failed: ${last.message}`, last.awsCode) : polled('not set up');
    if (!rule.ours) return polled("a rule named pipewright-events-forward exists and is not Pipewright's");
    if (!rule.hubBusArn) return { ...base, mode: 'degraded', reason: 'the forwarding rule has no hub bus target', awsCode: null };
    const at = hubOfBusArn(rule.hubBusArn);
    if (!at) return { ...base, mode: 'degraded', reason: notABus(rule.hubBusArn), awsCode: null };
    const { accountId: hubAccount, region: hubRegion } = at;
    if (!rule.enabled)
      return {
        ...base,
        mode: 'degraded',
        reason: 'the forwarding rule is disabled',
        hub: { accountId: hubAccount, region: hubRegion, queueUrl: null },
        awsCode: null,
      };
    const hubProfile = await this.hubProfileOnce(hubAccount, profileName, reads);
    const hubRef = { accountId: hubAccount, region: hubRegion, queueUrl: null as string | null };
    if (!hubProfile) {
      // "No profile signs in" only when every profile's identity is known; a failed check may hide the hub's.
      const unchecked = this.uncheckedFor(hubAccount);
      return unchecked
        ? {
            ...base,
            mode: 'degraded',
            hub: hubRef,
            reason: `unverified: ${unchecked}, so the hub account ${hubAccount}'s queue cannot be read`,
            awsCode: null,
            verified: false,
          }
        : { ...base, mode: 'degraded', hub: hubRef, reason: `no profile signs in to the hub account ${hubAccount}: its queue cannot be read`, awsCode: null };
    }
    const read = await this.hubOnce(hubProfile, hubAccount, hubRegion, reads);
    try {
      if ('err' in read) throw read.err;
      const hub = read.ok;
      if ('missing' in hub) return { ...base, mode: 'degraded', hub: hubRef, reason: `queue unreachable: ${hub.missing}`, awsCode: null };
      hubRef.queueUrl = hub.queueUrl;
      if (!hub.ruleEnabled) return { ...base, mode: 'degraded', hub: hubRef, reason: 'the hub rule is disabled', awsCode: null };
      return { ...base, mode: 'event-driven', hub: hubRef, reason: null, awsCode: null };
    } catch (err) {
      const f = failure(err);
      return { ...base, mode: 'degraded', hub: hubRef, reason: `queue unreachable: ${f.message}`, awsCode: f.awsCode };
    }
  }

  /**
   * What remove would delete, judged from every rule that could still use each part:
   * each target's forwarding rule (found by name and tag); its account's role once no
   * rule of the account is left in any region CodePipeline is offered in; its grant on
   * the hub's bus once no other rule of the account forwards there; and a hub's bus,
   * rule and queues once no rule of the hub account or of any account granted on its
   * bus forwards there. A part whose use cannot be read (a region, an account no
   * profile reaches) is kept, with why. A hub's parts are planned only with a profile
   * whose identity check says it signs in to the hub's account.
   */
  async removePlan(input: TargetsInput): Promise<{ view: Omit<EventsRemovePlan, 'accounts'>; resources: PlannedResource[] }> {
    const remove = new Map<string, PlannedResource>();
    const keep: EventsRemovePlan['keep'] = [];
    const unreadable: ResourceOutcome[] = [];
    const checkedNow = new Set<string>();
    const reads = this.ruleReads(
      input.targets.flatMap((t) => t.regions),
      checkedNow,
    );
    const targetProfiles = input.targets.map((t) => t.profile);
    /** "account/region" of each forwarding rule this removal deletes: those no longer use anything. */
    const removing = new Set<string>();
    const roles = new Map<string, PlannedResource>();
    const hubs = new Map<string, { accountId: string; region: string; members: Map<string, string> }>();
    const hubOf = (accountId: string, region: string) => {
      const key = `${accountId}/${region}`;
      let hub = hubs.get(key);
      if (!hub) hubs.set(key, (hub = { accountId, region, members: new Map() }));
      return hub;
    };

    for (const t of input.targets) {
      const account = await this.accountOf(t.profile);
      const rules = await reads(account, [t.profile]);
      for (const region of t.regions) {
        const own = planEventsSetup([{ profile: t.profile, accountId: account, regions: [region] }], { profile: t.profile, accountId: account, region });
        if (!roles.has(account)) {
          const role = own.resources.find((r) => r.kind === 'forwarding-role')!;
          // It serves whichever hubs the account's rules forward to: the plan's one-hub summary would name the wrong one.
          roles.set(account, { ...role, summary: `IAM role ${role.name}: EventBridge forwards this account's events to the hub with it` });
        }
        const got = rules.regions.get(region) ?? { state: 'absent' as const };
        if ('error' in got) {
          unreadable.push({
            id: planIds.memberRule(account, region, null),
            kind: 'member-rule',
            profile: t.profile,
            account,
            region,
            name: MEMBER_RULE_NAME,
            outcome: 'failed',
            ...got.error,
          });
          continue;
        }
        if (got.state === 'absent') {
          // No rule: the target's own hub in this region, if the setup left one, is what remove can still take away.
          hubOf(account, region);
          continue;
        }
        const at = got.hubBusArn ? hubOfBusArn(got.hubBusArn) : null;
        const planned = planEventsSetup([{ profile: t.profile, accountId: account, regions: [region] }], {
          profile: t.profile,
          accountId: at?.accountId ?? account,
          region: at?.region ?? region,
        }).resources.find((r) => r.kind === 'member-rule')!;
        const rule = at ? planned : { ...planned, id: planIds.memberRule(account, region, null), targetArn: got.hubBusArn ?? '' };
        if (!got.ours) {
          keep.push({ ...viewOf(rule), why: "a rule of this name exists and is not Pipewright's (no pipewright:events tag)" });
          continue;
        }
        remove.set(rule.id, rule);
        removing.add(`${account}/${region}`);
        if (!at) {
          // The target's own rule (and role) go; no hub is touched, since none is known to be this target's.
          const why = got.hubBusArn ? notABus(got.hubBusArn) : 'the forwarding rule has no hub bus target';
          unreadable.push({
            id: planIds.hubBus(account, region),
            kind: 'hub-bus',
            profile: t.profile,
            account,
            region,
            name: got.hubBusArn ?? HUB_BUS_NAME,
            outcome: 'skipped',
            message: `${why}: which hub it fed is unknown, so no hub resource is removed`,
            awsCode: null,
          });
          continue;
        }
        hubOf(at.accountId, at.region).members.set(account, t.profile);
      }
    }

    // A role serves every region of its account: kept while a rule remains in any region, or one cannot be read.
    for (const [account, role] of roles) {
      const use = usesOf(await reads(account, [role.profile]), removing, (r) => r.ours || r.roleArn === role.arn);
      const why = use.users.length
        ? `the rule in ${use.users.join(', ')} still uses it`
        : use.gaps.length
          ? `${use.gaps[0]}, and a rule there may use it`
          : null;
      if (why) keep.push({ ...viewOf(role), why });
      else remove.set(role.id, role);
    }

    for (const hub of hubs.values()) {
      const members = [...hub.members].map(([accountId, profile]) => ({ profile, accountId, regions: [hub.region] }));
      const hubProfile = await this.profileForAccount(hub.accountId, targetProfiles, { checkedNow });
      const parts = planEventsSetup(members.length ? members : [{ profile: '-', accountId: hub.accountId, regions: [hub.region] }], {
        profile: hubProfile?.name ?? '-',
        accountId: hub.accountId,
        region: hub.region,
      }).resources.filter((r) => r.side === 'hub');
      const bus = parts.find((r) => r.kind === 'hub-bus')!;
      const grants = parts.filter((r) => r.kind === 'bus-permission');
      const grantsSaid = grants.length ? ` (and ${grants.map((g) => g.name).join(', ')} on its bus)` : '';
      if (!hubProfile) {
        // Nothing of the hub is deleted with another account's credentials: it is kept, and why is said.
        const failed = this.accounts.profiles().filter((p) => !this.accounts.identityOf(p.name)?.accountId);
        if (failed.length)
          unreadable.push(
            outcomeOf(bus, {
              outcome: 'failed',
              awsCode: null,
              message: `no profile is known to sign in to the hub account ${hub.accountId}: the identity check failed for ${failed
                .map((p) => `${p.name} (${this.accounts.identityOf(p.name)?.message ?? 'no answer'})`)
                .join(', ')}; the hub${grantsSaid} is kept`,
            }),
          );
        else keep.push({ ...viewOf(bus), why: `no profile signs in to the hub account ${hub.accountId}${grantsSaid}` });
        continue;
      }
      let statements: string[] | undefined;
      try {
        statements = await hubBusStatements(this.accounts.clients, hubProfile, hub.region);
      } catch (err) {
        const why = `its bus policy could not be read (${failure(err).message}), so whether it is still used cannot be told`;
        for (const r of [bus, ...grants]) keep.push({ ...viewOf(r), why });
        continue;
      }
      const granted = (statements ?? []).flatMap((sid) => /^pipewright-events-(\d{12})$/.exec(sid)?.[1] ?? []);
      const feeds = (rule: FoundRule) => {
        const at = rule.hubBusArn ? hubOfBusArn(rule.hubBusArn) : null;
        return at?.accountId === hub.accountId && at.region === hub.region;
      };
      // Who can forward to this bus: the hub account itself, and each account its policy lets put events.
      const uses = new Map<string, { users: string[]; gaps: string[] }>();
      for (const account of new Set([hub.accountId, ...granted, ...hub.members.keys()]))
        uses.set(account, usesOf(await reads(account, targetProfiles), removing, feeds));
      for (const grant of grants) {
        if (grant.kind !== 'bus-permission') continue;
        if (!statements?.includes(grant.statementId)) continue;
        const use = uses.get(grant.principal)!;
        const why = use.users.length
          ? `account ${grant.principal}'s rule in ${use.users.join(', ')} still forwards to this bus`
          : use.gaps.length
            ? `whether account ${grant.principal} still forwards to this bus cannot be told: ${use.gaps[0]}`
            : null;
        if (why) keep.push({ ...viewOf(grant), why });
        else remove.set(grant.id, grant);
      }
      const users = [...uses].flatMap(([account, u]) => u.users.map((region) => `${account} ${region}`));
      const gaps = [...uses.values()].flatMap((u) => u.gaps);
      const why = users.length ? `still used by ${users.join(', ')}` : gaps.length ? `whether it is still used cannot be told: ${gaps[0]}` : null;
      if (why) keep.push({ ...viewOf(bus), why });
      else for (const r of parts) if (r.kind !== 'bus-permission') remove.set(r.id, r);
    }
    // Remove in the reverse order of creation: rules before what they target.
    const order = ['member-rule', 'forwarding-role', 'bus-permission', 'hub-rule', 'queue-policy', 'queue', 'dead-letter-queue', 'hub-bus'];
    const resources = [...remove.values()].filter((r) => r.kind !== 'queue-policy').sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
    return { view: { remove: resources.map(viewOf), keep, unreadable }, resources };
  }

  /**
   * The forwarding rules of an account in every region one could be in (where CodePipeline
   * is offered, the workspace's regions and `regions`), read once per account for one
   * plan, a few regions at a time. A region account:ListRegions says is not enabled holds
   * none; any other region that cannot be read is an error for that region, never "none".
   */
  private ruleReads(regions: string[], checkedNow: Set<string>): (account: string, prefer: string[]) => Promise<AccountRules> {
    const all = [...new Set([...CODEPIPELINE_REGIONS.map((r) => r.code), ...this.accounts.workspace().regions, ...regions])];
    const done = new Map<string, Promise<AccountRules>>();
    return (account, prefer) => {
      let got = done.get(account);
      if (!got) done.set(account, (got = this.readRules(account, prefer, all, checkedNow)));
      return got;
    };
  }

  private async readRules(account: string, prefer: string[], regions: string[], checkedNow: Set<string>): Promise<AccountRules> {
    const p = await this.profileForAccount(account, prefer, { checkedNow });
    if (!p) return { account, reached: false, regions: new Map() };
    let disabled = new Set<string>();
    let optInUnknown: string | null = null;
    try {
      disabled = await disabledRegions(this.accounts.clients, p);
    } catch (err) {
      optInUnknown = failure(err).message;
    }
    const out = new Map<string, RuleRead>();
    await inPool(
      regions.filter((r) => !disabled.has(r)),
      RULE_READS_AT_ONCE,
      async (region) => {
        try {
          out.set(region, await readMemberRule(this.accounts.clients, p, region));
        } catch (err) {
          const f = failure(err);
          const optIn = CODEPIPELINE_REGIONS.find((r) => r.code === region)?.optIn && optInUnknown;
          out.set(region, {
            error: { message: optIn ? `${f.message} (whether ${region} is enabled could not be read: ${optInUnknown})` : f.message, awsCode: f.awsCode },
          });
        }
      },
    );
    return { account, reached: true, regions: out };
  }

  /**
   * Deletes what remove's plan names now and the person confirmed (the ids they saw).
   * The plan is made again at this moment: what became used since (another account's
   * statement, a rule in another region) is kept, and what the plan names now that was
   * not confirmed is skipped, never deleted.
   */
  async remove(
    input: TargetsInput,
    confirmation: { confirmed: Confirmed<'events-remove'> | null; resources: readonly string[] },
    onOutcome: OutcomeListener = () => {},
  ): Promise<{ outcomes: ResourceOutcome[]; ok: boolean }> {
    const { resources } = await this.removePlan(input);
    assertConfirmed(confirmation.confirmed, await this.changeRequest('events-remove', resources, confirmation.resources));
    const outcomes: ResourceOutcome[] = [];
    for (const r of resources) {
      let o: ResourceOutcome;
      const wrong = confirmation.resources.includes(r.id) ? await this.wrongAccount(r) : null;
      if (!confirmation.resources.includes(r.id))
        o = outcomeOf(r, { outcome: 'skipped', message: 'Not in the plan that was confirmed: it is left, plan again to remove it.', awsCode: null });
      else if (wrong) o = outcomeOf(r, { outcome: 'refused', message: wrong, awsCode: null });
      else
        try {
          o = outcomeOf(r, { ...(await removeResource(this.accounts.clients, this.accounts.profile(r.profile), r)), awsCode: null });
        } catch (err) {
          o = outcomeOf(r, { outcome: 'failed', ...failure(err) });
        }
      outcomes.push(o);
      onOutcome(o);
    }
    await this.changeState((state) => {
      for (const t of input.targets) for (const region of t.regions) delete state.targets[`${t.profile}/${region}`];
    });
    return { outcomes, ok: outcomes.every((o) => o.outcome !== 'failed' && o.outcome !== 'refused') };
  }
}
