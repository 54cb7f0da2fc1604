// bench/cleanup: Pipewright's cleanup (the same job code the app runs) on a
// versioned artifact bucket of 50,000 objects with two versions each plus
// delete markers, against Debian's `aws s3 rm --recursive` on an identical,
// non-versioned copy (s3 rm cannot delete versions), in the same run.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { benchServices } from '../support/services';
import { PLAN_VERSION, type CleanupPlan } from '../../src/shared/artifacts/plan';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { parseSandboxConfig, DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import { confirmedCleanup } from '../../test/helpers/confirm';

const run = promisify(execFile);
const N = Number(process.env.BENCH_CLEANUP_OBJECTS ?? 50_000);
const ADMIN = 'bench-cleanup-token';
let sandbox: SandboxProcess;
let endpoint = '';
let dir: string;
const saved = { ...process.env };

const control = (path: string, body: unknown) => sandbox.control<Record<string, number>>('POST', path, body);

beforeAll(async () => {
  if (!existsSync('/usr/bin/aws')) throw new Error("Debian's AWS CLI is needed: apt-get install awscli");
  dir = mkdtempSync(join(tmpdir(), 'pw-bench-clean-'));
  sandbox = await startSandboxProcess({ adminToken: ADMIN });
  endpoint = sandbox.endpoint;
  const versioned = await control('objects', {
    bucket: 'codepipeline-us-east-1-000000000001',
    account: DEFAULT_ACCOUNTS[0].id,
    region: 'us-east-1',
    versioned: true,
    prefix: 'deleted-pipeline/BuildArtif/',
    count: N,
    versions: 2,
    deleteMarkerEvery: 2,
  });
  const plain = await control('objects', {
    bucket: 'bench-plain-copy',
    account: DEFAULT_ACCOUNTS[0].id,
    region: 'us-east-1',
    versioned: false,
    prefix: 'deleted-pipeline/BuildArtif/',
    count: N,
  });
  console.log(`setup: versioned bucket ${JSON.stringify(versioned)}; plain copy ${JSON.stringify(plain)}`);
  writeFileSync(join(dir, 'config'), awsConfigSnippet(endpoint, parseSandboxConfig({})));
  Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') });
});

afterAll(() => {
  process.env = { ...saved };
  sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('pipewright clean vs aws s3 rm --recursive', async () => {
  const { accounts, artifacts } = await benchServices(dir, { profiles: ['sandbox-dev'], regions: ['us-east-1'] });
  const expected = N * 2 + N / 2;
  const plan: CleanupPlan = {
    version: PLAN_VERSION,
    createdAt: 'bench',
    auditedAt: 'bench',
    items: [
      {
        profile: 'sandbox-dev',
        accountId: DEFAULT_ACCOUNTS[0].id,
        accountAlias: 'sandbox-dev',
        region: 'us-east-1',
        bucket: 'codepipeline-us-east-1-000000000001',
        prefix: 'deleted-pipeline/',
        class: 'orphan' as const,
        reason: 'bench',
        expected: { objects: N / 2, versions: N * 2, deleteMarkers: N / 2, bytes: N * 32 },
        keep: [],
      },
    ],
  };
  const t0 = performance.now();
  const r = await artifacts.clean(plan, { against: 'unchecked', confirmed: confirmedCleanup(plan), dryRun: false, signal: new AbortController().signal });
  const oursMs = performance.now() - t0;
  expect(r.failed).toEqual([]);
  expect(r.deletedVersions).toBe(expected);
  accounts.close();

  const env = { ...process.env, HOME: dir, AWS_PAGER: '', AWS_DATA_PATH: join(dir, 'aws-data') };
  // Older CLIs ignore endpoint_url: point botocore at the sandbox through its data path.
  const { writeAwsDataPath } = await import('../../src/main/cli/aws-data-path');
  writeAwsDataPath(join(dir, 'aws-data'), endpoint);
  const t1 = performance.now();
  await run('/usr/bin/aws', ['--profile', 'sandbox-dev', 's3', 'rm', 's3://bench-plain-copy/', '--recursive', '--quiet'], {
    env,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  const cliMs = performance.now() - t1;
  const left = await control('objects', { bucket: 'bench-plain-copy', account: DEFAULT_ACCOUNTS[0].id, region: 'us-east-1', prefix: 'probe/', count: 1 });
  expect(left.keys).toBe(1); // only the probe: s3 rm removed all N

  const ours = expected / (oursMs / 1000);
  const cli = N / (cliMs / 1000);
  console.log(
    [
      '',
      `bench/cleanup (${N} keys)`,
      `pipewright clean: ${expected} versions and delete markers (versioned bucket) in ${(oursMs / 1000).toFixed(1)} s = ${ours.toFixed(0)} objects/s`,
      `aws s3 rm --recursive: ${N} objects (non-versioned copy) in ${(cliMs / 1000).toFixed(1)} s = ${cli.toFixed(0)} objects/s`,
      `ratio (per object): ${(ours / cli).toFixed(1)}x (target >= 5x)`,
    ].join('\n'),
  );
});
