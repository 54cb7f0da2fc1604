// bench/audit: the artifact audit (the same code the app runs) on the demo's
// pipelines plus a versioned artifact bucket of 200,000 versions across 40
// prefixes, against the listing floor measured in the same run: every version of
// every bucket the audit reads, listed with the SDK's own ListObjectVersions
// pages back to back, and nothing else. Memory: the built CLI's audit in its own
// process, its peak RSS against the same audit of the demo alone, at 100,000
// and at 200,000 versions, for the slope per 100,000.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { slimReport } from '../../src/shared/artifacts/report';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { benchServices } from '../support/services';

const VERSIONS = Number(process.env.BENCH_AUDIT_VERSIONS ?? 200_000);
const PREFIXES = 40;
const RUNS = Number(process.env.BENCH_AUDIT_RUNS ?? 3);
const BUCKET = 'codepipeline-us-east-1-900000000001';
const DEV = DEFAULT_ACCOUNTS[0];
let sandbox: SandboxProcess;
let dir: string;
const saved = { ...process.env };

/** The built CLI's `artifacts audit` in its own process; its peak RSS (VmHWM, polled). */
async function cliPeakRss(nodeArgs: string[] = []): Promise<number> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, 'bin/pipewright.js', 'artifacts', 'audit', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--out', join(dir, 'report.json')],
    {
      env: process.env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let hwm = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
    } catch {
      // exited between polls
    }
  }, 5);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`artifacts audit exited ${code}`);
  return hwm;
}

const CAPPED = ['--max-old-space-size=64'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => bytes / 1024 / 1024;

/** Plants `count` prefixes (from `from`) of the big bucket: 2 versions per key. */
async function plant(from: number, count: number) {
  const perPrefix = VERSIONS / PREFIXES / 2;
  for (let i = from; i < from + count; i++)
    await sandbox.control('POST', 'objects', {
      bucket: BUCKET,
      account: DEV.id,
      region: 'us-east-1',
      versioned: true,
      prefix: `deleted-app-${String(i).padStart(2, '0')}/BuildArtif/`,
      count: perPrefix,
      versions: 2,
    });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pw-bench-audit-'));
  // The demo's pipelines, frozen in time (no run writes while the benchmark reads).
  sandbox = await startSandboxProcess({ adminToken: 'bench-audit-token', seed: 'demo', timeScale: 100 });
  sandbox.useProfiles(dir);
});

afterAll(() => {
  process.env = { ...saved };
  sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('audit against the ListObjectVersions floor, and its memory', async () => {
  const { accounts, pipelines, artifacts } = await benchServices(dir, { profiles: ['sandbox-dev'], regions: ['us-east-1'] });
  const floorClient = new S3Client({
    region: 'us-east-1',
    endpoint: sandbox.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: DEV.accessKeyId, secretAccessKey: DEV.secretAccessKey },
  });

  const audit = async () => {
    const t = performance.now();
    const report = await artifacts.audit(pipelines.targets(), { signal: new AbortController().signal });
    return { ms: performance.now() - t, report };
  };
  /** The floor: every version of every bucket the audit read, ListObjectVersions pages back to back. */
  const floor = async (buckets: string[]) => {
    const t = performance.now();
    let n = 0;
    for (const Bucket of buckets) {
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      for (;;) {
        const page = await floorClient.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 1000, KeyMarker, VersionIdMarker }));
        n += (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
        if (!page.IsTruncated) break;
        KeyMarker = page.NextKeyMarker;
        VersionIdMarker = page.NextVersionIdMarker;
      }
    }
    return { ms: performance.now() - t, versions: n };
  };

  const measure = async (label: string) => {
    await audit(); // warm: clients, sockets, JIT
    const audits: Array<Awaited<ReturnType<typeof audit>>> = [];
    const floors: Array<Awaited<ReturnType<typeof floor>>> = [];
    let buckets: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternating, so neither side always runs on a warmer machine.
      const a = await audit();
      buckets = a.report.buckets.map((b) => b.name);
      audits.push(a);
      floors.push(await floor(buckets));
    }
    const last = audits.at(-1)!.report;
    const versions = last.buckets.reduce((n, b) => n + b.totals.versions + b.totals.deleteMarkers, 0);
    expect(floors[0].versions).toBe(versions);
    expect(last.errors).toEqual([]);
    const a = median(audits.map((x) => x.ms));
    const f = median(floors.map((x) => x.ms));
    const growth = (await cliPeakRss()) - idleRss;
    const liveGrowth = (await cliPeakRss(CAPPED)) - idleCapped;
    console.log(
      `${label}: CLI audit peak RSS ${mb(growth + idleRss).toFixed(0)} MB against ${mb(idleRss).toFixed(0)} MB with the demo alone; with ${CAPPED[0]}: ${mb(liveGrowth + idleCapped).toFixed(0)} MB against ${mb(idleCapped).toFixed(0)} MB`,
    );
    const slim = JSON.stringify(slimReport(last)).length;
    console.log(
      `${label}: ${versions} versions in ${buckets.length} buckets; audit ${a.toFixed(0)} ms (runs ${audits.map((x) => x.ms.toFixed(0)).join(', ')}), floor ${f.toFixed(0)} ms (runs ${floors
        .map((x) => x.ms.toFixed(0))
        .join(', ')}): ${(a / f).toFixed(2)}x (target <= 1.3x); RSS growth ${mb(growth).toFixed(0)} MB; report event ${(slim / 1024).toFixed(0)} KiB`,
    );
    return { versions, ratio: a / f, growth, liveGrowth };
  };

  // Memory, in a process of its own: the built CLI's `artifacts audit`, its peak RSS
  // (VmHWM) against the same audit of the demo alone (the idle app's footprint).
  // Again with V8's old space capped: V8 lets garbage pile up while the machine has
  // room, so the first figure is what a user sees, the second what the audit holds.
  const idleRss = await cliPeakRss();
  const idleCapped = await cliPeakRss(CAPPED);
  await plant(0, PREFIXES / 2);
  const half = await measure('half');
  await plant(PREFIXES / 2, PREFIXES / 2);
  const full = await measure('full');
  const per100k = (a: number, b: number) => ((a - b) / (full.versions - half.versions)) * 100_000;
  const slope = per100k(full.growth, half.growth);
  const liveSlope = per100k(full.liveGrowth, half.liveGrowth);
  console.log(
    [
      '',
      `bench/audit (${PREFIXES} prefixes, ${VERSIONS} versions in the big bucket, the demo's pipelines; median of ${RUNS})`,
      `audit / ListObjectVersions floor: ${full.ratio.toFixed(2)}x at ${full.versions} versions, ${half.ratio.toFixed(2)}x at ${half.versions} (target <= 1.3x)`,
      `peak RSS growth over the idle app: ${mb(full.growth).toFixed(0)} MB at ${full.versions} versions, ${mb(half.growth).toFixed(0)} MB at ${half.versions} (target < 200 MB); slope ${mb(slope).toFixed(1)} MB per 100,000 versions`,
      `  with ${CAPPED[0]} (what the audit holds, not garbage V8 has not collected yet): ${mb(full.liveGrowth).toFixed(0)} MB and ${mb(half.liveGrowth).toFixed(0)} MB; slope ${mb(liveSlope).toFixed(1)} MB per 100,000 versions`,
    ].join('\n'),
  );
  accounts.close();
  floorClient.destroy();
  expect(full.ratio).toBeLessThanOrEqual(1.3);
  expect(mb(full.growth)).toBeLessThan(200);
});
