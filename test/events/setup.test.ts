// Issue 24's setup against the sandbox, through the main-process service and the
// real SDK clients: what it creates, read back through the SDK (rules, targets, the
// bus policy, queue attributes and policy, the dead-letter queue, the role); the
// test event end to end; a real pipeline run's events in the hub queue; idempotency;
// remove deleting exactly what setup created; and a target without permission.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeEventBusCommand, DescribeRuleCommand, ListRulesCommand, ListTargetsByRuleCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { GetRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { startServices } from '../helpers/services';
import { EventsService } from '../../src/main/events';
import { FaultRule } from '../../src/sandbox/faults';
import { applyLiveUpdates, DEV, PROD, removeLiveUpdates, sandboxClients, type Env } from '../helpers/live-updates';

let env: Env;
let svc: EventsService;

beforeAll(async () => {
  env = await startServices({ seed: 'demo', timeScale: 0.002 });
  svc = new EventsService(env.accounts, env.home, { testTimeoutMs: 15_000 });
}, 60_000);
afterAll(() => env?.stop());

/** Real SDK clients against the same sandbox, to read back what the setup made. */
const { events, sqs, iam, codepipeline } = sandboxClients(() => env.sb);

describe('events setup, same-account hub', () => {
  it('plans, applies, reads back, is idempotent, tests end to end', { timeout: 60_000 }, async () => {
    const input = { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] };
    const plan = await svc.plan(input);
    expect(plan.resources.map((r) => r.id)).toEqual([
      `hub-bus:${DEV}:us-east-1`,
      `dlq:${DEV}:us-east-1`,
      `queue:${DEV}:us-east-1`,
      `queue-policy:${DEV}:us-east-1`,
      `hub-rule:${DEV}:us-east-1`,
      `role:${DEV}`,
      `member-rule:${DEV}:us-east-1→${DEV}:us-east-1`,
    ]);
    const r1 = await applyLiveUpdates(svc, input);
    expect(r1.outcomes.map((o) => [o.id, o.outcome, o.message])).toEqual(plan.resources.map((r) => [r.id, 'created', null]));
    const r2 = await applyLiveUpdates(svc, input);
    expect(r2.outcomes.map((o) => o.outcome)).toEqual(plan.resources.map(() => 'unchanged'));

    const rule = await events(DEV).send(new DescribeRuleCommand({ Name: 'pipewright-events-forward' }));
    expect(JSON.parse(rule.EventPattern!)).toEqual({ source: ['aws.codepipeline', 'pipewright.events.test'] });
    const targets = await events(DEV).send(new ListTargetsByRuleCommand({ Rule: 'pipewright-events-forward' }));
    expect(targets.Targets).toEqual([
      {
        Id: 'pipewright-events-hub',
        Arn: `arn:aws:events:us-east-1:${DEV}:event-bus/pipewright-events`,
        RoleArn: `arn:aws:iam::${DEV}:role/pipewright-events-forwarder`,
      },
    ]);
    const role = await iam(DEV).send(new GetRoleCommand({ RoleName: 'pipewright-events-forwarder' }));
    expect(role.Role?.Tags).toEqual([{ Key: 'pipewright:events', Value: '1' }]);
    const rp = await iam(DEV).send(new GetRolePolicyCommand({ RoleName: 'pipewright-events-forwarder', PolicyName: 'pipewright-events-put-events' }));
    expect(JSON.parse(decodeURIComponent(rp.PolicyDocument!)).Statement[0]).toMatchObject({
      Action: 'events:PutEvents',
      Resource: [`arn:aws:events:us-east-1:${DEV}:event-bus/pipewright-events`],
    });
    const { QueueUrl } = await sqs(DEV).send(new GetQueueUrlCommand({ QueueName: 'pipewright-events' }));
    const attrs = (await sqs(DEV).send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;
    expect(JSON.parse(attrs.RedrivePolicy!)).toEqual({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${DEV}:pipewright-events-dlq`, maxReceiveCount: 5 });
    expect(JSON.parse(attrs.Policy!).Statement[0].Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${DEV}:rule/pipewright-events/pipewright-events-to-queue` },
    });
    const hubTargets = await events(DEV).send(new ListTargetsByRuleCommand({ Rule: 'pipewright-events-to-queue', EventBusName: 'pipewright-events' }));
    expect(hubTargets.Targets?.[0].Arn).toBe(`arn:aws:sqs:us-east-1:${DEV}:pipewright-events`);

    const t = await svc.test('sandbox-dev', 'us-east-1');
    expect(t).toMatchObject({ ok: true, awsCode: null });
    const [status] = await svc.status([{ profile: 'sandbox-dev', region: 'us-east-1' }]);
    expect(status).toMatchObject({ mode: 'event-driven', reason: null, hub: { accountId: DEV, region: 'us-east-1' } });
  });
});

describe('events setup, cross-account hub (staging → prod)', () => {
  it("creates the bus permission, and a real pipeline run's events arrive in the hub queue", { timeout: 90_000 }, async () => {
    const input = { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }], hubProfile: 'sandbox-prod' };
    const r = await applyLiveUpdates(svc, input);
    expect(r.ok).toBe(true);
    expect(r.outcomes.find((o) => o.id === `bus-permission:${PROD}:us-east-1:222222222222`)).toMatchObject({ outcome: 'created', account: PROD });
    const bus = await events(PROD).send(new DescribeEventBusCommand({ Name: 'pipewright-events' }));
    expect(JSON.parse(bus.Policy!).Statement).toEqual([
      expect.objectContaining({ Sid: 'pipewright-events-222222222222', Action: 'events:PutEvents', Principal: { AWS: 'arn:aws:iam::222222222222:root' } }),
    ]);
    const target = (await events('222222222222').send(new ListTargetsByRuleCommand({ Rule: 'pipewright-events-forward' }))).Targets![0];
    expect(target.Arn).toBe(`arn:aws:events:us-east-1:${PROD}:event-bus/pipewright-events`);
    expect(await svc.test('sandbox-staging', 'us-east-1')).toMatchObject({ ok: true });

    const { pipelineExecutionId } = await codepipeline('222222222222').send(new StartPipelineExecutionCommand({ name: 'web-frontend' }));
    const { QueueUrl } = await sqs(PROD).send(new GetQueueUrlCommand({ QueueName: 'pipewright-events' }));
    const seen: string[] = [];
    const deadline = Date.now() + 30_000;
    // The execution's start, then its first stage: the whole chain (CodePipeline → staging's default bus → prod's hub bus → queue) carried both.
    while (!(seen.includes('pipeline STARTED') && seen.includes('stage STARTED')) && Date.now() < deadline) {
      const got = await sqs(PROD).send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }));
      for (const m of got.Messages ?? []) {
        const e = JSON.parse(m.Body!);
        expect(e).toMatchObject({ source: 'aws.codepipeline', account: '222222222222', region: 'us-east-1' });
        if (e.detail['execution-id'] === pipelineExecutionId)
          seen.push(
            `${e['detail-type'].includes('Pipeline Execution') ? 'pipeline' : e['detail-type'].includes('Stage') ? 'stage' : 'action'} ${e.detail.state}`,
          );
        await sqs(PROD).send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    expect(seen[0]).toBe('pipeline STARTED');
    expect(seen).toContain('stage STARTED');
  });
});

describe('a target without permission to create the rule', () => {
  it('stays polled, and status says why with the AWS error', { timeout: 30_000 }, async () => {
    env.sb.faults.set([FaultRule.parse({ service: 'events', operation: 'PutRule', account: DEV, region: 'eu-west-1', denyRate: 1 })]);
    try {
      // The hub (prod) may create its side; dev may not create its rule.
      const r = await applyLiveUpdates(svc, { targets: [{ profile: 'sandbox-dev', regions: ['eu-west-1'] }], hubProfile: 'sandbox-prod' });
      expect(r.ok).toBe(false);
      const failed = r.outcomes.filter((o) => o.outcome === 'failed');
      expect(failed.map((o) => [o.id, o.awsCode])).toEqual([[`member-rule:${DEV}:eu-west-1→${PROD}:eu-west-1`, 'AccessDeniedException']]);
      expect(failed[0].message).toMatch(/^not permitted: /);
    } finally {
      env.sb.faults.set([]);
    }
    const [status] = await svc.status([{ profile: 'sandbox-dev', region: 'eu-west-1' }]);
    expect(status).toMatchObject({ mode: 'polled', awsCode: 'AccessDeniedException' });
    expect(status.reason).toMatch(/not set up: the last setup failed: .*not permitted/);
  });
});

describe('events remove', () => {
  it('deletes exactly what setup created: an unrelated rule and queue survive', { timeout: 60_000 }, async () => {
    await events(DEV).send(new PutRuleCommand({ Name: 'unrelated-rule', EventPattern: JSON.stringify({ source: ['aws.codepipeline'] }) }));
    await sqs(DEV).send(new CreateQueueCommand({ QueueName: 'unrelated-queue' }));
    await sqs(DEV).send(new CreateQueueCommand({ QueueName: 'pipewright-events-not-ours' }));

    const plan = await svc.removePlan({ targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] });
    expect(plan.view.remove.map((r) => r.id)).toEqual([
      `member-rule:${DEV}:us-east-1→${DEV}:us-east-1`,
      `role:${DEV}`,
      `hub-rule:${DEV}:us-east-1`,
      `queue:${DEV}:us-east-1`,
      `dlq:${DEV}:us-east-1`,
      `hub-bus:${DEV}:us-east-1`,
    ]);
    const r = await removeLiveUpdates(svc, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] });
    expect(r.ok).toBe(true);
    const rules = (await events(DEV).send(new ListRulesCommand({}))).Rules!.map((x) => x.Name);
    expect(rules).toContain('unrelated-rule');
    expect(rules).not.toContain('pipewright-events-forward');
    const queues = (await sqs(DEV).send(new ListQueuesCommand({}))).QueueUrls ?? [];
    expect(queues.map((u) => u.split('/').pop()).sort()).toEqual(['pipewright-events-not-ours', 'unrelated-queue']);
    await expect(iam(DEV).send(new GetRoleCommand({ RoleName: 'pipewright-events-forwarder' }))).rejects.toThrow(/cannot be found/);
    await expect(events(DEV).send(new DescribeEventBusCommand({ Name: 'pipewright-events' }))).rejects.toThrow();
    // The staging → prod setup is untouched.
    expect((await svc.status([{ profile: 'sandbox-staging', region: 'us-east-1' }]))[0].mode).toBe('event-driven');

    const r2 = await removeLiveUpdates(svc, { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }] });
    expect(r2.outcomes.map((o) => [o.id, o.outcome])).toEqual([
      [`member-rule:222222222222:us-east-1→${PROD}:us-east-1`, 'deleted'],
      ['role:222222222222', 'deleted'],
      [`bus-permission:${PROD}:us-east-1:222222222222`, 'deleted'],
      [`hub-rule:${PROD}:us-east-1`, 'deleted'],
      [`queue:${PROD}:us-east-1`, 'deleted'],
      [`dlq:${PROD}:us-east-1`, 'deleted'],
      [`hub-bus:${PROD}:us-east-1`, 'deleted'],
    ]);
    expect((await svc.status([{ profile: 'sandbox-staging', region: 'us-east-1' }]))[0]).toMatchObject({ mode: 'polled', reason: 'not set up' });
  });
});
