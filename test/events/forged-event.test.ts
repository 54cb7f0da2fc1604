// What the watch engine believes from a hub queue (red team, issue 24, finding 5). The
// queue policy lets only the hub rule send, but in the hub account any principal allowed
// sqs:SendMessage by its own IAM policy can send too (same-account access needs no
// resource policy), and nothing checked that the account and region a message claims
// are routed to that queue: one message with a start-time of 2099 kept an old execution
// prod's latest, across sweeps. Now a claim from outside the hub's routes is dropped, a
// start-time in the future is no start, and a listing outweighs the events before it.
// The first test is the red team's, its assertions kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodePipelineClient, ListPipelineExecutionsCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startServices } from '../helpers/services';
import { applyLiveUpdates, DEV, pipelineEvent, PROD, sandboxClientConfig, untilWithin, type Env } from '../helpers/live-updates';

const until = untilWithin(20_000);

const creds = (e: Env, id: string) => sandboxClientConfig(e.sb, id);

describe("a message in one hub's queue that claims another account's pipeline", () => {
  let env: Env;
  const logged: string[] = [];
  const prodRef = { profile: 'sandbox-prod', region: 'us-east-1', name: 'web-frontend' };
  const devRef = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
  beforeAll(async () => {
    env = await startServices({
      seed: 'demo',
      timeScale: 0.002,
      executions: { intervals: { sweep: 1_500, missGrace: 1_500 }, events: { statusRefreshMs: 300, log: (l) => logged.push(l) } },
    });
  }, 60_000);
  afterAll(() => env?.stop());

  it(
    "is not trusted: one forged event (sent with the dev hub account's own SQS access) claiming prod is dropped, and prod's latest stays",
    { timeout: 90_000 },
    async () => {
      // dev is its own hub; prod is its own hub (the production word typed).
      expect((await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] })).ok).toBe(true);
      expect((await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-prod', regions: ['us-east-1'] }] })).ok).toBe(true);
      env.executions.engine.watch(devRef, 'win', { opened: false });
      env.executions.engine.watch(prodRef, 'win', { opened: false });
      await until('both event-driven', () => [devRef, prodRef].every((r) => env.executions.engine.state(r)?.watchMode === 'event-driven'));

      const cp = new CodePipelineClient(creds(env, PROD));
      const history = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: prodRef.name }))).pipelineExecutionSummaries ?? [];
      const old = history.at(-1)!.pipelineExecutionId!;
      const { pipelineExecutionId: fresh } = await cp.send(new StartPipelineExecutionCommand({ name: prodRef.name }));
      await until("prod's new execution shown, from its events", () => env.executions.engine.state(prodRef)?.latest?.id === fresh);

      // A principal of the DEV account (the hub of dev's events only) writes into dev's own hub queue.
      const sqs = new SQSClient(creds(env, DEV));
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'pipewright-events' }));
      const heard = env.coverage.counts.events;
      const untrusted = env.coverage.counts.untrusted;
      await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: JSON.stringify(
            pipelineEvent(PROD, 'web-frontend', {
              'execution-id': old,
              'start-time': '2099-01-01T00:00:00.000Z',
              state: 'STARTED',
              version: 1,
              'pipeline-execution-attempt': 1,
            }),
          ),
        }),
      );
      await until('the forged message taken', () => env.coverage.counts.events > heard);
      // Two sweeps and their grace.
      await new Promise((r) => setTimeout(r, 5_000));
      const shown = env.executions.engine.state(prodRef)!;
      console.log(
        `after the forged message: prod shows latest ${shown.latest?.id} (${shown.latest?.status}); fresh=${fresh} old=${old}; events' latest=${env.coverage.latestExecution(
          prodRef,
          prodRef.name,
        )}; mode=${shown.watchMode}; misses logged: ${logged.length}`,
      );
      expect(env.coverage.latestExecution(prodRef, prodRef.name), "the engine took a message from dev's queue as prod's event").not.toBe(old);
      expect(shown.latest?.id, "prod's live view shows an older execution as the latest").toBe(fresh);
      expect(env.coverage.counts.untrusted - untrusted).toBe(1);
    },
  );

  // Within the hub's own routes a claim cannot be told from EventBridge's delivery; what it can do is bounded.
  it(
    "a forged event claiming the hub's own account: a start in 2099 is no start, and one near enough gives way to the next sweep's listing",
    { timeout: 90_000 },
    async () => {
      const cp = new CodePipelineClient(creds(env, DEV));
      const history = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: devRef.name }))).pipelineExecutionSummaries ?? [];
      const old = history.at(-1)!.pipelineExecutionId!;
      const sqs = new SQSClient(creds(env, DEV));
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'pipewright-events' }));
      const forge = async (startTime: string) => {
        const heard = env.coverage.counts.events;
        await sqs.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody: JSON.stringify(
              pipelineEvent(DEV, 'web-frontend', {
                'execution-id': old,
                'start-time': startTime,
                state: 'STARTED',
                version: 1,
                'pipeline-execution-attempt': 1,
              }),
            ),
          }),
        );
        await until('the forged message taken', () => env.coverage.counts.events > heard);
      };
      const { pipelineExecutionId: first } = await cp.send(new StartPipelineExecutionCommand({ name: devRef.name }));
      await until("dev's new execution shown", () => env.executions.engine.state(devRef)?.latest?.id === first);
      await forge('2099-01-01T00:00:00.000Z');
      expect(env.coverage.latestExecution(devRef, devRef.name), 'a start in 2099 made the old execution the latest').toBe(first);

      // Four minutes ahead is within what clocks may differ by: believed, until a listing says otherwise.
      await forge(new Date(Date.now() + 4 * 60_000).toISOString());
      const { pipelineExecutionId: next } = await cp.send(new StartPipelineExecutionCommand({ name: devRef.name }));
      await until('the next run to end', async () => {
        const s = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: devRef.name, maxResults: 1 }))).pipelineExecutionSummaries?.[0];
        return !!s && s.pipelineExecutionId === next && s.status !== 'InProgress' && s.status !== 'Stopping';
      });
      await env.sb.events.idle();
      // Two sweeps and their grace.
      await new Promise((r) => setTimeout(r, 4_000));
      const shown = env.executions.engine.state(devRef)!;
      console.log(
        `after the near forgery: dev shows ${shown.latest?.id} (${shown.latest?.status}); next=${next} old=${old}; events' latest=${env.coverage.latestExecution(devRef, devRef.name)}`,
      );
      expect(env.coverage.latestExecution(devRef, devRef.name), 'one event kept the old execution latest against the listings').toBe(next);
      expect(shown.latest?.id).toBe(next);
    },
  );
});
