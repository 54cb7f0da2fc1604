// The DeletionGuard (the re-check at the moment of deleting) as the app builds it,
// against the sandbox: which live pipelines block an item, which do not, and every
// reason it gives, word for word. Other live pipelines in the account (another
// name, or the same name writing to another bucket) never block an orphan.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { startServices } from '../helpers/services';
import { simplePipeline } from '../helpers/pipelines';
import { Settings } from '../../src/shared/api/settings';
import type { PlanItem } from '../../src/shared/artifacts/plan';
import type { Sandbox } from '../../src/sandbox/sandbox';
import type { ArtifactsService } from '../../src/main/artifacts/service';
import { UnverifiedError, type BucketTarget, type DeletionGuard } from '../../src/main/artifacts/deletion-guard';

const DEV = '111111111111';
const STAGING = '222222222222';
const BUCKET = 'guard-artifacts';
const OTHER_BUCKET = 'guard-other-artifacts';
const NONE = { throttleRate: 0, errorRate: 0, resetRate: 0, denyRate: 0, latencyMs: 0, jitterMs: 0, deleteErrorRate: 0 };

let services: Awaited<ReturnType<typeof startServices>>;
let sb: Sandbox;
let artifacts: ArtifactsService;
let guard: DeletionGuard;
let s3: S3Client;
const created: Array<{ account: string; region: string; name: string }> = [];

beforeAll(async () => {
  services = await startServices({ seed: 'empty', settings: Settings.parse({ workspace: { profiles: ['sandbox-dev'], regions: ['us-east-1'] } }) });
  sb = services.sb;
  artifacts = services.artifacts();
  guard = artifacts.guard;
  const dev = services.accounts.profiles().find((p) => p.name === 'sandbox-dev')!;
  s3 = services.accounts.clients.s3(dev, 'us-east-1');
});
afterAll(() => services.stop());

afterEach(() => {
  sb.faults.clear();
  sb.config.startOnCreate = false;
  for (const p of created.splice(0)) sb.invoke('codepipeline', p.account, p.region, { target: 'DeletePipeline', body: { name: p.name } });
  for (const b of [BUCKET, OTHER_BUCKET]) sb.s3.buckets.delete(b);
  services.settings.artifacts = { ...services.settings.artifacts, blockedBuckets: [], blockedAccounts: [] };
  vi.restoreAllMocks();
});

function buckets() {
  for (const b of [BUCKET, OTHER_BUCKET]) if (sb.s3.buckets.has(b)) sb.s3.buckets.delete(b);
  return { main: sb.s3.createBucket(BUCKET, DEV, 'us-east-1'), other: sb.s3.createBucket(OTHER_BUCKET, DEV, 'us-east-1') };
}

function livePipeline(name: string, bucket: string, opts: { account?: string; region?: string; start?: boolean; outputs?: string[] } = {}) {
  const account = opts.account ?? DEV;
  const region = opts.region ?? 'us-east-1';
  sb.config.startOnCreate = opts.start ?? false;
  const decl = simplePipeline(name, bucket);
  if (opts.outputs) decl.stages![1].actions![0].outputArtifacts = opts.outputs.map((o) => ({ name: o }));
  sb.invoke('codepipeline', account, region, { target: 'CreatePipeline', body: { pipeline: decl } });
  sb.config.startOnCreate = false;
  created.push({ account, region, name });
}

function grant(bucket: string, principal: unknown) {
  sb.s3.buckets.get(bucket)!.policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
  });
}

function item(i: Partial<PlanItem> & Pick<PlanItem, 'prefix' | 'class'>): PlanItem {
  return {
    profile: 'sandbox-dev',
    accountId: DEV,
    accountAlias: 'sandbox-dev',
    region: 'us-east-1',
    bucket: BUCKET,
    reason: 'test',
    expected: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0 },
    keep: [],
    ...i,
  };
}

const target = (t: Partial<BucketTarget> = {}): BucketTarget => ({ accountId: DEV, bucket: BUCKET, profile: 'sandbox-dev', s3, ...t });
const since = () => sb.logEntries().at(-1)?.seq ?? 0;
const calls = (seq: number, operation: string) => sb.logEntries(seq).filter((e) => e.operation === operation);

async function unverified(p: Promise<unknown>, message: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnverifiedError);
  expect(err).toMatchObject({ name: 'UnverifiedError', message });
}

describe('orphans among other live pipelines', () => {
  it('an orphan prefix in a bucket another live pipeline writes to is deleted', async () => {
    buckets();
    livePipeline('alive-pipeline', BUCKET);
    expect(await guard.recheckPlanItem(item({ prefix: 'gone-pipeline/', class: 'orphan' }), s3)).toBeNull();
    expect(await guard.orphanLifecycleBlocker(target(), 'gone-pipeline/')).toBeNull();
    expect(await guard.claimsOn(target(), 'gone-pipeline')).toEqual([]);
  });

  it('a pipeline with the same cut name writing to another bucket does not block it', async () => {
    buckets();
    livePipeline('gone-pipeline', OTHER_BUCKET);
    livePipeline('gone-pipeline', OTHER_BUCKET, { region: 'eu-west-1' });
    expect(await guard.recheckPlanItem(item({ prefix: 'gone-pipeline/', class: 'orphan' }), s3)).toBeNull();
    expect(await guard.orphanLifecycleBlocker(target(), 'gone-pipeline/')).toBeNull();
    expect(await guard.bucketRemovalBlocker(target())).toBeNull();
  });

  it('the same name writing to this bucket blocks it, with the reason', async () => {
    buckets();
    livePipeline('gone-pipeline-with-a-long-name', BUCKET);
    expect(await guard.recheckPlanItem(item({ prefix: 'gone-pipeline-with-a/', class: 'orphan' }), s3)).toBe(
      'Live pipeline gone-pipeline-with-a-long-name (account 111111111111, us-east-1) now writes to this prefix.',
    );
    expect(await guard.orphanLifecycleBlocker(target(), 'gone-pipeline-with-a/')).toBe(
      'Live pipeline gone-pipeline-with-a-long-name (account 111111111111, us-east-1) writes to this prefix now.',
    );
  });

  it('only pipelines whose name could claim the prefix are read in full', async () => {
    buckets();
    livePipeline('alive-pipeline', BUCKET);
    livePipeline('gone-pipeline', BUCKET);
    const seq = since();
    const [claim] = await guard.claimsOn(target(), 'gone-pipeline');
    expect(claim).toMatchObject({ name: 'gone-pipeline', accountId: DEV, region: 'us-east-1' });
    expect(calls(seq, 'GetPipeline')).toHaveLength(1);
    const all = since();
    expect((await guard.claimsOn(target())).map((c) => c.name).sort()).toEqual(['alive-pipeline', 'gone-pipeline']);
    expect(calls(all, 'GetPipeline')).toHaveLength(2);
  });
});

describe('protection', () => {
  it('a blocklisted account', async () => {
    buckets();
    services.settings.artifacts = { ...services.settings.artifacts, blockedAccounts: [DEV] };
    const reason = 'Account 111111111111 is on the blocklist.';
    expect(await guard.protectedReason(target())).toBe(reason);
    expect(await guard.recheckPlanItem(item({ prefix: 'gone-pipeline/', class: 'orphan' }), s3)).toBe(reason);
    expect(await guard.orphanLifecycleBlocker(target(), 'gone-pipeline/')).toBe(reason);
    expect(await guard.bucketRemovalBlocker(target())).toBe(reason);
    services.settings.artifacts = { ...services.settings.artifacts, blockedAccounts: [STAGING] };
    expect(await guard.protectedReason(target())).toBeNull();
  });

  it('a blocklisted or protect-tagged bucket', async () => {
    const { main } = buckets();
    services.settings.artifacts = { ...services.settings.artifacts, blockedBuckets: [BUCKET] };
    expect(await guard.protectedReason(target())).toBe('s3://guard-artifacts is on the blocklist.');
    services.settings.artifacts = { ...services.settings.artifacts, blockedBuckets: [] };
    main.tags = { 'pipewright:protect': 'true' };
    expect(await guard.protectedReason(target())).toBe('s3://guard-artifacts is tagged pipewright:protect=true.');
    expect(await guard.orphanLifecycleBlocker(target(), 'gone-pipeline/')).toBe('s3://guard-artifacts is tagged pipewright:protect=true.');
  });
});

describe('coverage', () => {
  it('a bucket policy letting in any principal', async () => {
    buckets();
    grant(BUCKET, '*');
    await unverified(
      guard.recheckPlanItem(item({ prefix: 'gone-pipeline/', class: 'orphan' }), s3),
      'The bucket policy of s3://guard-artifacts lets in any AWS principal: no set of accounts covers it.',
    );
  });

  it('an account the policy lets in that no profile reaches', async () => {
    buckets();
    grant(BUCKET, { AWS: 'arn:aws:iam::444444444444:root' });
    await unverified(
      guard.orphanLifecycleBlocker(target(), 'gone-pipeline/'),
      'No profile reaches account 444444444444, which the bucket policy of s3://guard-artifacts lets in.',
    );
  });

  it("the bucket's own account that no profile reaches", async () => {
    buckets();
    await unverified(guard.claimsOn(target({ accountId: '555555555555' }), 'gone-pipeline'), 'No profile reaches account 555555555555.');
  });

  it("an account the policy lets in is scanned too; the preferred profile is passed only for the bucket's own account", async () => {
    buckets();
    grant(BUCKET, { AWS: `arn:aws:iam::${STAGING}:root` });
    livePipeline('gone-pipeline', BUCKET, { account: STAGING });
    const spy = vi.spyOn(artifacts, 'profilesReaching');
    const found = await guard.claimsOn(target({ profile: 'sandbox-auditor' }), 'gone-pipeline');
    expect(spy.mock.calls).toEqual([
      [DEV, 'sandbox-auditor'],
      [STAGING, undefined],
    ]);
    expect(found.map((c) => [c.name, c.accountId, c.profiles.map((p) => p.name)])).toEqual([['gone-pipeline', STAGING, ['sandbox-staging']]]);
    const devFirst = await guard.claimsOn(target({ profile: 'sandbox-auditor' }));
    expect(devFirst.map((c) => c.accountId)).toEqual([STAGING]);
    livePipeline('alive-pipeline', BUCKET);
    const both = await guard.claimsOn(target({ profile: 'sandbox-auditor' }));
    expect(both.map((c) => [c.name, c.accountId, c.profiles[0].name])).toEqual([
      ['alive-pipeline', DEV, 'sandbox-auditor'],
      ['gone-pipeline', STAGING, 'sandbox-staging'],
    ]);
    expect(await guard.recheckPlanItem(item({ prefix: 'gone-pipeline/', class: 'orphan' }), s3)).toBe(
      'Live pipeline gone-pipeline (account 222222222222, us-east-1) now writes to this prefix.',
    );
  });

  it('a gap in a scan', async () => {
    buckets();
    sb.faults.set([
      { ...NONE, service: 'codepipeline', operation: 'ListPipelines', account: DEV, region: 'eu-west-1', denyRate: 1 },
      { ...NONE, service: 'codepipeline', operation: 'ListPipelines', account: DEV, region: 'us-west-2', denyRate: 1 },
    ]);
    await unverified(
      guard.recheckPlanItem(item({ prefix: 'gone-pipeline/', class: 'orphan' }), s3),
      'Not every pipeline that could write to s3://guard-artifacts could be listed: account 111111111111, eu-west-1: AccessDeniedException; account 111111111111, us-west-2: AccessDeniedException.',
    );
    await unverified(
      guard.bucketRemovalBlocker(target()),
      'Not every pipeline that could write to s3://guard-artifacts could be listed: account 111111111111, eu-west-1: AccessDeniedException; account 111111111111, us-west-2: AccessDeniedException.',
    );
  });
});

describe('retention items', () => {
  const retention = (keys: string[]) =>
    item({ prefix: 'alive-pipeline/', class: 'retention', keys, retention: { keepLast: 1, keepDays: 1, cutoff: new Date(Date.now() + 60_000).toISOString() } });

  /** A live pipeline with two successful executions; the keys its latest one wrote. */
  async function twoSuccesses() {
    const { main } = buckets();
    livePipeline('alive-pipeline', BUCKET, { start: true });
    await sb.executor.settled();
    const first = new Set(main.objects.keys());
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'StartPipelineExecution', body: { name: 'alive-pipeline' } });
    await sb.executor.settled();
    const latest = [...main.objects.keys()].filter((k) => !first.has(k));
    expect(latest.length).toBeGreaterThan(0);
    return { first: [...first], latest };
  }

  it('a newer latest success naming a planned key is a reason to skip; only the latest execution is read', async () => {
    const { latest } = await twoSuccesses();
    const seq = since();
    expect(await guard.recheckPlanItem(retention(['alive-pipeline/OldOutput/BBBBBBB', latest[0]]), s3)).toBe(
      `${latest[0]} now belongs to alive-pipeline's latest successful execution, which is always kept.`,
    );
    expect(calls(seq, 'ListActionExecutions')).toHaveLength(1);
  });

  it('a latest success naming no planned key is not', async () => {
    const { first } = await twoSuccesses();
    expect(await guard.recheckPlanItem(retention(['alive-pipeline/OldOutput/BBBBBBB', ...first]), s3)).toBeNull();
  });

  it('a claimer with no successful execution yet is not', async () => {
    buckets();
    livePipeline('alive-pipeline', BUCKET);
    expect(await guard.recheckPlanItem(retention(['alive-pipeline/OldOutput/BBBBBBB']), s3)).toBeNull();
  });

  it('only retention items consult it: a stale folder of the same pipeline is judged by what it produces', async () => {
    const { latest } = await twoSuccesses();
    const folder = latest[0].split('/')[1];
    expect(await guard.recheckPlanItem(item({ prefix: `alive-pipeline/${folder}/`, class: 'stale', keys: [latest[0]] }), s3)).toBe(
      `Live pipeline alive-pipeline (account 111111111111, us-east-1) produces ${folder}… again.`,
    );
    expect(await guard.recheckPlanItem(item({ prefix: 'alive-pipeline/OldOutput/', class: 'stale', keys: [latest[0]] }), s3)).toBeNull();
  });
});

describe('stale folders', () => {
  it('a live claimer that produces that artifact again (its name cut to 10) is a reason to skip', async () => {
    buckets();
    livePipeline('alive-pipeline', BUCKET, { outputs: ['TestReports', 'BuildOutputLong'] });
    expect(await guard.recheckPlanItem(item({ prefix: 'alive-pipeline/BuildOutpu/', class: 'stale' }), s3)).toBe(
      'Live pipeline alive-pipeline (account 111111111111, us-east-1) produces BuildOutpu… again.',
    );
    expect(await guard.recheckPlanItem(item({ prefix: 'alive-pipeline/SourceArti/', class: 'stale' }), s3)).toBe(
      'Live pipeline alive-pipeline (account 111111111111, us-east-1) produces SourceArti… again.',
    );
  });

  it('one that does not produce it, or a folder-less item, is not', async () => {
    buckets();
    livePipeline('alive-pipeline', BUCKET);
    expect(await guard.recheckPlanItem(item({ prefix: 'alive-pipeline/OldOutput/', class: 'stale' }), s3)).toBeNull();
    expect(await guard.recheckPlanItem(item({ prefix: 'alive-pipeline/', class: 'stale' }), s3)).toBeNull();
  });

  it('an action with no output artifacts produces nothing', async () => {
    buckets();
    sb.config.startOnCreate = false;
    const decl = simplePipeline('alive-pipeline', BUCKET);
    delete decl.stages![1].actions![0].outputArtifacts;
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'CreatePipeline', body: { pipeline: decl } });
    created.push({ account: DEV, region: 'us-east-1', name: 'alive-pipeline' });
    expect(await guard.recheckPlanItem(item({ prefix: 'alive-pipeline/BuildArtif/', class: 'stale' }), s3)).toBeNull();
    expect(await guard.recheckPlanItem(item({ prefix: 'alive-pipeline/SourceArti/', class: 'stale' }), s3)).toBe(
      'Live pipeline alive-pipeline (account 111111111111, us-east-1) produces SourceArti… again.',
    );
  });
});

describe('bucketRemovalBlocker', () => {
  it('a bucket that still holds anything', async () => {
    const { main } = buckets();
    sb.s3.putObject(main, 'gone-pipeline/BuildArtif/AAAAAAA', Buffer.from('x'));
    expect(await guard.bucketRemovalBlocker(target())).toBe('s3://guard-artifacts still holds objects or versions: clean its prefixes first.');
  });

  it('a protected bucket', async () => {
    buckets();
    services.settings.artifacts = { ...services.settings.artifacts, blockedBuckets: [BUCKET] };
    expect(await guard.bucketRemovalBlocker(target())).toBe('s3://guard-artifacts is on the blocklist.');
  });

  it('a live pipeline of any name that writes to it', async () => {
    buckets();
    livePipeline('another-pipeline', BUCKET, { region: 'eu-west-1' });
    expect(await guard.bucketRemovalBlocker(target())).toBe('Live pipeline another-pipeline (account 111111111111, eu-west-1) uses s3://guard-artifacts now.');
  });

  it('an empty, unprotected, unused bucket', async () => {
    buckets();
    livePipeline('another-pipeline', OTHER_BUCKET);
    expect(await guard.bucketRemovalBlocker(target())).toBeNull();
  });
});
