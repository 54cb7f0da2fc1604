// The sandbox EventBridge's records and the two seams other parts of the sandbox
// use: the event envelope AWS services put on a default bus, and the port through
// which EventBridge hands events to SQS.
import type { CompiledPattern, Json } from './pattern';
import type { PolicyDocument } from './policy';

/** An event as EventBridge carries it and delivers it (the JSON a target receives); services build theirs with a typed detail. */
export interface AwsEventEnvelope<Detail extends object = { [key: string]: Json }> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601, second resolution: 2026-01-01T12:00:00Z. */
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

/**
 * How EventBridge sends a message to an SQS queue as the service
 * (events.amazonaws.com), so the queue checks its policy against the rule's ARN
 * (aws:SourceArn). The SQS store implements it; the sandbox wires it in one line.
 */
export interface QueueDelivery {
  sendAsService(
    queueArn: string,
    body: string,
    from: { service: 'events.amazonaws.com'; sourceArn: string },
  ): { ok: true; messageId: string } | { ok: false; reason: string };
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface TargetRecord {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  DeadLetterConfig?: { Arn?: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  SqsParameters?: { MessageGroupId?: string };
}

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface RuleRecord {
  name: string;
  arn: string;
  busName: string;
  account: string;
  region: string;
  eventPattern?: string;
  /** Compiled once when the rule is put; rebuilt from `eventPattern` after a restart. */
  compiled?: CompiledPattern;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  tags: Tag[];
  targets: TargetRecord[];
}

export interface BusRecord {
  name: string;
  arn: string;
  account: string;
  region: string;
  policy?: PolicyDocument;
  description?: string;
  tags: Tag[];
  createdAt: number;
  modifiedAt: number;
}

export const busArn = (region: string, account: string, name: string) => `arn:aws:events:${region}:${account}:event-bus/${name}`;
export const ruleArn = (region: string, account: string, bus: string, name: string) =>
  `arn:aws:events:${region}:${account}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;

/** An event bus ARN's parts, or undefined when the ARN names no event bus. */
export function parseBusArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = /^arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/([/.\-_A-Za-z0-9]+)$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : undefined;
}

export function parseQueueArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([\w-]{1,80}(\.fifo)?)$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : undefined;
}

/** EventBridge's time format: ISO 8601 to the second. */
export const eventTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
