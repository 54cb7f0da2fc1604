// bench/cleanup at S3's real limit: the sandbox models S3's write rate per
// partitioned prefix (3,500 keys a second, each key of a DeleteObjects batch
// counting as one write, 503 SlowDown beyond it). Pipewright's cleanup (the job
// the app runs) on 4 orphan prefixes of 50,000 keys with 2 versions each, against
// the ceiling of 4 x the limit; then the peers on a non-versioned copy in the
// same sandbox, with the same limit: Debian's `aws s3 rm --recursive`, and
// Debian's `rclone delete` with its documented settings for bulk deletes
// (--fast-list, many --checkers). A ledger checks that exactly the planned
// versions are gone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PLAN_VERSION, type CleanupPlan } from '../../src/shared/artifacts/plan';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { writeAwsDataPath } from '../../src/main/cli/aws-data-path';
import { parseSandboxConfig, DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { benchServices } from '../support/services';
import { confirmedCleanup } from '../../test/helpers/confirm';

const run = promisify(execFile);
const KEYS = Number(process.env.BENCH_LIMIT_KEYS ?? 50_000);
const PEER_KEYS = Number(process.env.BENCH_LIMIT_PEER_KEYS ?? 5_000);
const PER_PREFIX = 3500;
const PREFIXES = ['orphan-a/', 'orphan-b/', 'orphan-c/', 'orphan-d/'];
const BUCKET = 'codepipeline-us-east-1-000000000001';
const PEER_BUCKET = 'bench-limit-plain';
const DEV = DEFAULT_ACCOUNTS[0];
let sandbox: SandboxProcess;
let dir: string;
const saved = { ...process.env };

interface LimitState {
  slowDowns: number;
  admitted: number;
}
const limitState = () => sandbox.control<LimitState>('GET', 's3-write-limit');
const setLimit = () => sandbox.control('PUT', 's3-write-limit', { limit: { perSecond: PER_PREFIX, burstSeconds: 1, prefixDepth: 1 } });
const countKeys = async (bucket: string) =>
  (await sandbox.control<{ buckets: Array<{ name: string; keys: number; versions: number }> }>('GET', 'state')).buckets.find((b) => b.name === bucket);

/** The peers' non-versioned copy: the same prefixes, PEER_KEYS objects each. */
async function plantPeerCopy() {
  for (const prefix of PREFIXES)
    await sandbox.control('POST', 'objects', {
      bucket: PEER_BUCKET,
      account: DEV.id,
      region: 'us-east-1',
      versioned: false,
      prefix: `${prefix}BuildArtif/`,
      count: PEER_KEYS,
    });
}

beforeAll(async () => {
  for (const tool of ['/usr/bin/aws', '/usr/bin/rclone']) if (!existsSync(tool)) throw new Error(`${tool} is needed: apt-get install awscli rclone`);
  dir = mkdtempSync(join(tmpdir(), 'pw-bench-limit-'));
  sandbox = await startSandboxProcess({ adminToken: 'bench-limit-token' });
  for (const prefix of PREFIXES) {
    await sandbox.control('POST', 'objects', {
      bucket: BUCKET,
      account: DEV.id,
      region: 'us-east-1',
      versioned: true,
      prefix: `${prefix}BuildArtif/`,
      count: KEYS,
      versions: 2,
    });
  }
  // A live pipeline's prefix in the same bucket: the ledger checks it is untouched.
  await sandbox.control('POST', 'objects', {
    bucket: BUCKET,
    account: DEV.id,
    region: 'us-east-1',
    versioned: true,
    prefix: 'live-pipeline/BuildArtif/',
    count: 100,
    versions: 2,
  });
  await plantPeerCopy();
  writeFileSync(join(dir, 'config'), awsConfigSnippet(sandbox.endpoint, parseSandboxConfig({})));
  Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') });
  await setLimit();
});

afterAll(() => {
  process.env = { ...saved };
  sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('cleanup at S3 per-prefix write limit, against aws s3 rm and rclone', async () => {
  const { accounts, artifacts } = await benchServices(dir, { profiles: ['sandbox-dev'], regions: ['us-east-1'] });
  const plan: CleanupPlan = {
    version: PLAN_VERSION,
    createdAt: 'bench',
    auditedAt: 'bench',
    items: PREFIXES.map((prefix) => ({
      profile: 'sandbox-dev',
      accountId: DEV.id,
      accountAlias: 'sandbox-dev',
      region: 'us-east-1',
      bucket: BUCKET,
      prefix,
      class: 'orphan' as const,
      reason: 'bench',
      expected: { objects: KEYS, versions: KEYS * 2, deleteMarkers: 0, bytes: KEYS * 64 },
      keep: [],
    })),
  };
  const expected = PREFIXES.length * KEYS * 2;
  const t0 = performance.now();
  const r = await artifacts.clean(plan, { against: 'unchecked', confirmed: confirmedCleanup(plan), dryRun: false, signal: new AbortController().signal });
  const oursMs = performance.now() - t0;
  accounts.close();
  const server = await limitState();
  // The ledger: every planned version gone, the live prefix whole.
  const left = await countKeys(BUCKET);
  expect(r.failed).toEqual([]);
  expect(r.deletedVersions).toBe(expected);
  expect(left).toMatchObject({ keys: 100, versions: 200 });

  const ceiling = PREFIXES.length * PER_PREFIX;
  const ours = expected / (oursMs / 1000);
  console.log(
    `pipewright: ${expected} in ${(oursMs / 1000).toFixed(1)} s = ${ours.toFixed(0)} keys/s, ${((ours / ceiling) * 100).toFixed(1)}% of ${ceiling}; ${server.slowDowns} SlowDowns`,
  );

  // Peers, on the non-versioned copy, with the limit still on (reset: the same fresh buckets).
  await setLimit();
  const env = { ...process.env, HOME: dir, AWS_PAGER: '', AWS_DATA_PATH: join(dir, 'aws-data') };
  writeAwsDataPath(join(dir, 'aws-data'), sandbox.endpoint);
  const peerTotal = PREFIXES.length * PEER_KEYS;
  const t1 = performance.now();
  await run('/usr/bin/aws', ['--profile', 'sandbox-dev', 's3', 'rm', `s3://${PEER_BUCKET}/`, '--recursive', '--quiet'], {
    env,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  const cliMs = performance.now() - t1;
  expect((await countKeys(PEER_BUCKET))?.keys).toBe(0);
  const cliSlowDowns = (await limitState()).slowDowns;

  await plantPeerCopy();
  await setLimit();
  writeFileSync(join(dir, 'rclone.conf'), '');
  // rclone's AWS SDK refuses a CA bundle (AWS_CA_BUNDLE) with its own transport; the endpoint is plain HTTP.
  const envWithoutBundle: NodeJS.ProcessEnv = { ...env };
  delete envWithoutBundle.AWS_CA_BUNDLE;
  const rcloneEnv = {
    ...envWithoutBundle,
    RCLONE_CONFIG: join(dir, 'rclone.conf'),
    RCLONE_CONFIG_SB_TYPE: 's3',
    // 'Other': with provider AWS, rclone forces virtual-hosted addressing, which a loopback endpoint cannot take.
    RCLONE_CONFIG_SB_PROVIDER: 'Other',
    RCLONE_CONFIG_SB_ENDPOINT: sandbox.endpoint,
    RCLONE_CONFIG_SB_REGION: 'us-east-1',
    RCLONE_CONFIG_SB_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG_SB_ACCESS_KEY_ID: DEV.accessKeyId,
    RCLONE_CONFIG_SB_SECRET_ACCESS_KEY: DEV.secretAccessKey,
  };
  const t2 = performance.now();
  // rclone's documented bulk-delete settings: list in one go, and many deletes in parallel.
  await run(
    '/usr/bin/rclone',
    ['delete', `sb:${PEER_BUCKET}`, '--fast-list', '--checkers', '64', '--transfers', '64', '--s3-no-check-bucket', '--low-level-retries', '20'],
    {
      env: rcloneEnv,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 30 * 60_000,
    },
  );
  const rcloneMs = performance.now() - t2;
  expect((await countKeys(PEER_BUCKET))?.keys).toBe(0);
  const rcloneSlowDowns = (await limitState()).slowDowns;

  const cli = peerTotal / (cliMs / 1000);
  const rclone = peerTotal / (rcloneMs / 1000);
  console.log(
    [
      '',
      `bench/cleanup at S3's write limit (${PER_PREFIX} keys/s per prefix, burst 1 s; ${PREFIXES.length} prefixes)`,
      `pipewright clean: ${expected} versions (${PREFIXES.length} x ${KEYS} keys x 2 versions) in ${(oursMs / 1000).toFixed(1)} s = ${ours.toFixed(0)} keys/s`,
      `  ceiling ${ceiling} keys/s (4 x the limit): ${((ours / ceiling) * 100).toFixed(1)}% (target >= 85%)`,
      `  SlowDown answers: ${server.slowDowns} (the sandbox's count), ${r.slowDowns} (the cleanup's); keys failed: ${r.failed.length}; live prefix untouched: ${left?.versions} versions`,
      `aws s3 rm --recursive: ${peerTotal} objects in ${(cliMs / 1000).toFixed(1)} s = ${cli.toFixed(0)} objects/s, ${cliSlowDowns} SlowDowns; pipewright ${(ours / cli).toFixed(1)}x`,
      `rclone delete --fast-list --checkers 64: ${peerTotal} objects in ${(rcloneMs / 1000).toFixed(1)} s = ${rclone.toFixed(0)} objects/s, ${rcloneSlowDowns} SlowDowns; pipewright ${(ours / rclone).toFixed(1)}x`,
    ].join('\n'),
  );
  expect(ours / ceiling).toBeGreaterThanOrEqual(0.85);
});
