// The live-updates status against the sandbox, through the services the app composes:
// what the watchers' periodic check costs when targets share a hub, and when a
// profile's identity check fails; and a forwarding rule whose target is not an event
// bus, which status, test and remove each say plainly instead of reading it as a hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeRuleCommand, EventBridgeClient, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { composeBeside, startServices } from '../helpers/services';
import { FaultRule } from '../../src/sandbox/faults';
import { applyLiveUpdates, DEV, lastSeq, removeLiveUpdates, sandboxClientConfig, type Env } from '../helpers/live-updates';

const common = (env: Env, id: string, region?: string) => sandboxClientConfig(env.sb, id, region);
/** The calls a status check makes (the queue's reader, long-polling meanwhile, is not one). */
const checkCalls = (env: Env, since: number) =>
  env.sb.logEntries(since).filter((e) => !['ReceiveMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility'].includes(e.operation));
const tally = (calls: Array<{ service: string; operation: string }>) => {
  const t: Record<string, number> = {};
  for (const c of calls) t[`${c.service}:${c.operation}`] = (t[`${c.service}:${c.operation}`] ?? 0) + 1;
  return t;
};

describe("the watchers' periodic status check", () => {
  let env: Env;
  // The sandbox delivers to a bus in the rule's own region only (as AWS, to most regions): one region, three accounts.
  const targets = ['sandbox-dev', 'sandbox-staging', 'sandbox-prod'].map((profile) => ({ profile, region: 'us-east-1' }));
  beforeAll(async () => {
    env = await startServices({ seed: 'demo', timeScale: 0.002 });
    // Three targets, one hub: dev's account in us-east-1.
    const r = await applyLiveUpdates(env.liveUpdates, {
      targets: targets.map((t) => ({ profile: t.profile, regions: [t.region] })),
      hubProfile: 'sandbox-dev',
    });
    expect(r.ok, JSON.stringify(r.outcomes.filter((o) => o.outcome === 'failed'))).toBe(true);
  }, 60_000);
  afterAll(() => env?.stop());

  it('reads a hub shared by three targets once per check, not once per target', { timeout: 60_000 }, async () => {
    for (const t of targets) env.coverage.track(t);
    await env.coverage.refresh();
    const since = lastSeq(env);
    await env.coverage.refresh();
    const calls = checkCalls(env, since);
    const t = tally(calls);
    console.log(`one periodic check, 3 targets sharing one hub: ${calls.length} calls ${JSON.stringify(t)}`);
    expect(targets.map((x) => env.coverage.mode(x).mode)).toEqual(['event-driven', 'event-driven', 'event-driven']);
    // Each target's own rule: DescribeRule, ListTagsForResource, ListTargetsByRule. The hub: its rule, its queue's URL and attributes, once.
    expect(t['sqs:GetQueueUrl']).toBe(1);
    expect(t['sqs:GetQueueAttributes']).toBe(1);
    expect(t['events:DescribeRule']).toBe(3 + 1);
    expect(calls).toHaveLength(3 * 3 + 3);
  });

  it('does not ask again, every check, a profile whose identity check failed: once in ten minutes', { timeout: 60_000 }, async () => {
    // Another process on this home, whose profiles of dev's account cannot sign in: the hub's account has no profile there.
    env.sb.faults.set([FaultRule.parse({ service: 'sts', account: DEV, denyRate: 1 })]);
    const other = await composeBeside(env);
    try {
      const staging = targets.filter((t) => t.profile !== 'sandbox-dev');
      for (const t of staging) other.coverage.track(t);
      const stsToDev = (since: number) => env.sb.logEntries(since).filter((e) => e.service === 'sts' && e.account === DEV).length;
      let since = lastSeq(env);
      await other.coverage.refresh();
      const first = stsToDev(since);
      since = lastSeq(env);
      await other.coverage.refresh();
      const second = stsToDev(since);
      console.log(`identity checks of dev's failing profiles: first check ${first}, second check ${second}`);
      // Not "no profile signs in to the hub account": their checks failed, which is no verdict (finding 11).
      expect(other.coverage.mode(staging[0])).toEqual({
        mode: 'degraded',
        reason: expect.stringMatching(
          new RegExp(`^unverified: the identity of .*sandbox-dev.* could not be checked \\(.*\\), so the hub account ${DEV}'s queue`),
        ),
      });
      // Two profiles sign in to dev's account (sandbox-dev, the auditor): each asked once, then left for ten minutes.
      expect(first).toBe(2);
      expect(second).toBe(0);
    } finally {
      env.sb.faults.set([]);
      await other.coverage.dispose();
      await other.dispose();
    }
  });
});

describe('a forwarding rule whose target is not an event bus', () => {
  let env: Env;
  // Well-formed for EventBridge (it takes any service's ARN), and no event bus: another service's resource.
  const stray = `arn:aws:sqs:us-east-1:${DEV}:event-bus/pipewright-events`;
  beforeAll(async () => {
    env = await startServices({ seed: 'demo', timeScale: 0.002 });
    expect((await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] })).ok).toBe(true);
    // Someone pointed the rule elsewhere: its target names no event bus of any account.
    await new EventBridgeClient(common(env, DEV)).send(
      new PutTargetsCommand({
        Rule: 'pipewright-events-forward',
        Targets: [{ Id: 'pipewright-events-hub', Arn: stray, RoleArn: `arn:aws:iam::${DEV}:role/pipewright-events-forwarder` }],
      }),
    );
  }, 60_000);
  afterAll(() => env?.stop());

  it('status says degraded, and why', async () => {
    const [s] = await env.liveUpdates.status([{ profile: 'sandbox-dev', region: 'us-east-1' }]);
    console.log(`status: ${JSON.stringify({ mode: s.mode, reason: s.reason, hub: s.hub })}`);
    expect(s).toMatchObject({ mode: 'degraded', reason: `the forwarding rule's target is not an event bus ARN: ${stray}`, hub: null, verified: true });
  });

  it('test fails, and says why', async () => {
    const r = await env.liveUpdates.test('sandbox-dev', 'us-east-1');
    console.log(`test: ${JSON.stringify({ ok: r.ok, message: r.message })}`);
    expect(r).toMatchObject({ ok: false, message: `The forwarding rule's target is not an event bus ARN: ${stray}.` });
  });

  it("remove deletes the target's own rule and role, touches no hub, and says the hub is unknown", { timeout: 30_000 }, async () => {
    const { view } = await env.liveUpdates.removePlan({ targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] });
    console.log(
      `remove plan: remove ${JSON.stringify(view.remove.map((r) => r.id))}; unreadable ${JSON.stringify(view.unreadable.map((u) => [u.id, u.message]))}`,
    );
    expect(JSON.stringify(view)).not.toContain('undefined');
    expect(view.remove.map((r) => r.id)).toEqual([`member-rule:${DEV}:us-east-1→unknown`, `role:${DEV}`]);
    expect(view.unreadable).toEqual([
      expect.objectContaining({
        kind: 'hub-bus',
        outcome: 'skipped',
        message: `the forwarding rule's target is not an event bus ARN: ${stray}: which hub it fed is unknown, so no hub resource is removed`,
      }),
    ]);
    const r = await removeLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] });
    expect(r.outcomes.map((o) => [o.id, o.outcome])).toEqual([
      [`member-rule:${DEV}:us-east-1→unknown`, 'deleted'],
      [`role:${DEV}`, 'deleted'],
    ]);
    await expect(new EventBridgeClient(common(env, DEV)).send(new DescribeRuleCommand({ Name: 'pipewright-events-forward' }))).rejects.toThrow();
    // The hub the setup made is still there: nothing said it was this target's.
    expect((await new SQSClient(common(env, DEV)).send(new GetQueueUrlCommand({ QueueName: 'pipewright-events' }))).QueueUrl).toBeTruthy();
  });
});
