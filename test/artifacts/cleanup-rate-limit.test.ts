// Cleanup against S3's per-prefix write rate, modelled by the sandbox: each key of
// a DeleteObjects batch is one write against its prefix, and a batch the prefix
// cannot take is refused whole with 503 SlowDown. The cleanup paces each prefix
// (AIMD), runs prefixes side by side, and never lets a key fail for good because
// of throttling: the ledger shows exactly the planned versions gone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startServices } from '../helpers/services';
import { PLAN_VERSION, type CleanupPlan } from '../../src/shared/artifacts/plan';
import type { Sandbox } from '../../src/sandbox/sandbox';
import { confirmedCleanup } from '../helpers/confirm';

let services: Awaited<ReturnType<typeof startServices>>;
let sb: Sandbox;
const BUCKET = 'paced-artifacts';
const DEV = '111111111111';
const PREFIXES = ['gone-a/', 'gone-b/', 'gone-c/'];

beforeAll(async () => {
  services = await startServices({ seed: 'empty' });
  sb = services.sb;
});
afterAll(async () => {
  sb.s3WriteLimit.set(null);
  await services.stop();
});

function plant(keysPerPrefix: number) {
  const b = sb.s3.createBucket(BUCKET, DEV, 'us-east-1');
  b.versioning = 'Enabled';
  for (const prefix of PREFIXES)
    for (let i = 0; i < keysPerPrefix; i++) {
      const key = `${prefix}BuildArtif/K${String(i).padStart(6, '0')}`;
      sb.s3.putObject(b, key, Buffer.from('v1'));
      sb.s3.putObject(b, key, Buffer.from('v2'));
    }
  sb.s3.putObject(b, 'alive/BuildArtif/LIVE000', Buffer.from('live'));
  return b;
}

const plan = (): CleanupPlan => ({
  version: PLAN_VERSION,
  createdAt: new Date().toISOString(),
  auditedAt: new Date().toISOString(),
  items: PREFIXES.map((prefix) => ({
    profile: 'sandbox-dev',
    accountId: DEV,
    accountAlias: 'sandbox-dev',
    region: 'us-east-1',
    bucket: BUCKET,
    prefix,
    class: 'orphan' as const,
    reason: 'test',
    expected: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0 },
    keep: [],
  })),
});

it('paces each prefix to the write rate: every key deleted, none failed, SlowDowns counted, prefixes side by side', async () => {
  const b = plant(1500);
  // 2,000 writes a second per prefix with half a second of burst: a 1,000-key batch
  // fits the bucket once, so an unpaced cleanup would be refused at once.
  sb.s3WriteLimit.set({ perSecond: 2000, burstSeconds: 0.5, prefixDepth: 1 });
  const artifacts = services.artifacts();
  // No key retries at all: throttling must never use them up.
  const r = await artifacts.clean(plan(), {
    against: 'unchecked',
    confirmed: confirmedCleanup(plan()),
    dryRun: false,
    signal: new AbortController().signal,
    keyRetries: 0,
    concurrency: 8,
  });
  expect(r.failed).toEqual([]);
  expect(r.deletedVersions).toBe(PREFIXES.length * 1500 * 2);
  expect([...b.objects.keys()]).toEqual(['alive/BuildArtif/LIVE000']);
  // The sandbox refused some batches and the cleanup says how many it met.
  expect(sb.s3WriteLimit.slowDowns).toBeGreaterThan(0);
  expect(r.slowDowns).toBe(sb.s3WriteLimit.slowDowns);
  const deletes = sb.logEntries().filter((e) => e.operation === 'DeleteObjects');
  expect(deletes.filter((e) => e.errorCode === 'SlowDown').length).toBe(sb.s3WriteLimit.slowDowns);
  // Side by side: the audit log's batches alternate between prefixes, not one prefix after another.
  const order = readFileSync(artifacts.auditLogPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; prefix?: string })
    .filter((l) => l.event === 'batch')
    .map((l) => l.prefix);
  const switches = order.filter((p, i) => i > 0 && p !== order[i - 1]).length;
  expect(switches).toBeGreaterThan(PREFIXES.length);
}, 60_000);
