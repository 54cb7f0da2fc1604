// `pipewright events test` (EventsService.test) shares the hub queue with the watch
// engine (red team, issue 24, finding 10). Every receive counts toward the queue's
// redrive (maxReceiveCount 5), and the dead-letter queue is read by nobody.
//   - The test waited for its own event by receiving the engine's events and making
//     them visible again at once, in a tight loop: 16 waiting events, one test, and 10
//     of them were in the dead-letter queue.
//   - The engine's consumer gave a test event back at once, and took it again at its
//     next poll a second later: a test event nobody waits for any more was cycled five
//     times, then dead-lettered.
// Against the sandbox with the real SDK clients; the first two tests are the red team's.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { DisableRuleCommand, EnableRuleCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startServices } from '../helpers/services';
import { applyLiveUpdates, DEV, lastSeq, sandboxClientConfig, type Env } from '../helpers/live-updates';
import { EventsService } from '../../src/main/events';
import { HUB_BUS_NAME, HUB_RULE_NAME, TEST_DETAIL_TYPE, TEST_SOURCE } from '../../src/shared/events/setup-plan';

let env: Env;
beforeAll(async () => {
  env = await startServices({ seed: 'demo', timeScale: 0.002, executions: { events: { statusRefreshMs: 300 } } });
}, 60_000);
afterAll(() => env?.stop());

const creds = () => sandboxClientConfig(env.sb, DEV);

async function waiting(name: string): Promise<number> {
  const sqs = new SQSClient(creds());
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const a = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

const visibilityChanges = (since: number) =>
  env.sb.logEntries(since).filter((e) => e.service === 'sqs' && e.operation === 'ChangeMessageVisibility' && e.account === DEV).length;

describe('events test beside events not yet read (the app closed, or between its polls)', () => {
  it("does not move the watch engine's pending events to the dead-letter queue", { timeout: 90_000 }, async () => {
    expect((await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] })).ok).toBe(true);
    // A run while nobody reads the queue: its events wait there for the app.
    await new CodePipelineClient(creds()).send(new StartPipelineExecutionCommand({ name: 'web-frontend' }));
    await vi.waitFor(
      async () => {
        if ((await waiting('pipewright-events')) < 12) throw new Error('events to arrive');
      },
      { timeout: 30_000, interval: 200 },
    );
    await env.sb.events.idle();
    const before = await waiting('pipewright-events');
    const seq = lastSeq(env);
    const svc = new EventsService(env.accounts, env.home, { testTimeoutMs: 10_000 });
    const t = await svc.test('sandbox-dev', 'us-east-1');
    const dlq = await waiting('pipewright-events-dlq');
    const after = await waiting('pipewright-events');
    console.log(
      `events test: ok=${t.ok} (${t.message}); the engine's events: ${before} before, ${after} after in the queue, ${dlq} in the dead-letter queue; ${visibilityChanges(seq)} visibility changes`,
    );
    expect(t.ok).toBe(true);
    expect(dlq, "the engine's events were dead-lettered by the test's receive loop").toBe(0);
    expect(after).toBeGreaterThanOrEqual(before);
    // Each given back once, at the end of the test.
    expect(visibilityChanges(seq)).toBeLessThanOrEqual(before);
  });

  it('a test that finds nothing for its whole wait gives each waiting event back once', { timeout: 90_000 }, async () => {
    const before = await waiting('pipewright-events');
    expect(before).toBeGreaterThan(0);
    // The hub's rule disabled: the test's own event never reaches the queue, so the test polls until its deadline.
    const events = new EventBridgeClient(creds());
    await events.send(new DisableRuleCommand({ Name: HUB_RULE_NAME, EventBusName: HUB_BUS_NAME }));
    try {
      const seq = lastSeq(env);
      const t = await new EventsService(env.accounts, env.home, { testTimeoutMs: 4_000 }).test('sandbox-dev', 'us-east-1');
      const receives = env.sb.logEntries(seq).filter((e) => e.service === 'sqs' && e.operation === 'ReceiveMessage' && e.account === DEV).length;
      console.log(`a test that failed: ${t.message}; ${receives} receives, ${visibilityChanges(seq)} visibility changes for ${before} waiting events`);
      expect(t.ok).toBe(false);
      expect(await waiting('pipewright-events-dlq')).toBe(0);
      expect(await waiting('pipewright-events')).toBe(before);
      expect(visibilityChanges(seq)).toBe(before);
    } finally {
      await events.send(new EnableRuleCommand({ Name: HUB_RULE_NAME, EventBusName: HUB_BUS_NAME }));
    }
  });
});

describe("the engine's reader and test events", () => {
  it('gives a test event back once, not round and round until it is dead-lettered', { timeout: 60_000 }, async () => {
    // The engine reads the queue now (it takes what the tests above left).
    const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
    env.executions.engine.watch(ref, 'win', { opened: false });
    await vi.waitFor(() => expect(env.executions.engine.state(ref)?.watchMode).toBe('event-driven'), { timeout: 20_000, interval: 50 });
    await vi.waitFor(async () => expect(await waiting('pipewright-events')).toBe(0), { timeout: 20_000, interval: 100 });
    // A test still runs beside it: its event reaches it.
    const t = await new EventsService(env.accounts, env.home, { testTimeoutMs: 10_000 }).test('sandbox-dev', 'us-east-1');
    expect(t.ok, t.message).toBe(true);
    // A test event whose test is gone (the CLI killed): only the engine's reader meets it.
    const seq = lastSeq(env);
    await new EventBridgeClient(creds()).send(
      new PutEventsCommand({
        Entries: [{ Source: TEST_SOURCE, DetailType: TEST_DETAIL_TYPE, Detail: JSON.stringify({ nonce: 'abandoned', sentAt: new Date().toISOString() }) }],
      }),
    );
    await vi.waitFor(() => expect(visibilityChanges(seq)).toBeGreaterThan(0), { timeout: 10_000, interval: 50 });
    // Five of the reader's polls a second apart would have dead-lettered it.
    await new Promise((r) => setTimeout(r, 7_000));
    const changes = visibilityChanges(seq);
    const dlq = await waiting('pipewright-events-dlq');
    console.log(`an abandoned test event: ${changes} visibility changes by the reader, ${dlq} in the dead-letter queue`);
    expect(dlq).toBe(0);
    expect(changes).toBeLessThanOrEqual(2);
    expect(await waiting('pipewright-events')).toBe(1);
  });
});
