// Issue 24's "Live updates" setup, as a plan: given the watched targets (each
// profile's account and regions) and a hub account, the exact AWS resources the
// setup creates, each named with the `pipewright-events` prefix and tagged
// `pipewright:events=1`, so that apply can tell ours from someone else's and
// remove deletes only what the setup made. Pure: no SDK, no network.
//
// Shape (per watched region R, hub region H = R unless the user picks one):
//   member account A, region R: rule `pipewright-events-forward` on the default bus,
//     matching CodePipeline's events (and Pipewright's test event), targeting the
//     hub's bus in H with the role `pipewright-events-forwarder` (IAM, global per account).
//   hub account, region H: the bus `pipewright-events`, whose policy lets each
//     member account put events; the rule `pipewright-events-to-queue` on it,
//     targeting the queue `pipewright-events` (standard, dead-letter queue
//     `pipewright-events-dlq`), whose policy lets only that rule send.
//
// Why a dedicated hub bus rather than the hub's default bus: PutPermission edits the
// bus's one resource policy, which on the default bus other tools share; on our own
// bus the policy is ours, the hub rule sees only what our member rules forward (not
// every AWS event of the hub account), and remove can delete the bus whole.
// The hub account's own pipelines reach it the same way: a member rule in the hub
// account forwards its default bus to the hub bus (same account, no bus policy needed).

export const EVENTS_PREFIX = 'pipewright-events';
export const EVENTS_TAG_KEY = 'pipewright:events';
export const EVENTS_TAG_VALUE = '1';
export const HUB_BUS_NAME = EVENTS_PREFIX;
export const MEMBER_RULE_NAME = `${EVENTS_PREFIX}-forward`;
export const HUB_RULE_NAME = `${EVENTS_PREFIX}-to-queue`;
export const QUEUE_NAME = EVENTS_PREFIX;
export const DLQ_NAME = `${EVENTS_PREFIX}-dlq`;
export const ROLE_NAME = `${EVENTS_PREFIX}-forwarder`;
export const ROLE_POLICY_NAME = `${EVENTS_PREFIX}-put-events`;
export const MEMBER_TARGET_ID = `${EVENTS_PREFIX}-hub`;
export const HUB_TARGET_ID = `${EVENTS_PREFIX}-queue`;
/** A message is dead-lettered after this many receives without a delete. */
export const MAX_RECEIVE_COUNT = 5;

/**
 * A client cannot put an event with an `aws.*` source (EventBridge refuses it), so
 * the end-to-end test puts one with this source into the member's default bus; both
 * rules match it as they match CodePipeline's, so it takes the same path.
 */
export const TEST_SOURCE = 'pipewright.events.test';
export const TEST_DETAIL_TYPE = 'Pipewright Events Test';
export const CODEPIPELINE_SOURCE = 'aws.codepipeline';
export const EVENT_PATTERN = { source: [CODEPIPELINE_SOURCE, TEST_SOURCE] };

export const statementIdFor = (account: string) => `${EVENTS_PREFIX}-${account}`;
export const busArn = (account: string, region: string, name = HUB_BUS_NAME) => `arn:aws:events:${region}:${account}:event-bus/${name}`;
export const ruleArn = (account: string, region: string, name: string, bus = 'default') =>
  `arn:aws:events:${region}:${account}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;
export const queueArn = (account: string, region: string, name: string) => `arn:aws:sqs:${region}:${account}:${name}`;
export const roleArn = (account: string) => `arn:aws:iam::${account}:role/${ROLE_NAME}`;

/**
 * The plan's ids: what a person confirms. Each names the account it is in, and a
 * member rule also names the hub it forwards to, so that a confirmation of a plan
 * with its hub in one account never covers the same plan with the hub in another
 * (shared/safety/confirmation.ts compares ids).
 */
export const planIds = {
  hubBus: (hubAccount: string, region: string) => `hub-bus:${hubAccount}:${region}`,
  busPermission: (hubAccount: string, region: string, member: string) => `bus-permission:${hubAccount}:${region}:${member}`,
  oldBusPermission: (hubAccount: string, region: string, member: string) => `old-bus-permission:${hubAccount}:${region}:${member}`,
  dlq: (hubAccount: string, region: string) => `dlq:${hubAccount}:${region}`,
  queue: (hubAccount: string, region: string) => `queue:${hubAccount}:${region}`,
  queuePolicy: (hubAccount: string, region: string) => `queue-policy:${hubAccount}:${region}`,
  hubRule: (hubAccount: string, region: string) => `hub-rule:${hubAccount}:${region}`,
  role: (account: string) => `role:${account}`,
  /** `hub` null: the rule's target names no event bus, so which hub it fed is unknown. */
  memberRule: (account: string, region: string, hub: { accountId: string; region: string } | null) =>
    `member-rule:${account}:${region}→${hub ? `${hub.accountId}:${hub.region}` : 'unknown'}`,
};

export interface WatchedTarget {
  profile: string;
  accountId: string;
  regions: string[];
}

export interface HubChoice {
  profile: string;
  accountId: string;
  /** One hub region for every watched region; by default each watched region is its own hub region. */
  region?: string;
}

interface Base {
  /** Stable across runs: what apply and remove report against. */
  id: string;
  side: 'member' | 'hub';
  profile: string;
  account: string;
  /** 'global' for IAM. */
  region: string;
  name: string;
  arn: string;
  /** One line a person reads in the plan. */
  summary: string;
}

export type PlannedResource =
  | (Base & { kind: 'forwarding-role'; trustPolicy: string; policyName: string; policy: string })
  | (Base & { kind: 'member-rule'; eventPattern: string; targetId: string; targetArn: string; roleArn: string })
  | (Base & { kind: 'hub-bus' })
  | (Base & { kind: 'bus-permission'; busName: string; statementId: string; principal: string })
  | (Base & { kind: 'dead-letter-queue' })
  | (Base & { kind: 'queue'; redrivePolicy: string })
  | (Base & { kind: 'queue-policy'; queueName: string; policy: string })
  | (Base & { kind: 'hub-rule'; busName: string; eventPattern: string; targetId: string; targetArn: string })
  /** A member's grant on the bus of the hub its rule forwarded to before this setup moved it: revoked once the rule forwards to the new hub. */
  | (Base & { kind: 'old-bus-permission'; busName: string; statementId: string; principal: string; memberRuleIds: string[] });

export type ResourceKind = PlannedResource['kind'];

export interface EventsSetupPlan {
  hub: { profile: string; accountId: string };
  /** Each watched region and the hub region its events go to. */
  routes: Array<{ profile: string; accountId: string; region: string; hubRegion: string }>;
  /** In the order apply creates them: what a resource names exists before it. */
  resources: PlannedResource[];
  warnings: string[];
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The tag every resource of the setup carries, in EventBridge's and IAM's list form. */
export const EVENTS_TAGS = [{ Key: EVENTS_TAG_KEY, Value: EVENTS_TAG_VALUE }];

export function isOurs(tags: ReadonlyArray<{ Key?: string; Value?: string }> | Record<string, string> | undefined): boolean {
  if (!tags) return false;
  if (Array.isArray(tags))
    return (tags as ReadonlyArray<{ Key?: string; Value?: string }>).some((t) => t.Key === EVENTS_TAG_KEY && t.Value === EVENTS_TAG_VALUE);
  return (tags as Record<string, string>)[EVENTS_TAG_KEY] === EVENTS_TAG_VALUE;
}

export const eventsTrustPolicy = () =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });

/** The forwarding role may put events on the hub's bus in any of the hub regions, nothing else. */
export const forwardingPolicy = (hubAccount: string, hubRegions: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: [...new Set(hubRegions)].sort().map((r) => busArn(hubAccount, r)) }],
  });

/**
 * The role's policy as it is to be written: the planned hub buses and those the
 * role's policy already allows. The role serves every region of its account, so a
 * setup of one region must not take away the bus another region's rule puts events
 * on (remove takes nothing out of it either while a rule remains). A policy that
 * cannot be read as ours is replaced by the planned one.
 */
export function mergedForwardingPolicy(existing: string | undefined, planned: string): string {
  const resources = (doc: string | undefined): string[] => {
    if (!doc) return [];
    try {
      const parsed = JSON.parse(doc) as { Statement?: Array<{ Effect?: string; Action?: unknown; Resource?: unknown }> };
      return (parsed.Statement ?? [])
        .filter((st) => st.Effect === 'Allow' && (st.Action === 'events:PutEvents' || (Array.isArray(st.Action) && st.Action.includes('events:PutEvents'))))
        .flatMap((st): unknown[] => (Array.isArray(st.Resource) ? (st.Resource as unknown[]) : [st.Resource]))
        .filter((r): r is string => typeof r === 'string');
    } catch {
      return [];
    }
  };
  const all = [...new Set([...resources(existing), ...resources(planned)])].sort();
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: all }] });
}

/** Only the hub rule may send to the queue (aws:SourceArn), and only as EventBridge. */
export const queuePolicy = (queue: string, sourceRule: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `${EVENTS_PREFIX}-from-hub-rule`,
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue,
        Condition: { ArnEquals: { 'aws:SourceArn': sourceRule } },
      },
    ],
  });

export class PlanInputError extends Error {
  override name = 'PlanInputError';
}

export function planEventsSetup(watched: WatchedTarget[], hub: HubChoice): EventsSetupPlan {
  if (!ACCOUNT.test(hub.accountId)) throw new PlanInputError(`The hub's account id ${hub.accountId} is not 12 digits.`);
  if (hub.region !== undefined && !REGION.test(hub.region)) throw new PlanInputError(`${hub.region} is not a region code.`);
  if (watched.length === 0) throw new PlanInputError('Name at least one profile and region to watch.');
  const warnings: string[] = [];
  const routes: EventsSetupPlan['routes'] = [];
  const seen = new Set<string>();
  for (const w of watched) {
    if (!ACCOUNT.test(w.accountId)) throw new PlanInputError(`The account id ${w.accountId} of ${w.profile} is not 12 digits.`);
    if (w.regions.length === 0) throw new PlanInputError(`Name at least one region for ${w.profile}.`);
    for (const region of w.regions) {
      if (!REGION.test(region)) throw new PlanInputError(`${region} is not a region code.`);
      // Two profiles of one account reach the same default bus: one rule serves both.
      const key = `${w.accountId}/${region}`;
      if (seen.has(key)) {
        warnings.push(`${w.profile} is account ${w.accountId}, already watched in ${region} through another profile: one rule serves both.`);
        continue;
      }
      seen.add(key);
      routes.push({ profile: w.profile, accountId: w.accountId, region, hubRegion: hub.region ?? region });
    }
  }
  if (routes.some((r) => r.hubRegion !== r.region))
    warnings.push(`Events cross regions to ${hub.region}: EventBridge delivers to another region's bus only for some destination regions, and charges for it.`);

  const resources: PlannedResource[] = [];
  const hubRegions = [...new Set(routes.map((r) => r.hubRegion))];
  const pattern = JSON.stringify(EVENT_PATTERN);
  for (const region of hubRegions) {
    const here = routes.filter((r) => r.hubRegion === region);
    const hubBase = { side: 'hub' as const, profile: hub.profile, account: hub.accountId, region };
    const bus = busArn(hub.accountId, region);
    resources.push({
      ...hubBase,
      id: planIds.hubBus(hub.accountId, region),
      kind: 'hub-bus',
      name: HUB_BUS_NAME,
      arn: bus,
      summary: `event bus ${HUB_BUS_NAME}`,
    });
    for (const account of [...new Set(here.map((r) => r.accountId))].filter((a) => a !== hub.accountId).sort()) {
      const sid = statementIdFor(account);
      resources.push({
        ...hubBase,
        id: planIds.busPermission(hub.accountId, region, account),
        kind: 'bus-permission',
        name: sid,
        arn: bus,
        busName: HUB_BUS_NAME,
        statementId: sid,
        principal: account,
        summary: `bus policy statement ${sid}: account ${account} may put events on ${HUB_BUS_NAME}`,
      });
    }
    const dlq = queueArn(hub.accountId, region, DLQ_NAME);
    const queue = queueArn(hub.accountId, region, QUEUE_NAME);
    const hubRule = ruleArn(hub.accountId, region, HUB_RULE_NAME, HUB_BUS_NAME);
    resources.push({
      ...hubBase,
      id: planIds.dlq(hub.accountId, region),
      kind: 'dead-letter-queue',
      name: DLQ_NAME,
      arn: dlq,
      summary: `SQS queue ${DLQ_NAME} (dead letters)`,
    });
    resources.push({
      ...hubBase,
      id: planIds.queue(hub.accountId, region),
      kind: 'queue',
      name: QUEUE_NAME,
      arn: queue,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq, maxReceiveCount: MAX_RECEIVE_COUNT }),
      summary: `SQS standard queue ${QUEUE_NAME}, dead-lettering to ${DLQ_NAME} after ${MAX_RECEIVE_COUNT} receives`,
    });
    resources.push({
      ...hubBase,
      id: planIds.queuePolicy(hub.accountId, region),
      kind: 'queue-policy',
      name: QUEUE_NAME,
      arn: queue,
      queueName: QUEUE_NAME,
      policy: queuePolicy(queue, hubRule),
      summary: `queue policy on ${QUEUE_NAME}: only rule ${HUB_RULE_NAME} (aws:SourceArn) may send`,
    });
    resources.push({
      ...hubBase,
      id: planIds.hubRule(hub.accountId, region),
      kind: 'hub-rule',
      name: HUB_RULE_NAME,
      arn: hubRule,
      busName: HUB_BUS_NAME,
      eventPattern: pattern,
      targetId: HUB_TARGET_ID,
      targetArn: queue,
      summary: `rule ${HUB_RULE_NAME} on ${HUB_BUS_NAME} → queue ${QUEUE_NAME}`,
    });
  }
  const accounts = [...new Map(routes.map((r) => [r.accountId, r])).values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  for (const a of accounts) {
    const mine = routes.filter((r) => r.accountId === a.accountId);
    resources.push({
      side: 'member',
      profile: a.profile,
      account: a.accountId,
      region: 'global',
      id: planIds.role(a.accountId),
      kind: 'forwarding-role',
      name: ROLE_NAME,
      arn: roleArn(a.accountId),
      trustPolicy: eventsTrustPolicy(),
      policyName: ROLE_POLICY_NAME,
      policy: forwardingPolicy(
        hub.accountId,
        mine.map((r) => r.hubRegion),
      ),
      summary: `IAM role ${ROLE_NAME}: EventBridge may put events on the hub's bus ${HUB_BUS_NAME} (account ${hub.accountId})`,
    });
    for (const r of mine) {
      const target = busArn(hub.accountId, r.hubRegion);
      resources.push({
        side: 'member',
        profile: r.profile,
        account: r.accountId,
        region: r.region,
        id: planIds.memberRule(r.accountId, r.region, { accountId: hub.accountId, region: r.hubRegion }),
        kind: 'member-rule',
        name: MEMBER_RULE_NAME,
        arn: ruleArn(r.accountId, r.region, MEMBER_RULE_NAME),
        eventPattern: pattern,
        targetId: MEMBER_TARGET_ID,
        targetArn: target,
        roleArn: roleArn(r.accountId),
        summary: `rule ${MEMBER_RULE_NAME} on the default bus (${CODEPIPELINE_SOURCE}) → ${target}`,
      });
    }
  }
  return { hub: { profile: hub.profile, accountId: hub.accountId }, routes, resources, warnings };
}

/**
 * Revoking a member's grant on the bus of the hub its rule forwards to now, when the
 * setup moves that rule to another hub: without it the old hub keeps letting the
 * account put events, and nothing later tells that grant from a live one.
 */
export function oldGrantRevocation(o: {
  member: string;
  /** The regions whose rules move away from the old hub in this setup. */
  memberRegions: string[];
  memberRuleIds: string[];
  oldHub: { profile: string; accountId: string; region: string };
  newHub: { accountId: string; region: string };
}): PlannedResource {
  const sid = statementIdFor(o.member);
  return {
    id: planIds.oldBusPermission(o.oldHub.accountId, o.oldHub.region, o.member),
    kind: 'old-bus-permission',
    side: 'hub',
    profile: o.oldHub.profile,
    account: o.oldHub.accountId,
    region: o.oldHub.region,
    name: sid,
    arn: busArn(o.oldHub.accountId, o.oldHub.region),
    busName: HUB_BUS_NAME,
    statementId: sid,
    principal: o.member,
    memberRuleIds: o.memberRuleIds,
    summary: `revoke bus policy statement ${sid} on the old hub's bus ${HUB_BUS_NAME}: account ${o.member}'s rule in ${o.memberRegions.join(', ')} moves to ${o.newHub.accountId} ${o.newHub.region}`,
  };
}

/** The plan as lines a person reads before confirming, grouped by account and region. */
export function describePlan(plan: EventsSetupPlan): string[] {
  const lines: string[] = [];
  const groups = new Map<string, PlannedResource[]>();
  for (const r of plan.resources) {
    const key = `${r.kind === 'old-bus-permission' ? 'old hub ' : r.side === 'hub' ? 'hub ' : ''}${r.account} (${r.profile}) ${r.region}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, rs] of groups) {
    lines.push(`${key}:`);
    for (const r of rs) lines.push(`  ${r.kind === 'old-bus-permission' ? '-' : '+'} ${r.summary}`);
  }
  for (const w of plan.warnings) lines.push(`! ${w}`);
  return lines;
}
