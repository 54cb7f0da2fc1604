// SQS with the real SDK v3 client (AWS JSON 1.0): queues, long polling that
// answers as soon as a message arrives, visibility timeouts, batch deletes,
// the dead-letter redrive, purges, errors as SQS names them, the policy check
// EventBridge deliveries go through (sendAsService), and waits that end when
// the client leaves or the sandbox stops.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type SQSServiceException,
} from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { startSandbox } from '../helpers/sandbox';

let env: Awaited<ReturnType<typeof startSandbox>>;
let sqs: SQSClient;
const RECEIVER = { accessKeyId: 'AKIASANDBOXNORECEIVE', secretAccessKey: 'sandbox-noreceive-secret-key-00000001' };

beforeAll(async () => {
  env = await startSandbox({
    config: {
      users: [{ name: 'no-receive', account: '111111111111', ...RECEIVER, deny: ['sqs:ReceiveMessage'] }],
    },
  });
  sqs = env.sqs();
});
afterAll(() => env.sb.stop());

const failure = (e: unknown) => {
  const err = e as SQSServiceException & { Code?: string };
  return { name: err.name, code: err.Code, status: err.$metadata?.httpStatusCode, message: err.message };
};
const caught = async (p: Promise<unknown>) =>
  failure(
    await p.then(
      () => expect.unreachable('the call succeeded'),
      (e: unknown) => e,
    ),
  );

let n = 0;
async function newQueue(attributes: Record<string, string> = {}, client = sqs) {
  const name = `q-${++n}-${Date.now()}`;
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const arn = (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url: QueueUrl!, arn, name };
}
const counts = async (url: string) => {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
};

describe('SQS queues and messages', () => {
  it('creates a queue, sends, receives with MD5s and system attributes, and deletes', async () => {
    const { url, arn, name } = await newQueue({ VisibilityTimeout: '7' });
    expect(url).toBe(`${env.sb.endpoint}/111111111111/${name}`);
    expect(arn).toBe(`arn:aws:sqs:us-east-1:111111111111:${name}`);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(url);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls).toEqual([url]);
    // Idempotent with the same attributes, refused with others.
    expect((await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '7' } }))).QueueUrl).toBe(url);
    expect(await caught(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '8' } })))).toMatchObject({
      name: 'QueueNameExists',
      code: 'QueueAlreadyExists',
    });

    const body = 'line one\r\nline two <&> "ünïcode"';
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body).digest('hex'));
    const before = Date.now();
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'], MaxNumberOfMessages: 10 }));
    expect(got.Messages).toHaveLength(1);
    const m = got.Messages![0];
    expect(m).toMatchObject({ MessageId: sent.MessageId, Body: body, MD5OfBody: sent.MD5OfMessageBody });
    expect(m.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: 'AIDA111111111111SANDBOX' });
    expect(Number(m.Attributes!.SentTimestamp)).toBeLessThanOrEqual(before);
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 1 });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0 });

    // Message attributes, with the digest AWS computes for them (the vector moto's tests pin).
    const withAttributes = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'derp', MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } } }),
    );
    expect(withAttributes.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
    const [read] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'] }))).Messages!;
    expect(read.MessageAttributes).toEqual({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } });
    expect(read.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
  });

  it('long polling waits, then answers as soon as a message is sent mid-wait', async () => {
    const { url } = await newQueue();
    const started = Date.now();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 400));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'arrived' }));
    const got = await polling;
    const elapsed = Date.now() - started;
    expect(got.Messages?.map((m) => m.Body)).toEqual(['arrived']);
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(2000);

    // With nothing to receive it waits the whole WaitTimeSeconds, then answers empty.
    const emptyStart = Date.now();
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }))).Messages).toBeUndefined();
    expect(Date.now() - emptyStart).toBeGreaterThanOrEqual(950);
  });

  it('a received message is hidden for its visibility timeout, then redelivered with ApproximateReceiveCount 2', async () => {
    const { url } = await newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(first.Messages![0].Attributes).toEqual({ ApproximateReceiveCount: '1' });
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    // A long poll wakes when the timeout ends, not at its own deadline.
    const started = Date.now();
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10, MessageSystemAttributeNames: ['All'] }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(second.Messages![0].MessageId).toBe(first.Messages![0].MessageId);
    expect(second.Messages![0].Attributes!.ApproximateReceiveCount).toBe('2');
    expect(second.Messages![0].ReceiptHandle).not.toBe(first.Messages![0].ReceiptHandle);
    // As SQS documents: an older receipt handle "succeeds" but deletes nothing; the latest one deletes.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0].ReceiptHandle }));
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 1 });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.Messages![0].ReceiptHandle }));
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('ChangeMessageVisibility makes a message visible again at once', async () => {
    const { url } = await newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'back' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: got.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0].Body).toBe('back');
    expect(
      await caught(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: got.Messages![0].ReceiptHandle, VisibilityTimeout: 5 }))),
    ).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
  });

  it('deletes in batches, entry by entry', async () => {
    const { url } = await newQueue();
    for (const body of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(got.Messages?.map((m) => m.Body).sort()).toEqual(['a', 'b', 'c']);
    const result = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [...got.Messages!.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })), { Id: 'bad', ReceiptHandle: 'not-a-handle' }],
      }),
    );
    expect(result.Successful?.map((s) => s.Id).sort()).toEqual(['m0', 'm1', 'm2']);
    expect(result.Failed).toEqual([
      { Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: expect.stringContaining('not a valid receipt handle') },
    ]);
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0 });
    expect(await caught(sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [] })))).toMatchObject({ name: 'EmptyBatchRequest' });
    expect(
      await caught(
        sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: [
              { Id: 'x', ReceiptHandle: 'h' },
              { Id: 'x', ReceiptHandle: 'h' },
            ],
          }),
        ),
      ),
    ).toMatchObject({ name: 'BatchEntryIdsNotDistinct', code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' });
  });

  it('moves a message received more than maxReceiveCount times to the dead-letter queue', async () => {
    const dlq = await newQueue();
    const { url } = await newQueue();
    expect(
      await caught(
        sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: url,
            Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${dlq.arn}-missing`, maxReceiveCount: 2 }) },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('Dead letter target does not exist') });
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: '2' }) } }),
    );
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }))).Attributes!;
    expect(JSON.parse(attrs.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 });

    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    for (const count of ['1', '2']) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      expect(got.Messages![0].Attributes!.ApproximateReceiveCount).toBe(count);
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, AttributeNames: ['All'] }));
    expect(dead.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([[MessageId, 'poison']]);
    // Counted across queues, as SQS documents ApproximateReceiveCount.
    expect(dead.Messages![0].Attributes!.ApproximateReceiveCount).toBe('3');
  });

  it('purges a queue, once a minute', async () => {
    const { url } = await newQueue();
    for (const body of ['a', 'b']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    expect(await counts(url)).toEqual({ visible: 2, inFlight: 0 });
    // At time scale 1 SQS's 60 s between purges is 60 real seconds: long enough to see the refusal.
    env.sb.setTimeScale(1);
    try {
      await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
      expect(await counts(url)).toEqual({ visible: 0, inFlight: 0 });
      expect(await caught(sqs.send(new PurgeQueueCommand({ QueueUrl: url })))).toMatchObject({ name: 'PurgeQueueInProgress', status: 403 });
    } finally {
      env.sb.setTimeScale(0.001);
    }
  });

  it('a deleted queue does not exist, for senders, receivers and a receive already waiting', async () => {
    const { url, name } = await newQueue();
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 })).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    expect(failure(await waiting)).toMatchObject({ name: 'QueueDoesNotExist', code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 });
    expect(Date.now() - started).toBeLessThan(2000);
    for (const call of [
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })),
      sqs.send(new ReceiveMessageCommand({ QueueUrl: url })),
      sqs.send(new GetQueueUrlCommand({ QueueName: name })),
    ])
      expect(await caught(call)).toMatchObject({ name: 'QueueDoesNotExist', code: 'AWS.SimpleQueueService.NonExistentQueue' });
  });

  it('answers bad parameters and receipt handles as SQS does', async () => {
    const { url } = await newQueue();
    expect(await caught(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })))).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    });
    expect(await caught(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })))).toMatchObject({ name: 'InvalidParameterValue' });
    expect(await caught(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })))).toMatchObject({
      name: 'ReceiptHandleIsInvalid',
      status: 404,
    });
    expect(await caught(sqs.send(new CreateQueueCommand({ QueueName: 'bad name!' })))).toMatchObject({ name: 'InvalidParameterValue' });
    expect(await caught(sqs.send(new CreateQueueCommand({ QueueName: 'x', Attributes: { VisibilityTimeout: '43201' } })))).toMatchObject({
      name: 'InvalidAttributeValue',
    });
    expect(await caught(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: '{not json' } })))).toMatchObject({
      name: 'InvalidAttributeValue',
    });
    expect(await caught(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'nul \u0000' })))).toMatchObject({ name: 'InvalidMessageContents' });
  });

  it('keeps each account and region apart; another account reaches a queue only through its policy', async () => {
    const { url, arn, name } = await newQueue();
    expect((await env.sqs('dev', 'eu-west-1').send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls).toBeUndefined();
    expect(await caught(env.sqs('dev', 'eu-west-1').send(new GetQueueAttributesCommand({ QueueUrl: url })))).toMatchObject({ name: 'QueueDoesNotExist' });
    const staging = env.sqs('staging');
    expect((await staging.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls).toBeUndefined();
    expect(await caught(staging.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sqs:SendMessage', Resource: arn }],
    };
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } }));
    await staging.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'from staging' }));
    expect(await caught(staging.send(new ReceiveMessageCommand({ QueueUrl: url })))).toMatchObject({ name: 'AccessDenied' });
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0].Body).toBe('from staging');
  });

  it('a principal whose policy denies sqs:ReceiveMessage is refused', async () => {
    const { url } = await newQueue();
    const limited = new SQSClient({ endpoint: env.sb.endpoint, region: 'us-east-1', credentials: RECEIVER, maxAttempts: 1 });
    await limited.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'ok' }));
    expect(await caught(limited.send(new ReceiveMessageCommand({ QueueUrl: url })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: expect.stringContaining('sqs:ReceiveMessage'),
    });
  });
});

describe('SQS delivery from AWS services (sendAsService)', () => {
  const RULE = 'arn:aws:events:us-east-1:111111111111:rule/hub/pipewright-events';
  const OTHER_RULE = 'arn:aws:events:us-east-1:111111111111:rule/hub/someone-else';
  const from = (sourceArn: string) => ({ service: 'events.amazonaws.com' as const, sourceArn });
  const eventsPolicy = (arn: string, condition?: object, extra: object[] = []) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arn,
          ...(condition ? { Condition: condition } : {}),
        },
        ...extra,
      ],
    });

  it('refuses a queue without a policy, or one that does not exist', async () => {
    const { arn } = await newQueue();
    expect(env.sb.sqs.sendAsService(arn, '{}', from(RULE))).toEqual({ ok: false, reason: expect.stringContaining('has no policy') });
    expect(env.sb.sqs.sendAsService(`${arn}-gone`, '{}', from(RULE))).toEqual({ ok: false, reason: expect.stringContaining('does not exist') });
  });

  it('delivers only from the rule the policy names, and wakes a waiting receive', async () => {
    const { url, arn } = await newQueue();
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: eventsPolicy(arn, { ArnEquals: { 'aws:SourceArn': RULE } }) } }));
    expect(env.sb.sqs.sendAsService(arn, '{"id":"other"}', from(OTHER_RULE))).toMatchObject({ ok: false });
    const started = Date.now();
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MessageSystemAttributeNames: ['SenderId'] }));
    await new Promise((r) => setTimeout(r, 200));
    const delivered = env.sb.sqs.sendAsService(arn, '{"id":"event-1"}', from(RULE));
    expect(delivered).toEqual({ ok: true, messageId: expect.any(String) });
    const got = await waiting;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(got.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([[(delivered as { messageId: string }).messageId, '{"id":"event-1"}']]);
  });

  it('follows ArnLike, a policy without conditions, wildcards and an explicit Deny', async () => {
    const { url, arn } = await newQueue();
    const set = (policy: string) => sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: policy } }));
    await set(eventsPolicy(arn, { ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-east-1:111111111111:rule/hub/pipewright-*' } }));
    expect(env.sb.sqs.sendAsService(arn, 'a', from(RULE)).ok).toBe(true);
    expect(env.sb.sqs.sendAsService(arn, 'b', from(OTHER_RULE)).ok).toBe(false);
    await set(eventsPolicy(arn));
    expect(env.sb.sqs.sendAsService(arn, 'c', from(OTHER_RULE)).ok).toBe(true);
    await set(
      JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } }],
      }),
    );
    expect(env.sb.sqs.sendAsService(arn, 'd', from(RULE)).ok).toBe(true);
    await set(
      eventsPolicy(arn, undefined, [
        { Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: arn, Condition: { ArnEquals: { 'aws:SourceArn': OTHER_RULE } } },
      ]),
    );
    expect(env.sb.sqs.sendAsService(arn, 'e', from(RULE)).ok).toBe(true);
    expect(env.sb.sqs.sendAsService(arn, 'f', from(OTHER_RULE)).ok).toBe(false);
    // Another action, or another queue's ARN, grants nothing.
    await set(
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:ReceiveMessage', Resource: arn }] }),
    );
    expect(env.sb.sqs.sendAsService(arn, 'g', from(RULE)).ok).toBe(false);
    await set(eventsPolicy(`${arn}-other`));
    expect(env.sb.sqs.sendAsService(arn, 'h', from(RULE)).ok).toBe(false);
    expect(await counts(url)).toEqual({ visible: 4, inFlight: 0 });
  });
});

describe('SQS waits end with their client or the sandbox', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a client that gives up a long poll takes no message with it', async () => {
    const { url } = await newQueue();
    const ac = new AbortController();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }), { abortSignal: ac.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    const waitingBefore = env.sb.sqs.waitingReceives;
    ac.abort();
    expect((await polling) as Error).toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 100));
    expect(waitingBefore).toBe(1);
    expect(env.sb.sqs.waitingReceives).toBe(0);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'still here' }));
    expect(await counts(url)).toEqual({ visible: 1, inFlight: 0 });
  });

  it('stopping the sandbox ends a waiting long poll at once', async () => {
    const other = await startSandbox();
    const { QueueUrl } = await other.sqs().send(new CreateQueueCommand({ QueueName: 'waiting' }));
    const polling = other
      .sqs()
      .send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }))
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    expect(other.sb.sqs.waitingReceives).toBe(1);
    const started = Date.now();
    await other.sb.stop();
    // No 20 s timer left behind to hold the process open.
    expect(other.sb.sqs.waitingReceives).toBe(0);
    await polling;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('keeps queues and their messages across a restart (--data)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pw-sqsdata-'));
    dirs.push(dataDir);
    const first = await startSandbox({ dataDir });
    const { QueueUrl } = await first.sqs().send(new CreateQueueCommand({ QueueName: 'kept', Attributes: { VisibilityTimeout: '3' }, tags: { app: 'pw' } }));
    await first.sqs().send(new SendMessageCommand({ QueueUrl, MessageBody: 'survives' }));
    await first.sb.stop();
    const second = await startSandbox({ dataDir });
    try {
      const url = (await second.sqs().send(new GetQueueUrlCommand({ QueueName: 'kept' }))).QueueUrl!;
      const got = await second.sqs().send(new ReceiveMessageCommand({ QueueUrl: url }));
      expect(got.Messages?.map((m) => m.Body)).toEqual(['survives']);
      const attrs = (await second.sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }))).Attributes;
      expect(attrs).toEqual({ VisibilityTimeout: '3' });
    } finally {
      await second.sb.stop();
    }
  });
});
