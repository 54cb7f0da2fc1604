// bench/fanout: list every pipeline, with its latest execution, across
// 3 accounts x 17 regions x 20 pipelines, each call delayed 100 ms by the
// sandbox. Measures the fan-out engine against the same calls one after another
// (the baseline, same run) and against the critical path.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Session } from 'node:inspector';
import { CodePipelineClient, GetPipelineStateCommand, ListPipelineExecutionsCommand, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../../src/sandbox/sigv4-verify';
import { EventHub } from '../../src/main/rpc/event-hub';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { AccountsService } from '../../src/main/accounts/service';
import { PipelinesService } from '../../src/main/explorer/service';
import { SandboxService } from '../../src/main/app/sandbox-service';
import { Settings } from '../../src/shared/api/settings';
import { CODEPIPELINE_REGIONS } from '../../src/shared/aws/regions';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import type { CallLogEntry } from '../../src/sandbox/sandbox';

const REGIONS = CODEPIPELINE_REGIONS.filter((r) => !r.optIn)
  .slice(0, 17)
  .map((r) => r.code);
const PIPELINES = 20;
const LATENCY_MS = 100;
const CAPS = { perTarget: 20, global: 1100 };

let sandbox: SandboxProcess;
let home: string;
const saved = { ...process.env };

const control = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => sandbox.control<T>(method, path, body);

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pw-bench-fanout-'));
  writeFileSync(join(home, 'sandbox.json'), JSON.stringify({ regions: REGIONS }));
  // The sandbox runs in its own process, as a remote service would: its CPU is not ours.
  sandbox = await startSandboxProcess({ config: join(home, 'sandbox.json') });
  const t0 = Date.now();
  const { created } = await control<{ created: number }>('POST', 'generate', { pipelinesPerTarget: PIPELINES, executionsPerPipeline: 2 });
  console.log(`setup: ${created} pipelines with 2 executions each in ${DEFAULT_ACCOUNTS.length} accounts x ${REGIONS.length} regions (${Date.now() - t0} ms)`);
  sandbox.useProfiles(home);
});

afterAll(() => {
  process.env = { ...saved };
  sandbox?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Self time by package (or "node internals", "our code", "GC") while `during` runs, top 10, in percent. */
async function cpuProfile(during: () => Promise<unknown>): Promise<Array<[string, number]>> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r as T))));
  await post('Profiler.enable');
  await post('Profiler.start');
  await during();
  const { profile } = await post<{ profile: { nodes: Array<{ id: number; callFrame: { url: string; functionName: string } }>; samples: number[] } }>(
    'Profiler.stop',
  );
  session.disconnect();
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const counts = new Map<string, number>();
  for (const id of profile.samples) {
    const f = byNode.get(id)!;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url)?.[1];
    const key =
      pkg ??
      (f.url.includes('/src/')
        ? 'our code'
        : f.url.startsWith('node:')
          ? 'node internals'
          : f.functionName === '(garbage collector)'
            ? 'GC'
            : f.functionName === '(idle)'
              ? 'idle'
              : f.functionName || 'other');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const busy = profile.samples.length - (counts.get('idle') ?? 0);
  counts.delete('idle');
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([k, n]) => [k, (n / busy) * 100]);
}

function maxInFlightPerTarget(entries: CallLogEntry[]): number {
  const by = new Map<string, Array<[number, number]>>();
  for (const e of entries.filter((x) => x.service === 'codepipeline')) {
    const k = `${e.account}/${e.region}`;
    by.set(k, [...(by.get(k) ?? []), [e.time, 1], [e.time + e.ms, -1]]);
  }
  let max = 0;
  for (const evts of by.values()) {
    evts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0;
    for (const [, d] of evts) max = Math.max(max, (cur += d));
  }
  return max;
}

it('fan-out engine vs one call after another vs the critical path', async () => {
  const settings = Settings.parse({ workspace: { profiles: DEFAULT_ACCOUNTS.map((a) => a.name), regions: REGIONS } });
  // Caps above the settings UI's range, to show what the engine itself costs.
  const tuned = { ...settings, fanout: { perTargetConcurrency: CAPS.perTarget, globalConcurrency: CAPS.global } };
  const accounts = new AccountsService(new EventHub(), () => tuned, new SandboxService());
  await accounts.reload();
  const pipelines = new PipelinesService(accounts);
  const pairs = pipelines.targets();
  const noop = { onRows: () => {}, onError: () => {}, onTargetDone: () => {} };

  // Warm-up without latency: sockets, clients and credentials exist before timing.
  await pipelines.list(pairs, noop, new AbortController().signal);
  // The CPU floor: the same listing with no injected latency. What remains is the cost of
  // the calls themselves (SDK serialisation, signing, parsing, HTTP) on this machine.
  const c0 = process.cpuUsage();
  const tf = performance.now();
  await pipelines.list(pairs, noop, new AbortController().signal);
  const floorMs = performance.now() - tf;
  const floorCpu = process.cpuUsage(c0);
  await control('PUT', 'faults', [{ service: '*', latencyMs: LATENCY_MS }]);

  await control('DELETE', 'log');
  const t0 = performance.now();
  const summary = await pipelines.list(pairs, noop, new AbortController().signal);
  const engineMs = performance.now() - t0;
  const engineLog = (await control('GET', 'log')).entries as CallLogEntry[];
  expect(summary.failedTargets).toBe(0);
  expect(summary.rows).toHaveLength(DEFAULT_ACCOUNTS.length * REGIONS.length * PIPELINES);

  // Baseline: the same calls, one after another, with the same clients.
  const { clients } = accounts;
  await control('DELETE', 'log');
  const t1 = performance.now();
  let baselineRows = 0;
  for (const profile of accounts.workspace().profiles) {
    await clients.sts(profile, 'us-east-1').send(new GetCallerIdentityCommand({}));
    await clients.iam(profile).send(new ListAccountAliasesCommand({}));
    for (const region of REGIONS) {
      const cp = clients.codepipeline(profile, region);
      const list = await cp.send(new ListPipelinesCommand({ maxResults: 1000 }));
      for (const p of list.pipelines ?? []) {
        await cp.send(new ListPipelineExecutionsCommand({ pipelineName: p.name, maxResults: 1 }));
        await cp.send(new GetPipelineStateCommand({ name: p.name }));
        baselineRows++;
      }
    }
  }
  const baselineMs = performance.now() - t1;
  const baselineCalls = ((await control('GET', 'log')).entries as CallLogEntry[]).length;
  expect(baselineRows).toBe(summary.rows.length);

  // Critical path: the identity and the first ListPipelines page run side by side, then each
  // pipeline's two reads run side by side: two dependent calls.
  const criticalMs = 2 * LATENCY_MS;
  const maxInFlight = maxInFlightPerTarget(engineLog);
  const lines = [
    `targets: ${pairs.length} (${DEFAULT_ACCOUNTS.length} accounts x ${REGIONS.length} regions), pipelines: ${summary.rows.length}, latency: ${LATENCY_MS} ms per call`,
    `calls: engine ${engineLog.length}, baseline ${baselineCalls}`,
    `engine:        ${engineMs.toFixed(0)} ms (caps: ${CAPS.perTarget} per target, ${CAPS.global} global)`,
    `one by one:    ${baselineMs.toFixed(0)} ms`,
    `critical path: ${criticalMs} ms (2 dependent calls x ${LATENCY_MS} ms)`,
    `CPU floor:     ${floorMs.toFixed(0)} ms wall with no latency; client CPU ${((floorCpu.user + floorCpu.system) / 1000).toFixed(0)} ms = ${((floorCpu.user + floorCpu.system) / 1000 / engineLog.length).toFixed(2)} ms per call`,
    `baseline/engine:      ${(baselineMs / engineMs).toFixed(1)}x (target >= 30x)`,
    `engine/critical path: ${(engineMs / criticalMs).toFixed(2)}x (the SDK's CPU per call is the floor: see below)`,
    `engine/(critical path + CPU floor): ${(engineMs / (criticalMs + floorMs)).toFixed(2)}x (target <= 1.25x)`,
    `max calls in flight per (account, region), from the sandbox log: ${maxInFlight} (cap ${CAPS.perTarget})`,
  ];
  console.log(['', 'bench/fanout', ...lines].join('\n'));
  expect(maxInFlight).toBeLessThanOrEqual(CAPS.perTarget);
  expect(baselineMs / engineMs).toBeGreaterThanOrEqual(30);
  expect(engineMs / (criticalMs + floorMs)).toBeLessThanOrEqual(1.25);
  accounts.close();
});

// The CPU one call costs the client, three ways, on the same GetPipelineState calls
// (no injected latency, 20 in flight): the app's client (AwsClients: the response
// guard, adaptive retry), a plain SDK client, and the floor: a request signed with
// @smithy/signature-v4 and sent with node:http, its JSON parsed. Benchmark only.
it('SDK CPU per call against a hand-signed raw request', async () => {
  await control('DELETE', 'faults');
  const CALLS = 3000;
  const IN_FLIGHT = 20;
  const dev = DEFAULT_ACCOUNTS[0];
  const region = REGIONS[0];
  const settings = Settings.parse({ workspace: { profiles: [dev.name], regions: [region] } });
  const accounts = new AccountsService(new EventHub(), () => settings, new SandboxService());
  await accounts.reload();
  const ours = accounts.clients.codepipeline(accounts.profile(dev.name), region);
  const credentials = { accessKeyId: dev.accessKeyId, secretAccessKey: dev.secretAccessKey };
  const plain = new CodePipelineClient({ region, endpoint: sandbox.endpoint, credentials });
  const names = ((await ours.send(new ListPipelinesCommand({ maxResults: 1000 }))).pipelines ?? []).map((p) => p.name!);

  const url = new URL(sandbox.endpoint);
  const signer = new SignatureV4({ service: 'codepipeline', region, credentials, sha256: Sha256 });
  const agent = new HttpAgent({ keepAlive: true });
  const raw = async (name: string): Promise<unknown> => {
    const body = JSON.stringify({ name });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CodePipeline_20150709.GetPipelineState',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    });
    return new Promise((resolve, reject) => {
      const req = httpRequest({ agent, host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  };

  const measure = async (call: (name: string) => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) await call(names[i % names.length]); // warm
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < CALLS) await call(names[next++ % names.length]);
      }),
    );
    const cpu = process.cpuUsage(c0);
    return { cpuPerCall: (cpu.user + cpu.system) / 1000 / CALLS, wallMs: performance.now() - t0 };
  };
  const results: Record<string, { cpuPerCall: number; wallMs: number }[]> = { app: [], sdk: [], raw: [] };
  for (let round = 0; round < 3; round++) {
    results.app.push(await measure((name) => ours.send(new GetPipelineStateCommand({ name }))));
    results.sdk.push(await measure((name) => plain.send(new GetPipelineStateCommand({ name }))));
    results.raw.push(await measure(raw));
  }
  // Where the app client's CPU goes: a V8 CPU profile of one more round, self time by package.
  const profile = await cpuProfile(() => measure((name) => ours.send(new GetPipelineStateCommand({ name }))));
  const med = (k: string) => [...results[k]].sort((a, b) => a.cpuPerCall - b.cpuPerCall)[1];
  const [app, sdk, floor] = [med('app'), med('sdk'), med('raw')];
  console.log(
    [
      '',
      `bench/fanout: client CPU per call (${CALLS} GetPipelineState calls, ${IN_FLIGHT} in flight, no injected latency; median of 3 rounds)`,
      `the app's client (AwsClients: response guard, adaptive retry): ${app.cpuPerCall.toFixed(3)} ms (${app.wallMs.toFixed(0)} ms wall)`,
      `a plain SDK client:                                          ${sdk.cpuPerCall.toFixed(3)} ms (${sdk.wallMs.toFixed(0)} ms wall)`,
      `floor: @smithy/signature-v4 + node:http + JSON.parse:        ${floor.cpuPerCall.toFixed(3)} ms (${floor.wallMs.toFixed(0)} ms wall)`,
      `plain SDK / floor: ${(sdk.cpuPerCall / floor.cpuPerCall).toFixed(2)}x; the app's client / plain SDK: ${(app.cpuPerCall / sdk.cpuPerCall).toFixed(2)}x (what our own additions cost)`,
      `the app client's CPU by package (V8 profile, self time): ${profile.map(([k, pct]) => `${k} ${pct.toFixed(1)}%`).join(', ')}`,
    ].join('\n'),
  );
  plain.destroy();
  agent.destroy();
  accounts.close();
});
