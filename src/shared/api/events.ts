// The contract's "Live updates" part (issue 24): the setup's plan, its outcome per
// resource, the end-to-end test, and each target's mode. Written for the CLI today
// and for Accounts & Settings later: every call returns what it found, with the AWS
// error when a call was refused, never a bare "polled".
import { z } from 'zod';
import { AccountConfirmationView } from './production';

const ProfileName = z.string().min(1).max(128);
const RegionCode = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not a region code');

export const ResourceKind = z.enum([
  'forwarding-role',
  'member-rule',
  'hub-bus',
  'bus-permission',
  'dead-letter-queue',
  'queue',
  'queue-policy',
  'hub-rule',
  /** A member's grant on the hub its rule forwarded to before a setup moved it: revoked by that setup. */
  'old-bus-permission',
]);

/** A resource the setup creates (or found), as the plan names it. */
export const EventsResourceView = z.object({
  id: z.string(),
  kind: ResourceKind,
  side: z.enum(['member', 'hub']),
  profile: z.string(),
  account: z.string(),
  /** 'global' for IAM. */
  region: z.string(),
  name: z.string(),
  arn: z.string(),
  summary: z.string(),
});
export type EventsResourceView = z.infer<typeof EventsResourceView>;

export const EventsPlanView = z.object({
  hub: z.object({ profile: z.string(), accountId: z.string() }),
  routes: z.array(z.object({ profile: z.string(), accountId: z.string(), region: z.string(), hubRegion: z.string() })),
  resources: z.array(EventsResourceView),
  warnings: z.array(z.string()),
  /** The plan's accounts as the production rule sees them now: where `productionWord` is set, it is typed to create. */
  accounts: z.array(AccountConfirmationView),
});
export type EventsPlanView = z.infer<typeof EventsPlanView>;

/**
 * What happened to one resource. `refused`: a resource of that name exists and is not
 * the setup's (no `pipewright:events` tag), so it was left alone. `failed`: the call
 * failed, with AWS's code; running the setup again resumes from there.
 */
export const ResourceOutcome = z.object({
  id: z.string(),
  kind: ResourceKind,
  profile: z.string(),
  account: z.string(),
  region: z.string(),
  name: z.string(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'deleted', 'absent', 'skipped', 'refused', 'failed']),
  message: z.string().nullable(),
  awsCode: z.string().nullable(),
});
export type ResourceOutcome = z.infer<typeof ResourceOutcome>;

export const EventsTargetsInput = z.strictObject({
  targets: z
    .array(z.strictObject({ profile: ProfileName, regions: z.array(RegionCode).min(1).max(30) }))
    .min(1)
    .max(500),
});

export const EventsSetupInput = EventsTargetsInput.extend({
  /** The hub's profile: by default the first target's. */
  hubProfile: ProfileName.optional(),
  /** One hub region for all; by default each watched region is its own hub region (cross-account delivery works within a region). */
  hubRegion: RegionCode.optional(),
});
export type EventsSetupInput = z.infer<typeof EventsSetupInput>;

export const EventsApplyResult = z.object({ plan: EventsPlanView, outcomes: z.array(ResourceOutcome), ok: z.boolean() });
export type EventsApplyResult = z.infer<typeof EventsApplyResult>;

/** CloudFormation for the same resources: one template per member account (StackSet), one for the hub. */
export const EventsTemplates = z.object({ member: z.string(), hub: z.string() });

export const EventsMode = z.enum(['event-driven', 'polled', 'degraded']);
export const EventsTargetStatus = z.object({
  profile: z.string(),
  accountId: z.string().nullable(),
  region: z.string(),
  mode: EventsMode,
  /** Why it is polled or degraded (null when event-driven). */
  reason: z.string().nullable(),
  /** The AWS error code behind `reason`, when a call failed. */
  awsCode: z.string().nullable(),
  hub: z.object({ accountId: z.string(), region: z.string(), queueUrl: z.string().nullable() }).nullable(),
  /** When the last event of this target was taken from its queue, by this process's watchers or the queue's reader on this machine (null: none heard). */
  lastEventAt: z.string().nullable(),
  /** False when a read the verdict needs failed (the forwarding rule's): `mode` and `reason` then say what could not be checked, not what is. */
  verified: z.boolean(),
});
export type EventsTargetStatus = z.infer<typeof EventsTargetStatus>;

export const EventsTestResult = z.object({
  ok: z.boolean(),
  profile: z.string(),
  region: z.string(),
  eventId: z.string().nullable(),
  queueUrl: z.string().nullable(),
  /** From PutEvents to the message received from the hub queue. */
  elapsedMs: z.number().nullable(),
  message: z.string(),
  awsCode: z.string().nullable(),
});
export type EventsTestResult = z.infer<typeof EventsTestResult>;

/** What remove would delete (ours) and what it found and keeps (not ours, or still used). */
export const EventsRemovePlan = z.object({
  remove: z.array(EventsResourceView),
  keep: z.array(EventsResourceView.extend({ why: z.string() })),
  /** Calls that failed while looking: nothing is concluded about those resources. */
  unreadable: z.array(ResourceOutcome),
  /** The accounts of what would be deleted, as the production rule sees them now: where `productionWord` is set, it is typed to delete. */
  accounts: z.array(AccountConfirmationView),
});
export type EventsRemovePlan = z.infer<typeof EventsRemovePlan>;

/**
 * A person's confirmation of a plan (issue 24): the ids of the resources they saw, and each
 * production (or unknown) account's word typed. Only those resources are acted on; what
 * the plan names at the moment of acting and they did not see is skipped.
 */
export const EventsConfirmation = z.strictObject({
  resources: z.array(z.string().min(1).max(300)).min(1).max(20_000),
  production: z.array(z.string().max(256)).max(500).default([]),
});
export const EventsApplyInput = EventsSetupInput.extend(EventsConfirmation.shape);
export type EventsApplyInput = z.infer<typeof EventsApplyInput>;
export const EventsRemoveInput = EventsTargetsInput.extend({ confirmed: z.literal(true), ...EventsConfirmation.shape });
export type EventsRemoveInput = z.infer<typeof EventsRemoveInput>;
