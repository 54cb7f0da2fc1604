// The reconciliation sweep when a target's mode flips (issue 24, found by bench:events's
// faults phase: two pipelines shown wrong for 70 and 120 s after a 30 s sweep, and three
// lost ends never logged). One pipeline's miss degrades its whole target; the next event
// in that account and region makes it event-driven again.
//   - The event that ends the degradation was ignored by its own pipeline's watcher (its
//     last tick still said "degraded"), the tick that switched back to events dropped the
//     read it asked for, and the sweep, seeing the shown state differ from the listed one,
//     read nothing because the event had been heard: wrong until the pipeline ran again.
//   - A miss the sweep found was forgotten when another pipeline's miss degraded the target
//     before its grace ended: never logged.
// Against the sandbox with the real SDK clients, as test/events/engine.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { startServices } from '../helpers/services';
import { FaultRule } from '../../src/sandbox/faults';
import { DEV, endOf, lastSeq, sandboxClientConfig, setUpAndWatch, SLOW_POLL, until, type Env } from '../helpers/live-updates';

const A = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
const B = { profile: 'sandbox-dev', region: 'us-east-1', name: 'infra-network' };

const cp = (env: Env) => new CodePipelineClient(sandboxClientConfig(env.sb, DEV));

async function start(env: Env, name: string): Promise<string> {
  return (await cp(env).send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
}

const ended = (env: Env, name: string, id: string) => endOf(cp(env), name, id);
const watchBoth = (env: Env) => setUpAndWatch(env, ['win-a', 'win-b'], A, B);

/** The services with a sweep every `sweep` ms, background polling slow, and the misses logged into `missed`. */
const sweeping = (sweep: number, missed: string[]) =>
  startServices({
    seed: 'demo',
    timeScale: 0.002,
    executions: { intervals: { sweep, missGrace: 1_500, ...SLOW_POLL }, events: { statusRefreshMs: 60_000, log: (l) => missed.push(l) } },
  });

const shows = (env: Env, ref: typeof A, id: string, status: string) => {
  const s = env.executions.engine.state(ref);
  return s?.latest?.id === id && s.latest.status === status;
};

describe('the sweep across a degraded target', () => {
  let env: Env;
  const missed: string[] = [];
  beforeAll(async () => {
    env = await sweeping(1_500, missed);
  }, 60_000);
  afterAll(() => env?.stop());

  it('an event that ends the degradation is followed by its own pipeline, and the state is right within a sweep', { timeout: 60_000 }, async () => {
    await watchBoth(env);
    env.sb.faults.set([FaultRule.parse({ service: 'events', operation: 'Deliver', dropRate: 1 })]);
    // B's lost end is a miss: the target is degraded (A is polled, slowly).
    const b = await start(env, B.name);
    await ended(env, B.name, b);
    await until('the target degraded', () => env.executions.engine.state(A)?.watchMode === 'degraded');
    // A runs to its end while every event is lost.
    const seq = env.sb.codepipelineEventLog.last;
    const a = await start(env, A.name);
    const status = await ended(env, A.name, a);
    env.sb.faults.set([]);
    // Its end's event arrives late: the first event heard again in the target.
    const end = env.sb
      .codepipelineEvents(seq)
      .find((e) => e.event['detail-type'] === 'CodePipeline Pipeline Execution State Change' && (e.event.detail as { state?: string }).state !== 'STARTED');
    expect(end).toBeDefined();
    env.sb.events.putServiceEvent(DEV, 'us-east-1', end!.event);
    await until('event-driven again', () => env.executions.engine.state(A)?.watchMode === 'event-driven');
    // Within a sweep (1.5 s) and its reads.
    await until(`A shown ${status}`, () => shows(env, A, a, status), 4_000);
  });
});

describe('misses found by the same sweep', () => {
  let env: Env;
  const missed: string[] = [];
  beforeAll(async () => {
    env = await sweeping(4_000, missed);
  }, 60_000);
  afterAll(() => env?.stop());

  it('are each logged, though the first one degrades the target before the other is told', { timeout: 60_000 }, async () => {
    await watchBoth(env);
    env.sb.faults.set([FaultRule.parse({ service: 'events', operation: 'Deliver', dropRate: 1 })]);
    // Right after a sweep, so that both runs end before the next one looks.
    const seq = lastSeq(env);
    await until(
      'a sweep',
      () =>
        env.sb
          .logEntries(seq)
          .some((e) => e.service === 'codepipeline' && e.operation === 'ListPipelineExecutions' && e.account === DEV && e.region === 'us-east-1'),
      10_000,
    );
    const [a, b] = await Promise.all([start(env, A.name), start(env, B.name)]);
    const [sa, sb] = await Promise.all([ended(env, A.name, a), ended(env, B.name, b)]);
    await until('both ends shown', () => shows(env, A, a, sa) && shows(env, B, b, sb), 10_000);
    await until('both misses logged', () => missed.some((l) => l.includes(a)) && missed.some((l) => l.includes(b)), 6_000).catch(() => undefined);
    env.sb.faults.set([]);
    expect(missed.filter((l) => l.includes(a) || l.includes(b))).toHaveLength(2);
    expect(env.coverage.misses.map((m) => m.message.match(/execution (\S+)/)?.[1]).sort()).toEqual([a, b].sort());
  });
});
