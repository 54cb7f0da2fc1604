// The watch engine on events (issue 24), against the sandbox with the real SDK
// clients: after the live-updates setup, a watched pipeline is not probed and its
// live state follows CodePipeline's events through EventBridge and the hub queue;
// duplicated and reordered deliveries end in the right state; a lost terminal event
// is caught by the sweep, logged, and the target degraded; a disabled hub rule or a
// deleted queue degrades the target and polling resumes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodePipelineClient, ListPipelineExecutionsCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { DisableRuleCommand, EnableRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startServices } from '../helpers/services';
import { FaultRule } from '../../src/sandbox/faults';
import type { PipelineLiveState } from '../../src/shared/api/executions';
import {
  cpCalls,
  DEV,
  endOf,
  FAST_EVENTS,
  lastSeq,
  runToEnd,
  sandboxClientConfig,
  setUpAndWatch as setUpAndWatchRefs,
  until,
  type Env,
} from '../helpers/live-updates';

const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };

const common = (env: Env) => sandboxClientConfig(env.sb, DEV);
/** Sets up live updates for dev (its own hub), and watches web-frontend until it is event-driven. */
const setUpAndWatch = (env: Env, client: string) => setUpAndWatchRefs(env, client, ref);
const startAndFinish = (env: Env) => runToEnd(new CodePipelineClient(common(env)), ref.name);

describe('event-driven watching', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startServices({
      seed: 'demo',
      timeScale: 0.002,
      executions: { events: FAST_EVENTS },
    });
  }, 60_000);
  afterAll(() => env?.stop());

  it('follows the events with no ListPipelineExecutions probe, within a few seconds', { timeout: 60_000 }, async () => {
    const states = await setUpAndWatch(env, 'win-1');
    const since = lastSeq(env);
    const started = Date.now();
    const run = await startAndFinish(env);
    const shown = await until('the end shown', () => {
      const s = env.executions.engine.state(ref);
      return s?.latest?.id === run.id && s.latest.status === run.status ? s : null;
    });
    const lag = Date.now() - started;
    expect(shown).toMatchObject({ watchMode: 'event-driven', watchModeReason: null, error: null });
    // The run was seen while it ran, too, not only at its end.
    expect(states.some((s) => s.latest?.id === run.id && s.latest.status === 'InProgress')).toBe(true);
    expect(cpCalls(env, since, 'ListPipelineExecutions')).toHaveLength(0);
    const reads = cpCalls(env, since, 'GetPipelineState');
    const seconds = (Date.now() - started) / 1000;
    // At most one reconciling read a second, coalesced, however many events the run made.
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(env.coverage.counts.advanced).toBeGreaterThan(reads.length);
    expect(lag).toBeLessThan(15_000);
    console.log(
      `events: run ${run.status} shown after ${lag} ms; ${reads.length} GetPipelineState, 0 ListPipelineExecutions; events ${JSON.stringify(env.coverage.counts)}; queue ${JSON.stringify(env.coverage.stats())}`,
    );
  });

  it('an execution first heard of from its events is shown with its start and last update times, from the events', { timeout: 60_000 }, async () => {
    if (env.executions.engine.state(ref)?.watchMode !== 'event-driven') await setUpAndWatch(env, 'win-1');
    const states: PipelineLiveState[] = [];
    const stop = env.executions.onUpdate((s) => s.ref.name === ref.name && s.ref.profile === ref.profile && states.push(s));
    const since = lastSeq(env);
    try {
      const run = await startAndFinish(env);
      await until('the end shown', () => {
        const s = env.executions.engine.state(ref);
        return s?.latest?.id === run.id && s.latest.status === run.status;
      });
      // Shown from events only: no listing gave the times (GetPipelineExecution has none).
      expect(cpCalls(env, since, 'ListPipelineExecutions')).toHaveLength(0);
      const mine = states.filter((s) => s.latest?.id === run.id).map((s) => s.latest!);
      const first = mine[0];
      const last = mine.at(-1)!;
      console.log(
        `times from events: first shown ${first.status} start=${first.startTime} update=${first.lastUpdateTime}; last ${last.status} start=${last.startTime} update=${last.lastUpdateTime} duration=${last.durationSec}`,
      );
      // The listing, read afterwards here, says when it started: the events said the same.
      const listed = (
        await new CodePipelineClient(common(env)).send(new ListPipelineExecutionsCommand({ pipelineName: ref.name, maxResults: 5 }))
      ).pipelineExecutionSummaries!.find((e) => e.pipelineExecutionId === run.id)!;
      expect(first.startTime).toBe(listed.startTime!.toISOString());
      expect(Date.parse(first.lastUpdateTime!)).toBeGreaterThanOrEqual(Date.parse(first.startTime!));
      expect(last.startTime).toBe(first.startTime);
      expect(Date.parse(last.lastUpdateTime!)).toBeGreaterThanOrEqual(Date.parse(first.lastUpdateTime!));
      expect(last.durationSec).not.toBeNull();
    } finally {
      stop();
    }
  });

  it('a disabled hub rule degrades the target and polling resumes; enabled again, events lead again', { timeout: 60_000 }, async () => {
    const events = new EventBridgeClient(common(env));
    await events.send(new DisableRuleCommand({ Name: 'pipewright-events-to-queue', EventBusName: 'pipewright-events' }));
    const since = lastSeq(env);
    const s = await until('degraded', () => {
      const st = env.executions.engine.state(ref);
      return st?.watchMode === 'degraded' ? st : null;
    });
    expect(s.watchModeReason).toBe('the hub rule is disabled');
    await until('a polling probe', () => cpCalls(env, since, 'ListPipelineExecutions').length > 0);
    await events.send(new EnableRuleCommand({ Name: 'pipewright-events-to-queue', EventBusName: 'pipewright-events' }));
    await until('event-driven again', () => env.executions.engine.state(ref)?.watchMode === 'event-driven');
  });

  it('a deleted queue degrades the target and polling resumes', { timeout: 60_000 }, async () => {
    const sqs = new SQSClient(common(env));
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'pipewright-events' }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    const since = lastSeq(env);
    const s = await until('degraded', () => {
      const st = env.executions.engine.state(ref);
      return st?.watchMode === 'degraded' ? st : null;
    });
    expect(s.watchModeReason).toMatch(/queue/);
    await until('a polling probe', () => cpCalls(env, since, 'ListPipelineExecutions').length > 0);
    // And polling sees a run to its end, as before the setup.
    const run = await startAndFinish(env);
    await until('the end shown by polling', () => {
      const st = env.executions.engine.state(ref);
      return st?.latest?.id === run.id && st.latest.status === run.status;
    });
  });
});

describe('event-driven watching under delivery faults', () => {
  let env: Env;
  const missed: string[] = [];
  beforeAll(async () => {
    env = await startServices({
      seed: 'demo',
      timeScale: 0.002,
      executions: {
        // A reordered event is held up to 1 s: the grace outlasts it, so only a lost one is a miss.
        intervals: { sweep: 1_500, missGrace: 1_500 },
        events: { statusRefreshMs: 60_000, log: (l) => missed.push(l) },
      },
    });
  }, 60_000);
  afterAll(() => env?.stop());

  it('duplicated and reordered events: the final state is right and the repeats are ignored', { timeout: 60_000 }, async () => {
    await setUpAndWatch(env, 'win-1');
    env.sb.faults.set([FaultRule.parse({ service: 'events', operation: 'Deliver', duplicateRate: 0.5, reorderRate: 0.5 })]);
    try {
      const run = await startAndFinish(env);
      await until('the end shown', () => {
        const s = env.executions.engine.state(ref);
        return s?.latest?.id === run.id && s.latest.status === run.status;
      });
      expect(env.coverage.counts.duplicate).toBeGreaterThan(0);
      expect(env.executions.engine.state(ref)?.watchMode).toBe('event-driven');
      // A sweep and its grace later, still no miss: late (reordered) events are not lost ones.
      await new Promise((r) => setTimeout(r, 3_500));
      expect(missed).toEqual([]);
      console.log(`faults: events ${JSON.stringify(env.coverage.counts)}`);
    } finally {
      env.sb.faults.set([]);
    }
  });

  it(
    'dropped events, the terminal one too, are caught by the sweep: the state is put right, the miss logged, the target degraded',
    { timeout: 60_000 },
    async () => {
      if (!env.executions.engine.state(ref)) await setUpAndWatch(env, 'win-1');
      // Every event of the run is lost, its end too: only the sweep can tell.
      env.sb.faults.set([FaultRule.parse({ service: 'events', operation: 'Deliver', dropRate: 1 })]);
      const cp = new CodePipelineClient(common(env));
      const { pipelineExecutionId: id } = await cp.send(new StartPipelineExecutionCommand({ name: ref.name }));
      try {
        const status = await endOf(cp, ref.name, id!);
        const shown = await until('the end shown after a sweep', () => {
          const s = env.executions.engine.state(ref);
          return s?.latest && s.latest.id === id && s.latest.status === status && s.watchMode === 'degraded' ? s : null;
        });
        expect(shown.watchModeReason).toMatch(/events were missed/);
        expect(env.coverage.misses.at(-1)).toMatchObject({ profile: ref.profile, region: ref.region });
        expect(env.coverage.misses.at(-1)!.message).toContain(`execution ${id} is ${status} and no event said so`);
        expect(missed.at(-1)).toMatch(/^events: missed in sandbox-dev\/us-east-1: web-frontend/);
      } finally {
        env.sb.faults.set([]);
      }
    },
  );
});
