// Injected faults: the SDK's own retries see ThrottlingException, SlowDown,
// 500s and dropped connections, and recover; the call log counts every attempt.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, DeleteObjectsCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startSandbox } from '../helpers/sandbox';
import type { CallLogEntry } from '../../src/sandbox/sandbox';
import { FaultRule, Faults } from '../../src/sandbox/faults';

let env: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  env = await startSandbox();
});
afterAll(() => env.sb.stop());
beforeEach(async () => {
  await env.control('DELETE', 'faults');
  await env.control('DELETE', 'log');
});

const retrying = { maxAttempts: 6, retryMode: 'standard' };
async function log(operation?: string): Promise<CallLogEntry[]> {
  const r = await env.control('GET', `log${operation ? `?operation=${operation}` : ''}`);
  return r.body.entries as CallLogEntry[];
}

describe('faults', () => {
  it('CodePipeline: throttling is retried by the SDK until it succeeds', async () => {
    await env.control('PUT', 'faults', [{ service: 'codepipeline', operation: 'ListPipelines', throttleRate: 1, remaining: 3 }]);
    const r = await env.codepipeline('dev', 'us-east-1', retrying).send(new ListPipelinesCommand({}));
    expect(r.pipelines).toEqual([]);
    const entries = await log('ListPipelines');
    expect(entries.map((e) => e.errorCode ?? 'ok')).toEqual(['ThrottlingException', 'ThrottlingException', 'ThrottlingException', 'ok']);
    expect(entries[0].status).toBe(400);
  });

  it('S3: SlowDown (503) is retried and recovers', async () => {
    await env.control('PUT', 'faults', [{ service: 's3', throttleRate: 1, remaining: 2 }]);
    await env.s3('dev', 'us-east-1', retrying).send(new ListBucketsCommand({}));
    const entries = await log('ListBuckets');
    expect(entries.map((e) => [e.status, e.errorCode ?? 'ok'])).toEqual([
      [503, 'SlowDown'],
      [503, 'SlowDown'],
      [200, 'ok'],
    ]);
  });

  it('500s are retried', async () => {
    await env.control('PUT', 'faults', [{ service: 'sts', errorRate: 1, remaining: 2 }]);
    const me = await env.sts('dev', 'us-east-1', retrying).send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe('111111111111');
    expect((await log('GetCallerIdentity')).map((e) => e.status)).toEqual([500, 500, 200]);
  });

  it('dropped connections are retried', async () => {
    await env.control('PUT', 'faults', [{ service: 'codepipeline', resetRate: 1, remaining: 2 }]);
    const r = await env.codepipeline('dev', 'us-east-1', retrying).send(new ListPipelinesCommand({}));
    expect(r.pipelines).toEqual([]);
    expect((await log('ListPipelines')).map((e) => e.errorCode ?? 'ok')).toEqual(['ConnectionReset', 'ConnectionReset', 'ok']);
  });

  it('adds latency, scoped to an account and region', async () => {
    await env.control('PUT', 'faults', [{ service: 'codepipeline', account: '333333333333', region: 'eu-west-1', latencyMs: 150 }]);
    const t0 = Date.now();
    await env.codepipeline('prod', 'eu-west-1').send(new ListPipelinesCommand({}));
    const slow = Date.now() - t0;
    const t1 = Date.now();
    await env.codepipeline('prod', 'us-east-1').send(new ListPipelinesCommand({}));
    const fast = Date.now() - t1;
    expect(slow).toBeGreaterThanOrEqual(150);
    expect(fast).toBeLessThan(150);
  });

  it('denies access for one account and region', async () => {
    await env.control('PUT', 'faults', [{ service: 'codepipeline', account: '222222222222', region: 'ap-southeast-2', denyRate: 1 }]);
    const e = await env
      .codepipeline('staging', 'ap-southeast-2')
      .send(new ListPipelinesCommand({}))
      .catch((err) => err);
    expect(e.name).toBe('AccessDeniedException');
    await env.codepipeline('staging', 'us-east-1').send(new ListPipelinesCommand({}));
  });

  it('fails some keys of a DeleteObjects batch and leaves them in place', async () => {
    const s3 = env.s3('dev', 'us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'partial' }));
    const keys = Array.from({ length: 200 }, (_, i) => `k/${i}`);
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'partial', Key, Body: 'x' }));
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'DeleteObjects', deleteErrorRate: 0.25 }]);
    const r = await s3.send(new DeleteObjectsCommand({ Bucket: 'partial', Delete: { Objects: keys.map((Key) => ({ Key })) } }));
    const failed = (r.Errors ?? []).map((e) => e.Key!);
    expect(failed.length).toBeGreaterThan(10);
    expect(failed.length).toBeLessThan(100);
    expect(r.Errors?.[0].Code).toBe('InternalError');
    expect((r.Deleted ?? []).length + failed.length).toBe(200);
    const left = [...env.sb.s3.buckets.get('partial')!.objects.keys()].sort();
    expect(left).toEqual([...failed].sort());
  });

  it('fault rules are validated', async () => {
    const r = await env.control('PUT', 'faults', [{ service: 'codepipeline', throttleRate: 3 }]);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(/throttleRate/);
  });

  it('decisions depend on what was asked and how often, not on the order calls arrive in', () => {
    const rule = FaultRule.parse({ service: 's3', operation: 'DeleteObjects', errorRate: 0.5, deleteErrorRate: 0.3 });
    const target = { service: 's3', operation: 'DeleteObjects', account: '111111111111', region: 'us-east-1' };
    const batches = Array.from({ length: 40 }, (_, i) => `POST /bucket?delete body-${i}`);
    const outcomes = (order: string[]) => {
      const f = new Faults(7);
      f.set([rule]);
      return new Map(
        order.map((b) => [b, [f.decide(target, () => b).outcome, f.decide(target, () => b).outcome, f.keyFails(0.3, `bucket\u0000${b}\u0000v1`)].join()]),
      );
    };
    const forward = outcomes(batches);
    const backward = outcomes([...batches].reverse());
    for (const b of batches) expect(backward.get(b), b).toBe(forward.get(b));
    // Both outcomes occur, and a retry of the same call rolls again.
    const all = [...forward.values()].join();
    expect(all).toContain('error');
    expect(all).toContain('ok');
    expect([...forward.values()].some((v) => v.split(',')[0] !== v.split(',')[1])).toBe(true);
  });
});
