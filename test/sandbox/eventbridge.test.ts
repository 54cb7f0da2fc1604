// The sandbox's EventBridge through the real SDK v3 client: rules and targets,
// event buses and their policies, PutEvents and delivery (to a queue, through the
// QueueDelivery port, and to another account's bus), retries and dead letters, and
// the seeded delivery faults.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { startSandbox } from '../helpers/sandbox';
import type { QueueDelivery } from '../../src/sandbox/services/events/model';
import type { DeliveryRecord, RuleMetrics } from '../../src/sandbox/services/events/delivery';

const DEV = '111111111111';
const PROD = '333333333333';
const REGION = 'us-east-1';
const queueArn = (account: string, name: string) => `arn:aws:sqs:${REGION}:${account}:${name}`;
const ROLE = `arn:aws:iam::${DEV}:role/pipewright-events-forwarder`;

/** Stands in for the SQS store: records what EventBridge sends, refuses what a test tells it to. */
class FakeQueues implements QueueDelivery {
  messages: Array<{ queueArn: string; body: string; sourceArn: string }> = [];
  /** Queue ARN → reasons to refuse with, one per attempt (then it accepts). */
  refusals = new Map<string, string[]>();
  sendAsService(queueArn: string, body: string, from: { service: 'events.amazonaws.com'; sourceArn: string }) {
    const refuse = this.refusals.get(queueArn)?.shift();
    if (refuse) return { ok: false as const, reason: refuse };
    this.messages.push({ queueArn, body, sourceArn: from.sourceArn });
    return { ok: true as const, messageId: `m-${this.messages.length}` };
  }
  bodies(queue: string) {
    return this.messages.filter((m) => m.queueArn === queue).map((m) => JSON.parse(m.body) as Record<string, unknown>);
  }
}

let env: Awaited<ReturnType<typeof startSandbox>>;
let queues: FakeQueues;
beforeAll(async () => {
  env = await startSandbox();
});
afterAll(() => env.sb.stop());
beforeEach(async () => {
  await env.control('POST', 'reset', { seed: 'empty' });
  queues = new FakeQueues();
  env.sb.events.useQueues(queues);
});

const dev = () => env.events('dev');
const prod = () => env.events('prod');
const settle = () => env.sb.events.idle();
const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as Error & { name: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
};
const entry = (detail: object, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'pipewright.test',
  DetailType: 'Test Event',
  Detail: JSON.stringify(detail),
  ...extra,
});
const metrics = (ruleArn: string): RuleMetrics => env.sb.events.ruleMetrics(ruleArn)[0];
const deliveries = (ruleArn: string): DeliveryRecord[] => env.sb.events.deliveries().filter((d) => d.ruleArn === ruleArn);

describe('rules and targets', () => {
  it('round trip: put, describe, list, disable, enable, targets put, listed and removed, delete', async () => {
    const pattern = JSON.stringify({ source: ['aws.codepipeline'] });
    const put = await dev().send(
      new PutRuleCommand({ Name: 'pw-forward', EventPattern: pattern, Description: 'forward', Tags: [{ Key: 'pipewright', Value: 'events' }] }),
    );
    expect(put.RuleArn).toBe(`arn:aws:events:${REGION}:${DEV}:rule/pw-forward`);
    await dev().send(new PutRuleCommand({ Name: 'other', ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED' }));

    const described = await dev().send(new DescribeRuleCommand({ Name: 'pw-forward' }));
    expect(described).toMatchObject({
      Name: 'pw-forward',
      Arn: put.RuleArn,
      EventPattern: pattern,
      State: 'ENABLED',
      Description: 'forward',
      EventBusName: 'default',
    });
    expect((await dev().send(new ListRulesCommand({}))).Rules?.map((r) => r.Name)).toEqual(['other', 'pw-forward']);
    expect((await dev().send(new ListRulesCommand({ NamePrefix: 'pw-' }))).Rules?.map((r) => [r.Name, r.State])).toEqual([['pw-forward', 'ENABLED']]);
    expect((await dev().send(new ListTagsForResourceCommand({ ResourceARN: put.RuleArn }))).Tags).toEqual([{ Key: 'pipewright', Value: 'events' }]);

    await dev().send(new DisableRuleCommand({ Name: 'pw-forward' }));
    expect((await dev().send(new DescribeRuleCommand({ Name: 'pw-forward' }))).State).toBe('DISABLED');
    await dev().send(new EnableRuleCommand({ Name: 'pw-forward' }));
    expect((await dev().send(new DescribeRuleCommand({ Name: 'pw-forward' }))).State).toBe('ENABLED');

    const targets = await dev().send(
      new PutTargetsCommand({
        Rule: 'pw-forward',
        Targets: [
          { Id: 'queue', Arn: queueArn(DEV, 'pw-events'), DeadLetterConfig: { Arn: queueArn(DEV, 'pw-events-dlq') }, RetryPolicy: { MaximumRetryAttempts: 2 } },
          { Id: 'detail-only', Arn: queueArn(DEV, 'pw-details'), InputPath: '$.detail' },
        ],
      }),
    );
    expect(targets).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    const listed = await dev().send(new ListTargetsByRuleCommand({ Rule: 'pw-forward' }));
    expect(listed.Targets).toEqual([
      { Id: 'queue', Arn: queueArn(DEV, 'pw-events'), DeadLetterConfig: { Arn: queueArn(DEV, 'pw-events-dlq') }, RetryPolicy: { MaximumRetryAttempts: 2 } },
      { Id: 'detail-only', Arn: queueArn(DEV, 'pw-details'), InputPath: '$.detail' },
    ]);
    expect((await dev().send(new ListRuleNamesByTargetCommand({ TargetArn: queueArn(DEV, 'pw-events') }))).RuleNames).toEqual(['pw-forward']);

    await dev().send(new RemoveTargetsCommand({ Rule: 'pw-forward', Ids: ['queue', 'detail-only', 'not-there'] }));
    expect((await dev().send(new ListTargetsByRuleCommand({ Rule: 'pw-forward' }))).Targets).toEqual([]);
    await dev().send(new DeleteRuleCommand({ Name: 'pw-forward' }));
    const gone = await errorOf(dev().send(new DescribeRuleCommand({ Name: 'pw-forward' })));
    expect([gone.name, gone.message]).toEqual(['ResourceNotFoundException', 'Rule pw-forward does not exist on EventBus default.']);
  });

  it('DeleteRule refuses a rule that still has targets, as EventBridge does', async () => {
    await dev().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["a"]}' }));
    await dev().send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'q', Arn: queueArn(DEV, 'q') }] }));
    const refused = await errorOf(dev().send(new DeleteRuleCommand({ Name: 'r' })));
    expect([refused.name, refused.message, refused.$metadata.httpStatusCode]).toEqual([
      'ValidationException',
      "Rule can't be deleted since it has targets.",
      400,
    ]);
    expect((await dev().send(new DescribeRuleCommand({ Name: 'r' }))).Name).toBe('r');
    await dev().send(new RemoveTargetsCommand({ Rule: 'r', Ids: ['q'] }));
    await dev().send(new DeleteRuleCommand({ Name: 'r' }));
    expect((await dev().send(new ListRulesCommand({}))).Rules).toEqual([]);
  });

  it("refuses bad input with the service's errors: a bad pattern, no pattern or schedule, an unknown bus, a sixth target", async () => {
    const bad = await errorOf(dev().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source": "aws.ec2"}' })));
    expect(bad.name).toBe('InvalidEventPatternException');
    expect(bad.message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect((await errorOf(dev().send(new PutRuleCommand({ Name: 'r' })))).message).toBe('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    const noBus = await errorOf(dev().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["a"]}', EventBusName: 'nope' })));
    expect([noBus.name, noBus.message]).toEqual(['ResourceNotFoundException', 'Event bus nope does not exist.']);
    await dev().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["a"]}' }));
    const five = [1, 2, 3, 4, 5].map((i) => ({ Id: `t${i}`, Arn: queueArn(DEV, `q${i}`) }));
    await dev().send(new PutTargetsCommand({ Rule: 'r', Targets: five }));
    const sixth = await errorOf(dev().send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 't6', Arn: queueArn(DEV, 'q6') }] })));
    expect(sixth.name).toBe('LimitExceededException');
  });

  it('PutTargets reports a target it cannot take in FailedEntries and keeps the others', async () => {
    await dev().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["a"]}' }));
    const r = await dev().send(
      new PutTargetsCommand({
        Rule: 'r',
        Targets: [
          { Id: 'ok', Arn: queueArn(DEV, 'q') },
          { Id: 'no-role', Arn: `arn:aws:events:${REGION}:${PROD}:event-bus/default` },
          { Id: 'bad-input', Arn: queueArn(DEV, 'q2'), Input: '{not json' },
          { Id: 'other-region', Arn: `arn:aws:events:eu-west-1:${PROD}:event-bus/default`, RoleArn: ROLE },
        ],
      }),
    );
    expect(r.FailedEntryCount).toBe(3);
    expect(r.FailedEntries?.map((f) => [f.TargetId, f.ErrorCode])).toEqual([
      ['no-role', 'ValidationException'],
      ['bad-input', 'ValidationException'],
      ['other-region', 'ValidationException'],
    ]);
    expect(r.FailedEntries?.[0].ErrorMessage).toBe(`RoleArn is required for target arn:aws:events:${REGION}:${PROD}:event-bus/default.`);
    expect((await dev().send(new ListTargetsByRuleCommand({ Rule: 'r' }))).Targets?.map((t) => t.Id)).toEqual(['ok']);
  });
});

describe('event buses', () => {
  it('create, list, describe (by name and ARN), tag, delete; the default bus always there and never deleted', async () => {
    const created = await prod().send(new CreateEventBusCommand({ Name: 'pipewright-hub', Tags: [{ Key: 'pipewright', Value: 'hub' }] }));
    expect(created.EventBusArn).toBe(`arn:aws:events:${REGION}:${PROD}:event-bus/pipewright-hub`);
    expect((await errorOf(prod().send(new CreateEventBusCommand({ Name: 'pipewright-hub' })))).name).toBe('ResourceAlreadyExistsException');
    expect((await prod().send(new ListEventBusesCommand({}))).EventBuses?.map((b) => b.Name)).toEqual(['default', 'pipewright-hub']);
    expect(await prod().send(new DescribeEventBusCommand({ Name: created.EventBusArn }))).toMatchObject({ Name: 'pipewright-hub', Arn: created.EventBusArn });
    expect((await prod().send(new DescribeEventBusCommand({}))).Arn).toBe(`arn:aws:events:${REGION}:${PROD}:event-bus/default`);
    await prod().send(new TagResourceCommand({ ResourceARN: created.EventBusArn, Tags: [{ Key: 'owner', Value: 'ops' }] }));
    expect((await prod().send(new ListTagsForResourceCommand({ ResourceARN: created.EventBusArn }))).Tags).toEqual([
      { Key: 'pipewright', Value: 'hub' },
      { Key: 'owner', Value: 'ops' },
    ]);
    await prod().send(new PutRuleCommand({ Name: 'on-hub', EventBusName: 'pipewright-hub', EventPattern: '{"source":["a"]}' }));
    expect((await prod().send(new ListRulesCommand({ EventBusName: 'pipewright-hub' }))).Rules?.map((r) => r.Arn)).toEqual([
      `arn:aws:events:${REGION}:${PROD}:rule/pipewright-hub/on-hub`,
    ]);
    expect((await prod().send(new ListRulesCommand({}))).Rules).toEqual([]);
    await prod().send(new DeleteEventBusCommand({ Name: 'pipewright-hub' }));
    expect((await prod().send(new ListEventBusesCommand({}))).EventBuses?.map((b) => b.Name)).toEqual(['default']);
    expect((await errorOf(prod().send(new DeleteEventBusCommand({ Name: 'default' })))).name).toBe('ValidationException');
  });

  it('PutPermission builds the policy DescribeEventBus returns; the same StatementId replaces; RemovePermission takes it out', async () => {
    await prod().send(new PutPermissionCommand({ Action: 'events:PutEvents', Principal: DEV, StatementId: 'dev' }));
    await prod().send(
      new PutPermissionCommand({
        Action: 'events:PutEvents',
        Principal: '*',
        StatementId: 'org',
        Condition: { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: 'o-abc123' },
      }),
    );
    await prod().send(new PutPermissionCommand({ Action: 'events:PutEvents', Principal: DEV, StatementId: 'dev' }));
    const bus = await prod().send(new DescribeEventBusCommand({}));
    expect(JSON.parse(bus.Policy!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'org',
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: bus.Arn,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
        },
        { Sid: 'dev', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DEV}:root` }, Action: 'events:PutEvents', Resource: bus.Arn },
      ],
    });
    await prod().send(new RemovePermissionCommand({ StatementId: 'org' }));
    await prod().send(new RemovePermissionCommand({ StatementId: 'dev' }));
    expect((await prod().send(new DescribeEventBusCommand({}))).Policy).toBeUndefined();
    expect((await errorOf(prod().send(new RemovePermissionCommand({ StatementId: 'dev' })))).name).toBe('ResourceNotFoundException');
    const badAction = await errorOf(prod().send(new PutPermissionCommand({ Action: 'events:PutRule', Principal: DEV, StatementId: 'x' })));
    expect(badAction.name).toBe('ValidationException');
  });

  it('PutPermission takes a whole Policy document too', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'all', Effect: 'Allow', Principal: { AWS: [DEV] }, Action: ['events:PutEvents'], Resource: '*' }],
    };
    await prod().send(new PutPermissionCommand({ Policy: JSON.stringify(policy) }));
    expect(JSON.parse((await prod().send(new DescribeEventBusCommand({}))).Policy!)).toEqual(policy);
    expect((await errorOf(prod().send(new PutPermissionCommand({ Policy: '{"Statement": []}' })))).name).toBe('ValidationException');
  });
});

describe('PutEvents and delivery to a queue', () => {
  it('a matching event reaches the queue, as EventBridge sends it, with the rule as its source; a non-matching one does not', async () => {
    const { RuleArn } = await dev().send(new PutRuleCommand({ Name: 'failed-only', EventPattern: JSON.stringify({ detail: { state: ['FAILED'] } }) }));
    await dev().send(new PutTargetsCommand({ Rule: 'failed-only', Targets: [{ Id: 'q', Arn: queueArn(DEV, 'events') }] }));
    const put = await dev().send(
      new PutEventsCommand({
        Entries: [
          entry(
            { state: 'FAILED', pipeline: 'orders' },
            { Resources: ['arn:aws:codepipeline:us-east-1:111111111111:orders'], Time: new Date('2026-03-01T10:00:00.750Z') },
          ),
          entry({ state: 'SUCCEEDED', pipeline: 'orders' }),
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    expect(put.Entries?.every((e) => /^[0-9a-f-]{36}$/.test(e.EventId ?? ''))).toBe(true);
    await settle();
    expect(queues.messages.map((m) => [m.queueArn, m.sourceArn])).toEqual([[queueArn(DEV, 'events'), RuleArn]]);
    expect(queues.bodies(queueArn(DEV, 'events'))).toEqual([
      {
        version: '0',
        id: put.Entries![0].EventId,
        'detail-type': 'Test Event',
        source: 'pipewright.test',
        account: DEV,
        time: '2026-03-01T10:00:00Z',
        region: REGION,
        resources: ['arn:aws:codepipeline:us-east-1:111111111111:orders'],
        detail: { state: 'FAILED', pipeline: 'orders' },
      },
    ]);
    expect(metrics(RuleArn!)).toMatchObject({ MatchedEvents: 1, Invocations: 1, SuccessfulInvocationAttempts: 1, FailedInvocations: 0 });
  });

  it('a disabled rule delivers nothing; Input and InputPath shape what a target receives', async () => {
    await dev().send(new PutRuleCommand({ Name: 'all', EventPattern: '{"source":["pipewright.test"]}', State: 'DISABLED' }));
    await dev().send(
      new PutTargetsCommand({
        Rule: 'all',
        Targets: [
          { Id: 'fixed', Arn: queueArn(DEV, 'fixed'), Input: '{"hello":"world"}' },
          { Id: 'path', Arn: queueArn(DEV, 'path'), InputPath: '$.detail.pipeline' },
        ],
      }),
    );
    await dev().send(new PutEventsCommand({ Entries: [entry({ pipeline: 'orders' })] }));
    await settle();
    expect(queues.messages).toEqual([]);
    await dev().send(new EnableRuleCommand({ Name: 'all' }));
    await dev().send(new PutEventsCommand({ Entries: [entry({ pipeline: 'orders' })] }));
    await settle();
    expect(queues.messages.map((m) => m.body).sort()).toEqual(['"orders"', '{"hello":"world"}']);
  });

  it('a client cannot put events with an aws. source: that entry fails, the others go through', async () => {
    const r = await dev().send(
      new PutEventsCommand({
        Entries: [
          entry({}, { Source: 'aws.codepipeline', DetailType: 'CodePipeline Pipeline Execution State Change' }),
          entry({ ok: true }),
          entry({}, { Detail: 'not json' }),
          { Source: 'pipewright.test', Detail: '{}' },
        ],
      }),
    );
    expect(r.FailedEntryCount).toBe(3);
    expect(r.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['NotAuthorizedForSourceException', 'ok', 'MalformedDetail', 'InvalidArgument']);
    expect(r.Entries?.[0].ErrorMessage).toBe('Not authorized for the source.');
  });

  it("an AWS service's event (putServiceEvent) reaches the rules of the account's default bus", async () => {
    await dev().send(
      new PutRuleCommand({ Name: 'cp', EventPattern: JSON.stringify({ source: ['aws.codepipeline'], 'detail-type': [{ prefix: 'CodePipeline Pipeline' }] }) }),
    );
    await dev().send(new PutTargetsCommand({ Rule: 'cp', Targets: [{ Id: 'q', Arn: queueArn(DEV, 'cp') }] }));
    const r = await env.control('POST', 'events/service-event', {
      account: DEV,
      region: REGION,
      event: {
        'detail-type': 'CodePipeline Pipeline Execution State Change',
        source: 'aws.codepipeline',
        resources: [`arn:aws:codepipeline:${REGION}:${DEV}:orders`],
        detail: { pipeline: 'orders', 'execution-id': 'e-1', state: 'STARTED', version: 1 },
      },
    });
    expect(r.status).toBe(200);
    await settle();
    expect(queues.bodies(queueArn(DEV, 'cp'))).toMatchObject([{ id: r.body.id, source: 'aws.codepipeline', account: DEV, detail: { state: 'STARTED' } }]);
    // Another account's default bus does not see it.
    expect(
      (await env.control('POST', 'events/service-event', { account: DEV, region: REGION, event: { 'detail-type': 'x', source: 'custom', detail: {} } })).status,
    ).toBe(400);
  });

  it('TestEventPattern answers true or false, and refuses a bad pattern', async () => {
    const event = JSON.stringify({
      id: '1',
      source: 'aws.codepipeline',
      'detail-type': 'CodePipeline Stage Execution State Change',
      account: DEV,
      region: REGION,
      time: '2026-01-01T00:00:00Z',
      detail: { stage: 'Deploy', state: 'FAILED' },
    });
    const test = (pattern: object) => dev().send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: event }));
    expect((await test({ source: ['aws.codepipeline'], detail: { state: ['FAILED', 'CANCELED'] } })).Result).toBe(true);
    expect((await test({ source: ['aws.codepipeline'], detail: { state: [{ 'anything-but': 'FAILED' }] } })).Result).toBe(false);
    expect((await errorOf(test({ detail: { state: [{ nope: 1 }] } }))).name).toBe('InvalidEventPatternException');
    const noTime = await errorOf(dev().send(new TestEventPatternCommand({ EventPattern: '{"source":["a"]}', Event: '{"id":"1"}' })));
    expect(noTime.name).toBe('ValidationException');
  });
});

describe("delivery to another account's bus", () => {
  async function forwardDevToProd() {
    const forward = await dev().send(new PutRuleCommand({ Name: 'to-hub', EventPattern: '{"source":["pipewright.test"]}' }));
    await dev().send(
      new PutTargetsCommand({ Rule: 'to-hub', Targets: [{ Id: 'hub', Arn: `arn:aws:events:${REGION}:${PROD}:event-bus/default`, RoleArn: ROLE }] }),
    );
    const hub = await prod().send(new PutRuleCommand({ Name: 'hub-to-queue', EventPattern: '{"source":["pipewright.test"]}' }));
    await prod().send(new PutTargetsCommand({ Rule: 'hub-to-queue', Targets: [{ Id: 'q', Arn: queueArn(PROD, 'hub') }] }));
    return { forwardArn: forward.RuleArn!, hubArn: hub.RuleArn! };
  }

  it("is refused while the hub bus's policy does not allow the sending account, and counted as a failed invocation", async () => {
    const { forwardArn } = await forwardDevToProd();
    await dev().send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }));
    await settle();
    expect(queues.messages).toEqual([]);
    expect(metrics(forwardArn)).toMatchObject({ Invocations: 1, FailedInvocations: 1, RetryInvocationAttempts: 0 });
    const failed = deliveries(forwardArn).filter((d) => d.outcome === 'failed');
    expect(failed.map((d) => d.reason)).toEqual([
      `Account ${DEV} is not authorized to put events on arn:aws:events:${REGION}:${PROD}:event-bus/default: its policy does not allow it.`,
    ]);
    // Another account's permission does not help.
    await prod().send(new PutPermissionCommand({ Action: 'events:PutEvents', Principal: '222222222222', StatementId: 'staging' }));
    await dev().send(new PutEventsCommand({ Entries: [entry({ n: 2 })] }));
    await settle();
    expect(queues.messages).toEqual([]);
  });

  it("is delivered once PutPermission allows the account (or the organization), keeping the sender's account and id", async () => {
    const { hubArn } = await forwardDevToProd();
    await prod().send(new PutPermissionCommand({ Action: 'events:PutEvents', Principal: DEV, StatementId: 'dev' }));
    const put = await dev().send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }));
    await settle();
    expect(queues.bodies(queueArn(PROD, 'hub'))).toMatchObject([{ id: put.Entries![0].EventId, account: DEV, detail: { n: 1 } }]);
    expect(queues.messages[0].sourceArn).toBe(hubArn);

    await prod().send(new RemovePermissionCommand({ StatementId: 'dev' }));
    await prod().send(
      new PutPermissionCommand({
        Action: 'events:PutEvents',
        Principal: '*',
        StatementId: 'org',
        Condition: { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: 'o-sandbox' },
      }),
    );
    await dev().send(new PutEventsCommand({ Entries: [entry({ n: 2 })] }));
    await settle();
    expect(queues.bodies(queueArn(PROD, 'hub')).map((b) => (b.detail as { n: number }).n)).toEqual([1, 2]);
  });

  it('an event received from another bus is not forwarded to a third one', async () => {
    await forwardDevToProd();
    await prod().send(new PutPermissionCommand({ Action: 'events:PutEvents', Principal: DEV, StatementId: 'dev' }));
    const onward = await prod().send(new PutRuleCommand({ Name: 'onward', EventPattern: '{"source":["pipewright.test"]}' }));
    await prod().send(
      new PutTargetsCommand({
        Rule: 'onward',
        Targets: [{ Id: 'staging', Arn: `arn:aws:events:${REGION}:222222222222:event-bus/default`, RoleArn: `arn:aws:iam::${PROD}:role/r` }],
      }),
    );
    await dev().send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }));
    await settle();
    expect(deliveries(onward.RuleArn!).map((d) => d.outcome)).toEqual(['not-forwarded']);
    expect(queues.messages).toHaveLength(1); // the hub's own queue still has it
  });
});

describe('failed deliveries', () => {
  it('are retried with backoff, then delivered; a queue that does not exist is not retried and goes to the dead-letter queue', async () => {
    const { RuleArn } = await dev().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["pipewright.test"]}' }));
    await dev().send(
      new PutTargetsCommand({
        Rule: 'r',
        Targets: [
          { Id: 'flaky', Arn: queueArn(DEV, 'flaky') },
          { Id: 'deleted', Arn: queueArn(DEV, 'deleted'), DeadLetterConfig: { Arn: queueArn(DEV, 'dlq') } },
        ],
      }),
    );
    queues.refusals.set(queueArn(DEV, 'flaky'), ['ServiceUnavailable', 'ServiceUnavailable']);
    queues.refusals.set(queueArn(DEV, 'deleted'), ['The specified queue does not exist.']);
    await dev().send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }));
    await settle();
    expect(queues.messages.map((m) => m.queueArn).sort()).toEqual([queueArn(DEV, 'dlq'), queueArn(DEV, 'flaky')]);
    expect(metrics(RuleArn!)).toMatchObject({
      Invocations: 2,
      InvocationAttempts: 4,
      RetryInvocationAttempts: 2,
      SuccessfulInvocationAttempts: 1,
      FailedInvocations: 1,
      InvocationsSentToDlq: 1,
    });
    const steps = (target: string) =>
      deliveries(RuleArn!)
        .filter((d) => d.targetId === target)
        .map((d) => [d.attempt, d.outcome]);
    expect(steps('flaky')).toEqual([
      [1, 'retrying'],
      [2, 'retrying'],
      [3, 'delivered'],
    ]);
    expect(steps('deleted')).toEqual([
      [1, 'failed'],
      [1, 'sent-to-dlq'],
    ]);
  });

  it('are dropped after the retries (RetryPolicy can lower them) when there is no dead-letter queue; the control API shows them', async () => {
    const { RuleArn } = await dev().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["pipewright.test"]}' }));
    await dev().send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'down', Arn: queueArn(DEV, 'down'), RetryPolicy: { MaximumRetryAttempts: 1 } }] }));
    queues.refusals.set(queueArn(DEV, 'down'), ['ServiceUnavailable', 'ServiceUnavailable', 'ServiceUnavailable']);
    await dev().send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }));
    await env.control('POST', 'settle');
    const r = await env.control('GET', `events?rule=${encodeURIComponent(RuleArn!)}&outcome=failed`);
    expect(r.body.metrics).toMatchObject([{ ruleArn: RuleArn, FailedInvocations: 1, RetryInvocationAttempts: 1 }]);
    expect((r.body.deliveries as DeliveryRecord[]).map((d) => [d.attempt, d.reason])).toEqual([[2, 'ServiceUnavailable']]);
    expect(queues.messages).toEqual([]);
  });

  it('to an SQS target go nowhere while no SQS is wired, and say so', async () => {
    env.sb.events.useQueues(undefined);
    const { RuleArn } = await dev().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["pipewright.test"]}' }));
    await dev().send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'q', Arn: queueArn(DEV, 'q') }] }));
    await dev().send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }));
    await settle();
    expect(deliveries(RuleArn!).map((d) => d.reason)).toEqual(['The sandbox has no SQS wired to EventBridge.']);
  });
});

describe('delivery faults (seeded)', () => {
  async function ruleToQueue() {
    const { RuleArn } = await dev().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["pipewright.test"]}' }));
    await dev().send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'q', Arn: queueArn(DEV, 'q') }] }));
    return RuleArn!;
  }
  async function putNumbered(count: number) {
    for (let i = 0; i < count; i += 10) {
      const r = await dev().send(new PutEventsCommand({ Entries: Array.from({ length: Math.min(10, count - i) }, (_, k) => entry({ n: i + k })) }));
      expect(r.FailedEntryCount).toBe(0);
    }
    await settle();
    return queues.bodies(queueArn(DEV, 'q')).map((b) => ({ id: b.id as string, n: (b.detail as { n: number }).n }));
  }

  it('dropRate 0.1 loses about 10% of 1000 events, the same ones run after run', async () => {
    const faults = [{ service: 'events', operation: 'Deliver', dropRate: 0.1 }];
    const lostInRun = async () => {
      await env.control('POST', 'reset', { seed: 'empty' });
      env.sb.events.useQueues((queues = new FakeQueues()));
      expect((await env.control('PUT', 'faults', faults)).status).toBe(200);
      const ruleArn = await ruleToQueue();
      const received = new Set((await putNumbered(1000)).map((m) => m.n));
      const lost = Array.from({ length: 1000 }, (_, n) => n).filter((n) => !received.has(n));
      expect(metrics(ruleArn).FaultDropped).toBe(lost.length);
      expect(deliveries(ruleArn).filter((d) => d.outcome === 'dropped-by-fault')).toHaveLength(lost.length);
      return lost;
    };
    const first = await lostInRun();
    expect(first.length).toBeGreaterThan(70);
    expect(first.length).toBeLessThan(130);
    expect(await lostInRun()).toEqual(first);
  });

  it('duplicateRate delivers some events twice, with the same event id', async () => {
    await env.control('PUT', 'faults', [{ service: 'events', operation: 'Deliver', duplicateRate: 0.2 }]);
    const ruleArn = await ruleToQueue();
    const got = await putNumbered(200);
    const byId = new Map<string, number>();
    for (const m of got) byId.set(m.id, (byId.get(m.id) ?? 0) + 1);
    const twice = [...byId.values()].filter((c) => c === 2).length;
    expect(byId.size).toBe(200);
    expect([...byId.values()].every((c) => c === 1 || c === 2)).toBe(true);
    expect(twice).toBeGreaterThan(20);
    expect(twice).toBeLessThan(60);
    expect(got).toHaveLength(200 + twice);
    expect(metrics(ruleArn).FaultDuplicated).toBe(twice);
    // A duplicate carries the same id and content as its original.
    const dupId = [...byId].find(([, c]) => c === 2)![0];
    const copies = got.filter((m) => m.id === dupId);
    expect(copies[0]).toEqual(copies[1]);
  });

  it('reorderRate delivers an event after the one put after it', async () => {
    await env.control('PUT', 'faults', [{ service: 'events', operation: 'Deliver', reorderRate: 1 }]);
    const ruleArn = await ruleToQueue();
    // One event at a time, so only the fault can change their order.
    for (let n = 0; n < 4; n++) await dev().send(new PutEventsCommand({ Entries: [entry({ n })] }));
    await settle();
    expect(queues.bodies(queueArn(DEV, 'q')).map((b) => (b.detail as { n: number }).n)).toEqual([1, 0, 3, 2]);
    expect(metrics(ruleArn).FaultReordered).toBe(2);
  });

  it('reorderRate 0.3: every event still arrives, some out of order', async () => {
    await env.control('PUT', 'faults', [{ service: 'events', operation: 'Deliver', reorderRate: 0.3 }]);
    await ruleToQueue();
    const got = (await putNumbered(100)).map((m) => m.n);
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    const inversions = got.filter((n, i) => i > 0 && n < got[i - 1]).length;
    expect(inversions).toBeGreaterThan(5);
  });

  it('latencyMs delays a delivery', async () => {
    await env.control('PUT', 'faults', [{ service: 'events', operation: 'Deliver', latencyMs: 300 }]);
    const ruleArn = await ruleToQueue();
    const started = Date.now();
    await dev().send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }));
    expect(queues.messages).toEqual([]);
    await settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(queues.messages).toHaveLength(1);
    expect(metrics(ruleArn).FaultDelayed).toBe(1);
  });

  it('delivery rates are refused on rules for API calls, and API faults on delivery rules', async () => {
    expect((await env.control('PUT', 'faults', [{ service: 'events', operation: 'PutEvents', dropRate: 0.5 }])).status).toBe(400);
    expect((await env.control('PUT', 'faults', [{ service: 'events', operation: 'Deliver', throttleRate: 0.5 }])).status).toBe(400);
    expect((await env.control('PUT', 'faults', [{ service: 's3', operation: 'Deliver', dropRate: 0.5 }])).status).toBe(400);
  });

  it("API faults reach EventBridge's calls as ThrottlingException", async () => {
    await env.control('PUT', 'faults', [{ service: 'events', operation: 'ListRules', throttleRate: 1, remaining: 1 }]);
    const throttled = await errorOf(dev().send(new ListRulesCommand({})));
    expect([throttled.name, throttled.$metadata.httpStatusCode]).toEqual(['ThrottlingException', 400]);
    expect((await dev().send(new ListRulesCommand({}))).Rules).toEqual([]);
  });
});
