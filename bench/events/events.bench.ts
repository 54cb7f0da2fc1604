// bench/events: event-driven watching (issue 24) against today's polling engine, in
// one run, on one sandbox. 1,000 pipelines over 10 accounts x 2 regions, 100 of them
// running at any time at the sandbox's own pace (time scale 1: about 1.5 minutes a
// run), every call delayed 100 ms. Live updates are set up for all 20 targets, with a
// hub account of its own (one queue per region), through EventsService.apply.
// Phases, one after another:
//   1. events: the app's services (composeServices) over a home where the setup was
//      applied; every pipeline watched, 10 opened. Measured over a window
//      (BENCH_EVENTS_SECONDS, 150 by default): CodePipeline calls per pipeline per
//      minute, change-to-client delays, SQS calls per minute, events per minute.
//   2. quiet: the driver stopped and the runs ended; CodePipeline calls per minute
//      by operation, the sweep's ListPipelineExecutions apart.
//   3. faults: new services over the same home, a 30 s sweep; 10 % of the events
//      dropped, 10 % duplicated, 10 % reordered on their way to the queues. Is any
//      pipeline's shown state wrong for longer than a sweep, and is every miss logged?
//   4. polling: the same composeServices over a fresh home (no setup: today's engine).
// BENCH_EVENTS_PIPELINES scales the size down (a multiple of 20) if a machine cannot drive it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  CodePipelineClient,
  GetPipelineStateCommand,
  StartPipelineExecutionCommand,
  paginateListActionExecutions,
  paginateListPipelineExecutions,
} from '@aws-sdk/client-codepipeline';
import { EventHub } from '../../src/main/rpc/event-hub';
import { composeServices } from '../../src/main/compose';
import { SandboxService } from '../../src/main/app/sandbox-service';
import { Settings } from '../../src/shared/api/settings';
import type { CallLogEntry } from '../../src/sandbox/sandbox';
import type { ExecutionsOptions } from '../../src/main/executions/service';
import { DEFAULT_INTERVALS } from '../../src/main/executions/watch-engine';
import { pipelineKey, type PipelineLiveState, type PipelineRef } from '../../src/shared/api/executions';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { applyLiveUpdates } from '../../test/helpers/confirm';

const REGIONS = ['us-east-1', 'eu-west-1'];
const PIPELINES = Number(process.env.BENCH_EVENTS_PIPELINES ?? 1000);
const FULL_SIZE = 1000;
const RUNNING = Math.max(1, Math.round(PIPELINES / 10));
const OPENED = 10;
const LATENCY_MS = 100;
const WINDOW_S = Number(process.env.BENCH_EVENTS_SECONDS ?? 150);
const QUIET_S = Number(process.env.BENCH_EVENTS_QUIET_SECONDS ?? 60);
const FAULT_S = Number(process.env.BENCH_EVENTS_FAULT_SECONDS ?? 90);
/** The faults phase's sweep: 1,000 pipelines / 20 targets / 30 s = 1.7 calls/s of each target's 4/s budget. */
const FAULT_SWEEP_MS = 30_000;
const FAULT = { dropRate: 0.1, duplicateRate: 0.1, reorderRate: 0.1 };
/** Most runs the driver starts per tick: a ramp, so that runs do not start (and end) in one wave. */
const STARTS_PER_TICK = 3;
const MINUTES_PER_MONTH = 30 * 24 * 60;
// Prices: EventBridge's from the guide (codepipeline-facts.md, Events); SQS's is AWS's published
// standard-queue price, not in the guide (an assumption, said in the output).
const EVENTBRIDGE_CROSS_ACCOUNT_PER_MILLION = 1.0;
const SQS_PER_MILLION = 0.4;
const SQS_FREE_PER_MONTH = 1_000_000;

interface Account {
  id: string;
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
}
const MEMBERS: Account[] = Array.from({ length: 10 }, (_, i) => {
  const n = String(i + 1).padStart(2, '0');
  return { id: `1000000000${n}`, name: `bench-${n}`, accessKeyId: `AKIABENCHMEMBER000${n}`, secretAccessKey: `bench-member-secret-key-000000000${n}` };
});
// A hub account of its own, as an organisation's tooling account: the delivery faults are put on its
// rule (the queue hop), so each event meets them once.
const HUB: Account = { id: '999900000000', name: 'bench-hub', accessKeyId: 'AKIABENCHHUB00000001', secretAccessKey: 'bench-hub-secret-key-0000000000001' };
const PER_TARGET = Math.floor(PIPELINES / (MEMBERS.length * REGIONS.length));

let sandbox: SandboxProcess;
let root: string;
const saved = { ...process.env };
const refs: PipelineRef[] = [];
const accountByName = new Map([...MEMBERS, HUB].map((a) => [a.name, a]));
const accountById = new Map([...MEMBERS, HUB].map((a) => [a.id, a]));
/** "accountId|region|name" (the sandbox's view) to the ref (the engine's). */
const refByTruthKey = new Map<string, PipelineRef>();
const truthKey = (account: string, region: string, name: string) => `${account}|${region}|${name}`;
const openedTruthKeys = new Set<string>();

const control = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => sandbox.control<T>(method, path, body);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const client = (ref: { profile: string; region: string }) => {
  const a = accountByName.get(ref.profile)!;
  return new CodePipelineClient({
    endpoint: sandbox.endpoint,
    region: ref.region,
    credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
  });
};

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

beforeAll(async () => {
  expect(PER_TARGET * MEMBERS.length * REGIONS.length).toBe(PIPELINES);
  root = mkdtempSync(join(tmpdir(), 'pw-bench-events-'));
  writeFileSync(join(root, 'sandbox.json'), JSON.stringify({ accounts: [...MEMBERS, HUB], users: [], regions: REGIONS, startOnCreate: false }));
  sandbox = await startSandboxProcess({ config: join(root, 'sandbox.json') });
  await control('POST', 'generate', {
    accounts: MEMBERS.map((a) => a.id),
    regions: REGIONS,
    pipelinesPerTarget: PER_TARGET,
    executionsPerPipeline: 1,
    namePrefix: 'svc',
  });
  for (const a of MEMBERS)
    for (const region of REGIONS)
      for (let k = 0; k < PER_TARGET; k++) {
        const ref = { profile: a.name, region, name: `svc-${String(k).padStart(3, '0')}` };
        refs.push(ref);
        refByTruthKey.set(truthKey(a.id, region, ref.name), ref);
      }
  writeFileSync(
    join(root, 'config'),
    [...MEMBERS, HUB]
      .map(
        (a) =>
          `[profile ${a.name}]\nregion = us-east-1\nendpoint_url = ${sandbox.endpoint}\naws_access_key_id = ${a.accessKeyId}\naws_secret_access_key = ${a.secretAccessKey}\n`,
      )
      .join('\n'),
  );
  Object.assign(process.env, { AWS_CONFIG_FILE: join(root, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(root, 'none') });
}, 600_000);

afterAll(() => {
  process.env = { ...saved };
  sandbox?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Snapshot {
  pipelines: Array<{ account: string; region: string; name: string; executions: Array<{ id: string; status: string }> }>;
}
const snapshot = () => control<Snapshot>('GET', 'state');
const isRunning = (s: string) => s === 'InProgress' || s === 'Stopping';

/** Keeps RUNNING executions going (new runs at random on idle pipelines, a third of the time among the opened ones). */
function drive() {
  let stopped = false;
  let running = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> = Promise.resolve();
  const tick = async () => {
    if (stopped) return;
    const state = await snapshot();
    const live = state.pipelines.filter((p) => p.executions.some((e) => isRunning(e.status)));
    const idle = state.pipelines.filter((p) => !live.includes(p));
    running = live.length;
    for (let i = live.length, started = 0; i < RUNNING && idle.length && started < STARTS_PER_TICK && !stopped; i++, started++) {
      const openIdle = idle.filter((x) => openedTruthKeys.has(truthKey(x.account, x.region, x.name)));
      const from = openIdle.length && Math.random() < 1 / 3 ? openIdle : idle;
      const p = from[Math.floor(Math.random() * from.length)];
      idle.splice(idle.indexOf(p), 1);
      await client({ profile: accountById.get(p.account)!.name, region: p.region })
        .send(new StartPipelineExecutionCommand({ name: p.name }))
        .then(() => running++)
        .catch((err: unknown) => console.error('start failed', err));
    }
    if (!stopped)
      timer = setTimeout(() => {
        current = tick();
      }, 1_000);
  };
  current = tick();
  return {
    running: () => running,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

type Seen = Map<string, Array<{ readAt: number; receivedAt: number }>>;
type Services = ReturnType<typeof composeServices>;

/** The app's services, as the app composes them, with an EventHub client that timestamps every state reaching it. */
async function startEngine(home: string, executions: ExecutionsOptions | undefined, seen: Seen) {
  const settings = Settings.parse({ workspace: { profiles: MEMBERS.map((a) => a.name), regions: REGIONS } });
  const hub = new EventHub();
  hub.attach({
    clientId: 'bench',
    send: (event, payload) => {
      if (event !== 'execution.updated') return;
      const s = payload as PipelineLiveState;
      const k = pipelineKey(s.ref);
      let list = seen.get(k);
      if (!list) seen.set(k, (list = []));
      list.push({ readAt: Date.parse(s.observedAt), receivedAt: Date.now() });
    },
  });
  hub.markReady('bench');
  const services = composeServices({ home, settings: () => settings, sandbox: new SandboxService(), hub, executions });
  await services.accounts.reload();
  services.executions.onUpdate((s) => hub.emit('execution.updated', s));
  for (const r of refs) services.executions.engine.watch(r, 'bench', { opened: false, workspace: true });
  for (const r of openedRefs()) services.executions.engine.watch(r, `window-${pipelineKey(r)}`, { opened: true });
  return {
    services,
    // Awaited: the queues' readers let go of their leases before the next phase's services take them.
    stop: () => services.dispose(),
  };
}

function openedRefs(): PipelineRef[] {
  const step = Math.floor(PIPELINES / OPENED);
  return Array.from({ length: Math.min(OPENED, PIPELINES) }, (_, i) => refs[Math.min(refs.length - 1, i * step + (i % 2) * Math.floor(step / 2))]);
}

async function until(what: string, ok: () => boolean, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(250);
  }
  return Date.now() - t0;
}

const modes = (s: Services) => {
  const out: Record<string, number> = {};
  for (const r of refs) {
    const m = s.executions.engine.state(r)?.watchMode ?? 'none';
    out[m] = (out[m] ?? 0) + 1;
  }
  return out;
};

/** Waits until every pipeline's watcher follows events; on a timeout, says which modes and why. */
async function untilEventDriven(what: string, s: Services): Promise<void> {
  await until(what, () => refs.every((r) => s.executions.engine.state(r)?.watchMode === 'event-driven'), 240_000).catch((err: unknown) => {
    const why: Record<string, number> = {};
    for (const r of refs) {
      const st = s.executions.engine.state(r);
      const k = `${st?.watchMode ?? 'none'}: ${st?.watchModeReason ?? st?.error?.message ?? ''}`;
      why[k] = (why[k] ?? 0) + 1;
    }
    throw new Error(`${err instanceof Error ? err.message : String(err)}; modes ${JSON.stringify(why)}`);
  });
}

/** CPU seconds of the sandbox's process so far (utime + stime, from /proc). */
function sandboxCpuS(): number {
  const fields = readFileSync(`/proc/${sandbox.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const lastEventSeq = async () => (await control<{ last: number }>('GET', 'codepipeline-events?since=999999999999')).last;
const callLog = async () => (await control<{ entries: CallLogEntry[] }>('GET', 'log')).entries ?? [];

interface Window {
  from: number;
  to: number;
  log: CallLogEntry[];
  /** Events CodePipeline emitted in the window (each forwarded once to the hub, and sent once to a queue). */
  events: number;
  cpu: { bench: number; sandbox: number };
  loopDelayP99Ms: number;
}

/** Measures a window of `seconds`: the call log, the events emitted, the CPU of both processes. */
async function measure(seconds: number): Promise<Window> {
  await control('DELETE', 'log');
  const seq0 = await lastEventSeq();
  const cpu0 = process.cpuUsage();
  const sb0 = sandboxCpuS();
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const from = Date.now();
  await sleep(seconds * 1000);
  const to = Date.now();
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  const sb = sandboxCpuS() - sb0;
  const events = (await lastEventSeq()) - seq0;
  const log = (await callLog()).filter((e) => e.time >= from && e.time < to);
  return { from, to, log, events, cpu: { bench: (cpu.user + cpu.system) / 1e6, sandbox: sb }, loopDelayP99Ms: loop.percentile(99) / 1e6 };
}

const minutes = (w: { from: number; to: number }) => (w.to - w.from) / 60_000;
const ofService = (w: Pick<Window, 'log'>, service: string) => w.log.filter((e) => e.service === service && e.operation !== 'StartPipelineExecution');
const byOp = (entries: CallLogEntry[]) =>
  Object.entries(entries.reduce<Record<string, number>>((m, x) => ((m[x.operation] = (m[x.operation] ?? 0) + 1), m), {}))
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';
const perMin = (n: number, w: { from: number; to: number }) => n / minutes(w);

interface Change {
  key: string;
  time: number;
}

/** Every state change (an execution starting, an action starting or ending), from the sandbox's own records (read after all phases, not counted). */
async function allChanges(): Promise<Change[]> {
  const out: Change[] = [];
  await pool(refs, 16, async (ref) => {
    const cp = client(ref);
    const k = pipelineKey(ref);
    for await (const page of paginateListPipelineExecutions({ client: cp }, { pipelineName: ref.name }))
      for (const e of page.pipelineExecutionSummaries ?? []) out.push({ key: k, time: e.startTime!.getTime() });
    for await (const page of paginateListActionExecutions({ client: cp }, { pipelineName: ref.name }))
      for (const a of page.actionExecutionDetails ?? []) for (const t of [a.startTime!.getTime(), a.lastUpdateTime!.getTime()]) out.push({ key: k, time: t });
  });
  return out;
}

/** For each change, when a state read after it reached the client. */
function delays(changes: Change[], seen: Seen): number[] {
  const out: number[] = [];
  for (const c of changes) {
    const first = (seen.get(c.key) ?? []).find((s) => s.readAt >= c.time);
    if (first) out.push(first.receivedAt - c.time);
  }
  return out.sort((a, b) => a - b);
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const money = (x: number) => `$${x.toFixed(2)}`;

/**
 * Follows, once a second, whether each pipeline's shown latest execution (id and status)
 * is the sandbox's; each stretch of being wrong, from the first sample that saw it to the
 * first that saw it right.
 */
function trackWrong(services: Services) {
  const since = new Map<string, number>();
  const stretches: Array<{ key: string; ms: number; from: number }> = [];
  /** Per pipeline, the samples at which its watch mode changed. */
  const modes = new Map<string, Array<{ t: number; mode: string }>>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const snap = await snapshot();
      const now = Date.now();
      for (const p of snap.pipelines) {
        const k = truthKey(p.account, p.region, p.name);
        const ref = refByTruthKey.get(k);
        if (!ref) continue;
        const truth = p.executions[0];
        const state = services.executions.engine.state(ref);
        const mode = state?.watchMode ?? 'none';
        let history = modes.get(k);
        if (!history) modes.set(k, (history = []));
        if (history.at(-1)?.mode !== mode) history.push({ t: now, mode });
        const shown = state?.latest;
        const wrong = !!truth && !(shown && shown.id === truth.id && shown.status === truth.status);
        if (wrong && !since.has(k)) since.set(k, now);
        if (!wrong && since.has(k)) {
          stretches.push({ key: k, ms: now - since.get(k)!, from: since.get(k)! });
          since.delete(k);
        }
      }
      await sleep(1_000);
    }
  })();
  return {
    wrongNow: () => [...since.entries()].map(([key, t]) => ({ key, ms: Date.now() - t })),
    stretches,
    /** Whether the pipeline's watcher was event-driven at every sample from `from` to `to`. */
    eventDrivenThroughout(key: string, from: number, to: number): boolean {
      const h = modes.get(key) ?? [];
      const at = (t: number) => [...h].reverse().find((x) => x.t <= t)?.mode ?? h[0]?.mode;
      return at(from) === 'event-driven' && h.every((x) => x.t <= from || x.t > to || x.mode === 'event-driven');
    },
    modesAround: (key: string, from: number, to: number) =>
      (modes.get(key) ?? []).filter((x) => x.t >= from && x.t <= to).map((x) => `${new Date(x.t).toISOString().slice(11, 19)} ${x.mode}`),
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

const PIPELINE_EVENT = 'CodePipeline Pipeline Execution State Change';
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'SUPERSEDED', 'STOPPED']);
const MISS_LINE = /missed in ([^/]+)\/([^:]+): ([^:]+): execution (\S+) is (\S+) and no event said so/;

it('event-driven watching vs polling', async () => {
  const bench0 = Date.now();
  const load0 = loadavg();
  for (const r of openedRefs()) openedTruthKeys.add(truthKey(accountByName.get(r.profile)!.id, r.region, r.name));
  const eventsHome = join(root, 'events-home');
  const pollHome = join(root, 'poll-home');
  mkdirSync(eventsHome);
  mkdirSync(pollHome);

  // --- live updates for every target, one hub account (a queue per region), before any latency.
  const setupT0 = Date.now();
  {
    const s = composeServices({
      home: eventsHome,
      settings: () => Settings.parse({ workspace: { profiles: MEMBERS.map((a) => a.name), regions: REGIONS } }),
      sandbox: new SandboxService(),
    });
    await s.accounts.reload();
    const applied = await applyLiveUpdates(s.liveUpdates, { targets: MEMBERS.map((a) => ({ profile: a.name, regions: REGIONS })), hubProfile: HUB.name });
    expect(applied.ok, JSON.stringify(applied.outcomes.filter((o) => o.outcome === 'failed'))).toBe(true);
    await s.dispose();
  }
  const setupMs = Date.now() - setupT0;
  await control('PUT', 'faults', [{ service: '*', latencyMs: LATENCY_MS }]);

  // --- 1. events: warm-up (every pipeline read once, then event-driven), then the window.
  const eventsSeen: Seen = new Map();
  let driver = drive();
  await control('DELETE', 'log');
  let t0 = Date.now();
  const ev = await startEngine(eventsHome, undefined, eventsSeen);
  await untilEventDriven('every pipeline event-driven', ev.services);
  const evWarm = { ms: Date.now() - t0, calls: ofService({ log: await callLog() }, 'codepipeline').length };
  await until(`${RUNNING} running`, () => driver.running() >= RUNNING, 300_000);
  const counts0 = { ...ev.services.coverage.counts };
  const queue0 = ev.services.coverage.stats();
  const evWin = await measure(WINDOW_S);
  const counts1 = { ...ev.services.coverage.counts };
  const queue1 = ev.services.coverage.stats();
  const evModesAtEnd = modes(ev.services);

  // --- 2. quiet: nothing runs; every CodePipeline call in a minute, by operation.
  await driver.stop();
  t0 = Date.now();
  await control('POST', 'settle');
  // The last events' reconciling reads.
  await sleep(5_000);
  const settleMs = Date.now() - t0;
  const quiet = await measure(QUIET_S);
  const quietModes = modes(ev.services);
  await ev.stop();

  // --- 3. faults: a 30 s sweep; events dropped, duplicated and reordered on the hub's hop to the queue.
  const missLines: string[] = [];
  const fSeen: Seen = new Map();
  t0 = Date.now();
  const f = await startEngine(eventsHome, { intervals: { sweep: FAULT_SWEEP_MS }, events: { log: (l) => missLines.push(l) } }, fSeen);
  await untilEventDriven('every pipeline event-driven (faults phase)', f.services);
  const fWarmMs = Date.now() - t0;
  await control('POST', 'faults', { service: 'events', operation: 'Deliver', account: HUB.id, ...FAULT });
  const fSeq0 = await lastEventSeq();
  const fFrom = Date.now();
  const tracker = trackWrong(f.services);
  driver = drive();
  await sleep(FAULT_S * 1000);
  await driver.stop();
  await control('POST', 'settle');
  const missGrace = DEFAULT_INTERVALS.missGrace;
  // One sweep after the last change, its reads, then the miss grace: every miss due by then.
  await sleep(FAULT_SWEEP_MS + 5_000);
  const wrongAfterOneSweep = tracker.wrongNow();
  await sleep(missGrace + 5_000);
  await tracker.stop();
  const wrongAtEnd = tracker.wrongNow();
  // The final stage states against GetPipelineState (with the latency on: concurrency hides it).
  let stageMismatches = 0;
  const stageMismatchExamples: string[] = [];
  await pool(refs, 40, async (ref) => {
    const truth = await client(ref).send(new GetPipelineStateCommand({ name: ref.name }));
    const shown = f.services.executions.engine.state(ref);
    for (const st of truth.stageStates ?? []) {
      const s = shown?.stages.find((x) => x.name === st.stageName);
      const want = `${st.latestExecution?.pipelineExecutionId ?? null}/${st.latestExecution?.status ?? null}`;
      const got = `${s?.executionId ?? null}/${s?.status ?? null}`;
      if (want !== got) {
        stageMismatches++;
        if (stageMismatchExamples.length < 5) stageMismatchExamples.push(`${pipelineKey(ref)} ${st.stageName}: shown ${got}, truth ${want}`);
      }
    }
  });
  const fModes = modes(f.services);
  const fCounts = { ...f.services.coverage.counts };
  await f.stop();
  await control('PUT', 'faults', [{ service: '*', latencyMs: LATENCY_MS }]);
  // What the faults did, from the sandbox's delivery log, joined with the events CodePipeline emitted.
  const emitted = (
    await control<{ events: Array<{ account: string; region: string; event: { id: string; 'detail-type': string; detail: Record<string, unknown> } }> }>(
      'GET',
      `codepipeline-events?since=${fSeq0}`,
    )
  ).events;
  const byId = new Map(emitted.map((e) => [e.event.id, e]));
  const deliveries = (
    await control<{ deliveries: Array<{ time: number; eventId: string; targetArn: string; outcome: string }> }>('GET', 'events')
  ).deliveries.filter((d) => d.time >= fFrom && d.targetArn.includes(':sqs:'));
  const faultCounts = deliveries.reduce<Record<string, number>>((m, d) => ((m[d.outcome] = (m[d.outcome] ?? 0) + 1), m), {});
  const lost = deliveries.filter((d) => d.outcome === 'dropped-by-fault').map((d) => byId.get(d.eventId));
  const lostTerminal = lost.filter((e) => e && e.event['detail-type'] === PIPELINE_EVENT && TERMINAL.has(String(e.event.detail.state)));
  const misses = missLines.map((l) => MISS_LINE.exec(l)).filter((m): m is RegExpExecArray => !!m);
  const missedIds = new Set(misses.map((m) => m[4]));
  // A lost end the sweep could not see: its pipeline ran again before the sweep looked (the newer run's events replaced it).
  const finalLatest = new Map((await snapshot()).pipelines.map((p) => [truthKey(p.account, p.region, p.name), p.executions[0]?.id]));
  const lostEnds = lostTerminal.map((e) => ({
    at: Date.parse(String((e!.event as { time?: string }).time)),
    key: truthKey(e!.account, e!.region, String(e!.event.detail.pipeline)),
    id: String(e!.event.detail['execution-id']),
    state: String(e!.event.detail.state),
  }));
  // A lost end is the sweep's to find while its watcher follows events; if the target was degraded
  // (by another pipeline's miss) before the sweep came, polling read it, and the target's miss was logged already.
  const unlogged = lostEnds.filter((x) => !missedIds.has(x.id));
  const followed = (x: (typeof lostEnds)[number]) => tracker.eventDrivenThroughout(x.key, x.at, x.at + FAULT_SWEEP_MS + 5_000);
  const unloggedFinal = unlogged.filter((x) => finalLatest.get(x.key) === x.id && followed(x));
  const unloggedPolled = unlogged.filter((x) => finalLatest.get(x.key) === x.id && !followed(x));
  const unloggedSuperseded = unlogged.filter((x) => finalLatest.get(x.key) !== x.id);
  for (const x of [...unloggedFinal, ...unloggedPolled])
    console.log(
      `unlogged lost end ${x.key} ${x.id} ${x.state} at ${new Date(x.at).toISOString()}: modes ${tracker.modesAround(x.key, x.at - 60_000, x.at + 90_000).join(', ')}; its misses: ${missLines.filter((l) => l.includes(`${refByTruthKey.get(x.key)!.profile}/${refByTruthKey.get(x.key)!.region}: ${refByTruthKey.get(x.key)!.name}:`)).join(' | ') || 'none'}`,
    );
  const lostIds = new Set(lost.filter((e) => e && e.event['detail-type'] === PIPELINE_EVENT).map((e) => String(e!.event.detail['execution-id'])));
  const unexplainedMisses = misses.filter((m) => !lostIds.has(m[4]));
  // Stretches still open at the end count too, as long as they have lasted.
  const longest = [...tracker.stretches, ...wrongAtEnd].sort((a, b) => b.ms - a.ms);
  const overSweep = longest.filter((s) => s.ms > FAULT_SWEEP_MS + 5_000);

  // --- 4. polling: today's engine, the same services over a fresh home (nothing set up).
  const pollSeen: Seen = new Map();
  driver = drive();
  await control('DELETE', 'log');
  t0 = Date.now();
  const poll = await startEngine(pollHome, undefined, pollSeen);
  await until('every pipeline read once (polling)', () => refs.every((r) => poll.services.executions.engine.state(r) !== null), 600_000);
  const pollWarm = { ms: Date.now() - t0, calls: ofService({ log: await callLog() }, 'codepipeline').length };
  await until(`${RUNNING} running`, () => driver.running() >= RUNNING, 300_000);
  const pollWin = await measure(WINDOW_S);
  const pollModes = modes(poll.services);
  await driver.stop();
  await poll.stop();

  // --- the sandbox's own records of every change (no latency: not measured).
  await control('PUT', 'faults', []);
  const all = await allChanges();
  const opened = new Set(openedRefs().map(pipelineKey));
  // Changes late in a window may not have been seen yet: the last minute is left out.
  const split = (w: Window, seen: Seen) => {
    const changes = all.filter((c) => c.time >= w.from && c.time < w.to - 60_000);
    return {
      n: changes.length,
      open: delays(
        changes.filter((c) => opened.has(c.key)),
        seen,
      ),
      rest: delays(
        changes.filter((c) => !opened.has(c.key)),
        seen,
      ),
    };
  };
  const e = split(evWin, eventsSeen);
  const p = split(pollWin, pollSeen);

  const cpE = ofService(evWin, 'codepipeline');
  const cpP = ofService(pollWin, 'codepipeline');
  const perPipelineMinute = (n: number, w: Window) => n / PIPELINES / minutes(w);
  const ratioInWindow = perPipelineMinute(cpP.length, pollWin) / perPipelineMinute(cpE.length, evWin);
  // The sweep comes due for every pipeline at once, every 10 minutes from when the engine switched to
  // events: a window may hold one sweep or none. Counted at its average instead: one call per pipeline per sweep.
  const sweepInWindow = cpE.filter((x) => x.operation === 'ListPipelineExecutions').length;
  const sweepPerPipelineMinute = 1 / (DEFAULT_INTERVALS.sweep / 60_000);
  const eventsWithSweep = perPipelineMinute(cpE.length - sweepInWindow, evWin) + sweepPerPipelineMinute;
  const ratio = perPipelineMinute(cpP.length, pollWin) / eventsWithSweep;
  const sqsE = ofService(evWin, 'sqs');
  const eventsApiE = ofService(evWin, 'events');
  const quietCp = ofService(quiet, 'codepipeline');
  const quietSweep = quietCp.filter((x) => x.operation === 'ListPipelineExecutions');
  const quietOther = quietCp.filter((x) => x.operation !== 'ListPipelineExecutions');
  const quietSqs = ofService(quiet, 'sqs');
  const sweepExpectedPerMin = PIPELINES / (DEFAULT_INTERVALS.sweep / 60_000);

  // Cost at the events window's volume, over a 30-day month.
  const eventsPerMin = perMin(evWin.events, evWin);
  const sqsAppPerMin = perMin(sqsE.length, evWin);
  const ebMonthly = ((eventsPerMin * MINUTES_PER_MONTH) / 1e6) * EVENTBRIDGE_CROSS_ACCOUNT_PER_MILLION;
  const sqsRequestsMonth = (sqsAppPerMin + eventsPerMin) * MINUTES_PER_MONTH;
  const sqsMonthly = (Math.max(0, sqsRequestsMonth - SQS_FREE_PER_MONTH) / 1e6) * SQS_PER_MILLION;
  const quietSqsMonth = perMin(quietSqs.length, quiet) * MINUTES_PER_MONTH;
  const startsE = evWin.log.filter((x) => x.operation === 'StartPipelineExecution').length;
  const startsP = pollWin.log.filter((x) => x.operation === 'StartPipelineExecution').length;
  const perRun = cpE.length / Math.max(1, startsE);

  const scaled = PIPELINES !== FULL_SIZE;
  const lines = [
    '',
    'bench/events',
    `${PIPELINES} pipelines in ${MEMBERS.length} accounts x ${REGIONS.length} regions${scaled ? ` (SCALED DOWN from ${FULL_SIZE} by BENCH_EVENTS_PIPELINES)` : ''}, ${RUNNING} running at any time (time scale 1), ${OPENED} opened, ${LATENCY_MS} ms latency per call; hub ${HUB.name} (${HUB.id}), a queue per region; windows ${WINDOW_S} s, quiet ${QUIET_S} s, faults ${FAULT_S} s`,
    `setup (EventsService.apply, ${MEMBERS.length * REGIONS.length} targets, no latency): ${secs(setupMs)}`,
    `events warm-up (every pipeline read once, then event-driven): ${evWarm.calls} CodePipeline calls in ${secs(evWarm.ms)}, not counted; polling warm-up ${pollWarm.calls} calls in ${secs(pollWarm.ms)}`,
    `runs started in the windows: events ${startsE} (${perMin(startsE, evWin).toFixed(1)}/min), polling ${startsP} (${perMin(startsP, pollWin).toFixed(1)}/min)`,
    `CodePipeline calls per pipeline per minute: events ${perPipelineMinute(cpE.length, evWin).toFixed(3)} (${byOp(cpE)}), polling ${perPipelineMinute(cpP.length, pollWin).toFixed(3)} (${byOp(cpP)})`,
    `  events: ${perRun.toFixed(1)} CodePipeline calls per run started`,
    `  events with the sweep at its average (${sweepPerPipelineMinute.toFixed(2)} per pipeline per minute; ${sweepInWindow} ListPipelineExecutions fell in the window, left out): ${eventsWithSweep.toFixed(3)}`,
    `polling/events calls: ${ratio.toFixed(1)}x with the sweep, ${ratioInWindow.toFixed(1)}x as measured in the window (target >= 20x: ${ratio >= 20 ? 'met' : 'NOT met'})`,
    `delay, opened: events p50 ${secs(pct(e.open, 50))}, p95 ${secs(pct(e.open, 95))} over ${e.open.length}; polling p50 ${secs(pct(p.open, 50))}, p95 ${secs(pct(p.open, 95))} over ${p.open.length}`,
    `delay, background: events p50 ${secs(pct(e.rest, 50))}, p95 ${secs(pct(e.rest, 95))} over ${e.rest.length}; polling p50 ${secs(pct(p.rest, 50))}, p95 ${secs(pct(p.rest, 95))} over ${p.rest.length}`,
    `events p95 < 3 s: opened ${pct(e.open, 95) < 3000 ? 'met' : 'NOT met'}, background ${pct(e.rest, 95) < 3000 ? 'met' : 'NOT met'}`,
    `changes seen: events ${e.open.length + e.rest.length} of ${e.n}, polling ${p.open.length + p.rest.length} of ${p.n}`,
    `events window: ${evWin.events} CodePipeline events (${eventsPerMin.toFixed(0)}/min); engine took ${counts1.events - counts0.events} from the queues (advanced ${counts1.advanced - counts0.advanced}, duplicate ${counts1.duplicate - counts0.duplicate}, stale ${counts1.stale - counts0.stale}); receives ${queue1.receives - queue0.receives}, messages ${queue1.messages - queue0.messages}; modes at the end ${JSON.stringify(evModesAtEnd)}`,
    `SQS calls per minute (events window): ${sqsAppPerMin.toFixed(1)} (${byOp(sqsE)}); EventBridge API calls per minute ${perMin(eventsApiE.length, evWin).toFixed(1)} (${byOp(eventsApiE)})`,
    `quiet (driver stopped, runs settled in ${secs(settleMs)}), ${QUIET_S} s: CodePipeline calls per minute ${perMin(quietCp.length, quiet).toFixed(1)}: sweep ListPipelineExecutions ${perMin(quietSweep.length, quiet).toFixed(1)}/min (expected ${sweepExpectedPerMin.toFixed(0)}/min: ${PIPELINES} pipelines / ${DEFAULT_INTERVALS.sweep / 60_000} min), other ${perMin(quietOther.length, quiet).toFixed(1)}/min (${byOp(quietOther)}) (target 0: ${quietOther.length === 0 ? 'met' : 'NOT met'}); SQS ${perMin(quietSqs.length, quiet).toFixed(1)}/min (${byOp(quietSqs)}); modes ${JSON.stringify(quietModes)}`,
    `faults (drop ${FAULT.dropRate}, duplicate ${FAULT.duplicateRate}, reorder ${FAULT.reorderRate} on the hub's hop to the queue; sweep ${FAULT_SWEEP_MS / 1000} s, miss grace ${missGrace / 1000} s; warm-up ${secs(fWarmMs)}): deliveries to the queues ${JSON.stringify(faultCounts)}; engine ${JSON.stringify(fCounts)}; modes at the end ${JSON.stringify(fModes)}`,
    `  pipelines shown wrong one sweep (+5 s) after the runs settled: ${wrongAfterOneSweep.length}; at the end: ${wrongAtEnd.length}; stage states differing from GetPipelineState at the end: ${stageMismatches}${stageMismatchExamples.length ? ` (${stageMismatchExamples.join('; ')})` : ''}`,
    `  stretches of a wrong latest execution: ${longest.length}, longest ${
      longest
        .slice(0, 3)
        .map((s) => secs(s.ms))
        .join(', ') || 'none'
    }; longer than one sweep + 5 s: ${overSweep.length}`,
    `  lost events ${lost.length} (pipeline-level ends ${lostTerminal.length}); misses logged ${missLines.length}; lost ends not logged: ${unloggedFinal.length} while followed by events up to the next sweep (must be 0), ${unloggedPolled.length} whose target was degraded (polled) before the sweep came, ${unloggedSuperseded.length} superseded by a newer run; misses not explained by a lost pipeline-level event: ${unexplainedMisses.length}`,
    `cost at the events window's volume (30-day month): EventBridge ${((eventsPerMin * MINUTES_PER_MONTH) / 1e6).toFixed(1)} M events forwarded across accounts x $${EVENTBRIDGE_CROSS_ACCOUNT_PER_MILLION}/M = ${money(ebMonthly)} (CodePipeline's events to the default bus: free); SQS ${(sqsRequestsMonth / 1e6).toFixed(1)} M requests (the engine's ${sqsAppPerMin.toFixed(0)}/min + EventBridge's sends ${eventsPerMin.toFixed(0)}/min), 1 M free, x $${SQS_PER_MILLION}/M = ${money(sqsMonthly)}; total ${money(ebMonthly + sqsMonthly)}/month. Idle: SQS ${(quietSqsMonth / 1e6).toFixed(2)} M requests/month, no events`,
    `  assumptions: every event crosses accounts once (member rule to the hub bus, $1/M, the guide's figure), the hub rule's delivery to SQS is not charged again by EventBridge; SQS standard at $0.40/M requests after 1 M free (AWS's price list, not in the guide); each message < 64 KB (one request); CodePipeline API calls cost nothing`,
    `CPU (2 cores): events window bench ${(evWin.cpu.bench / WINDOW_S).toFixed(2)} + sandbox ${(evWin.cpu.sandbox / WINDOW_S).toFixed(2)} cores, event-loop delay p99 ${evWin.loopDelayP99Ms.toFixed(0)} ms; polling window bench ${(pollWin.cpu.bench / WINDOW_S).toFixed(2)} + sandbox ${(pollWin.cpu.sandbox / WINDOW_S).toFixed(2)} cores, p99 ${pollWin.loopDelayP99Ms.toFixed(0)} ms; modes ${JSON.stringify(pollModes)}`,
    `total ${secs(Date.now() - bench0)}; load average at the start ${load0.map((x) => x.toFixed(2)).join(' ')}, at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  ];
  console.log(lines.join('\n'));
  // Correctness, not figures: after a sweep no pipeline is shown wrong, and every lost end still shown was logged.
  expect(wrongAtEnd).toEqual([]);
  expect(stageMismatches).toBe(0);
  expect(unloggedFinal).toEqual([]);
});
