// The sandbox's SQS data: standard queues per account and region, their
// messages, visibility timeouts, dead-letter redrive and long-poll waiters.
// Times are wall-clock seconds, as the client asks for them (a visibility
// timeout of 1 s hides a message for one real second): they are the client's
// own parameters, not simulated work, so the time scale does not shrink them.
// Only AWS's own fixed delays (60 s between purges, 60 s before a deleted
// queue's name is free) follow the time scale.
//
// The delivery port for other services (EventBridge) is sendAsService: it
// checks the queue's policy as SQS does for an AWS service principal.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SandboxError } from '../../errors';
import { parsePolicy, policyAllows, type PolicyCaller } from './policy';

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as both protocols carry it. */
  BinaryValue?: string;
}

export interface SqsMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes?: Record<string, MessageAttributeValue>;
  senderId: string;
  sentAt: number;
  /** Hidden until then: delayed when never received, in flight when received. */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** The latest receive's nonce: only the latest receipt handle deletes the message or changes its visibility. */
  receipt?: string;
}

export interface SqsQueue {
  name: string;
  accountId: string;
  region: string;
  arn: string;
  created: number;
  lastModified: number;
  /** The settable attributes, as strings (defaults filled in). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  /** In the order they were sent. */
  messages: SqsMessage[];
  lastPurge?: number;
}

/** A message as ReceiveMessage hands it out. */
export interface ReceivedMessage {
  message: SqsMessage;
  receiptHandle: string;
}

export interface ServiceSender {
  service: 'events.amazonaws.com';
  sourceArn: string;
}

export interface SqsHooks {
  changed(): void;
  /** The sandbox's time scale, for AWS's own fixed delays. */
  timeScale(): number;
}

const DEFAULT_ATTRIBUTES: Record<string, string> = {
  VisibilityTimeout: '30',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};
const INTEGER_ATTRIBUTES: Record<string, [number, number]> = {
  VisibilityTimeout: [0, 43_200],
  MaximumMessageSize: [1024, 262_144],
  MessageRetentionPeriod: [60, 1_209_600],
  DelaySeconds: [0, 900],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};
/** Kept as given: the sandbox does not encrypt, nor restrict which queues may use one as their dead-letter queue. */
const OPAQUE_ATTRIBUTES = new Set(['KmsMasterKeyId', 'RedriveAllowPolicy']);
const COMPUTED_ATTRIBUTES = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
];
const ATTRIBUTE_ORDER = [
  ...COMPUTED_ATTRIBUTES,
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'ReceiveMessageWaitTimeSeconds',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
];
const AWS_FIXED_DELAY_MS = 60_000;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** The characters SQS accepts in a message (XML's): tab, newline, carriage return, and the printable planes. */
const FORBIDDEN_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** EventBridge's sender id as SQS reports it on the messages it delivers. */
const EVENTBRIDGE_SENDER_ID = 'AIDAIEVENTBRIDGESANDBOX';

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

export const queueArnOf = (region: string, accountId: string, name: string) => `arn:aws:sqs:${region}:${accountId}:${name}`;

export function parseQueueArn(arn: string): { region: string; accountId: string; name: string } | undefined {
  const m = /^arn:aws:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,80})$/.exec(arn);
  return m ? { region: m[1], accountId: m[2], name: m[3] } : undefined;
}

const invalidParameter = (message: string) => new SandboxError('InvalidParameterValue', message);
const invalidAttributeValue = (name: string) => new SandboxError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
export const unknownAttribute = (name: string) => new SandboxError('InvalidAttributeName', `Unknown Attribute ${name}.`);
export const receiptHandleInvalid = (handle: string) =>
  new SandboxError('ReceiptHandleIsInvalid', `The input receipt handle "${handle.slice(0, 1024)}" is not a valid receipt handle.`, 404);

/**
 * MD5OfMessageAttributes as SQS computes it: per attribute, in name order, the
 * name, the data type, a transport byte (1 string, 2 binary) and the value, each
 * length-prefixed (4 bytes, big-endian).
 */
export function messageAttributesMd5(attributes: Record<string, MessageAttributeValue>): string {
  const parts: Buffer[] = [];
  const withLength = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attributes).sort()) {
    const v = attributes[name];
    withLength(Buffer.from(name, 'utf8'));
    withLength(Buffer.from(v.DataType, 'utf8'));
    const binary = v.DataType.startsWith('Binary');
    parts.push(Buffer.from([binary ? 2 : 1]));
    withLength(binary ? Buffer.from(v.BinaryValue ?? '', 'base64') : Buffer.from(v.StringValue ?? '', 'utf8'));
  }
  return md5(Buffer.concat(parts));
}

const attributesSize = (attributes: Record<string, MessageAttributeValue> | undefined) =>
  Object.entries(attributes ?? {}).reduce(
    (n, [name, v]) =>
      n +
      Buffer.byteLength(name) +
      Buffer.byteLength(v.DataType) +
      (v.BinaryValue !== undefined ? Buffer.from(v.BinaryValue, 'base64').length : Buffer.byteLength(v.StringValue ?? '')),
    0,
  );

/** Receipt handles name their queue, message and receive: opaque to clients, checkable here, and valid across restarts. */
function encodeHandle(arn: string, messageId: string, nonce: string): string {
  return Buffer.from(JSON.stringify([arn, messageId, nonce]), 'utf8').toString('base64');
}

function decodeHandle(handle: string): [string, string, string] | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(handle) || handle.length > 4096) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
    return Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === 'string') ? (parsed as [string, string, string]) : undefined;
  } catch {
    return undefined;
  }
}

export class SqsStore {
  /** By queue ARN (account, region and name in one key). */
  readonly queues = new Map<string, SqsQueue>();
  /** When each deleted queue went: its name stays taken for 60 s, as in SQS. */
  private deletedAt = new Map<string, number>();
  private waiters = new Map<string, Set<() => void>>();

  constructor(private hooks: SqsHooks) {}

  private now(): number {
    return Date.now();
  }

  private fixedDelayMs(): number {
    return AWS_FIXED_DELAY_MS * this.hooks.timeScale();
  }

  get(arn: string): SqsQueue | undefined {
    return this.queues.get(arn);
  }

  find(accountId: string, region: string, name: string): SqsQueue | undefined {
    return this.queues.get(queueArnOf(region, accountId, name));
  }

  list(accountId: string, region: string, prefix = ''): SqsQueue[] {
    return [...this.queues.values()]
      .filter((q) => q.accountId === accountId && q.region === region && q.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** One attribute as given, normalised and checked; '' clears Policy and RedrivePolicy. */
  private normalizeAttribute(name: string, value: string, accountId: string, region: string): string {
    const range = INTEGER_ATTRIBUTES[name];
    if (range) {
      const n = Number(value);
      if (!/^\s*-?\d+\s*$/.test(value) || n < range[0] || n > range[1]) throw invalidAttributeValue(name);
      return String(n);
    }
    switch (name) {
      case 'Policy': {
        if (value === '') return '';
        if (!parsePolicy(value)) throw invalidAttributeValue(name);
        return JSON.stringify(JSON.parse(value));
      }
      case 'RedrivePolicy':
        return value === '' ? '' : this.normalizeRedrivePolicy(value, accountId, region);
      case 'SqsManagedSseEnabled':
        if (value !== 'true' && value !== 'false') throw invalidAttributeValue(name);
        return value;
      case 'FifoQueue':
      case 'ContentBasedDeduplication':
      case 'DeduplicationScope':
      case 'FifoThroughputLimit':
        if (name === 'FifoQueue' && value === 'false') return value;
        throw new SandboxError('AWS.SimpleQueueService.UnsupportedOperation', 'The sandbox answers for standard queues only: FIFO queues are not supported.');
      default:
        if (OPAQUE_ATTRIBUTES.has(name)) return value;
        throw unknownAttribute(name);
    }
  }

  private normalizeRedrivePolicy(value: string, accountId: string, region: string): string {
    const invalid = (reason: string) => invalidParameter(`Value ${value} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalid('Redrive policy is not a valid JSON map.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('Redrive policy is not a valid JSON map.');
    const { deadLetterTargetArn, maxReceiveCount } = parsed as Record<string, unknown>;
    if (typeof deadLetterTargetArn !== 'string') throw invalid('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
    if (maxReceiveCount === undefined) throw invalid('Redrive policy does not contain mandatory attribute: maxReceiveCount.');
    const count = typeof maxReceiveCount === 'number' ? maxReceiveCount : typeof maxReceiveCount === 'string' ? Number(maxReceiveCount) : NaN;
    if (!Number.isInteger(count) || count < 1 || count > 1000)
      throw invalid(
        `Invalid value for maxReceiveCount: ${typeof maxReceiveCount === 'string' ? maxReceiveCount : JSON.stringify(maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
      );
    const target = parseQueueArn(deadLetterTargetArn);
    // A dead-letter queue lives in the source queue's account and region.
    if (!target || target.accountId !== accountId || target.region !== region || !this.queues.has(deadLetterTargetArn))
      throw invalid('Dead letter target does not exist.');
    return JSON.stringify({ deadLetterTargetArn, maxReceiveCount: count });
  }

  private normalizeAttributes(given: Record<string, string>, accountId: string, region: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(given)) out[name] = this.normalizeAttribute(name, value, accountId, region);
    return out;
  }

  createQueue(accountId: string, region: string, name: string, attributes: Record<string, string>, tags: Record<string, string>): SqsQueue {
    if (!QUEUE_NAME.test(name)) {
      if (name.endsWith('.fifo') && attributes.FifoQueue === 'true')
        throw new SandboxError('AWS.SimpleQueueService.UnsupportedOperation', 'The sandbox answers for standard queues only: FIFO queues are not supported.');
      throw invalidParameter('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    const normalized = this.normalizeAttributes(attributes, accountId, region);
    delete normalized.FifoQueue;
    const arn = queueArnOf(region, accountId, name);
    const existing = this.queues.get(arn);
    if (existing) {
      // CreateQueue is idempotent only for the same attributes.
      for (const [k, v] of Object.entries(normalized)) {
        if ((existing.attributes[k] ?? '') !== v)
          throw new SandboxError('QueueAlreadyExists', `A queue already exists with the same name and a different value for attribute ${k}`);
      }
      return existing;
    }
    const deleted = this.deletedAt.get(arn);
    if (deleted !== undefined && this.now() - deleted < this.fixedDelayMs())
      throw new SandboxError(
        'AWS.SimpleQueueService.QueueDeletedRecently',
        'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      );
    this.deletedAt.delete(arn);
    const now = this.now();
    const queue: SqsQueue = {
      name,
      accountId,
      region,
      arn,
      created: now,
      lastModified: now,
      attributes: { ...DEFAULT_ATTRIBUTES },
      tags: { ...tags },
      messages: [],
    };
    for (const [k, v] of Object.entries(normalized)) if (v !== '') queue.attributes[k] = v;
    this.queues.set(arn, queue);
    this.hooks.changed();
    return queue;
  }

  deleteQueue(queue: SqsQueue): void {
    this.queues.delete(queue.arn);
    this.deletedAt.set(queue.arn, this.now());
    this.notify(queue.arn);
    this.hooks.changed();
  }

  setAttributes(queue: SqsQueue, given: Record<string, string>): void {
    // All checked before any applied: a bad attribute changes nothing.
    const normalized = this.normalizeAttributes(given, queue.accountId, queue.region);
    if ('FifoQueue' in normalized) throw unknownAttribute('FifoQueue');
    for (const [k, v] of Object.entries(normalized)) {
      if (v === '') delete queue.attributes[k];
      else queue.attributes[k] = v;
    }
    queue.lastModified = this.now();
    // A shorter wait or a new redrive policy may change what a waiting receive finds.
    this.notify(queue.arn);
    this.hooks.changed();
  }

  /** The attributes asked for ("All" for every one); an unknown name is refused. */
  attributes(queue: SqsQueue, names: string[]): Record<string, string> {
    for (const n of names) if (n !== 'All' && !ATTRIBUTE_ORDER.includes(n)) throw unknownAttribute(n);
    const all = names.includes('All');
    const counts = this.counts(queue);
    const computed: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(queue.created / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.lastModified / 1000)),
    };
    const out: Record<string, string> = {};
    for (const n of ATTRIBUTE_ORDER) {
      if (!all && !names.includes(n)) continue;
      const v = computed[n] ?? queue.attributes[n];
      if (v !== undefined) out[n] = v;
    }
    return out;
  }

  counts(queue: SqsQueue): { visible: number; inFlight: number; delayed: number } {
    const now = this.now();
    this.expire(queue, now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of queue.messages) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  tag(queue: SqsQueue, tags: Record<string, string>): void {
    Object.assign(queue.tags, tags);
    this.hooks.changed();
  }

  untag(queue: SqsQueue, keys: string[]): void {
    for (const k of keys) delete queue.tags[k];
    this.hooks.changed();
  }

  /** Drops messages older than the queue's retention period. */
  private expire(queue: SqsQueue, now: number): void {
    const retentionMs = Number(queue.attributes.MessageRetentionPeriod) * 1000;
    const kept = queue.messages.filter((m) => m.sentAt + retentionMs > now);
    if (kept.length !== queue.messages.length) queue.messages = kept;
  }

  /** Checks a body (and its attributes' size) as SendMessage does. */
  private checkBody(queue: SqsQueue, body: string, attributes: Record<string, MessageAttributeValue> | undefined): void {
    if (body.length === 0) throw invalidParameter('The request must contain the parameter MessageBody.');
    const bad = FORBIDDEN_CHARACTER.exec(body);
    if (bad)
      throw new SandboxError(
        'InvalidMessageContents',
        `Invalid binary character '#x${bad[0].codePointAt(0)!.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
      );
    const max = Number(queue.attributes.MaximumMessageSize);
    if (Buffer.byteLength(body) + attributesSize(attributes) > max)
      throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`);
  }

  send(
    queue: SqsQueue,
    body: string,
    opts: { delaySeconds?: number; attributes?: Record<string, MessageAttributeValue>; senderId: string },
  ): SqsMessage & { md5OfMessageAttributes?: string } {
    this.checkBody(queue, body, opts.attributes);
    const now = this.now();
    const delay = opts.delaySeconds ?? Number(queue.attributes.DelaySeconds);
    const attributes = opts.attributes && Object.keys(opts.attributes).length > 0 ? opts.attributes : undefined;
    const message: SqsMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5(body),
      ...(attributes ? { messageAttributes: attributes } : {}),
      senderId: opts.senderId,
      sentAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
    };
    queue.messages.push(message);
    this.notify(queue.arn);
    this.hooks.changed();
    return { ...message, ...(attributes ? { md5OfMessageAttributes: messageAttributesMd5(attributes) } : {}) };
  }

  private redriveTarget(queue: SqsQueue): { dlq: SqsQueue; maxReceiveCount: number } | undefined {
    if (!queue.attributes.RedrivePolicy) return undefined;
    const policy = JSON.parse(queue.attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number };
    const dlq = this.queues.get(policy.deadLetterTargetArn);
    // A deleted dead-letter queue leaves the messages where they are.
    return dlq && dlq !== queue ? { dlq, maxReceiveCount: policy.maxReceiveCount } : undefined;
  }

  /**
   * Up to `max` visible messages, each hidden for `visibilitySeconds` and given a
   * new receipt handle. A message already received maxReceiveCount times moves
   * to the dead-letter queue instead (its id, body, sent time and receive count kept).
   */
  receive(queue: SqsQueue, max: number, visibilitySeconds: number): ReceivedMessage[] {
    const now = this.now();
    this.expire(queue, now);
    const redrive = this.redriveTarget(queue);
    const out: ReceivedMessage[] = [];
    let moved = false;
    for (let i = 0; i < queue.messages.length && out.length < max;) {
      const m = queue.messages[i];
      if (m.visibleAt > now) {
        i++;
        continue;
      }
      if (redrive && m.receiveCount >= redrive.maxReceiveCount) {
        queue.messages.splice(i, 1);
        delete m.receipt;
        m.visibleAt = now;
        redrive.dlq.messages.push(m);
        moved = true;
        continue;
      }
      m.receiveCount++;
      m.firstReceiveAt ??= now;
      m.receipt = randomBytes(12).toString('hex');
      m.visibleAt = now + visibilitySeconds * 1000;
      out.push({ message: { ...m }, receiptHandle: encodeHandle(queue.arn, m.messageId, m.receipt) });
      i++;
    }
    if (moved && redrive) this.notify(redrive.dlq.arn);
    if (out.length > 0 || moved) this.hooks.changed();
    return out;
  }

  /** The message a receipt handle names, if it names this queue's; throws ReceiptHandleIsInvalid if it is not a handle of this queue. */
  private byHandle(queue: SqsQueue, handle: string): { message?: SqsMessage; index: number; latest: boolean } {
    const decoded = decodeHandle(handle);
    if (!decoded || decoded[0] !== queue.arn) throw receiptHandleInvalid(handle);
    const [, messageId, nonce] = decoded;
    const index = queue.messages.findIndex((m) => m.messageId === messageId);
    const message = index >= 0 ? queue.messages[index] : undefined;
    return { message, index, latest: message?.receipt === nonce };
  }

  /**
   * Deletes the message if the handle is its latest; an older handle, or a
   * message already gone, succeeds without deleting anything (as SQS documents).
   */
  deleteMessage(queue: SqsQueue, handle: string): void {
    const { message, index, latest } = this.byHandle(queue, handle);
    if (!message || !latest) return;
    queue.messages.splice(index, 1);
    this.hooks.changed();
  }

  changeVisibility(queue: SqsQueue, handle: string, seconds: number): void {
    const { message, latest } = this.byHandle(queue, handle);
    if (!message || !latest)
      throw invalidParameter(
        `Value ${handle.slice(0, 1024)} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    const now = this.now();
    if (message.visibleAt <= now) throw new SandboxError('AWS.SimpleQueueService.MessageNotInflight', 'The message referred to is not in flight.');
    message.visibleAt = now + seconds * 1000;
    if (seconds === 0) this.notify(queue.arn);
    this.hooks.changed();
  }

  purge(queue: SqsQueue): void {
    const now = this.now();
    if (queue.lastPurge !== undefined && now - queue.lastPurge < this.fixedDelayMs())
      throw new SandboxError('AWS.SimpleQueueService.PurgeQueueInProgress', `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`, 403);
    queue.messages = [];
    queue.lastPurge = now;
    this.hooks.changed();
  }

  /** When the next hidden message becomes visible (undefined: none is hidden). */
  nextVisibleAt(queue: SqsQueue): number | undefined {
    const now = this.now();
    let next: number | undefined;
    for (const m of queue.messages) if (m.visibleAt > now && (next === undefined || m.visibleAt < next)) next = m.visibleAt;
    return next;
  }

  /** Resolves when something may have changed for the queue's receivers, after `ms`, or on abort. */
  waitForChange(arn: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        const set = this.waiters.get(arn);
        set?.delete(done);
        if (set?.size === 0) this.waiters.delete(arn);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const set = this.waiters.get(arn) ?? new Set();
      set.add(done);
      this.waiters.set(arn, set);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** How many receives are waiting (long polls), over every queue. */
  get waitingReceives(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  private notify(arn: string): void {
    for (const wake of [...(this.waiters.get(arn) ?? [])]) wake();
  }

  /**
   * Delivers a message on behalf of an AWS service (EventBridge), as SQS does:
   * only if the queue's policy allows that service principal sqs:SendMessage on
   * the queue, for this source (aws:SourceArn, aws:SourceAccount).
   */
  sendAsService(queueArn: string, body: string, from: ServiceSender): { ok: true; messageId: string } | { ok: false; reason: string } {
    const queue = this.queues.get(queueArn);
    if (!queue) return { ok: false, reason: `The queue ${queueArn} does not exist.` };
    const caller: PolicyCaller = { service: from.service };
    const sourceAccount = /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(from.sourceArn)?.[1];
    const allowed = policyAllows(queue.attributes.Policy, {
      caller,
      action: 'sqs:SendMessage',
      resource: queue.arn,
      context: { 'aws:SourceArn': from.sourceArn, ...(sourceAccount ? { 'aws:SourceAccount': sourceAccount } : {}) },
    });
    if (!allowed)
      return {
        ok: false,
        reason: queue.attributes.Policy
          ? `The policy of ${queueArn} does not allow ${from.service} to send messages for ${from.sourceArn}.`
          : `${queueArn} has no policy: ${from.service} may not send messages to it.`,
      };
    try {
      return { ok: true, messageId: this.send(queue, body, { senderId: EVENTBRIDGE_SENDER_ID }).messageId };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Forgets every queue; receivers still waiting find their queue gone. */
  clear(): void {
    this.queues.clear();
    this.deletedAt.clear();
    for (const arn of [...this.waiters.keys()]) this.notify(arn);
  }

  /** The queues as plain data, for snapshots. */
  toSnapshot(): SqsQueue[] {
    return [...this.queues.values()];
  }

  restore(queues: SqsQueue[]): void {
    for (const q of queues) this.queues.set(q.arn, q);
  }
}
