// The live-updates setup's AWS calls: make each planned resource exist as planned
// (creating it, or bringing ours up to date; never touching one that is not ours),
// delete ours, and read back what a target has (its rule, the hub's queue) for
// status and the end-to-end test. Nothing here decides what to create: the plan
// (shared/events/setup-plan.ts) does; the service orders and reports.
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
  RemoveTargetsCommand,
  type PutTargetsCommandOutput,
  type Target,
} from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { ListRegionsCommand } from '@aws-sdk/client-account';
import type { AwsClients } from '../aws/clients';
import type { ProfileInfo } from '../aws/profiles';
import {
  EVENTS_TAGS,
  HUB_BUS_NAME,
  HUB_RULE_NAME,
  MEMBER_RULE_NAME,
  QUEUE_NAME,
  ROLE_POLICY_NAME,
  TEST_DETAIL_TYPE,
  TEST_SOURCE,
  isOurs,
  mergedForwardingPolicy,
  type PlannedResource,
} from '../../shared/events/setup-plan';

/** 'deleted' and 'absent': what a setup takes away (a grant on the hub a rule moved from). */
export type EnsureOutcome = { outcome: 'created' | 'updated' | 'unchanged' | 'refused' | 'deleted' | 'absent'; message: string | null };
export type RemoveOutcome = { outcome: 'deleted' | 'absent' | 'refused'; message: string | null };

const NOT_FOUND = /NoSuchEntity|ResourceNotFound|QueueDoesNotExist|NonExistentQueue/;
const isNotFound = (err: unknown) => NOT_FOUND.test((err as { name?: string })?.name ?? '') || NOT_FOUND.test((err as { Code?: string })?.Code ?? '');
/** The call's answer, or undefined when AWS says the thing does not exist; any other failure is thrown. */
async function orAbsent<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const notOurs = (what: string): { outcome: 'refused'; message: string } => ({
  outcome: 'refused',
  message: `${what} exists and is not Pipewright's (no pipewright:events tag): left alone. Rename or remove it, then run the setup again.`,
});

/** PutTargets answers 200 with failed entries: those are failures too. */
function checkTargets(out: PutTargetsCommandOutput): void {
  const failed = out.FailedEntries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 && failed) {
    const err = new Error(failed.ErrorMessage ?? 'PutTargets failed.');
    err.name = failed.ErrorCode ?? 'PutTargetsFailed';
    throw err;
  }
}

/** IAM answers policy documents URL-encoded. */
const decoded = (doc: string | undefined) => {
  if (doc === undefined) return undefined;
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc;
  }
};

const samePolicy = (a: string | undefined, b: string) => {
  if (a === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(decodeURIComponent(a))) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
};

export async function queueUrl(clients: AwsClients, p: ProfileInfo, region: string, name: string): Promise<string | undefined> {
  return (await orAbsent(clients.sqs(p, region).send(new GetQueueUrlCommand({ QueueName: name }))))?.QueueUrl;
}

async function ensureQueue(clients: AwsClients, p: ProfileInfo, region: string, name: string, attributes: Record<string, string>): Promise<EnsureOutcome> {
  const sqs = clients.sqs(p, region);
  const url = await queueUrl(clients, p, region, name);
  if (!url) {
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes, tags: Object.fromEntries(EVENTS_TAGS.map((t) => [t.Key, t.Value])) }));
    return { outcome: 'created', message: null };
  }
  if (!isOurs((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags)) return notOurs(`Queue ${name}`);
  const keys = Object.keys(attributes);
  if (keys.length === 0) return { outcome: 'unchanged', message: null };
  const now: Record<string, string | undefined> =
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: keys as never }))).Attributes ?? {};
  if (keys.every((k) => now[k] === attributes[k] || samePolicy(now[k], attributes[k]))) return { outcome: 'unchanged', message: null };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  return { outcome: 'updated', message: null };
}

async function ensureRule(
  clients: AwsClients,
  p: ProfileInfo,
  r: { region: string; name: string; arn: string; eventPattern: string; busName: string; target: Target },
): Promise<EnsureOutcome> {
  const events = clients.events(p, r.region);
  const bus = r.busName === 'default' ? undefined : r.busName;
  const found = await orAbsent(events.send(new DescribeRuleCommand({ Name: r.name, EventBusName: bus })));
  let outcome: EnsureOutcome['outcome'] = 'created';
  if (found) {
    const tags = (await events.send(new ListTagsForResourceCommand({ ResourceARN: found.Arn ?? r.arn }))).Tags;
    if (!isOurs(tags)) return notOurs(`Rule ${r.name}`);
    outcome = found.State === 'ENABLED' && samePolicy(found.EventPattern, r.eventPattern) ? 'unchanged' : 'updated';
  }
  if (outcome !== 'unchanged')
    await events.send(
      new PutRuleCommand({
        Name: r.name,
        EventBusName: bus,
        EventPattern: r.eventPattern,
        State: 'ENABLED',
        Description: 'Pipewright live updates: CodePipeline events (pipewright-events setup).',
        ...(found ? {} : { Tags: EVENTS_TAGS }),
      }),
    );
  const targets = found ? ((await events.send(new ListTargetsByRuleCommand({ Rule: r.name, EventBusName: bus }))).Targets ?? []) : [];
  const current = targets.find((t) => t.Id === r.target.Id);
  if (!current || current.Arn !== r.target.Arn || current.RoleArn !== r.target.RoleArn) {
    checkTargets(await events.send(new PutTargetsCommand({ Rule: r.name, EventBusName: bus, Targets: [r.target] })));
    if (outcome === 'unchanged') outcome = 'updated';
  }
  return { outcome, message: null };
}

/** Makes one planned resource exist as planned. Throws the AWS error of a failed call. */
export async function ensureResource(clients: AwsClients, p: ProfileInfo, r: PlannedResource): Promise<EnsureOutcome> {
  switch (r.kind) {
    case 'forwarding-role': {
      const iam = clients.iam(p);
      const found = await orAbsent(iam.send(new GetRoleCommand({ RoleName: r.name })));
      let outcome: EnsureOutcome['outcome'] = 'created';
      let document = r.policy;
      if (found) {
        if (!isOurs(found.Role?.Tags)) return notOurs(`IAM role ${r.name}`);
        const policy = await orAbsent(iam.send(new GetRolePolicyCommand({ RoleName: r.name, PolicyName: r.policyName })));
        document = mergedForwardingPolicy(decoded(policy?.PolicyDocument), r.policy);
        if (samePolicy(policy?.PolicyDocument, document)) return { outcome: 'unchanged', message: null };
        outcome = 'updated';
      } else {
        await iam.send(
          new CreateRoleCommand({
            RoleName: r.name,
            AssumeRolePolicyDocument: r.trustPolicy,
            Description: "Lets EventBridge forward CodePipeline's events to Pipewright's hub event bus.",
            Tags: EVENTS_TAGS,
          }),
        );
      }
      await iam.send(new PutRolePolicyCommand({ RoleName: r.name, PolicyName: r.policyName, PolicyDocument: document }));
      return { outcome, message: null };
    }
    case 'hub-bus': {
      const events = clients.events(p, r.region);
      const found = await orAbsent(events.send(new DescribeEventBusCommand({ Name: r.name })));
      if (!found) {
        await events.send(new CreateEventBusCommand({ Name: r.name, Tags: EVENTS_TAGS }));
        return { outcome: 'created', message: null };
      }
      const tags = (await events.send(new ListTagsForResourceCommand({ ResourceARN: found.Arn ?? r.arn }))).Tags;
      return isOurs(tags) ? { outcome: 'unchanged', message: null } : notOurs(`Event bus ${r.name}`);
    }
    case 'bus-permission': {
      const events = clients.events(p, r.region);
      const bus = await events.send(new DescribeEventBusCommand({ Name: r.busName }));
      const had = statementIds(bus.Policy)?.includes(r.statementId) ?? false;
      // The same StatementId replaces its statement: running the setup again changes nothing.
      await events.send(new PutPermissionCommand({ EventBusName: r.busName, Action: 'events:PutEvents', Principal: r.principal, StatementId: r.statementId }));
      return { outcome: had ? 'unchanged' : 'created', message: null };
    }
    case 'dead-letter-queue':
      return ensureQueue(clients, p, r.region, r.name, {});
    case 'queue':
      return ensureQueue(clients, p, r.region, r.name, { RedrivePolicy: r.redrivePolicy });
    case 'queue-policy': {
      // The queue was checked to be ours a step earlier; its policy is part of it.
      const sqs = clients.sqs(p, r.region);
      const url = await queueUrl(clients, p, r.region, r.queueName);
      if (!url) throw Object.assign(new Error(`Queue ${r.queueName} does not exist.`), { name: 'QueueDoesNotExist' });
      const now = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }))).Attributes?.Policy;
      if (samePolicy(now, r.policy)) return { outcome: 'unchanged', message: null };
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: r.policy } }));
      return { outcome: now ? 'updated' : 'created', message: null };
    }
    case 'hub-rule':
      return ensureRule(clients, p, { ...r, target: { Id: r.targetId, Arn: r.targetArn } });
    case 'member-rule':
      return ensureRule(clients, p, { ...r, busName: 'default', target: { Id: r.targetId, Arn: r.targetArn, RoleArn: r.roleArn } });
    case 'old-bus-permission':
      return removeResource(clients, p, r);
  }
}

/** The policy's statement ids; undefined when it cannot be read, which is not "none" (a removal then keeps the hub). */
function statementIds(policy: string | undefined): string[] | undefined {
  if (!policy) return [];
  try {
    const doc = JSON.parse(policy) as { Statement?: Array<{ Sid?: string }> };
    return (doc.Statement ?? []).map((s) => s.Sid ?? '').filter(Boolean);
  } catch {
    return undefined;
  }
}

export async function hubBusStatements(clients: AwsClients, p: ProfileInfo, region: string): Promise<string[] | undefined> {
  const bus = await orAbsent(clients.events(p, region).send(new DescribeEventBusCommand({ Name: HUB_BUS_NAME })));
  if (!bus) return undefined;
  const ids = statementIds(bus.Policy);
  if (!ids) throw new Error(`the policy of event bus ${HUB_BUS_NAME} cannot be read as JSON`);
  return ids;
}

async function deleteRule(clients: AwsClients, p: ProfileInfo, region: string, name: string, busName: string | undefined): Promise<RemoveOutcome> {
  const events = clients.events(p, region);
  const found = await orAbsent(events.send(new DescribeRuleCommand({ Name: name, EventBusName: busName })));
  if (!found) return { outcome: 'absent', message: null };
  if (!isOurs((await events.send(new ListTagsForResourceCommand({ ResourceARN: found.Arn! }))).Tags)) return notOurs(`Rule ${name}`);
  const ids = ((await events.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: busName }))).Targets ?? []).map((t) => t.Id!);
  if (ids.length) await events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: busName, Ids: ids }));
  await events.send(new DeleteRuleCommand({ Name: name, EventBusName: busName }));
  return { outcome: 'deleted', message: null };
}

async function deleteQueue(clients: AwsClients, p: ProfileInfo, region: string, name: string): Promise<RemoveOutcome> {
  const sqs = clients.sqs(p, region);
  const url = await queueUrl(clients, p, region, name);
  if (!url) return { outcome: 'absent', message: null };
  if (!isOurs((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags)) return notOurs(`Queue ${name}`);
  await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  return { outcome: 'deleted', message: null };
}

/** Deletes one resource of the setup, if it is there and ours. Throws the AWS error of a failed call. */
export async function removeResource(clients: AwsClients, p: ProfileInfo, r: PlannedResource): Promise<RemoveOutcome> {
  switch (r.kind) {
    case 'member-rule':
      return deleteRule(clients, p, r.region, r.name, undefined);
    case 'hub-rule':
      return deleteRule(clients, p, r.region, r.name, r.busName);
    case 'forwarding-role': {
      const iam = clients.iam(p);
      const found = await orAbsent(iam.send(new GetRoleCommand({ RoleName: r.name })));
      if (!found) return { outcome: 'absent', message: null };
      if (!isOurs(found.Role?.Tags)) return notOurs(`IAM role ${r.name}`);
      await orAbsent(iam.send(new DeleteRolePolicyCommand({ RoleName: r.name, PolicyName: ROLE_POLICY_NAME })));
      await iam.send(new DeleteRoleCommand({ RoleName: r.name }));
      return { outcome: 'deleted', message: null };
    }
    case 'bus-permission':
    case 'old-bus-permission': {
      const sids = await hubBusStatements(clients, p, r.region);
      if (!sids?.includes(r.statementId)) return { outcome: 'absent', message: null };
      await clients.events(p, r.region).send(new RemovePermissionCommand({ EventBusName: r.busName, StatementId: r.statementId }));
      return { outcome: 'deleted', message: null };
    }
    case 'queue-policy':
      return { outcome: 'absent', message: 'Goes with its queue.' };
    case 'queue':
    case 'dead-letter-queue':
      return deleteQueue(clients, p, r.region, r.name);
    case 'hub-bus': {
      const events = clients.events(p, r.region);
      const found = await orAbsent(events.send(new DescribeEventBusCommand({ Name: r.name })));
      if (!found) return { outcome: 'absent', message: null };
      if (!isOurs((await events.send(new ListTagsForResourceCommand({ ResourceARN: found.Arn! }))).Tags)) return notOurs(`Event bus ${r.name}`);
      await events.send(new DeleteEventBusCommand({ Name: r.name }));
      return { outcome: 'deleted', message: null };
    }
  }
}

/** The regions account:ListRegions says are not enabled for the profile's account (every page): no rule can be there. */
export async function disabledRegions(clients: AwsClients, p: ProfileInfo): Promise<Set<string>> {
  const disabled = new Set<string>();
  let token: string | undefined;
  do {
    const page = await clients.account(p).send(new ListRegionsCommand({ MaxResults: 50, NextToken: token }));
    for (const r of page.Regions ?? []) if (r.RegionName && r.RegionOptStatus === 'DISABLED') disabled.add(r.RegionName);
    token = page.NextToken;
  } while (token);
  return disabled;
}

export type MemberRuleState = { state: 'absent' } | { state: 'found'; ours: boolean; enabled: boolean; hubBusArn: string | null; roleArn: string | null };

/** The target's forwarding rule on its default bus, as it is now. */
export async function readMemberRule(clients: AwsClients, p: ProfileInfo, region: string): Promise<MemberRuleState> {
  const events = clients.events(p, region);
  const found = await orAbsent(events.send(new DescribeRuleCommand({ Name: MEMBER_RULE_NAME })));
  if (!found) return { state: 'absent' };
  const ours = isOurs((await events.send(new ListTagsForResourceCommand({ ResourceARN: found.Arn! }))).Tags);
  const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: MEMBER_RULE_NAME }))).Targets ?? [];
  const hub = targets.find((t) => /:event-bus\//.test(t.Arn ?? ''));
  return { state: 'found', ours, enabled: found.State === 'ENABLED', hubBusArn: hub?.Arn ?? null, roleArn: hub?.RoleArn ?? null };
}

export type HubState = { queueUrl: string; ruleEnabled: boolean; visible: number } | { missing: string };

/** The hub's side in one region: its rule, and its queue (reachable, how many messages wait). */
export async function readHub(clients: AwsClients, p: ProfileInfo, region: string): Promise<HubState> {
  const rule = await orAbsent(clients.events(p, region).send(new DescribeRuleCommand({ Name: HUB_RULE_NAME, EventBusName: HUB_BUS_NAME })));
  if (!rule) return { missing: `the hub rule ${HUB_RULE_NAME} on bus ${HUB_BUS_NAME} does not exist` };
  const url = await queueUrl(clients, p, region, QUEUE_NAME);
  if (!url) return { missing: `the hub queue ${QUEUE_NAME} does not exist` };
  const attrs = (await clients.sqs(p, region).send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] })))
    .Attributes;
  return { queueUrl: url, ruleEnabled: rule.State === 'ENABLED', visible: Number(attrs?.ApproximateNumberOfMessages ?? 0) };
}

/** Puts the test event on the target's default bus; the id EventBridge gave it. */
export async function putTestEvent(clients: AwsClients, p: ProfileInfo, region: string, nonce: string): Promise<string> {
  const out = await clients.events(p, region).send(
    new PutEventsCommand({
      Entries: [{ Source: TEST_SOURCE, DetailType: TEST_DETAIL_TYPE, Detail: JSON.stringify({ nonce, sentAt: new Date().toISOString() }) }],
    }),
  );
  const entry = out.Entries?.[0];
  if (!entry?.EventId)
    throw Object.assign(new Error(entry?.ErrorMessage ?? 'PutEvents did not accept the test event.'), { name: entry?.ErrorCode ?? 'PutEventsFailed' });
  return entry.EventId;
}

/** A test event older than this was given up by its test: whoever meets it deletes it (the consumer's default too). */
export const TEST_EVENT_MAX_AGE_MS = 120_000;

/** The test event a message body holds (its nonce and when it was sent), or null when it is no test event. */
export function testEventOf(body: unknown): { nonce: string | null; sentAt: number } | null {
  if (!body || typeof body !== 'object' || (body as { source?: unknown }).source !== TEST_SOURCE) return null;
  const detail = (body as { detail?: { nonce?: unknown; sentAt?: unknown } }).detail;
  return {
    nonce: typeof detail?.nonce === 'string' ? detail.nonce : null,
    sentAt: typeof detail?.sentAt === 'string' ? Date.parse(detail.sentAt) : NaN,
  };
}

const parsed = (body: string | undefined): unknown => {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return null;
  }
};

/**
 * Long-polls the hub queue until the test event with this nonce arrives (deleted
 * then) or the deadline passes; when it arrived (ms), or null. Every receive counts
 * toward the queue's maxReceiveCount (then the dead-letter queue, which nothing
 * reads), so the watch engine's messages this takes are hidden until the test is
 * over and then given back once each: a test costs each of them one receive at
 * most, however long it waits, and never takes one twice. Another test's event is
 * treated the same, unless its test gave it up long ago (deleted then).
 */
export async function receiveTestEvent(
  clients: AwsClients,
  p: ProfileInfo,
  region: string,
  url: string,
  nonce: string,
  deadline: number,
): Promise<number | null> {
  const sqs = clients.sqs(p, region);
  const held = new Map<string, string>();
  try {
    while (Date.now() < deadline) {
      const left = deadline - Date.now();
      const wait = Math.max(1, Math.min(20, Math.floor(left / 1000)));
      // Hidden past the deadline and this poll's own end, with room for the release below.
      const hide = Math.ceil(left / 1000) + wait + 10;
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: wait, MaxNumberOfMessages: 10, VisibilityTimeout: hide }));
      let arrivedAt: number | null = null;
      for (const m of got.Messages ?? []) {
        if (!m.ReceiptHandle) continue;
        const test = testEventOf(parsed(m.Body));
        if (test && (test.nonce === nonce || Date.now() - test.sentAt > TEST_EVENT_MAX_AGE_MS)) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
          if (test.nonce === nonce) arrivedAt = Date.now();
        } else held.set(m.MessageId ?? m.ReceiptHandle, m.ReceiptHandle);
      }
      if (arrivedAt !== null) return arrivedAt;
    }
    return null;
  } finally {
    // Given back once each; one that fails comes back by itself when its hiding ends.
    const handles = [...held.values()];
    for (let i = 0; i < handles.length; i += 10)
      await Promise.all(
        handles
          .slice(i, i + 10)
          .map((h) => sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: h, VisibilityTimeout: 0 })).catch(() => undefined)),
      );
  }
}

/** One message of the hub queue, as the watch engine's consumer sees it. */
export interface QueueMessage {
  /** SQS's id of the message: the same on every receive of it (a receipt handle is not). */
  messageId: string;
  receiptHandle: string;
  body: string;
}

/** The hub queue's three calls the watch engine's consumer makes (queue-consumer.ts). */
export interface HubQueueCalls {
  /** One long poll: up to 10 messages, waiting up to 20 s; cancelled by `signal`. */
  receive(signal: AbortSignal): Promise<QueueMessage[]>;
  /** Deletes in batches of 10; the handles that failed. */
  deleteBatch(handles: string[]): Promise<string[]>;
  /** Makes a message visible again after `seconds` (0: at once, it is someone else's to take). */
  release(handle: string, seconds?: number): Promise<void>;
}

export const LONG_POLL_SECONDS = 20;

export function hubQueueCalls(clients: AwsClients, p: ProfileInfo, region: string, url: string): HubQueueCalls {
  const sqs = () => clients.sqs(p, region);
  return {
    async receive(signal) {
      const got = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: LONG_POLL_SECONDS, MaxNumberOfMessages: 10 }), {
        abortSignal: signal,
      });
      return (got.Messages ?? []).flatMap((m) =>
        m.ReceiptHandle ? [{ messageId: m.MessageId ?? m.ReceiptHandle, receiptHandle: m.ReceiptHandle, body: m.Body ?? '' }] : [],
      );
    },
    async deleteBatch(handles) {
      const failed: string[] = [];
      for (let i = 0; i < handles.length; i += 10) {
        const chunk = handles.slice(i, i + 10);
        const out = await sqs().send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((h, j) => ({ Id: String(j), ReceiptHandle: h })) }));
        for (const f of out.Failed ?? []) failed.push(chunk[Number(f.Id)]);
      }
      return failed;
    },
    async release(handle, seconds = 0) {
      await sqs().send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: seconds }));
    },
  };
}
