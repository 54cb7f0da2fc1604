// Red team, issue 24, finding 7 (their test, assertions kept): recovering from "degraded". After a miss the target is polled
// until its events are heard again. The event that is heard again turns the target
// event-driven (EventCoverage.onEvents clears the miss first), but the watcher still
// runs in polled mode at that instant, so Watcher.eventHeard ignores it; its next tick
// then switches to events and drops the wish to reconcile (`reconcileWanted = false`).
// So the very event that ends the degraded state is never read: when it is an
// execution's last (its end), the live view keeps the old state; and the sweep does not
// put it right either: it reconciles only when the listed execution's state was NOT
// announced by events, and this one's was (the event was heard, just never read).
// Fixed by the bench-events branch's 797e489 (eventHeard asks the target's mode now, the
// switch keeps the read asked for, the sweep reads whenever shown differs from listed);
// a switch back also sweeps at once (degraded-switch-back.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { startServices } from '../helpers/services';
import { FaultRule } from '../../src/sandbox/faults';
import { DEV, lastSeq, runToEnd as runPipeline, sandboxClientConfig, setUpAndWatch, SLOW_POLL, untilWithin, type Env } from '../helpers/live-updates';

const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
const target = { profile: ref.profile, region: ref.region };
const MEMBER_RULE = `arn:aws:events:us-east-1:${DEV}:rule/pipewright-events-forward`;

const until = untilWithin(30_000);

let env: Env;
let cp: CodePipelineClient;
beforeAll(async () => {
  env = await startServices({
    seed: 'demo',
    timeScale: 0.002,
    // A sweep every 2 s (the default is 10 min); background polling slower than the test, so only events and sweeps can tell.
    executions: {
      intervals: { sweep: 2_000, missGrace: 1_000, ...SLOW_POLL },
      events: { statusRefreshMs: 300, log: () => {} },
    },
  });
  cp = new CodePipelineClient(sandboxClientConfig(env.sb, DEV));
  await setUpAndWatch(env, 'win', ref);
}, 90_000);
afterAll(() => env?.stop());

async function runToEnd(): Promise<{ id: string; status: string }> {
  const run = await runPipeline(cp, ref.name);
  await env.sb.events.idle();
  return run;
}

const memberDeliveries = (since: number) => env.sb.events.deliveries(since).filter((d) => d.ruleArn === MEMBER_RULE && d.source === 'aws.codepipeline');

describe('degraded, then events heard again', () => {
  it("the event that ends the degraded state (here an execution's end) is shown", { timeout: 90_000 }, async () => {
    // How many events a run makes (each is one delivery of the member rule).
    const mark = env.sb.events.deliveries().at(-1)?.seq ?? 0;
    const calibration = await runToEnd();
    await until('the calibration run shown', () => env.executions.engine.state(ref)?.latest?.id === calibration.id);
    const perRun = memberDeliveries(mark).length;

    // The sweep found a miss (as engine.test.ts makes one happen): degraded, polled.
    env.coverage.missed(target, 'red team: a miss, as the sweep reports one');
    await until('degraded', () => env.executions.engine.state(ref)?.watchMode === 'degraded');

    // The next run's events are all lost but its last (its end): that one is the event heard again.
    env.sb.faults.set([FaultRule.parse({ service: 'events', operation: 'Deliver', account: DEV, region: 'us-east-1', dropRate: 1, remaining: perRun - 1 })]);
    try {
      const run = await runToEnd();
      await until('event-driven again', () => env.executions.engine.state(ref)?.watchMode === 'event-driven');
      // Three sweeps later.
      const seq = lastSeq(env);
      await new Promise((r) => setTimeout(r, 6_500));
      const sweeps = env.sb.logEntries(seq).filter((e) => e.service === 'codepipeline' && e.operation === 'ListPipelineExecutions' && e.account === DEV).length;
      const s = env.executions.engine.state(ref)!;
      console.log(
        `events per run ${perRun}; the run ${run.id} ${run.status}; shown: ${s.latest?.id} ${s.latest?.status} (${s.watchMode}) after ${sweeps} sweep listings; events ${JSON.stringify(env.coverage.counts)}`,
      );
      expect(s.latest?.id, 'three sweeps after the end, the view still shows the execution before').toBe(run.id);
      expect(s.latest?.status).toBe(run.status);
    } finally {
      env.sb.faults.set([]);
    }
  });
});
