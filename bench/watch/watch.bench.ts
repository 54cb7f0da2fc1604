// bench/watch: the execution watchers against 100 pipelines in 3 accounts x 2
// regions, 10 of them running at any time (new runs start at random on idle
// pipelines), every call delayed 100 ms by the sandbox. Measured over a window
// (5 minutes by default; BENCH_WATCH_SECONDS to change):
//   - API calls per pipeline per minute, from the sandbox's call log;
//   - the delay from each state change in the sandbox (its clock: when an action
//     or execution started or ended) to a state that shows it reaching a client
//     (an EventHub sink, the path the app's windows are served by), p50 and p95,
//     for the opened pipelines and for the rest;
//   - the most calls any (account, region) made in one second, against the budget.
// Baseline, same run, same sandbox: naive polling of GetPipelineState every 5 s
// for every pipeline.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CodePipelineClient,
  GetPipelineStateCommand,
  StartPipelineExecutionCommand,
  paginateListActionExecutions,
  paginateListPipelineExecutions,
} from '@aws-sdk/client-codepipeline';
import { EventHub } from '../../src/main/rpc/event-hub';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { composeServices } from '../../src/main/compose';
import { SandboxService } from '../../src/main/app/sandbox-service';
import { Settings } from '../../src/shared/api/settings';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import type { CallLogEntry } from '../../src/sandbox/sandbox';
import { DEFAULT_BUDGET } from '../../src/main/executions/service';
import { pipelineKey, type PipelineLiveState, type PipelineRef } from '../../src/shared/api/executions';

const REGIONS = ['us-east-1', 'eu-west-1'];
const PIPELINES = 100;
const RUNNING = 10;
const OPENED = 5;
const LATENCY_MS = 100;
const WINDOW_S = Number(process.env.BENCH_WATCH_SECONDS ?? 300);
const BASELINE_INTERVAL_MS = 5_000;

let sandbox: SandboxProcess;
let endpoint = '';
let home: string;
const saved = { ...process.env };
const refs: PipelineRef[] = [];
/** The opened pipelines, as "accountId|region|name" (what the driver sees). */
const openedNames = new Set<string>();
const accountOf = new Map(DEFAULT_ACCOUNTS.map((a) => [a.name, a]));

const control = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => sandbox.control<T>(method, path, body);

const client = (ref: { profile: string; region: string }) => {
  const a = accountOf.get(ref.profile)!;
  return new CodePipelineClient({ endpoint, region: ref.region, credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey } });
};

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pw-bench-watch-'));
  writeFileSync(join(home, 'sandbox.json'), JSON.stringify({ regions: REGIONS, startOnCreate: false }));
  sandbox = await startSandboxProcess({ config: join(home, 'sandbox.json') });
  endpoint = sandbox.endpoint;
  // 100 pipelines: 17 in four (account, region) pairs and 16 in the other two.
  const targets = DEFAULT_ACCOUNTS.flatMap((a) => REGIONS.map((r) => ({ account: a, region: r })));
  for (const [i, t] of targets.entries()) {
    const n = i < 4 ? 17 : 16;
    await control('POST', 'generate', { accounts: [t.account.id], regions: [t.region], pipelinesPerTarget: n, executionsPerPipeline: 1, namePrefix: 'svc' });
    for (let k = 0; k < n; k++) refs.push({ profile: t.account.name, region: t.region, name: `svc-${String(k).padStart(3, '0')}` });
  }
  expect(refs).toHaveLength(PIPELINES);
  sandbox.useProfiles(home);
  await control('PUT', 'faults', [{ service: '*', latencyMs: LATENCY_MS }]);
}, 600_000);

afterAll(() => {
  process.env = { ...saved };
  sandbox?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Keeps RUNNING executions going: new runs start at random on idle pipelines. Returns a stop. */
function drive(): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    const state = await control<{ pipelines: Array<{ account: string; region: string; name: string; executions: Array<{ status: string }> }> }>('GET', 'state');
    const running = state.pipelines.filter((p) => p.executions.some((e) => e.status === 'InProgress' || e.status === 'Stopping'));
    const idle = state.pipelines.filter((p) => !running.includes(p));
    for (let i = running.length; i < RUNNING && idle.length; i++) {
      // At random among the idle ones; a third of the time among the opened ones, so that
      // the few opened pipelines see enough runs for their delay to be measured.
      const openIdle = idle.filter((x) => openedNames.has(`${x.account}|${x.region}|${x.name}`));
      const pool = openIdle.length && Math.random() < 1 / 3 ? openIdle : idle;
      const p = pool[Math.floor(Math.random() * pool.length)];
      idle.splice(idle.indexOf(p), 1);
      const a = DEFAULT_ACCOUNTS.find((x) => x.id === p.account)!;
      await client({ profile: a.name, region: p.region })
        .send(new StartPipelineExecutionCommand({ name: p.name }))
        .catch((err: unknown) => console.error('start failed', err));
    }
    if (!stopped) timer = setTimeout(() => void tick(), 1_000);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

interface Change {
  key: string;
  time: number;
}

/** Every state change in the window, from the sandbox's own records (read after the window, not counted). */
async function changesIn(from: number, to: number): Promise<Change[]> {
  const out: Change[] = [];
  for (const ref of refs) {
    const cp = client(ref);
    for await (const page of paginateListPipelineExecutions({ client: cp }, { pipelineName: ref.name }))
      for (const e of page.pipelineExecutionSummaries ?? []) {
        const s = e.startTime!.getTime();
        if (s >= from && s < to) out.push({ key: pipelineKey(ref), time: s });
      }
    for await (const page of paginateListActionExecutions({ client: cp }, { pipelineName: ref.name }))
      for (const a of page.actionExecutionDetails ?? []) {
        for (const t of [a.startTime!.getTime(), a.lastUpdateTime!.getTime()]) if (t >= from && t < to) out.push({ key: pipelineKey(ref), time: t });
      }
  }
  return out;
}

/** For each change, when a state read after it reached the client. */
function delays(changes: Change[], seen: Map<string, Array<{ readAt: number; receivedAt: number }>>): number[] {
  const out: number[] = [];
  for (const c of changes) {
    const first = (seen.get(c.key) ?? []).find((s) => s.readAt >= c.time);
    if (first) out.push(first.receivedAt - c.time);
  }
  return out.sort((a, b) => a - b);
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function maxPerSecond(entries: CallLogEntry[]): { max: number; where: string } {
  const by = new Map<string, number[]>();
  for (const e of entries) by.set(`${e.account}/${e.region}`, [...(by.get(`${e.account}/${e.region}`) ?? []), e.time]);
  let max = 0;
  let where = '';
  for (const [k, times] of by) {
    times.sort((a, b) => a - b);
    let j = 0;
    for (let i = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1000) j++;
      if (i - j + 1 > max) {
        max = i - j + 1;
        where = k;
      }
    }
  }
  return { max, where };
}

type Seen = Map<string, Array<{ readAt: number; receivedAt: number }>>;

/**
 * Runs one contender with the driver going: first its warm-up (until every pipeline
 * has been read once: a one-off cost, reported apart), then the measured window.
 */
async function phase(name: string, run: (seen: Seen) => Promise<{ stop: () => void; warm: () => boolean }>) {
  const seen: Seen = new Map();
  const stopDriving = drive();
  await control('DELETE', 'log');
  const w0 = Date.now();
  const contender = await run(seen);
  while (!contender.warm()) await new Promise((r) => setTimeout(r, 200));
  const warmup = {
    ms: Date.now() - w0,
    calls: ((await control<{ entries: CallLogEntry[] }>('GET', 'log')).entries ?? []).filter((e) => e.operation !== 'StartPipelineExecution').length,
  };
  await control('DELETE', 'log');
  const from = Date.now();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const to = Date.now();
  contender.stop();
  stopDriving();
  const log = ((await control<{ entries: CallLogEntry[] }>('GET', 'log')).entries ?? []).filter(
    (e) => e.service === 'codepipeline' && e.operation !== 'StartPipelineExecution' && e.time >= from && e.time < to,
  );
  // Changes late in the window may not have been seen yet: leave out the last minute.
  const changes = await changesIn(from, to - 60_000);
  return { name, from, to, log, changes, seen, warmup };
}

it('watchers vs polling GetPipelineState every 5 s', async () => {
  const openedRefs = refs.filter((_, i) => i % Math.floor(PIPELINES / OPENED) === 0);
  const opened = new Set(openedRefs.map(pipelineKey));
  for (const r of openedRefs) openedNames.add(`${accountOf.get(r.profile)!.id}|${r.region}|${r.name}`);
  // --- the engine, as the app runs it: one hub, a client, every pipeline watched, five open.
  const engine = await phase('engine', async (seen) => {
    const settings = Settings.parse({ workspace: { profiles: DEFAULT_ACCOUNTS.map((a) => a.name), regions: REGIONS } });
    const hub = new EventHub();
    hub.attach({
      clientId: 'bench',
      send: (event, payload) => {
        if (event !== 'execution.updated') return;
        const s = payload as PipelineLiveState;
        const k = pipelineKey(s.ref);
        seen.set(k, [...(seen.get(k) ?? []), { readAt: Date.parse(s.observedAt), receivedAt: Date.now() }]);
      },
    });
    hub.markReady('bench');
    const services = composeServices({ home, settings: () => settings, sandbox: new SandboxService(), hub });
    await services.accounts.reload();
    services.executions.onUpdate((s) => hub.emit('execution.updated', s));
    // Every pipeline in the background, as the workspace watch does; each opened one in a window of its own (a window has one open at a time).
    for (const r of refs) services.executions.engine.watch(r, 'bench', { opened: false, workspace: true });
    for (const r of openedRefs) services.executions.engine.watch(r, `window-${pipelineKey(r)}`, { opened: true });
    return {
      warm: () => refs.every((r) => services.executions.engine.state(r) !== null),
      stop: () => {
        services.executions.close();
        services.accounts.close();
      },
    };
  });

  // --- the baseline: GetPipelineState every 5 s for every pipeline, staggered.
  const baseline = await phase('baseline', async (seen) => {
    const timers: Array<ReturnType<typeof setInterval>> = [];
    refs.forEach((r, i) => {
      const cp = client(r);
      const k = pipelineKey(r);
      const poll = async () => {
        const readAt = Date.now();
        await cp.send(new GetPipelineStateCommand({ name: r.name })).catch(() => undefined);
        seen.set(k, [...(seen.get(k) ?? []), { readAt, receivedAt: Date.now() }]);
      };
      timers.push(setTimeout(() => timers.push(setInterval(() => void poll(), BASELINE_INTERVAL_MS)), (i * BASELINE_INTERVAL_MS) / refs.length));
    });
    return { warm: () => true, stop: () => timers.forEach((t) => clearInterval(t)) };
  });

  const minutes = (p: { from: number; to: number }) => (p.to - p.from) / 60_000;
  const perPipelineMinute = (p: typeof engine) => p.log.length / PIPELINES / minutes(p);
  const split = (p: typeof engine) => {
    const open = delays(
      p.changes.filter((c) => opened.has(c.key)),
      p.seen,
    );
    const rest = delays(
      p.changes.filter((c) => !opened.has(c.key)),
      p.seen,
    );
    return { open, rest };
  };
  const e = split(engine);
  const b = split(baseline);
  const budget = maxPerSecond(engine.log);
  const byOp = (p: typeof engine) =>
    Object.entries(p.log.reduce<Record<string, number>>((m, x) => ((m[x.operation] = (m[x.operation] ?? 0) + 1), m), {}))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const ratio = perPipelineMinute(baseline) / perPipelineMinute(engine);
  console.log(
    [
      '',
      'bench/watch',
      `${PIPELINES} pipelines in ${DEFAULT_ACCOUNTS.length} accounts x ${REGIONS.length} regions, ${RUNNING} running at any time, ${OPENED} opened, ${LATENCY_MS} ms latency per call, ${WINDOW_S} s per phase`,
      `engine warm-up (every pipeline read once: probe, state and declaration): ${engine.warmup.calls} calls in ${secs(engine.warmup.ms)}, not counted below`,
      `calls per pipeline per minute: engine ${perPipelineMinute(engine).toFixed(2)} (${byOp(engine)}), baseline ${perPipelineMinute(baseline).toFixed(2)} (${byOp(baseline)})`,
      `baseline/engine calls: ${ratio.toFixed(1)}x (target >= 5x)`,
      `delay, opened pipelines: engine p50 ${secs(pct(e.open, 50))}, p95 ${secs(pct(e.open, 95))} over ${e.open.length} changes (target p95 < 5 s); baseline p50 ${secs(pct(b.open, 50))}, p95 ${secs(pct(b.open, 95))}`,
      `delay, other pipelines: engine p50 ${secs(pct(e.rest, 50))}, p95 ${secs(pct(e.rest, 95))} over ${e.rest.length} changes (target p95 < 60 s); baseline p50 ${secs(pct(b.rest, 50))}, p95 ${secs(pct(b.rest, 95))}`,
      `changes seen: engine ${e.open.length + e.rest.length} of ${engine.changes.length}, baseline ${b.open.length + b.rest.length} of ${baseline.changes.length}`,
      `most calls in one second per (account, region), engine, from the sandbox log: ${budget.max} (${budget.where}); budget ${DEFAULT_BUDGET.ratePerSec}/s with bursts of ${DEFAULT_BUDGET.burst}`,
    ].join('\n'),
  );
  expect(budget.max).toBeLessThanOrEqual(DEFAULT_BUDGET.ratePerSec + DEFAULT_BUDGET.burst);
});
