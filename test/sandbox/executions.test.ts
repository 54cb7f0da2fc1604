// Execution semantics of the simulator, observed through the real SDK:
// runOrder parallelism, the three execution modes, approvals, transitions,
// retry after an injected failure, stop, and the artifact key layout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApprovalAlreadyCompletedException,
  CreatePipelineCommand,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineStateCommand,
  InvalidApprovalTokenException,
  ListActionExecutionsCommand,
  PutApprovalResultCommand,
  RetryStageExecutionCommand,
  StageNotRetryableException,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type ActionDeclaration,
  type CodePipelineClient,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { vi } from 'vitest';
import { startSandbox } from '../helpers/sandbox';
import { simplePipeline, waitForExecution } from '../helpers/pipelines';

let env: Awaited<ReturnType<typeof startSandbox>>;
let cp: CodePipelineClient;
const BUCKET = 'exec-artifacts';

beforeAll(async () => {
  // 1 s of simulated time = 20 ms.
  env = await startSandbox({ config: { startOnCreate: false, timeScale: 0.02, durations: { defaultMs: 1000, byProvider: {} } } });
  env.sb.s3.createBucket(BUCKET, '111111111111', 'us-east-1');
  cp = env.codepipeline();
});
afterAll(() => env.sb.stop());

const build = (name: string, runOrder: number, input = 'SourceArtifact'): ActionDeclaration => ({
  name,
  runOrder,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  configuration: { ProjectName: name },
  inputArtifacts: [{ name: input }],
});

async function create(p: PipelineDeclaration) {
  await cp.send(new CreatePipelineCommand({ pipeline: p }));
}
async function start(name: string) {
  return (await cp.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
}
async function actionRuns(pipelineName: string, pipelineExecutionId: string) {
  const r = await cp.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId } }));
  return r.actionExecutionDetails ?? [];
}

describe('stages and runOrder', () => {
  it('runs equal runOrder in parallel and a higher runOrder after', async () => {
    const p = simplePipeline('parallel-actions', BUCKET);
    p.stages![1].actions = [build('A', 1), build('B', 1), build('C', 2)];
    p.stages![1].actions[0].outputArtifacts = [{ name: 'Out' }];
    await create(p);
    const id = await start('parallel-actions');
    await waitForExecution(cp, 'parallel-actions', id, 'Succeeded');
    const runs = Object.fromEntries((await actionRuns('parallel-actions', id)).map((a) => [a.actionName, a]));
    const t = (n: string, k: 'startTime' | 'lastUpdateTime') => runs[n][k]!.getTime();
    // A and B overlap; C starts after both ended; Build starts after Source ended.
    expect(t('B', 'startTime')).toBeLessThan(t('A', 'lastUpdateTime'));
    expect(t('A', 'startTime')).toBeLessThan(t('B', 'lastUpdateTime'));
    expect(t('C', 'startTime')).toBeGreaterThanOrEqual(Math.max(t('A', 'lastUpdateTime'), t('B', 'lastUpdateTime')));
    expect(t('A', 'startTime')).toBeGreaterThanOrEqual(t('Source', 'lastUpdateTime'));
  });

  it('writes every output artifact with the 20/10/7 key layout, .zip for sources', async () => {
    const name = 'a-very-long-pipeline-name-for-keys';
    const p = simplePipeline(name, BUCKET);
    p.stages![1].actions![0].outputArtifacts = [{ name: 'CompiledApplication' }];
    await create(p);
    const id = await start(name);
    await waitForExecution(cp, name, id, 'Succeeded');
    const listed = await env.s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'a-very-long-pipeline' }));
    const keys = listed.Contents?.map((o) => o.Key) ?? [];
    expect(keys).toHaveLength(2);
    expect(keys.some((k) => /^a-very-long-pipeline\/SourceArti\/[A-Za-z0-9]{7}\.zip$/.test(k!))).toBe(true);
    expect(keys.some((k) => /^a-very-long-pipeline\/CompiledAp\/[A-Za-z0-9]{7}$/.test(k!))).toBe(true);
  });
});

describe('execution modes', () => {
  function slowBuild(name: string, mode?: 'QUEUED' | 'PARALLEL'): PipelineDeclaration {
    const p = simplePipeline(name, BUCKET, mode ? { pipelineType: 'V2', executionMode: mode } : {});
    p.stages![1].actions![0].outputArtifacts = [];
    env.sb.config.durations.byAction[`${name}/Build/Build`] = 10_000; // 200 ms
    env.sb.config.durations.byAction[`${name}/Source/Source`] = 100; // 2 ms
    return p;
  }

  it('SUPERSEDED: a newer execution replaces an older one waiting for the same stage', async () => {
    await create(slowBuild('superseded'));
    const first = await start('superseded');
    await vi.waitFor(async () => {
      const s = await cp.send(new GetPipelineStateCommand({ name: 'superseded' }));
      expect(s.stageStates?.[1].latestExecution?.pipelineExecutionId).toBe(first);
    });
    const second = await start('superseded');
    await vi.waitFor(async () => {
      const s = await cp.send(new GetPipelineStateCommand({ name: 'superseded' }));
      expect(s.stageStates?.[1].inboundExecution?.pipelineExecutionId).toBe(second);
    });
    const third = await start('superseded');
    await waitForExecution(cp, 'superseded', second, 'Superseded');
    await waitForExecution(cp, 'superseded', first, 'Succeeded');
    await waitForExecution(cp, 'superseded', third, 'Succeeded');
  });

  it('QUEUED: executions wait their turn and all complete, in order', async () => {
    await create(slowBuild('queued', 'QUEUED'));
    const ids = [await start('queued'), await start('queued'), await start('queued')];
    const done = await Promise.all(ids.map((id) => waitForExecution(cp, 'queued', id, 'Succeeded')));
    expect(done.every((e) => e.executionMode === 'QUEUED')).toBe(true);
    const builds = await Promise.all(ids.map(async (id) => (await actionRuns('queued', id)).find((a) => a.actionName === 'Build')!));
    for (let i = 1; i < builds.length; i++) expect(builds[i].startTime!.getTime()).toBeGreaterThanOrEqual(builds[i - 1].lastUpdateTime!.getTime());
  });

  it('PARALLEL: executions run side by side', async () => {
    await create(slowBuild('parallel', 'PARALLEL'));
    const ids = [await start('parallel'), await start('parallel')];
    await Promise.all(ids.map((id) => waitForExecution(cp, 'parallel', id, 'Succeeded')));
    const [a, b] = await Promise.all(ids.map(async (id) => (await actionRuns('parallel', id)).find((x) => x.actionName === 'Build')!));
    expect(b.startTime!.getTime()).toBeLessThan(a.lastUpdateTime!.getTime());
  });
});

describe('approvals', () => {
  const withApproval = (name: string, timeoutInMinutes?: number) => {
    const p = simplePipeline(name, BUCKET);
    p.stages!.push({
      name: 'Approve',
      actions: [
        {
          name: 'Gate',
          actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
          ...(timeoutInMinutes ? { timeoutInMinutes } : {}),
        },
      ],
    });
    return p;
  };
  async function pendingToken(name: string) {
    return vi.waitFor(async () => {
      const s = await cp.send(new GetPipelineStateCommand({ name }));
      const token = s.stageStates?.[2].actionStates?.[0].latestExecution?.token;
      if (!token) throw new Error('no token yet');
      return token;
    });
  }

  it('waits for PutApprovalResult; checks the token; refuses a second answer', async () => {
    await create(withApproval('approve-me'));
    const id = await start('approve-me');
    const token = await pendingToken('approve-me');
    const put = (t: string) =>
      cp.send(
        new PutApprovalResultCommand({
          pipelineName: 'approve-me',
          stageName: 'Approve',
          actionName: 'Gate',
          token: t,
          result: { status: 'Approved', summary: 'LGTM' },
        }),
      );
    await expect(put('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(InvalidApprovalTokenException);
    const r = await put(token);
    expect(r.approvedAt).toBeInstanceOf(Date);
    await waitForExecution(cp, 'approve-me', id, 'Succeeded');
    await expect(put(token)).rejects.toBeInstanceOf(ApprovalAlreadyCompletedException);
  });

  it('a rejection fails the execution', async () => {
    await create(withApproval('reject-me'));
    const id = await start('reject-me');
    const token = await pendingToken('reject-me');
    await cp.send(
      new PutApprovalResultCommand({
        pipelineName: 'reject-me',
        stageName: 'Approve',
        actionName: 'Gate',
        token,
        result: { status: 'Rejected', summary: 'Not today' },
      }),
    );
    const e = await waitForExecution(cp, 'reject-me', id, 'Failed');
    expect(e.status).toBe('Failed');
  });

  it('times out', async () => {
    await create(withApproval('time-out', 5)); // the minimum, 5 minutes: shrink time further for this one
    env.sb.setTimeScale(0.0001);
    try {
      const id = await start('time-out');
      await waitForExecution(cp, 'time-out', id, 'Failed');
    } finally {
      env.sb.setTimeScale(0.02);
    }
  });
});

describe('transitions, retry and stop', () => {
  it('a disabled transition holds executions until it is enabled', async () => {
    await create(simplePipeline('held', BUCKET));
    await cp.send(new DisableStageTransitionCommand({ pipelineName: 'held', stageName: 'Build', transitionType: 'Inbound', reason: 'Freeze' }));
    const id = await start('held');
    const state = await vi.waitFor(async () => {
      const s = await cp.send(new GetPipelineStateCommand({ name: 'held' }));
      if (!s.stageStates?.[1].inboundExecution) throw new Error('not waiting yet');
      return s;
    });
    expect(state.stageStates?.[1].inboundTransitionState).toMatchObject({ enabled: false, disabledReason: 'Freeze' });
    // Once nothing moves by itself, the run must still be held before Build.
    await env.sb.executor.settled();
    expect((await cp.send(new GetPipelineStateCommand({ name: 'held' }))).stageStates?.[1].latestExecution).toBeUndefined();
    await cp.send(new EnableStageTransitionCommand({ pipelineName: 'held', stageName: 'Build', transitionType: 'Inbound' }));
    await waitForExecution(cp, 'held', id, 'Succeeded');
  });

  it('retries a stage after an injected failure (fail once)', async () => {
    await create(simplePipeline('flaky', BUCKET));
    await env.control('POST', 'failures', { pipeline: 'flaky', stage: 'Build', action: 'Build', mode: 'once' });
    const id = await start('flaky');
    await waitForExecution(cp, 'flaky', id, 'Failed');
    const state = await cp.send(new GetPipelineStateCommand({ name: 'flaky' }));
    expect(state.stageStates?.[1].actionStates?.[0].latestExecution?.errorDetails?.message).toMatch(/Injected failure/);
    await expect(
      cp.send(new RetryStageExecutionCommand({ pipelineName: 'flaky', stageName: 'Source', pipelineExecutionId: id, retryMode: 'FAILED_ACTIONS' })),
    ).rejects.toBeInstanceOf(StageNotRetryableException);
    await cp.send(new RetryStageExecutionCommand({ pipelineName: 'flaky', stageName: 'Build', pipelineExecutionId: id, retryMode: 'FAILED_ACTIONS' }));
    await waitForExecution(cp, 'flaky', id, 'Succeeded');
    const runs = await actionRuns('flaky', id);
    expect(
      runs
        .filter((r) => r.actionName === 'Build')
        .map((r) => r.status)
        .sort(),
    ).toEqual(['Failed', 'Succeeded']);
    expect(runs.filter((r) => r.actionName === 'Source')).toHaveLength(1);
  });

  it('fails always, and after N seconds', async () => {
    await create(simplePipeline('always-bad', BUCKET));
    await env.control('POST', 'failures', { pipeline: 'always-bad', stage: 'Build', action: 'Build', mode: 'after', seconds: 2 });
    const id = await start('always-bad');
    await waitForExecution(cp, 'always-bad', id, 'Failed');
    await cp.send(new RetryStageExecutionCommand({ pipelineName: 'always-bad', stageName: 'Build', pipelineExecutionId: id, retryMode: 'ALL_ACTIONS' }));
    await waitForExecution(cp, 'always-bad', id, 'Failed');
  });

  it('stops with abandon at once, and without abandon after the running action', async () => {
    const p = simplePipeline('stoppable', BUCKET);
    env.sb.config.durations.byAction['stoppable/Build/Build'] = 20_000; // 400 ms
    await create(p);
    const inBuild = async () =>
      vi.waitFor(async () => {
        const s = await cp.send(new GetPipelineStateCommand({ name: 'stoppable' }));
        if (s.stageStates?.[1].actionStates?.[0].latestExecution?.status !== 'InProgress') throw new Error('not building');
      });
    const a = await start('stoppable');
    await inBuild();
    await cp.send(new StopPipelineExecutionCommand({ pipelineName: 'stoppable', pipelineExecutionId: a, abandon: true, reason: 'abort' }));
    const stopped = await waitForExecution(cp, 'stoppable', a, 'Stopped');
    expect(stopped.status).toBe('Stopped');
    expect((await actionRuns('stoppable', a)).find((r) => r.actionName === 'Build')?.status).toBe('Abandoned');

    const b = await start('stoppable');
    await inBuild();
    await cp.send(new StopPipelineExecutionCommand({ pipelineName: 'stoppable', pipelineExecutionId: b, abandon: false, reason: 'finish first' }));
    await waitForExecution(cp, 'stoppable', b, 'Stopping', 2000);
    await waitForExecution(cp, 'stoppable', b, 'Stopped');
    expect((await actionRuns('stoppable', b)).find((r) => r.actionName === 'Build')?.status).toBe('Succeeded');
  });

  it('a missing artifact bucket fails the action with a clear message', async () => {
    await create(simplePipeline('no-bucket', 'bucket-that-does-not-exist'));
    const id = await start('no-bucket');
    await waitForExecution(cp, 'no-bucket', id, 'Failed');
    const runs = await actionRuns('no-bucket', id);
    expect(runs[0].output?.executionResult?.errorDetails?.message ?? '').toMatch(/does not exist/);
  });
});

describe('the demo seed', () => {
  it('plants the cases the other features need', async () => {
    const demo = await startSandbox({ seed: 'demo' });
    try {
      const snap = demo.sb.snapshot();
      expect(snap.pipelines.length).toBeGreaterThanOrEqual(15);
      const accounts = new Set(snap.pipelines.map((p) => p.account));
      const regions = new Set(snap.pipelines.map((p) => p.region));
      expect(accounts.size).toBe(3);
      expect(regions.size).toBe(3);
      const names = snap.pipelines.map((p) => p.name);
      expect(names.filter((n) => n.startsWith('payments-service-api-')).map((n) => n.slice(0, 20))).toEqual(['payments-service-api', 'payments-service-api']);
      expect(names).not.toContain('legacy-monolith-pipeline');
      const statuses = snap.pipelines.flatMap((p) => p.executions.map((e) => e.status));
      expect(statuses).toContain('Failed');
      expect(statuses).toContain('InProgress'); // waiting at an approval
      const devBucket = snap.buckets.find((b) => b.name === 'codepipeline-us-east-1-111111111111')!;
      expect(devBucket.versioning).toBe('Enabled');
      expect(devBucket.deleteMarkers).toBeGreaterThan(0);
      expect(devBucket.versions).toBeGreaterThan(devBucket.keys - devBucket.deleteMarkers);
      const devKeys = [...demo.sb.s3.buckets.get(devBucket.name)!.objects.keys()];
      expect(devKeys.some((k) => k.startsWith('legacy-monolith-pipe/'))).toBe(true); // orphans
      expect(devKeys.some((k) => k.startsWith('web-frontend/OldBuildOu/'))).toBe(true); // stale folder
      const shared = [...demo.sb.s3.buckets.get('acme-staging-shared-artifacts')!.objects.keys()];
      expect(shared).toContain('reports/2024/summary.csv');
      expect(snap.buckets.find((b) => b.name === 'codepipeline-eu-west-1-5f3c9a12b7')!.keys).toBeGreaterThan(0);
      const global = demo.sb.tables.table('333333333333', 'us-east-1').get('global-api')!;
      expect(Object.keys(global.versions[0].artifactStores ?? {})).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    } finally {
      await demo.sb.stop();
    }
  });
});
