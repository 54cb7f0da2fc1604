// SQS through an independent client: Debian's AWS CLI 2.9 (/usr/bin/aws), whose
// botocore speaks SQS's query protocol (form-encoded Action=…, XML answers),
// against `pipewright sandbox`, configured only by what the command prints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { awsCliSandbox, type AwsCliSandbox } from '../helpers/aws-cli';

let h: AwsCliSandbox;
beforeAll(async () => {
  h = await awsCliSandbox('sqs', undefined, { AWS_MAX_ATTEMPTS: '1' });
}, 60_000);
afterAll(() => h?.stop());
const aws = (...args: string[]) => h.aws('sandbox-dev', ...args);
/** A command expected to fail: what the CLI printed on stderr. */
const awsFails = async (...args: string[]) => (await h.awsFails('sandbox-dev', ...args)).stderr;

describe('AWS CLI 2.9 (query protocol) against the sandbox SQS', () => {
  it('create-queue, send-message, receive-message with a wait, delete-message, get-queue-attributes', { timeout: 60_000 }, async () => {
    const { QueueUrl } = await aws('sqs', 'create-queue', '--queue-name', 'cli-events', '--attributes', 'VisibilityTimeout=5', '--tags', 'app=pipewright');
    expect(QueueUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/111111111111\/cli-events$/);
    expect((await aws('sqs', 'get-queue-url', '--queue-name', 'cli-events')).QueueUrl).toBe(QueueUrl);
    expect((await aws('sqs', 'list-queues')).QueueUrls).toEqual([QueueUrl]);
    expect((await aws('sqs', 'list-queue-tags', '--queue-url', QueueUrl)).Tags).toEqual({ app: 'pipewright' });

    // Characters XML must escape, and a carriage return an XML parser would turn into a newline.
    const body = '{"detail-type":"CodePipeline Pipeline Execution State Change","note":"<a & b>"}\r\nend';
    const sent = await aws(
      'sqs',
      'send-message',
      '--queue-url',
      QueueUrl,
      '--message-body',
      body,
      '--message-attributes',
      '{"kind":{"DataType":"String","StringValue":"event"}}',
    );
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body).digest('hex'));

    const got = await aws(
      'sqs',
      'receive-message',
      '--queue-url',
      QueueUrl,
      '--wait-time-seconds',
      '1',
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
    );
    expect(got.Messages).toHaveLength(1);
    const m = got.Messages[0];
    expect(m).toMatchObject({ MessageId: sent.MessageId, Body: body, MD5OfBody: sent.MD5OfMessageBody, MD5OfMessageAttributes: sent.MD5OfMessageAttributes });
    expect(m.Attributes.ApproximateReceiveCount).toBe('1');
    expect(m.MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'event' } });

    const inFlight = (await aws('sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All')).Attributes;
    expect(inFlight).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:111111111111:cli-events',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      VisibilityTimeout: '5',
    });
    await aws('sqs', 'delete-message', '--queue-url', QueueUrl, '--receipt-handle', m.ReceiptHandle);
    const after = (await aws('sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All')).Attributes;
    expect([after.ApproximateNumberOfMessages, after.ApproximateNumberOfMessagesNotVisible]).toEqual(['0', '0']);

    // An empty long poll waits its second, then prints nothing.
    const started = Date.now();
    expect(await aws('sqs', 'receive-message', '--queue-url', QueueUrl, '--wait-time-seconds', '1')).toBe('');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('set-queue-attributes with a redrive policy, delete-message-batch, and errors as SQS codes them', { timeout: 60_000 }, async () => {
    const dlq = await aws('sqs', 'create-queue', '--queue-name', 'cli-dlq');
    const dlqArn = (await aws('sqs', 'get-queue-attributes', '--queue-url', dlq.QueueUrl, '--attribute-names', 'QueueArn')).Attributes.QueueArn;
    const { QueueUrl } = await aws('sqs', 'create-queue', '--queue-name', 'cli-work');
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });
    writeFileSync(join(h.dir, 'attrs.json'), JSON.stringify({ RedrivePolicy: redrive }));
    await aws('sqs', 'set-queue-attributes', '--queue-url', QueueUrl, '--attributes', `file://${join(h.dir, 'attrs.json')}`);
    const attrs = (await aws('sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'RedrivePolicy')).Attributes;
    expect(JSON.parse(attrs.RedrivePolicy)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });

    for (const b of ['one', 'two']) await aws('sqs', 'send-message', '--queue-url', QueueUrl, '--message-body', b);
    const got = await aws('sqs', 'receive-message', '--queue-url', QueueUrl, '--max-number-of-messages', '10');
    expect(got.Messages).toHaveLength(2);
    const entries = [
      ...got.Messages.map((m: { ReceiptHandle: string }, i: number) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle })),
      { Id: 'bad', ReceiptHandle: 'nope' },
    ];
    const deleted = await aws('sqs', 'delete-message-batch', '--queue-url', QueueUrl, '--entries', JSON.stringify(entries));
    expect(deleted.Successful.map((s: { Id: string }) => s.Id).sort()).toEqual(['e0', 'e1']);
    expect(deleted.Failed).toEqual([
      { Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: expect.stringContaining('not a valid receipt handle') },
    ]);

    expect(await awsFails('sqs', 'get-queue-url', '--queue-name', 'no-such-queue')).toMatch(
      /An error occurred \(AWS\.SimpleQueueService\.NonExistentQueue\) when calling the GetQueueUrl operation.*: The specified queue does not exist\./,
    );
    expect(await awsFails('sqs', 'receive-message', '--queue-url', QueueUrl, '--max-number-of-messages', '11')).toContain('(InvalidParameterValue)');
    await aws('sqs', 'delete-queue', '--queue-url', QueueUrl);
    expect(await awsFails('sqs', 'send-message', '--queue-url', QueueUrl, '--message-body', 'x')).toContain('(AWS.SimpleQueueService.NonExistentQueue)');
  });
});
