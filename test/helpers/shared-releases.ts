// A release shared in S3 for the phase-B tests (issue 26): the app's services over the embedded sandbox (as
// startServices builds them), a versioned bucket holding the release, and what the built CLI needs to reach the
// same sandbox as another process (an AWS config file and its own Pipewright home). Versioning is on so a test
// can prove no object of the log was ever written twice (each key has exactly one version).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import { parseReleaseFile, type ReleaseFile } from '../../src/shared/releases/release-file';
import { logSequenceOf } from '../../src/shared/releases/s3-layout';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Promotion } from '../../src/shared/api/releases';
import { AppError } from '../../src/shared/api/errors';
import { startServices } from './services';
import { startSandbox } from './sandbox';
import { EXAMPLE } from './releases';

export const BUCKET = 'team-releases';
export const PREFIX = 'web/';
export const LOCATION = `s3://${BUCKET}/${PREFIX}`;
export const URL = `${LOCATION}release.yaml`;
export const DEV = '111111111111';

/** The location of the release in the bucket, as S3ReleaseStore and S3Leases take it. */
export const S3_LOCATION = { bucket: BUCKET, prefix: PREFIX };
export const APP = 'web-frontend';
type PromotionTarget = Promotion['targets'][number];

/**
 * A bare sandbox (no services) for the S3 stores' own tests: `s3` as AwsClients builds it (the SDK's own retries
 * for throttling, 5xx and dropped connections), and two people's ARNs, alice (dev) and bob (staging).
 */
export async function bucketSandbox() {
  const env = await startSandbox();
  const s3 = env.s3('dev', 'us-east-1', { maxAttempts: 5 });
  const alice = (await env.sts('dev').send(new GetCallerIdentityCommand({}))).Arn!;
  const bob = (await env.sts('staging').send(new GetCallerIdentityCommand({}))).Arn!;
  return { env, s3, alice, bob };
}

export type BucketSandbox = Awaited<ReturnType<typeof bucketSandbox>>;
/** A bucket sandbox for the whole file, `set` told it once started, emptied before each test, stopped after all. */
export function withBucketSandbox(set: (b: BucketSandbox) => void) {
  let b: BucketSandbox | undefined;
  beforeAll(async () => {
    b = await bucketSandbox();
    set(b);
  });
  afterAll(() => b?.env.sb.stop());
  beforeEach(() => emptyBucket(b!.env, b!.s3));
}

/** Before each test: the sandbox emptied, no faults, and the release's bucket made again. */
export async function emptyBucket(env: Awaited<ReturnType<typeof startSandbox>>, s3: S3Client) {
  await env.control('POST', 'reset', { seed: 'empty' });
  await env.control('DELETE', 'faults');
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}

/** A target of a promotion not started yet: its token saved, and nothing else known. */
export const pendingTarget = (profile: string, pipeline: string, clientRequestToken: string): PromotionTarget => ({
  profile,
  region: 'us-east-1',
  pipeline,
  clientRequestToken,
  executionId: null,
  status: null,
  pins: [],
  unpinned: [],
  approvalWaiting: false,
  blockedBy: null,
  message: null,
});

/** The AppError a call fails with (anything else thrown is thrown again). */
export const failure = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected it to fail');
};

export function exampleRelease(text = EXAMPLE): ReleaseFile {
  const r = parseReleaseFile(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.release;
}

export async function sharedReleaseEnv(o: { releases?: { pollMs?: number; holder?: string; leaseTtlMs?: number }; timeScale?: number } = {}) {
  const h = await startServices({
    seed: 'demo',
    timeScale: o.timeScale,
    releases: { pollMs: 50, holder: 'the Pipewright app', ...o.releases },
    executions: { budget: { ratePerSec: 500, burst: 500 } },
  });
  const dev = DEFAULT_ACCOUNTS[0];
  // The test's own client (not the app's): it sets the scene and reads what was written, with no faults of its
  // own making (faults apply to every S3 caller, so it retries as the app does).
  const s3 = new S3Client({
    endpoint: h.sb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: dev.accessKeyId, secretAccessKey: dev.secretAccessKey },
    forcePathStyle: true,
    maxAttempts: 5,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  const dir = mkdtempSync(join(tmpdir(), 'pw-shared-'));
  writeFileSync(join(dir, 'config'), awsConfigSnippet(h.sb.endpoint, h.sb.config));
  const cliEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    PIPEWRIGHT_HOME: join(dir, 'pw'),
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_PROFILE: '',
    AWS_REGION: '',
    PIPEWRIGHT_RELEASE_POLL_MS: '50',
  };
  const text = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: PREFIX + key }))).Body!.transformToString();
  const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: PREFIX + key, Body: body }));
  async function keys(under = ''): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX + under, ContinuationToken: token }));
      out.push(...(page.Contents ?? []).map((c) => c.Key!.slice(PREFIX.length)));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }
  /** Every version of every object under a folder of the location, by key (a key written twice has two). */
  async function versions(under: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: PREFIX + under, KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
      );
      for (const v of page.Versions ?? []) out.set(v.Key!.slice(PREFIX.length), (out.get(v.Key!.slice(PREFIX.length)) ?? 0) + 1);
      if (!page.IsTruncated) return out;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
  }
  /**
   * The log as stored: its numbers are 1..N with none missing, and each was written once (one version). Returns N
   * and what is wrong, for the test to assert and print.
   */
  async function logIntegrity(): Promise<{ entries: number; gaps: number[]; rewritten: string[]; strays: string[] }> {
    const listed = await keys('log/');
    const numbers = listed.map((k) => logSequenceOf(k)).filter((n): n is number => n !== null);
    const strays = listed.filter((k) => logSequenceOf(k) === null);
    const seen = new Set(numbers);
    const max = Math.max(0, ...numbers);
    const gaps = Array.from({ length: max }, (_, i) => i + 1).filter((n) => !seen.has(n));
    const rewritten = [...(await versions('log/'))].filter(([, n]) => n > 1).map(([k]) => k);
    return { entries: numbers.length, gaps, rewritten, strays };
  }
  /**
   * The newest executions of a pipeline that StartPipelineExecution started (the sandbox's own record, newest
   * first): a test diffs two of these to count what a round started.
   */
  function startedExecutions(account: string, pipeline = 'web-frontend'): string[] {
    const res = h.sb.invoke('codepipeline', account, 'us-east-1', { target: 'ListPipelineExecutions', body: { pipelineName: pipeline, maxResults: 100 } });
    const list = JSON.parse(String(res.body)) as {
      pipelineExecutionSummaries: Array<{ pipelineExecutionId: string; trigger: { triggerType: string } }>;
    };
    return list.pipelineExecutionSummaries.filter((e) => e.trigger.triggerType === 'StartPipelineExecution').map((e) => e.pipelineExecutionId);
  }
  const lastSeq = () => h.sb.logEntries(0).at(-1)?.seq ?? 0;
  /** StartPipelineExecution calls the sandbox answered since a call-log position, in an account. */
  const startCalls = (since: number, account = DEV) => h.sb.logEntries(since).filter((e) => e.operation === 'StartPipelineExecution' && e.account === account);
  return {
    h,
    s3,
    dir,
    cliEnv,
    text,
    put,
    keys,
    versions,
    logIntegrity,
    startedExecutions,
    lastSeq,
    startCalls,
    async stop() {
      s3.destroy();
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
