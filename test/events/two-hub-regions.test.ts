// Live updates over two regions, each its own hub region (the default plan): one hub queue
// of the same name in each. The sandbox's queue URLs name no region (<endpoint>/<account>/<name>),
// so the two queues had one URL, and the reader's lease (one per queue, per home) was taken by
// the first region's reader and refused to the second, as if "another Pipewright process"
// (this very one) read it; both regions were then polled ("read by another Pipewright process
// on this machine (pid <its own>)"). Found by bench:events. A queue is now its region and URL.
// Against the sandbox with the real SDK clients, as test/events/engine.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { startServices } from '../helpers/services';
import { applyLiveUpdates } from '../helpers/confirm';

const DEV = '111111111111';
const US = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
const EU = { profile: 'sandbox-dev', region: 'eu-west-1', name: 'data-ingest' };
type Env = Awaited<ReturnType<typeof startServices>>;

const until = <T>(what: string, f: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 15_000): Promise<T> =>
  vi.waitFor(
    async () => {
      const v = await f();
      if (!v) throw new Error(`timed out waiting for ${what}`);
      return v;
    },
    { timeout: ms, interval: 50 },
  );

describe('live updates in two hub regions of one account', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startServices({
      seed: 'demo',
      timeScale: 0.002,
      executions: { events: { statusRefreshMs: 300, consumer: { minBackoffMs: 100, maxBackoffMs: 500 } } },
    });
  }, 60_000);
  afterAll(() => env?.stop());

  it('reads both queues: both regions are event-driven and follow their own events', { timeout: 60_000 }, async () => {
    const r = await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: US.profile, regions: [US.region, EU.region] }] });
    expect(r.ok).toBe(true);
    const queues = env.sb.snapshot().queues.filter((q) => q.name === 'pipewright-events');
    expect(queues.map((q) => q.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    env.executions.engine.watch(US, 'win-us', { opened: false });
    env.executions.engine.watch(EU, 'win-eu', { opened: false });
    await until('both event-driven', () => [US, EU].every((x) => env.executions.engine.state(x)?.watchMode === 'event-driven'), 10_000).catch(() => undefined);
    const modes = [US, EU].map((x) => ({
      region: x.region,
      mode: env.executions.engine.state(x)?.watchMode,
      reason: env.executions.engine.state(x)?.watchModeReason,
    }));
    expect(modes).toEqual([
      { region: 'us-east-1', mode: 'event-driven', reason: null },
      { region: 'eu-west-1', mode: 'event-driven', reason: null },
    ]);
    expect(env.coverage.stats().consumers).toBe(2);
    // A run in eu-west-1 is followed from that region's queue.
    const a = env.sb.config.accounts.find((x) => x.id === DEV)!;
    const cp = new CodePipelineClient({
      endpoint: env.sb.endpoint,
      region: EU.region,
      credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
    });
    const before = env.coverage.counts.advanced;
    const { pipelineExecutionId } = await cp.send(new StartPipelineExecutionCommand({ name: EU.name }));
    await until('the run shown from events', () => env.executions.engine.state(EU)?.latest?.id === pipelineExecutionId);
    expect(env.coverage.counts.advanced).toBeGreaterThan(before);
  });
});
