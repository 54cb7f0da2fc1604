// The demo's history as the real SDK reads it: a month of executions per
// pipeline, minutes long, failures with error details, a rollback, a stopped and
// a superseded run, approvals waiting; and new runs at a pace a person can watch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  paginateListPipelineExecutions,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { paginateObjectVersions } from '../../src/main/aws/s3-versions';
import { createHash } from 'node:crypto';
import { startSandbox } from '../helpers/sandbox';
import { SandboxConfig } from '../../src/sandbox/config';

let env: Awaited<ReturnType<typeof startSandbox>>;
const DAY = 86_400_000;

beforeAll(async () => {
  env = await startSandbox({ seed: 'demo' });
}, 60_000);
afterAll(() => env?.sb.stop());

async function history(account: 'dev' | 'staging' | 'prod', region: string, name: string): Promise<PipelineExecutionSummary[]> {
  const all: PipelineExecutionSummary[] = [];
  for await (const page of paginateListPipelineExecutions({ client: env.codepipeline(account, region) }, { pipelineName: name }))
    all.push(...(page.pipelineExecutionSummaries ?? []));
  return all;
}

describe('the demo history', () => {
  it('covers about 30 days per pipeline, newest first, with runs minutes long', async () => {
    for (const [account, region, name] of [
      ['dev', 'us-east-1', 'web-frontend'],
      ['staging', 'us-east-1', 'orders-service'],
      ['prod', 'ap-southeast-2', 'apac-search'],
    ] as const) {
      const runs = await history(account, region, name);
      expect(runs.length).toBeGreaterThanOrEqual(15);
      const times = runs.map((r) => r.startTime!.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(Date.now() - times.at(-1)!).toBeGreaterThan(25 * DAY);
      expect(Date.now() - times.at(-1)!).toBeLessThan(31 * DAY);
      const took = runs.filter((r) => r.status === 'Succeeded').map((r) => r.lastUpdateTime!.getTime() - r.startTime!.getTime());
      // Minutes, not milliseconds.
      expect(Math.min(...took)).toBeGreaterThan(60_000);
      expect(Math.max(...took)).toBeLessThan(4 * 60 * 60_000);
    }
  });

  it('has failures with error details, a stopped and a superseded run, and rollbacks in V2 pipelines', async () => {
    const runs = await history('staging', 'us-east-1', 'orders-service'); // V2
    const statuses = new Set(runs.map((r) => r.status));
    for (const s of ['Succeeded', 'Failed', 'Stopped', 'Superseded']) expect(statuses).toContain(s);
    const rollback = runs.find((r) => r.executionType === 'ROLLBACK');
    expect(rollback?.rollbackMetadata?.rollbackTargetPipelineExecutionId).toBeDefined();
    const target = runs.find((r) => r.pipelineExecutionId === rollback!.rollbackMetadata!.rollbackTargetPipelineExecutionId)!;
    expect(target.status).toBe('Succeeded');
    expect(target.startTime!.getTime()).toBeLessThan(rollback!.startTime!.getTime());
    const failed = runs.find((r) => r.status === 'Failed')!;
    const details = await env
      .codepipeline('staging')
      .send(new ListActionExecutionsCommand({ pipelineName: 'orders-service', filter: { pipelineExecutionId: failed.pipelineExecutionId } }));
    const failing = details.actionExecutionDetails!.find((a) => a.status === 'Failed')!;
    expect(failing.output?.executionResult?.errorDetails?.message ?? '').toMatch(/\w+/);
    expect(runs.find((r) => r.status === 'Stopped')?.stopTrigger?.reason).toMatch(/Wrong branch/);
  });

  it('apac-search failed last, with the failed action and its error in its state; approvals wait in staging and prod', async () => {
    const state = await env.codepipeline('prod', 'ap-southeast-2').send(new GetPipelineStateCommand({ name: 'apac-search' }));
    const failed = state.stageStates!.flatMap((s) => s.actionStates ?? []).find((a) => a.latestExecution?.status === 'Failed');
    expect(failed?.latestExecution?.errorDetails?.message).toMatch(/Injected failure/);
    for (const account of ['staging', 'prod'] as const) {
      const s = await env.codepipeline(account).send(new GetPipelineStateCommand({ name: 'web-frontend' }));
      const approval = s.stageStates!.flatMap((x) => x.actionStates ?? []).find((a) => a.latestExecution?.token);
      expect(approval?.latestExecution?.status).toBe('InProgress');
      // Waiting for a while, not since this instant.
      expect(Date.now() - approval!.latestExecution!.lastStatusChange!.getTime()).toBeGreaterThan(60_000);
    }
  });

  it('new runs take one to three minutes at time scale 1', () => {
    const d = SandboxConfig.parse({}).durations;
    const webFrontend = [d.byProvider.CodeStarSourceConnection, Math.max(d.byProvider.CodeBuild, d.byProvider.CodeBuild), d.byProvider.S3];
    const total = webFrontend.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(60_000);
    expect(total).toBeLessThanOrEqual(180_000);
  });
});

describe('the demo artifacts', () => {
  it('are believably large (sizes declared, not stored): tens of GB, a huge orphan, the same bytes on every read, little memory', async () => {
    let bytes = 0;
    let stored = 0;
    for (const b of env.sb.s3.buckets.values())
      for (const stack of b.objects.values())
        for (const v of stack) {
          bytes += v.size;
          stored += v.body.length;
        }
    expect(bytes).toBeGreaterThan(20 * 1024 ** 3);
    expect(stored).toBeLessThan(2 * 1024 ** 2);

    // Through the SDK: the listing's sizes, and a GET of a declared object streams all of it, identically twice.
    const s3 = env.s3('dev', 'us-east-1');
    let orphanBytes = 0;
    let biggest: { Key?: string; VersionId?: string; Size?: number } = {};
    for await (const page of paginateObjectVersions(s3, { Bucket: 'codepipeline-us-east-1-111111111111', Prefix: 'legacy-monolith-pipe/' }))
      for (const v of page.Versions ?? []) {
        orphanBytes += v.Size ?? 0;
        if ((v.Size ?? 0) > (biggest.Size ?? 0)) biggest = v;
      }
    expect(orphanBytes).toBeGreaterThan(10 * 1024 ** 3);
    const digest = async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'codepipeline-us-east-1-111111111111', Key: biggest.Key, VersionId: biggest.VersionId }));
      expect(got.ContentLength).toBe(biggest.Size);
      const h = createHash('sha256');
      let n = 0;
      for await (const chunk of got.Body as AsyncIterable<Buffer>) {
        h.update(chunk);
        n += chunk.length;
      }
      expect(n).toBe(biggest.Size);
      return h.digest('hex');
    };
    expect(await digest()).toBe(await digest());
  }, 120_000);
});
