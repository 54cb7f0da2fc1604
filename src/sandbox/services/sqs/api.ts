// SQS's operations over the store, in the JSON protocol's input and output
// shapes (protocol.ts translates the query protocol both ways). Queue URLs are
// <endpoint>/<account>/<name>; the queue's region is the request's signing
// region. Another account's queue is reachable only as its policy allows.
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import { queryParams } from '../query-protocol';
import { policyAllows } from './policy';
import { decodeJson, decodeQuery, encodeAnswer, isJsonRequest, operationOf, type Input } from './protocol';
import { messageAttributesMd5, type MessageAttributeValue, type ReceivedMessage, type SqsQueue, type SqsStore } from './store';

export interface SqsContext {
  store: SqsStore;
  /** The sandbox's own URL, for queue URLs when a request names no host. */
  endpoint(): string;
}

type Output = Record<string, unknown> | undefined;
type Operation = (ctx: SqsContext, req: ServiceRequest, p: Params) => Output | Promise<Output>;

const invalidValue = (name: string, value: unknown, reason: string) =>
  new SandboxError('InvalidParameterValue', `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`);
const missing = (name: string) => new SandboxError('MissingParameter', `The request must contain the parameter ${name}.`);
const nonExistentQueue = () => new SandboxError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');

/** Typed reads of one request's (or one batch entry's) parameters, with SQS's errors for what is missing or wrong. */
class Params {
  constructor(private input: Input) {}

  has(name: string): boolean {
    return this.input[name] !== undefined && this.input[name] !== null;
  }

  str(name: string): string | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalidValue(name, JSON.stringify(v), 'Must be a string.');
    return v;
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw missing(name);
    return v;
  }

  int(name: string, min: number, max: number, reason: string): number | undefined {
    const v = this.input[name];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw invalidValue(name, typeof v === 'string' ? v : JSON.stringify(v), reason);
    return n;
  }

  strings(name: string): string[] {
    const v = this.input[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidValue(name, JSON.stringify(v), 'Must be a list of strings.');
    return v as string[];
  }

  stringMap(name: string): Record<string, string> {
    const v = this.input[name];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string'))
      throw invalidValue(name, JSON.stringify(v), 'Must be a map of strings.');
    return { ...(v as Record<string, string>) };
  }

  entries(): Params[] {
    const v = this.input.Entries;
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'object' || e === null || Array.isArray(e)))
      throw invalidValue('Entries', JSON.stringify(v), 'Must be a list of entries.');
    return (v as Input[]).map((e) => new Params(e));
  }

  messageAttributes(): Record<string, MessageAttributeValue> | undefined {
    const v = this.input.MessageAttributes;
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw invalidValue('MessageAttributes', JSON.stringify(v), 'Must be a map.');
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length > 10)
      throw new SandboxError('InvalidParameterValue', `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
    const out: Record<string, MessageAttributeValue> = {};
    for (const [name, raw] of entries) {
      const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || /^(aws\.|amazon\.)/i.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..'))
        throw new SandboxError('InvalidParameterValue', `Message (user) attribute name '${name}' is invalid.`);
      const dataType = value.DataType;
      if (typeof dataType !== 'string' || !/^(String|Number|Binary)(\..{1,250})?$/.test(dataType))
        throw new SandboxError(
          'InvalidParameterValue',
          `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
        );
      const binary = dataType.startsWith('Binary');
      const content = binary ? value.BinaryValue : value.StringValue;
      if (typeof content !== 'string' || content === '')
        throw new SandboxError(
          'InvalidParameterValue',
          `The message (user) attribute '${name}' must contain a non-empty message attribute value for message attribute type '${dataType.split('.')[0]}'.`,
        );
      if (dataType.startsWith('Number') && !Number.isFinite(Number(content)))
        throw new SandboxError('InvalidParameterValue', `Can't cast the value of message (user) attribute '${name}' to a number.`);
      out[name] = binary ? { DataType: dataType, BinaryValue: content } : { DataType: dataType, StringValue: content };
    }
    return out;
  }
}

function queueUrl(ctx: SqsContext, req: ServiceRequest, queue: SqsQueue): string {
  const host = req.headers.host;
  return `${host ? `http://${host}` : ctx.endpoint()}/${queue.accountId}/${encodeURIComponent(queue.name)}`;
}

/** Whether the caller may act on the queue: its own account's always, another's only by the queue's policy. */
function mayUse(req: ServiceRequest, queue: SqsQueue, operation: string): boolean {
  if (queue.accountId === req.accountId) return true;
  const arns = [req.principal.arn];
  const role = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(req.principal.arn);
  if (role) arns.push(`arn:aws:iam::${role[1]}:role/${role[2]}`);
  return policyAllows(queue.attributes.Policy, {
    caller: { aws: { accountId: req.accountId, arns } },
    action: `sqs:${operation}`,
    resource: queue.arn,
    context: { 'aws:SourceAccount': req.accountId, 'aws:PrincipalArn': arns[arns.length - 1] },
  });
}

/** The queue a request's QueueUrl names, if the caller may use it. */
function queueOf(ctx: SqsContext, req: ServiceRequest, p: Params): SqsQueue {
  const url = p.required('QueueUrl');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SandboxError('InvalidAddress', `The address ${url.slice(0, 1024)} is not valid for this endpoint.`, 404);
  }
  const parts = parsed.pathname.split('/').filter(Boolean);
  if (parts.length !== 2 || !/^\d{12}$/.test(parts[0])) throw nonExistentQueue();
  let name: string;
  try {
    name = decodeURIComponent(parts[1]);
  } catch {
    throw nonExistentQueue();
  }
  const queue = ctx.store.find(parts[0], req.region, name);
  if (!queue) throw nonExistentQueue();
  if (!mayUse(req, queue, req.operation)) throw new SandboxError('AccessDenied', `Access to the resource ${url.slice(0, 1024)} is denied.`, 403);
  return queue;
}

interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

/** A batch: 1 to 10 entries with distinct, well-formed ids; each entry succeeds or fails on its own. */
function batch(p: Params, entryName: string, each: (entry: Params) => Record<string, unknown>): Output {
  const entries = p.entries();
  if (entries.length === 0) throw new SandboxError('AWS.SimpleQueueService.EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  if (entries.length > 10)
    throw new SandboxError(
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  const ids = entries.map((e) => e.required('Id'));
  for (const id of ids)
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(id))
      throw new SandboxError(
        'AWS.SimpleQueueService.InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) throw new SandboxError('AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${repeated} repeated.`);
  const Successful: Array<Record<string, unknown>> = [];
  const Failed: BatchFailure[] = [];
  entries.forEach((entry, i) => {
    try {
      Successful.push({ Id: ids[i], ...each(entry) });
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      Failed.push({ Id: ids[i], SenderFault: err.status < 500, Code: err.code, Message: err.message });
    }
  });
  return { Successful, Failed };
}

const SYSTEM_ATTRIBUTES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'] as const;

function messageOut(received: ReceivedMessage, systemNames: string[], attributeNames: string[]): Record<string, unknown> {
  const m = received.message;
  const out: Record<string, unknown> = { MessageId: m.messageId, ReceiptHandle: received.receiptHandle, MD5OfBody: m.md5OfBody, Body: m.body };
  const system: Record<string, string> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
  };
  const all = systemNames.includes('All');
  const attributes = Object.fromEntries(SYSTEM_ATTRIBUTES.filter((n) => all || systemNames.includes(n)).map((n) => [n, system[n]]));
  if (Object.keys(attributes).length > 0) out.Attributes = attributes;
  const wanted = (name: string) => attributeNames.some((a) => a === 'All' || a === '.*' || a === name || (a.endsWith('.*') && name.startsWith(a.slice(0, -1))));
  const picked = Object.fromEntries(Object.entries(m.messageAttributes ?? {}).filter(([name]) => wanted(name)));
  if (Object.keys(picked).length > 0) {
    out.MD5OfMessageAttributes = messageAttributesMd5(picked);
    out.MessageAttributes = picked;
  }
  return out;
}

async function receiveMessage(ctx: SqsContext, req: ServiceRequest, p: Params): Promise<Output> {
  const queue = queueOf(ctx, req, p);
  const max = p.int('MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
  const waitSeconds = p.int('WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.') ?? Number(queue.attributes.ReceiveMessageWaitTimeSeconds);
  const visibility = p.int('VisibilityTimeout', 0, 43_200, 'Must be between 0 and 43200, if provided.');
  const systemNames = [...p.strings('AttributeNames'), ...p.strings('MessageSystemAttributeNames')];
  const attributeNames = p.strings('MessageAttributeNames');
  const deadline = Date.now() + waitSeconds * 1000;
  // Long polling: answer as soon as a message is visible (sent, or its visibility
  // timeout over), or empty at the deadline. A client that leaves, or a sandbox
  // that stops, ends the wait without taking anything.
  for (;;) {
    const current = ctx.store.get(queue.arn);
    if (!current) throw nonExistentQueue();
    const got = ctx.store.receive(current, max, visibility ?? Number(current.attributes.VisibilityTimeout));
    if (got.length > 0) return { Messages: got.map((r) => messageOut(r, systemNames, attributeNames)) };
    const now = Date.now();
    if (now >= deadline || req.signal?.aborted) return {};
    const next = ctx.store.nextVisibleAt(current);
    await ctx.store.waitForChange(current.arn, Math.min(deadline, next ?? Infinity) - now, req.signal);
    if (req.signal?.aborted) return {};
  }
}

function sendOne(req: ServiceRequest, queue: SqsQueue, store: SqsStore, p: Params): Record<string, unknown> {
  const body = p.required('MessageBody');
  const delaySeconds = p.int('DelaySeconds', 0, 900, 'DelaySeconds must be >= 0 and <= 900.');
  const sent = store.send(queue, body, { delaySeconds, attributes: p.messageAttributes(), senderId: req.principal.userId });
  return {
    MessageId: sent.messageId,
    MD5OfMessageBody: sent.md5OfBody,
    ...(sent.md5OfMessageAttributes ? { MD5OfMessageAttributes: sent.md5OfMessageAttributes } : {}),
  };
}

const visibilityOf = (p: Params) => {
  const v = p.int('VisibilityTimeout', 0, 43_200, 'Must be between 0 and 43200, if provided.');
  if (v === undefined) throw missing('VisibilityTimeout');
  return v;
};

function listToken(name: string): string {
  return Buffer.from(JSON.stringify({ after: name })).toString('base64');
}

function afterToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    const after = (parsed as { after?: unknown } | null)?.after;
    if (typeof after === 'string') return after;
  } catch {
    // fall through: not a token of ours
  }
  throw new SandboxError('InvalidParameterValue', 'Invalid NextToken value.');
}

const OPERATIONS: Record<string, Operation> = {
  CreateQueue: (ctx, req, p) => {
    const queue = ctx.store.createQueue(req.accountId, req.region, p.required('QueueName'), p.stringMap('Attributes'), p.stringMap('tags'));
    return { QueueUrl: queueUrl(ctx, req, queue) };
  },
  GetQueueUrl: (ctx, req, p) => {
    const owner = p.str('QueueOwnerAWSAccountId') ?? req.accountId;
    const queue = ctx.store.find(owner, req.region, p.required('QueueName'));
    // Another account's queue the caller may not use is, to the caller, no queue at all.
    if (!queue || !mayUse(req, queue, 'GetQueueUrl')) throw nonExistentQueue();
    return { QueueUrl: queueUrl(ctx, req, queue) };
  },
  ListQueues: (ctx, req, p) => {
    const max = p.int('MaxResults', 1, 1000, 'Must be between 1 and 1000, if provided.');
    const token = p.str('NextToken');
    const after = token ? afterToken(token) : undefined;
    const queues = ctx.store.list(req.accountId, req.region, p.str('QueueNamePrefix') ?? '').filter((q) => after === undefined || q.name > after);
    const page = queues.slice(0, max ?? 1000);
    return {
      ...(page.length > 0 ? { QueueUrls: page.map((q) => queueUrl(ctx, req, q)) } : {}),
      ...(max !== undefined && queues.length > page.length ? { NextToken: listToken(page[page.length - 1].name) } : {}),
    };
  },
  GetQueueAttributes: (ctx, req, p) => {
    const attributes = ctx.store.attributes(queueOf(ctx, req, p), p.strings('AttributeNames'));
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  },
  SetQueueAttributes: (ctx, req, p) => {
    const queue = queueOf(ctx, req, p);
    if (!p.has('Attributes')) throw missing('Attributes');
    ctx.store.setAttributes(queue, p.stringMap('Attributes'));
    return undefined;
  },
  SendMessage: (ctx, req, p) => sendOne(req, queueOf(ctx, req, p), ctx.store, p),
  SendMessageBatch: (ctx, req, p) => {
    const queue = queueOf(ctx, req, p);
    const total = p.entries().reduce((n, e) => n + Buffer.byteLength(e.str('MessageBody') ?? ''), 0);
    const max = Number(queue.attributes.MaximumMessageSize);
    if (total > max)
      throw new SandboxError('AWS.SimpleQueueService.BatchRequestTooLong', `Batch requests cannot be longer than ${max} bytes. You have sent ${total} bytes.`);
    return batch(p, 'SendMessageBatchRequestEntry', (e) => sendOne(req, queue, ctx.store, e));
  },
  ReceiveMessage: receiveMessage,
  DeleteMessage: (ctx, req, p) => {
    ctx.store.deleteMessage(queueOf(ctx, req, p), p.required('ReceiptHandle'));
    return undefined;
  },
  DeleteMessageBatch: (ctx, req, p) => {
    const queue = queueOf(ctx, req, p);
    return batch(p, 'DeleteMessageBatchRequestEntry', (e) => {
      ctx.store.deleteMessage(queue, e.required('ReceiptHandle'));
      return {};
    });
  },
  ChangeMessageVisibility: (ctx, req, p) => {
    const queue = queueOf(ctx, req, p);
    ctx.store.changeVisibility(queue, p.required('ReceiptHandle'), visibilityOf(p));
    return undefined;
  },
  ChangeMessageVisibilityBatch: (ctx, req, p) => {
    const queue = queueOf(ctx, req, p);
    return batch(p, 'ChangeMessageVisibilityBatchRequestEntry', (e) => {
      ctx.store.changeVisibility(queue, e.required('ReceiptHandle'), visibilityOf(e));
      return {};
    });
  },
  PurgeQueue: (ctx, req, p) => {
    ctx.store.purge(queueOf(ctx, req, p));
    return undefined;
  },
  DeleteQueue: (ctx, req, p) => {
    ctx.store.deleteQueue(queueOf(ctx, req, p));
    return undefined;
  },
  TagQueue: (ctx, req, p) => {
    ctx.store.tag(queueOf(ctx, req, p), p.stringMap('Tags'));
    return undefined;
  },
  UntagQueue: (ctx, req, p) => {
    ctx.store.untag(queueOf(ctx, req, p), p.strings('TagKeys'));
    return undefined;
  },
  ListQueueTags: (ctx, req, p) => {
    const tags = queueOf(ctx, req, p).tags;
    return Object.keys(tags).length > 0 ? { Tags: { ...tags } } : {};
  },
};

export async function handleSqs(req: ServiceRequest, ctx: SqsContext): Promise<ServiceResponse> {
  const json = isJsonRequest(req.headers);
  const params = json ? undefined : queryParams(req);
  const action = operationOf(req.headers, () => params!);
  req.operation = action;
  if (!Object.hasOwn(OPERATIONS, action)) {
    throw json
      ? new SandboxError('UnknownOperationException', `The operation ${action.slice(0, 64)} is not supported by the sandbox's SQS.`)
      : new SandboxError('InvalidAction', `The action ${action.slice(0, 64)} is not valid for this endpoint.`);
  }
  const input = json ? decodeJson(req.body) : decodeQuery(params!);
  const out = await OPERATIONS[action](ctx, req, new Params(input));
  return encodeAnswer(json, action, out, req.requestId);
}
