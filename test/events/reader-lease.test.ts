// One reader per hub queue on a machine (issue 24): the app and the CLI's `executions
// watch` compose the same services on the same home. Without a lease each would
// long-poll and delete from the same queue and see only part of the events. Here two
// graphs on one home and one sandbox watch the same pipeline: one reads the queue,
// the other polls and says why, and takes over once the first ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { composeBeside, startServices } from '../helpers/services';
import { applyLiveUpdates, DEV, FAST_EVENTS, runToEnd as runPipeline, sandboxClientConfig, until, type Env } from '../helpers/live-updates';

const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
const fast = { events: FAST_EVENTS };

const runToEnd = (env: Env) => runPipeline(new CodePipelineClient(sandboxClientConfig(env.sb, DEV)), ref.name);

describe('one reader per hub queue on a machine', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startServices({ seed: 'demo', timeScale: 0.002, executions: fast });
  }, 60_000);
  afterAll(() => env?.stop());

  it('two service graphs on one home: one reads the queue, the other polls and says why, then reads it once the first ends', { timeout: 90_000 }, async () => {
    expect((await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: ref.profile, regions: [ref.region] }] })).ok).toBe(true);
    // The app: it watches first, and reads the queue.
    env.executions.engine.watch(ref, 'app-window', { opened: false });
    await until('the app event-driven', () => env.executions.engine.state(ref)?.watchMode === 'event-driven');
    // The CLI's watch, beside it on the same home.
    const cli = await composeBeside(env, { executions: fast });
    try {
      cli.executions.engine.watch(ref, 'cli-watch', { opened: true });
      const first = await until('the second graph to settle', () => {
        const s = cli.executions.engine.state(ref);
        return s && (s.watchMode === 'event-driven' || /another Pipewright process/.test(s.watchModeReason ?? '')) ? s : null;
      });
      const run = await runToEnd(env);
      await until('the app to show the end', () => env.executions.engine.state(ref)?.latest?.id === run.id);
      // Whatever was in flight is taken by now: a long poll answers as soon as messages arrive.
      await new Promise((r) => setTimeout(r, 500));
      const figures = `app: ${env.coverage.stats().consumers} reader(s), ${env.coverage.counts.events} events; cli: ${cli.coverage.stats().consumers} reader(s), ${cli.coverage.counts.events} events; cli mode ${first.watchMode} (${first.watchModeReason})`;
      console.log(`one queue, two graphs: ${figures}`);
      expect(env.coverage.stats().consumers, figures).toBe(1);
      expect(cli.coverage.stats().consumers, figures).toBe(0);
      expect(cli.coverage.counts.events, figures).toBe(0);
      expect(env.coverage.counts.events, figures).toBeGreaterThan(0);
      expect(first.watchMode).toBe('polled');
      expect(first.watchModeReason).toBe(`events from this queue are read by another Pipewright process on this machine (pid ${process.pid}): polled here`);
      expect(env.coverage.mode(ref)).toEqual({ mode: 'event-driven', reason: null });

      // The app closes: its lease goes with it, and the CLI reads the queue at its next check.
      env.executions.close();
      await env.coverage.dispose();
      await until('the CLI event-driven', () => cli.executions.engine.state(ref)?.watchMode === 'event-driven');
      expect(cli.coverage.stats().consumers).toBe(1);
      const run2 = await runToEnd(env);
      const shown = await until('the CLI to show the second run from its events', () => {
        const s = cli.executions.engine.state(ref);
        return s?.latest?.id === run2.id && s.latest.status === run2.status ? s : null;
      });
      expect(shown.watchMode).toBe('event-driven');
      expect(cli.coverage.counts.events).toBeGreaterThan(0);
    } finally {
      await cli.coverage.dispose();
      await cli.dispose();
    }
  });
});
