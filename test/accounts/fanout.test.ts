// The fan-out engine and the explorer's listing against the demo seed, with
// throttling, 500s and access denied injected: results complete, errors are
// classified per target, and the per-(account, region) cap is never exceeded.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Settings } from '../../src/shared/api/settings';
import { startServices } from '../helpers/services';
import type { PipelinesService } from '../../src/main/explorer/service';
import type { SandboxService } from '../../src/main/app/sandbox-service';
import type { CallLogEntry } from '../../src/sandbox/sandbox';
import { generatePipelines } from '../../src/sandbox/seed';

let services: Awaited<ReturnType<typeof startServices>>;
let sandbox: SandboxService;
let pipelines: PipelinesService;

beforeAll(async () => {
  services = await startServices({ seed: 'demo', settings: Settings.parse({ fanout: { perTargetConcurrency: 3, globalConcurrency: 16 } }) });
  ({ sandbox, pipelines } = services);
});
afterAll(() => services.stop());
beforeEach(() => {
  sandbox.instance!.faults.clear();
  sandbox.instance!.clearLog();
});

/** Highest number of calls in flight at once per (account, region), from the server's log. */
function maxConcurrency(entries: CallLogEntry[]): Map<string, number> {
  const byTarget = new Map<string, Array<[number, number]>>();
  for (const e of entries) {
    if (e.service !== 'codepipeline') continue;
    const k = `${e.account}/${e.region}`;
    const list = byTarget.get(k) ?? [];
    list.push([e.time, 1], [e.time + e.ms, -1]);
    byTarget.set(k, list);
  }
  const out = new Map<string, number>();
  for (const [k, evts] of byTarget) {
    evts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0;
    let max = 0;
    for (const [, d] of evts) max = Math.max(max, (cur += d));
    out.set(k, max);
  }
  return out;
}

async function listAll(signal = new AbortController().signal) {
  const streamed: string[] = [];
  const errors: Array<{ profile: string; region: string | null; kind: string }> = [];
  const summary = await pipelines.list(
    pipelines.targets(),
    {
      onRows: (_t, rows) => streamed.push(...rows.map((r) => r.id)),
      onError: (t, e) => errors.push({ profile: t.profile, region: t.region, kind: e.kind }),
      onTargetDone: () => {},
    },
    signal,
  );
  return { summary, streamed, errors };
}

describe('explorer listing over the fan-out engine', () => {
  it('lists every pipeline of the demo across 3 accounts x 3 regions, streamed', async () => {
    const expected = sandbox.instance!.tables.all().length;
    const { summary, streamed, errors } = await listAll();
    expect(summary.targets).toBe(9);
    expect(errors).toEqual([]);
    expect(summary.rows).toHaveLength(expected);
    expect(new Set(streamed).size).toBe(expected);
    const wf = summary.rows.filter((r) => r.name === 'web-frontend');
    expect(wf.map((r) => r.accountAlias).sort()).toEqual(['sandbox-dev', 'sandbox-prod', 'sandbox-staging']);
    const prod = wf.find((r) => r.accountId === '333333333333')!;
    expect(prod.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Deploy']);
    expect(prod.latest?.status).toBe('InProgress'); // waiting at the approval
    expect(prod.latest?.revisionId).toMatch(/^[0-9a-f]{40}$/);
    const billing = summary.rows.find((r) => r.name === 'billing-service')!;
    expect(billing.stages.find((s) => s.name === 'Prod')?.transitionEnabled).toBe(false);
    for (const [, max] of maxConcurrency(sandbox.instance!.logEntries())) expect(max).toBeLessThanOrEqual(3);
  });

  it('recovers from throttling and 500s, within the caps', async () => {
    sandbox.instance!.faults.set([
      {
        service: 'codepipeline',
        operation: 'GetPipelineState',
        throttleRate: 0.3,
        errorRate: 0,
        resetRate: 0,
        denyRate: 0,
        latencyMs: 5,
        jitterMs: 10,
        deleteErrorRate: 0,
      },
      {
        service: 'codepipeline',
        operation: 'ListPipelineExecutions',
        throttleRate: 0,
        errorRate: 0.3,
        resetRate: 0,
        denyRate: 0,
        latencyMs: 5,
        jitterMs: 10,
        deleteErrorRate: 0,
      },
    ]);
    const { summary, errors } = await listAll();
    expect(errors).toEqual([]);
    expect(summary.rows).toHaveLength(sandbox.instance!.tables.all().length);
    const log = sandbox.instance!.logEntries();
    expect(log.filter((e) => e.errorCode === 'ThrottlingException').length).toBeGreaterThan(0);
    expect(log.filter((e) => e.status === 500).length).toBeGreaterThan(0);
    for (const [, max] of maxConcurrency(log)) expect(max).toBeLessThanOrEqual(3);
  });

  it('reports a denied region as data while the rest load', async () => {
    sandbox.instance!.faults.set([
      {
        service: 'codepipeline',
        operation: '*',
        account: '222222222222',
        region: 'eu-west-1',
        denyRate: 1,
        throttleRate: 0,
        errorRate: 0,
        resetRate: 0,
        latencyMs: 0,
        jitterMs: 0,
        deleteErrorRate: 0,
      },
    ]);
    const { summary, errors } = await listAll();
    expect(errors).toEqual([{ profile: 'sandbox-staging', region: 'eu-west-1', kind: 'access-denied' }]);
    const inDenied = sandbox.instance!.tables.all().filter((p) => p.accountId === '222222222222' && p.region === 'eu-west-1').length;
    expect(summary.rows).toHaveLength(sandbox.instance!.tables.all().length - inDenied);
    expect(summary.failedTargets).toBe(1);
  });

  it('lists every pipeline when their history or state is denied, each row saying what is unavailable and why', async () => {
    const deny = { throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 1, latencyMs: 0, jitterMs: 0, deleteErrorRate: 0 };
    sandbox.instance!.faults.set([{ service: 'codepipeline', operation: 'ListPipelineExecutions', ...deny }]);
    const denied = await listAll();
    expect(denied.errors).toEqual([]);
    expect(denied.summary.rows).toHaveLength(sandbox.instance!.tables.all().length);
    for (const r of denied.summary.rows) {
      expect(r.latest).toBeNull();
      expect(r.latestError).toMatchObject({ kind: 'access-denied', code: 'AccessDeniedException' });
      expect(r.stagesError).toBeNull();
      expect(r.stages.length).toBeGreaterThan(0);
    }
    sandbox.instance!.faults.set([{ service: 'codepipeline', operation: 'GetPipelineState', ...deny }]);
    const noState = await listAll();
    expect(noState.summary.rows).toHaveLength(sandbox.instance!.tables.all().length);
    expect(noState.summary.rows.every((r) => r.stagesError?.kind === 'access-denied' && r.stages.length === 0 && r.latestError === null)).toBe(true);
  });

  it('classifies throttling that outlasts the retries', async () => {
    sandbox.instance!.faults.set([
      {
        service: 'codepipeline',
        operation: 'ListPipelines',
        account: '111111111111',
        region: 'ap-southeast-2',
        throttleRate: 1,
        denyRate: 0,
        errorRate: 0,
        resetRate: 0,
        latencyMs: 0,
        jitterMs: 0,
        deleteErrorRate: 0,
      },
    ]);
    const { errors } = await listAll();
    expect(errors).toEqual([{ profile: 'sandbox-dev', region: 'ap-southeast-2', kind: 'throttled' }]);
  }, 60_000);

  it('cancels', async () => {
    sandbox.instance!.faults.set([
      { service: 'codepipeline', operation: '*', latencyMs: 200, jitterMs: 0, throttleRate: 0, denyRate: 0, errorRate: 0, resetRate: 0, deleteErrorRate: 0 },
    ]);
    const ac = new AbortController();
    const decide = vi.spyOn(sandbox.instance!.faults, 'decide');
    const t0 = Date.now();
    const listing = listAll(ac.signal);
    // Cancel while the first calls are in flight (each held 200 ms by the injected latency).
    await vi.waitFor(() => expect(decide.mock.calls.some(([t]) => t.service === 'codepipeline')).toBe(true), { interval: 5 });
    decide.mockRestore();
    ac.abort();
    const { errors } = await listing;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(errors.length).toBe(9);
    expect(new Set(errors.map((e) => e.kind))).toEqual(new Set(['cancelled']));
  });
  it('streams a big page in batches of at most 50 rows, the first long before the page is described', async () => {
    await generatePipelines(sandbox.instance!, {
      accounts: ['111111111111'],
      regions: ['us-east-1'],
      pipelinesPerTarget: 300,
      executionsPerPipeline: 0,
      namePrefix: 'stream',
    });
    sandbox.instance!.clearLog();
    const batches: Array<{ at: number; size: number }> = [];
    await pipelines.list(
      pipelines.targets().filter((t) => t.profile.name === 'sandbox-dev' && t.region === 'us-east-1'),
      { onRows: (_t, rows) => batches.push({ at: Date.now(), size: rows.length }), onError: () => {}, onTargetDone: () => {} },
      new AbortController().signal,
    );
    const total = batches.reduce((n, b) => n + b.size, 0);
    expect(total).toBeGreaterThanOrEqual(300);
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(total / 50));
    expect(Math.max(...batches.map((b) => b.size))).toBeLessThanOrEqual(50);
    // The first rows were handed on while most of the page's describing calls had not started.
    const states = sandbox.instance!.logEntries().filter((e) => e.operation === 'GetPipelineState');
    const startedBefore = states.filter((e) => e.time <= batches[0].at).length;
    expect(startedBefore).toBeLessThan(states.length / 2);
  });
});
