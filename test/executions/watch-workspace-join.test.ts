// A window that watches the workspace where another window (or its own page before a
// reload) already does: the watchers are shared and tell only of changes, so the new
// window heard nothing of a pipeline that did not change, and its explorer showed no
// live state for it, nor whether its status came from events or polling (live updates,
// issue 24). Now joining the workspace watch sends each pipeline's known state at once.
// The app's own executions feature and engine, against the sandbox over HTTP.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServices } from '../helpers/services';
import { EventHub } from '../../src/main/rpc/event-hub';
import { executionsFeature } from '../../src/main/executions/handlers';
import type { PipelineLiveState } from '../../src/shared/api/executions';
import type { JobContext } from '../../src/main/jobs/job-manager';

let env: Awaited<ReturnType<typeof startServices>>;

beforeAll(async () => {
  env = await startServices({
    seed: 'demo',
    timeScale: 0.002,
    // Nothing polls again within the test: any state a window gets after its first is one it was sent on joining.
    executions: { intervals: { openedActive: 60_000, openedIdle: 60_000, backgroundActive: 60_000, backgroundIdle: 60_000 } },
  });
}, 60_000);
afterAll(() => env?.stop());

describe('joining the workspace watch', () => {
  it("sends the joining window every pipeline's known state, unchanged pipelines too, with its watch mode", async () => {
    const hub = new EventHub();
    const heard = new Map<string, PipelineLiveState[]>();
    for (const clientId of ['window-1', 'window-2']) {
      heard.set(clientId, []);
      hub.attach({ clientId, send: (event, payload) => event === 'execution.updated' && heard.get(clientId)!.push(payload as PipelineLiveState) });
      hub.markReady(clientId);
    }
    const jobs: Array<Promise<unknown>> = [];
    const staging = env.accounts.profile('sandbox-staging');
    const { handlers } = executionsFeature({
      executions: env.executions,
      targets: () => [{ profile: staging, region: 'us-east-1' }],
      jobs: {
        start: (_kind: string, _owner: string | null, run: (ctx: JobContext) => Promise<unknown>) => {
          jobs.push(run({ jobId: 'job', signal: new AbortController().signal, progress: () => {} }));
          return 'job';
        },
      },
      events: hub,
      onDeparture: (l) => hub.onDeparture(l),
    });
    const names = await env.executions.pipelineNames({ profile: 'sandbox-staging', region: 'us-east-1' });
    expect(names.length).toBeGreaterThan(1);

    await handlers['executions.watchWorkspace']({}, { clientId: 'window-1' });
    await Promise.all(jobs);
    // Every watcher's first read, as the first window hears it.
    await vi.waitFor(() => expect(new Set(heard.get('window-1')!.map((s) => s.ref.name))).toEqual(new Set(names)), { timeout: 20_000, interval: 20 });

    // The second window only joins: no watcher reads again, and yet it hears every pipeline's state now.
    heard.set('window-2', []);
    const calls = env.sb.logEntries().length;
    await handlers['executions.watchWorkspace']({}, { clientId: 'window-2' });
    await Promise.all(jobs);
    expect(new Set(heard.get('window-2')!.map((s) => s.ref.name))).toEqual(new Set(names));
    // (Listing the target's pipeline names is the join's one call: no pipeline is read again.)
    expect(
      env.sb
        .logEntries()
        .slice(calls)
        .filter((e) => e.service === 'codepipeline')
        .map((e) => e.operation),
    ).toEqual(['ListPipelines']);
    // As the watchers know them: with the watch mode the explorer shows, and the account's production word.
    for (const s of heard.get('window-2')!) {
      expect(s.watchMode).toBe('polled');
      expect(s.productionVerdict).toBeDefined();
    }
    hub.detach('window-1');
    hub.detach('window-2');
    expect(env.executions.engine.stats().watchers).toBe(0);
  });
});
