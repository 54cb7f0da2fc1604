// SQS through an independent client: Debian's AWS CLI 2.9 (/usr/bin/aws), whose
// botocore speaks SQS's query protocol (form-encoded Action=…, XML answers),
// against `pipewright sandbox`, configured only by what the command prints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { startCli, type RunningCli } from '../helpers/cli';

const run = promisify(execFile);
const AWS = '/usr/bin/aws';
let cli: RunningCli;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(AWS)) throw new Error("Debian's AWS CLI is missing: apt-get install awscli (.ci/run installs it).");
  dir = mkdtempSync(join(tmpdir(), 'pw-awscli-sqs-'));
  cli = startCli(['sandbox', '--seed', 'empty', '--time-scale', '0.005']);
  await cli.waitFor(/Try: aws/);
  const snippet = cli.output().slice(cli.output().indexOf('[profile'), cli.output().indexOf('# Try:'));
  writeFileSync(join(dir, 'config'), snippet);
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_PAGER: '',
    AWS_RETRY_MODE: 'standard',
    AWS_MAX_ATTEMPTS: '1',
    // Debian's CLI is 2.9, which predates endpoint_url in config files: use the printed data path.
    AWS_DATA_PATH: /export AWS_DATA_PATH=(\S+)/.exec(cli.output())![1],
  };
});
afterAll(async () => {
  await cli?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CLI JSON output, asserted field by field
async function aws(...args: string[]): Promise<any> {
  const { stdout } = await run(AWS, ['--profile', 'sandbox-dev', '--output', 'json', ...args], { env, timeout: 60_000 });
  const text = stdout.trim();
  return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
}

/** A command expected to fail: what the CLI printed on stderr. */
async function awsFails(...args: string[]): Promise<string> {
  return run(AWS, ['--profile', 'sandbox-dev', '--output', 'json', ...args], { env, timeout: 60_000 }).then(
    () => expect.unreachable('the command succeeded'),
    (e: { stderr: string }) => e.stderr,
  );
}

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
    writeFileSync(join(dir, 'attrs.json'), JSON.stringify({ RedrivePolicy: redrive }));
    await aws('sqs', 'set-queue-attributes', '--queue-url', QueueUrl, '--attributes', `file://${join(dir, 'attrs.json')}`);
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
