// Issue 24's end-to-end check on the sandbox: the AWS CLI (Debian's 2.9) sets up a
// rule for CodePipeline's events to an SQS queue, starts a pipeline itself, and
// reads that execution's events from the queue. Every hop is the sandbox's:
// CodePipeline emits, the default bus matches, the queue's policy admits the rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliSandbox, type AwsCliSandbox } from '../helpers/aws-cli';

let h: AwsCliSandbox;
beforeAll(async () => {
  h = await awsCliSandbox('cpevents', ['--seed', 'demo', '--time-scale', '0.005'], { AWS_MAX_ATTEMPTS: '1' });
}, 60_000);
afterAll(() => h?.stop());
const aws = (...args: string[]) => h.aws('sandbox-dev', '--region', 'us-east-1', ...args);

describe('AWS CLI: CodePipeline events through EventBridge to SQS, in the sandbox', () => {
  it('a pipeline the CLI started itself: its execution events arrive in the queue, from STARTED to the end', { timeout: 120_000 }, async () => {
    const { QueueUrl } = await aws('sqs', 'create-queue', '--queue-name', 'pipeline-events');
    const { Attributes } = await aws('sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'QueueArn');
    const pattern = { source: ['aws.codepipeline'], 'detail-type': ['CodePipeline Pipeline Execution State Change'] };
    const { RuleArn } = await aws('events', 'put-rule', '--name', 'pipeline-events', '--event-pattern', JSON.stringify(pattern));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: Attributes.QueueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': RuleArn } },
        },
      ],
    };
    await aws('sqs', 'set-queue-attributes', '--queue-url', QueueUrl, '--attributes', JSON.stringify({ Policy: JSON.stringify(policy) }));
    await aws('events', 'put-targets', '--rule', 'pipeline-events', '--targets', `Id=queue,Arn=${Attributes.QueueArn}`);

    const { pipelineExecutionId } = await aws('codepipeline', 'start-pipeline-execution', '--name', 'web-frontend');
    const states: string[] = [];
    const deadline = Date.now() + 90_000;
    while (!states.some((s) => ['SUCCEEDED', 'FAILED', 'STOPPED', 'SUPERSEDED'].includes(s)) && Date.now() < deadline) {
      const r = await aws('sqs', 'receive-message', '--queue-url', QueueUrl, '--wait-time-seconds', '2', '--max-number-of-messages', '10');
      for (const m of r?.Messages ?? []) {
        const event = JSON.parse(m.Body);
        expect(event).toMatchObject({ source: 'aws.codepipeline', account: '111111111111', region: 'us-east-1' });
        if (event.detail['execution-id'] === pipelineExecutionId) states.push(event.detail.state);
        await aws('sqs', 'delete-message', '--queue-url', QueueUrl, '--receipt-handle', m.ReceiptHandle);
      }
    }
    expect(states[0]).toBe('STARTED');
    expect(states.at(-1)).toMatch(/^(SUCCEEDED|FAILED|STOPPED|SUPERSEDED)$/);
  });
});
