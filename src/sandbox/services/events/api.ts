// EventBridge's AWS JSON 1.1 API (X-Amz-Target: AWSEvents.<Operation>) over the
// sandbox's EventsStore: each operation reads and checks its input as the service's
// model constrains it, then answers in the service's shapes. Errors carry its codes.
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import type { BusRecord, RuleRecord, Tag, TargetRecord } from './model';
import type { EventsStore, PutEventsEntry } from './store';

type Json = Record<string, unknown>;
type Op = (store: EventsStore, req: ServiceRequest, body: Json) => Json;

const validation = (message: string) => new SandboxError('ValidationException', message);
const constraint = (field: string, value: unknown, rule: string) =>
  validation(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);

const RULE_NAME = /^[.\-_A-Za-z0-9]+$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]+$/;
const BUS_NAME_OR_ARN = /^(arn:aws[\w-]*:events:[a-z]{2}-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/)?[/.\-_A-Za-z0-9]+$/;
const NON_PARTNER_BUS = /^[.\-_A-Za-z0-9]+$/;
const TARGET_ID = /^[.\-_A-Za-z0-9]+$/;
const STATEMENT_ID = /^[a-zA-Z0-9-_]+$/;

interface StringSpec {
  required?: boolean;
  pattern?: RegExp;
  min?: number;
  max?: number;
}

function str(body: Json, field: string, spec: StringSpec & { required: true }): string;
function str(body: Json, field: string, spec?: StringSpec): string | undefined;
function str(body: Json, field: string, spec: StringSpec = {}): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (spec.required) throw constraint(field, null, 'Member must not be null');
    return undefined;
  }
  if (typeof v !== 'string') throw new SandboxError('SerializationException', `${field} must be a string.`);
  if (v.length < (spec.min ?? 0)) throw constraint(field, v, `Member must have length greater than or equal to ${spec.min}`);
  if (spec.max !== undefined && v.length > spec.max) throw constraint(field, v.slice(0, 100), `Member must have length less than or equal to ${spec.max}`);
  if (spec.pattern && !spec.pattern.test(v))
    throw constraint(field, v, `Member must satisfy regular expression pattern: ${spec.pattern.source.replace(/^\^|\$$/g, '')}`);
  return v;
}

function bool(body: Json, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new SandboxError('SerializationException', `${field} must be a boolean.`);
  return v;
}

function int(body: Json, field: string, min: number, max: number): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new SandboxError('SerializationException', `${field} must be an integer.`);
  if (v < min) throw constraint(field, v, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw constraint(field, v, `Member must have value less than or equal to ${max}`);
  return v;
}

function obj(body: Json, field: string): Json | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new SandboxError('SerializationException', `${field} must be a structure.`);
  return v as Json;
}

function arr(body: Json, field: string, required = false): unknown[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw constraint(field, null, 'Member must not be null');
    return undefined;
  }
  if (!Array.isArray(v)) throw new SandboxError('SerializationException', `${field} must be a list.`);
  return v as unknown[];
}

function tags(body: Json, field = 'Tags'): Tag[] {
  return (arr(body, field) ?? []).map((t, i) => {
    if (!t || typeof t !== 'object') throw new SandboxError('SerializationException', `${field}.${i + 1} must be a structure.`);
    return {
      Key: str(t as Json, 'Key', { required: true, min: 1, max: 128 }),
      Value: str(t as Json, 'Value', { required: true, max: 256 }),
    };
  });
}

/** NextToken is an opaque offset into the sorted list. */
function paginate<T>(items: T[], body: Json): { page: T[]; NextToken?: string } {
  const limit = int(body, 'Limit', 1, 100) ?? 100;
  const token = str(body, 'NextToken', { min: 1, max: 2048 });
  let offset = 0;
  if (token !== undefined) {
    offset = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(offset) || offset < 0) throw validation('The NextToken provided is not valid.');
  }
  const page = items.slice(offset, offset + limit);
  return offset + limit < items.length ? { page, NextToken: Buffer.from(`o:${offset + limit}`).toString('base64url') } : { page };
}

const ruleOut = (r: RuleRecord) => ({
  Name: r.name,
  Arn: r.arn,
  ...(r.eventPattern === undefined ? {} : { EventPattern: r.eventPattern }),
  ...(r.scheduleExpression === undefined ? {} : { ScheduleExpression: r.scheduleExpression }),
  State: r.state,
  ...(r.description === undefined ? {} : { Description: r.description }),
  ...(r.roleArn === undefined ? {} : { RoleArn: r.roleArn }),
  EventBusName: r.busName,
});

const busOut = (b: BusRecord) => ({
  Name: b.name,
  Arn: b.arn,
  ...(b.description === undefined ? {} : { Description: b.description }),
  ...(b.policy ? { Policy: JSON.stringify(b.policy) } : {}),
  CreationTime: b.createdAt / 1000,
  LastModifiedTime: b.modifiedAt / 1000,
});

function readTarget(raw: unknown, i: number): TargetRecord {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SandboxError('SerializationException', `Targets.${i + 1} must be a structure.`);
  const t = raw as Json;
  for (const unsupported of [
    'InputTransformer',
    'KinesisParameters',
    'RunCommandParameters',
    'EcsParameters',
    'BatchParameters',
    'HttpParameters',
    'RedshiftDataParameters',
    'SageMakerPipelineParameters',
    'AppSyncParameters',
  ])
    if (t[unsupported] !== undefined && t[unsupported] !== null)
      throw validation(`The sandbox does not model ${unsupported}: its EventBridge delivers to SQS queues and event buses.`);
  const dlq = obj(t, 'DeadLetterConfig');
  const retry = obj(t, 'RetryPolicy');
  const sqs = obj(t, 'SqsParameters');
  const target: TargetRecord = {
    Id: str(t, 'Id', { required: true, min: 1, max: 64, pattern: TARGET_ID }),
    Arn: str(t, 'Arn', { required: true, min: 1, max: 1600 }),
  };
  const roleArn = str(t, 'RoleArn', { min: 1, max: 1600 });
  const input = str(t, 'Input', { max: 8192 });
  const inputPath = str(t, 'InputPath', { max: 256 });
  if (roleArn !== undefined) target.RoleArn = roleArn;
  if (input !== undefined) target.Input = input;
  if (inputPath !== undefined) target.InputPath = inputPath;
  if (dlq) {
    const arn = str(dlq, 'Arn', { min: 1, max: 1600 });
    target.DeadLetterConfig = arn === undefined ? {} : { Arn: arn };
  }
  if (retry) {
    const attempts = int(retry, 'MaximumRetryAttempts', 0, 185);
    const age = int(retry, 'MaximumEventAgeInSeconds', 60, 86400);
    target.RetryPolicy = {
      ...(attempts === undefined ? {} : { MaximumRetryAttempts: attempts }),
      ...(age === undefined ? {} : { MaximumEventAgeInSeconds: age }),
    };
  }
  if (sqs) {
    const group = str(sqs, 'MessageGroupId');
    target.SqsParameters = group === undefined ? {} : { MessageGroupId: group };
  }
  return target;
}

const busParam = (body: Json, field = 'EventBusName') => str(body, field, { min: 1, max: 1600, pattern: BUS_NAME_OR_ARN });
const ruleName = (body: Json, field = 'Name') => str(body, field, { required: true, min: 1, max: 64, pattern: RULE_NAME });

const ops: Record<string, Op> = {
  PutRule: (store, req, body) => {
    const rule = store.putRule(req.accountId, req.region, {
      name: ruleName(body),
      busName: busParam(body),
      eventPattern: str(body, 'EventPattern', { max: 4096 }),
      scheduleExpression: str(body, 'ScheduleExpression', { max: 256 }),
      state: str(body, 'State'),
      description: str(body, 'Description', { max: 512 }),
      roleArn: str(body, 'RoleArn', { min: 1, max: 1600 }),
      tags: tags(body),
    });
    return { RuleArn: rule.arn };
  },
  DescribeRule: (store, req, body) => ({ ...ruleOut(store.rule(req.accountId, req.region, ruleName(body), busParam(body))), CreatedBy: req.accountId }),
  ListRules: (store, req, body) => {
    const { page, NextToken } = paginate(
      store.listRules(req.accountId, req.region, { busName: busParam(body), namePrefix: str(body, 'NamePrefix', { min: 1, max: 64, pattern: RULE_NAME }) }),
      body,
    );
    return { Rules: page.map(ruleOut), ...(NextToken ? { NextToken } : {}) };
  },
  ListRuleNamesByTarget: (store, req, body) => {
    const names = store.listRuleNamesByTarget(req.accountId, req.region, {
      busName: busParam(body),
      targetArn: str(body, 'TargetArn', { required: true, min: 1, max: 1600 }),
    });
    const { page, NextToken } = paginate(names, body);
    return { RuleNames: page, ...(NextToken ? { NextToken } : {}) };
  },
  EnableRule: (store, req, body) => {
    store.setRuleState(req.accountId, req.region, ruleName(body), busParam(body), 'ENABLED');
    return {};
  },
  DisableRule: (store, req, body) => {
    store.setRuleState(req.accountId, req.region, ruleName(body), busParam(body), 'DISABLED');
    return {};
  },
  DeleteRule: (store, req, body) => {
    bool(body, 'Force');
    store.deleteRule(req.accountId, req.region, ruleName(body), busParam(body));
    return {};
  },
  PutTargets: (store, req, body) => {
    const raw = arr(body, 'Targets', true)!;
    if (!raw.length || raw.length > 10) throw constraint('targets', `${raw.length} targets`, 'Member must have length between 1 and 10');
    const failures = store.putTargets(req.accountId, req.region, {
      rule: ruleName(body, 'Rule'),
      busName: busParam(body),
      targets: raw.map((t, i) => readTarget(t, i)),
    });
    return { FailedEntryCount: failures.length, FailedEntries: failures };
  },
  ListTargetsByRule: (store, req, body) => {
    const rule = store.rule(req.accountId, req.region, ruleName(body, 'Rule'), busParam(body));
    const { page, NextToken } = paginate(rule.targets, body);
    return { Targets: page, ...(NextToken ? { NextToken } : {}) };
  },
  RemoveTargets: (store, req, body) => {
    bool(body, 'Force');
    const ids = arr(body, 'Ids', true)!.map((id) => str({ Ids: id }, 'Ids', { required: true, min: 1, max: 64, pattern: TARGET_ID }));
    if (!ids.length || ids.length > 100) throw constraint('ids', `${ids.length} ids`, 'Member must have length between 1 and 100');
    store.removeTargets(req.accountId, req.region, { rule: ruleName(body, 'Rule'), busName: busParam(body), ids });
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
  PutPermission: (store, req, body) => {
    const condition = obj(body, 'Condition');
    store.putPermission(req.accountId, req.region, {
      busName: str(body, 'EventBusName', { min: 1, max: 256, pattern: NON_PARTNER_BUS }),
      policy: str(body, 'Policy'),
      statementId: str(body, 'StatementId', { min: 1, max: 64, pattern: STATEMENT_ID }),
      action: str(body, 'Action', { min: 1, max: 64, pattern: /^events:[a-zA-Z]+$/ }),
      principal: str(body, 'Principal', { min: 1, max: 12, pattern: /^(\d{12}|\*)$/ }),
      condition: condition
        ? {
            Type: str(condition, 'Type', { required: true }),
            Key: str(condition, 'Key', { required: true }),
            Value: str(condition, 'Value', { required: true }),
          }
        : undefined,
    });
    return {};
  },
  RemovePermission: (store, req, body) => {
    store.removePermission(req.accountId, req.region, {
      busName: str(body, 'EventBusName', { min: 1, max: 256, pattern: NON_PARTNER_BUS }),
      statementId: str(body, 'StatementId', { min: 1, max: 64, pattern: STATEMENT_ID }),
      removeAll: bool(body, 'RemoveAllPermissions'),
    });
    return {};
  },
  DescribeEventBus: (store, req, body) => busOut(store.bus(req.accountId, req.region, busParam(body, 'Name'))),
  CreateEventBus: (store, req, body) => {
    if (body.EventSourceName !== undefined && body.EventSourceName !== null)
      throw validation('The sandbox does not model partner event sources: create a bus without EventSourceName.');
    const bus = store.createEventBus(req.accountId, req.region, {
      name: str(body, 'Name', { required: true, min: 1, max: 256, pattern: BUS_NAME }),
      description: str(body, 'Description', { max: 512 }),
      tags: tags(body),
    });
    return { EventBusArn: bus.arn, ...(bus.description === undefined ? {} : { Description: bus.description }) };
  },
  DeleteEventBus: (store, req, body) => {
    store.deleteEventBus(req.accountId, req.region, str(body, 'Name', { required: true, min: 1, max: 256, pattern: BUS_NAME }));
    return {};
  },
  ListEventBuses: (store, req, body) => {
    const { page, NextToken } = paginate(
      store.listEventBuses(req.accountId, req.region, str(body, 'NamePrefix', { min: 1, max: 256, pattern: BUS_NAME })),
      body,
    );
    return { EventBuses: page.map(busOut), ...(NextToken ? { NextToken } : {}) };
  },
  PutEvents: (store, req, body) => {
    if (body.EndpointId !== undefined && body.EndpointId !== null)
      throw validation('The sandbox does not model global endpoints: put events without EndpointId.');
    const raw = arr(body, 'Entries', true)!;
    if (!raw.length || raw.length > 10) throw constraint('entries', `${raw.length} entries`, 'Member must have length between 1 and 10');
    const entries: PutEventsEntry[] = raw.map((e, i) => {
      if (!e || typeof e !== 'object' || Array.isArray(e)) throw new SandboxError('SerializationException', `Entries.${i + 1} must be a structure.`);
      const entry = e as Json;
      const time = entry.Time;
      if (time !== undefined && time !== null && typeof time !== 'number') throw new SandboxError('SerializationException', 'Time must be a timestamp.');
      const resources = arr(entry, 'Resources');
      if (resources && !resources.every((r) => typeof r === 'string')) throw new SandboxError('SerializationException', 'Resources must be a list of strings.');
      return {
        ...(typeof time === 'number' ? { Time: time } : {}),
        Source: str(entry, 'Source'),
        DetailType: str(entry, 'DetailType'),
        Detail: str(entry, 'Detail'),
        Resources: resources,
        EventBusName: str(entry, 'EventBusName', { min: 1, max: 1600, pattern: BUS_NAME_OR_ARN }),
      };
    });
    const results = store.putEvents(req.accountId, req.region, entries);
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  },
  TestEventPattern: (store, _req, body) => ({
    Result: store.testEventPattern(str(body, 'EventPattern', { required: true, max: 4096 }), str(body, 'Event', { required: true })),
  }),
  TagResource: (store, req, body) => {
    store.tagResource(req.accountId, req.region, str(body, 'ResourceARN', { required: true, min: 1, max: 1600 }), tags(body));
    return {};
  },
  UntagResource: (store, req, body) => {
    const keys = (arr(body, 'TagKeys', true) ?? []).map((k) => {
      if (typeof k !== 'string') throw new SandboxError('SerializationException', 'TagKeys must be a list of strings.');
      return k;
    });
    store.untagResource(req.accountId, req.region, str(body, 'ResourceARN', { required: true, min: 1, max: 1600 }), keys);
    return {};
  },
  ListTagsForResource: (store, req, body) => ({
    Tags: store.listTags(req.accountId, req.region, str(body, 'ResourceARN', { required: true, min: 1, max: 1600 })),
  }),
};

export const EVENTS_OPERATIONS = Object.keys(ops);

/** The operations that change what a snapshot keeps (PutEvents changes nothing kept: events are not stored). */
const KEPT_STATE_CHANGES = new Set([
  'PutRule',
  'EnableRule',
  'DisableRule',
  'DeleteRule',
  'PutTargets',
  'RemoveTargets',
  'PutPermission',
  'RemovePermission',
  'CreateEventBus',
  'DeleteEventBus',
  'TagResource',
  'UntagResource',
]);

export function handleEvents(req: ServiceRequest, store: EventsStore, changed: () => void): ServiceResponse {
  const target = String(req.headers['x-amz-target'] ?? '');
  const m = /^AWSEvents\.(\w+)$/.exec(target);
  req.operation = m?.[1] ?? 'Unknown';
  const op = m && Object.hasOwn(ops, m[1]) ? ops[m[1]] : undefined;
  if (!op) throw new SandboxError('UnknownOperationException', `Unknown operation ${target.slice(0, 100)}`);
  let body: unknown;
  try {
    const text = req.body.toString('utf8');
    body = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new SandboxError('SerializationException', 'Start of structure or map found where not expected, or the body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SandboxError('SerializationException', 'The request body must be a JSON object.');
  const result = op(store, req, body as Json);
  if (KEPT_STATE_CHANGES.has(req.operation)) changed();
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(result) };
}
