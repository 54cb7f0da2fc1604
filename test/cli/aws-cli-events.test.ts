// An independent client for the sandbox's EventBridge: Debian's AWS CLI
// (/usr/bin/aws, v2.9, JSON 1.1 with "AWSEvents." targets) against `pipewright
// sandbox`, configured only by what the command prints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliSandbox, type AwsCliSandbox } from '../helpers/aws-cli';

const DEV = '111111111111';
const PROD = '333333333333';
let h: AwsCliSandbox;
beforeAll(async () => {
  h = await awsCliSandbox('events');
}, 60_000);
afterAll(() => h?.stop());
const aws = (profile: string, ...args: string[]) => h.aws(profile, ...args);
const awsFails = (profile: string, ...args: string[]) => h.awsFails(profile, ...args);
const control = (method: string, path: string) => h.control(method, path);

describe("AWS CLI v2 against the sandbox's EventBridge", () => {
  it('put-rule --event-pattern, describe-rule, put-targets, list-targets-by-rule; delete-rule refused while targets remain', async () => {
    const pattern = JSON.stringify({ source: ['aws.codepipeline'], 'detail-type': [{ prefix: 'CodePipeline ' }] });
    const put = await aws('sandbox-dev', 'events', 'put-rule', '--name', 'pw-cli', '--event-pattern', pattern, '--tags', 'Key=pipewright,Value=events');
    expect(put.RuleArn).toBe(`arn:aws:events:us-east-1:${DEV}:rule/pw-cli`);
    expect(await aws('sandbox-dev', 'events', 'describe-rule', '--name', 'pw-cli')).toMatchObject({ Name: 'pw-cli', EventPattern: pattern, State: 'ENABLED' });

    const targets = await aws(
      'sandbox-dev',
      'events',
      'put-targets',
      '--rule',
      'pw-cli',
      '--targets',
      `Id=queue,Arn=arn:aws:sqs:us-east-1:${DEV}:pw-events`,
      `Id=hub,Arn=arn:aws:events:us-east-1:${PROD}:event-bus/default,RoleArn=arn:aws:iam::${DEV}:role/pw-forward`,
    );
    expect(targets).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    expect((await aws('sandbox-dev', 'events', 'list-targets-by-rule', '--rule', 'pw-cli')).Targets).toEqual([
      { Id: 'queue', Arn: `arn:aws:sqs:us-east-1:${DEV}:pw-events` },
      { Id: 'hub', Arn: `arn:aws:events:us-east-1:${PROD}:event-bus/default`, RoleArn: `arn:aws:iam::${DEV}:role/pw-forward` },
    ]);

    const refused = await awsFails('sandbox-dev', 'events', 'delete-rule', '--name', 'pw-cli');
    expect(refused.code).toBe(254);
    expect(refused.stderr).toContain(
      "An error occurred (ValidationException) when calling the DeleteRule operation: Rule can't be deleted since it has targets.",
    );
    await aws('sandbox-dev', 'events', 'remove-targets', '--rule', 'pw-cli', '--ids', 'queue', 'hub');
    await aws('sandbox-dev', 'events', 'delete-rule', '--name', 'pw-cli');
    expect((await aws('sandbox-dev', 'events', 'list-rules')).Rules).toEqual([]);
  });

  it('test-event-pattern answers true and false', async () => {
    const event = JSON.stringify({
      id: '1',
      source: 'aws.codepipeline',
      'detail-type': 'CodePipeline Action Execution State Change',
      account: DEV,
      region: 'us-east-1',
      time: '2026-01-01T00:00:00Z',
      resources: [`arn:aws:codepipeline:us-east-1:${DEV}:orders`],
      detail: { pipeline: 'orders', stage: 'Deploy', action: 'Deploy', state: 'FAILED' },
    });
    const test = (pattern: object) => aws('sandbox-dev', 'events', 'test-event-pattern', '--event-pattern', JSON.stringify(pattern), '--event', event);
    expect(await test({ source: ['aws.codepipeline'], detail: { state: ['FAILED'] } })).toEqual({ Result: true });
    expect(await test({ source: ['aws.codepipeline'], detail: { state: [{ 'anything-but': ['FAILED'] }] } })).toEqual({ Result: false });
    const bad = await awsFails('sandbox-dev', 'events', 'test-event-pattern', '--event-pattern', '{"source":"aws.codepipeline"}', '--event', event);
    expect(bad.stderr).toContain('InvalidEventPatternException');
  });

  it("describe-event-bus shows the policy put-permission builds, and the hub then receives the member account's events", async () => {
    expect(await aws('sandbox-prod', 'events', 'describe-event-bus')).toMatchObject({
      Name: 'default',
      Arn: `arn:aws:events:us-east-1:${PROD}:event-bus/default`,
    });
    await aws('sandbox-prod', 'events', 'put-permission', '--action', 'events:PutEvents', '--principal', DEV, '--statement-id', 'pipewright-dev');
    const bus = await aws('sandbox-prod', 'events', 'describe-event-bus', '--name', 'default');
    expect(JSON.parse(bus.Policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'pipewright-dev', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DEV}:root` }, Action: 'events:PutEvents', Resource: bus.Arn }],
    });

    // dev forwards its events to prod's bus; prod matches them there.
    await aws('sandbox-dev', 'events', 'put-rule', '--name', 'to-hub', '--event-pattern', '{"source":["pipewright.cli"]}');
    await aws('sandbox-dev', 'events', 'put-targets', '--rule', 'to-hub', '--targets', `Id=hub,Arn=${bus.Arn},RoleArn=arn:aws:iam::${DEV}:role/pw-forward`);
    const hubRule = await aws('sandbox-prod', 'events', 'put-rule', '--name', 'on-hub', '--event-pattern', `{"account":["${DEV}"]}`);
    await aws('sandbox-prod', 'events', 'put-targets', '--rule', 'on-hub', '--targets', `Id=q,Arn=arn:aws:sqs:us-east-1:${PROD}:pw-hub`);
    const put = await aws(
      'sandbox-dev',
      'events',
      'put-events',
      '--entries',
      JSON.stringify([
        { Source: 'pipewright.cli', DetailType: 'Check', Detail: '{"check":1}' },
        { Source: 'aws.codepipeline', DetailType: 'CodePipeline Pipeline Execution State Change', Detail: '{}' },
      ]),
    );
    expect(put.FailedEntryCount).toBe(1);
    expect(put.Entries[1]).toEqual({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
    await control('POST', 'settle');
    const seen = (await control('GET', `events?rule=${encodeURIComponent(hubRule.RuleArn)}`)) as { metrics: Array<{ MatchedEvents: number }> };
    // The hub's rule matched the forwarded event (whether its queue exists is SQS's business, not this test's).
    expect(seen.metrics[0].MatchedEvents).toBe(1);
  });
});
