// Back to events after "degraded" (red team, issue 24, finding 7). While a target is
// degraded its pipelines are polled; the event that ends it may be another pipeline's.
// A pipeline that changed after its last poll, while every event was lost, was then
// left to the next sweep (10 minutes by default): no event of its own would come. Now a
// watcher that switches back to events sweeps at once: one listing, and a read when it
// differs from what is shown (a miss then, logged as any other). (The event that ends
// the degradation being followed by its own pipeline: degraded-recovery.test.ts.)
// Against the sandbox with the real SDK clients.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { startServices } from '../helpers/services';
import { FaultRule } from '../../src/sandbox/faults';
import { DEV, endOf, pipelineEvent, sandboxClientConfig, setUpAndWatch, SLOW_POLL, untilWithin, type Env } from '../helpers/live-updates';

const A = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
const B = { profile: 'sandbox-dev', region: 'us-east-1', name: 'infra-network' };

const until = untilWithin(20_000);

let env: Env;
beforeAll(async () => {
  env = await startServices({
    seed: 'demo',
    timeScale: 0.002,
    // The sweep and background polling far slower than the test: only the switch back can put A right in time.
    executions: {
      intervals: { sweep: 60_000, missGrace: 1_000, ...SLOW_POLL },
      events: { statusRefreshMs: 300, log: () => {} },
    },
  });
}, 60_000);
afterAll(() => env?.stop());

describe('back to events after degraded', () => {
  it("a pipeline that changed while every event was lost is read when its target's events lead again", { timeout: 60_000 }, async () => {
    await setUpAndWatch(env, 'win', A, B);

    // A miss elsewhere degrades the target; its watchers poll (each reads once now, then every 2 minutes).
    env.coverage.missed({ profile: A.profile, region: A.region }, 'a miss, as the sweep reports one');
    await until('degraded', () => [A, B].every((r) => env.executions.engine.state(r)?.watchMode === 'degraded'));
    await new Promise((r) => setTimeout(r, 500));

    // A runs to its end while every event is lost.
    const cp = new CodePipelineClient(sandboxClientConfig(env.sb, DEV));
    env.sb.faults.set([FaultRule.parse({ service: 'events', operation: 'Deliver', dropRate: 1 })]);
    const id = (await cp.send(new StartPipelineExecutionCommand({ name: A.name }))).pipelineExecutionId!;
    const status = await endOf(cp, A.name, id, 20_000);
    await env.sb.events.idle();
    env.sb.faults.set([]);

    // B's event is the one heard again: the target is event-driven again.
    env.sb.events.putServiceEvent(
      DEV,
      'us-east-1',
      pipelineEvent(DEV, B.name, { 'execution-id': randomUUID(), state: 'SUCCEEDED', version: 1, 'pipeline-execution-attempt': 1 }),
    );
    await until('event-driven again', () => env.executions.engine.state(A)?.watchMode === 'event-driven');
    const shown = await until(
      `A shown ${status}, long before the sweep`,
      () => {
        const s = env.executions.engine.state(A);
        return s?.latest?.id === id && s.latest.status === status ? s : null;
      },
      5_000,
    ).catch(() => env.executions.engine.state(A));
    console.log(`A ran ${id} to ${status} while its events were lost; back to events, A shows ${shown?.latest?.id} ${shown?.latest?.status}`);
    expect(shown?.latest?.id).toBe(id);
    expect(shown?.latest?.status).toBe(status);
    // Its end told no event: a miss, logged as the sweep logs one.
    await until('the miss logged', () => env.coverage.misses.some((m) => m.message.includes(id)), 5_000);
  });
});
