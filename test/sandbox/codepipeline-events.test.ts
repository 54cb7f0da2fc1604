// The sandbox's CodePipeline emits its EventBridge events at every pipeline,
// stage and action state change: executions driven through the real SDK, the
// events read back from the sandbox's record of what it emitted (and its
// control API), the artifacts they name checked in the sandbox's S3.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CreatePipelineCommand,
  GetPipelineStateCommand,
  PutApprovalResultCommand,
  RetryStageExecutionCommand,
  RollbackStageCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type CodePipelineClient,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { startSandbox } from '../helpers/sandbox';
import { simplePipeline, waitForExecution } from '../helpers/pipelines';
import type { AwsEventEnvelope } from '../../src/sandbox/services/codepipeline/events';

let env: Awaited<ReturnType<typeof startSandbox>>;
let cp: CodePipelineClient;
const BUCKET = 'event-artifacts';
const ACCOUNT = '111111111111';
const USER_ARN = 'arn:aws:iam::111111111111:user/sandbox-user';
const logged: string[] = [];

beforeAll(async () => {
  // 1 s of simulated time = 20 ms.
  env = await startSandbox({
    config: { startOnCreate: false, timeScale: 0.02, durations: { defaultMs: 1000, byProvider: {} } },
    log: (line) => logged.push(line),
  });
  env.sb.s3.createBucket(BUCKET, ACCOUNT, 'us-east-1');
  cp = env.codepipeline();
});
afterAll(() => env.sb.stop());

type Detail = Record<string, unknown> & { state: string; stage?: string; action?: string };
const eventsOf = (executionId: string): AwsEventEnvelope<Detail>[] =>
  env.sb
    .codepipelineEvents()
    .map((r) => r.event as AwsEventEnvelope<Detail>)
    .filter((e) => e.detail['execution-id'] === executionId);

/** One line per event, in emission order: "pipeline STARTED", "stage Build STARTED", "action Build/Build SUCCEEDED". */
const trail = (executionId: string) =>
  eventsOf(executionId).map(({ 'detail-type': type, detail: d }) =>
    type.includes('Pipeline Execution')
      ? `pipeline ${d.state}`
      : type.includes('Stage Execution')
        ? `stage ${d.stage} ${d.state}`
        : `action ${d.stage}/${d.action} ${d.state}`,
  );

const find = (executionId: string, what: string) => {
  const i = trail(executionId).indexOf(what);
  if (i < 0) throw new Error(`no "${what}" among ${trail(executionId).join(', ')}`);
  return eventsOf(executionId)[i];
};

async function create(p: PipelineDeclaration) {
  await cp.send(new CreatePipelineCommand({ pipeline: p }));
}
async function start(name: string) {
  return (await cp.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
}

const RUN = (stage: string, action = stage) => [
  `stage ${stage} STARTED`,
  `action ${stage}/${action} STARTED`,
  `action ${stage}/${action} SUCCEEDED`,
  `stage ${stage} SUCCEEDED`,
];

describe('a run that succeeds', () => {
  it('emits pipeline, stage and action events in order, in AWS envelopes', async () => {
    await create(simplePipeline('events-ok', BUCKET));
    const id = await start('events-ok');
    await waitForExecution(cp, 'events-ok', id, 'Succeeded');

    expect(trail(id)).toEqual(['pipeline STARTED', ...RUN('Source'), ...RUN('Build'), 'pipeline SUCCEEDED']);
    for (const e of eventsOf(id)) {
      expect(e).toMatchObject({
        version: '0',
        source: 'aws.codepipeline',
        account: ACCOUNT,
        region: 'us-east-1',
        resources: [`arn:aws:codepipeline:us-east-1:${ACCOUNT}:events-ok`],
      });
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(e.detail).toMatchObject({ pipeline: 'events-ok', version: 1, 'pipeline-execution-attempt': 1 });
      expect(e.detail['start-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(find(id, 'pipeline STARTED').detail['execution-trigger']).toEqual({ 'trigger-type': 'StartPipelineExecution', 'trigger-detail': USER_ARN });
    expect(find(id, 'pipeline SUCCEEDED').detail['execution-trigger']).toBeUndefined();
  });

  it("names each action's type, its input and output artifacts where S3 holds them, and its result", async () => {
    const [id] = await runToEnd('events-artifacts');
    const source = find(id, 'action Source/Source SUCCEEDED').detail;
    const build = find(id, 'action Build/Build SUCCEEDED').detail;
    expect(source.type).toEqual({ owner: 'AWS', provider: 'CodeCommit', category: 'Source', version: '1' });
    expect(build.type).toEqual({ owner: 'AWS', provider: 'CodeBuild', category: 'Build', version: '1' });
    expect(build.region).toBe('us-east-1');
    expect(build['action-execution-id']).toMatch(/^[0-9a-f-]{36}$/);

    const outputs = [...(source['output-artifacts'] as Out[]), ...(build['output-artifacts'] as Out[])];
    expect(outputs.map((o) => o.name)).toEqual(['SourceArtifact', 'BuildArtifact']);
    for (const { s3location } of outputs) {
      expect(s3location.bucket).toBe(BUCKET);
      const head = await env.s3().send(new HeadObjectCommand({ Bucket: s3location.bucket, Key: s3location.key }));
      expect(head.ContentLength).toBeGreaterThan(0);
    }
    // The build read what the source wrote; inputs show on STARTED, outputs on SUCCEEDED.
    expect(find(id, 'action Build/Build STARTED').detail['input-artifacts']).toEqual([outputs[0]]);
    expect(find(id, 'action Build/Build STARTED').detail['output-artifacts']).toBeUndefined();
    expect(build['input-artifacts']).toBeUndefined();

    const result = build['execution-result'] as Record<string, string>;
    expect(result['external-execution-id']).toMatch(/^[0-9a-f]{12}$/);
    expect(result['external-execution-url']).toContain('/codebuild/projects/proj/build/');
    expect(result['external-execution-summary']).toBe('CodeBuild succeeded');
    expect(find(id, 'action Build/Build STARTED').detail['execution-result']).toBeUndefined();
  });
});

type Out = { name: string; s3location: { bucket: string; key: string } };
async function runToEnd(name: string, status = 'Succeeded') {
  await create(simplePipeline(name, BUCKET));
  const id = await start(name);
  return [id, await waitForExecution(cp, name, id, status)] as const;
}

describe('failure and retry', () => {
  it('a failed action fails its stage and the execution; a retry resumes both, as attempt 2', async () => {
    await env.control('POST', 'failures', { pipeline: 'events-flaky', stage: 'Build', action: 'Build', mode: 'once' });
    const [id] = await runToEnd('events-flaky', 'Failed');
    expect(trail(id)).toEqual([
      'pipeline STARTED',
      ...RUN('Source'),
      'stage Build STARTED',
      'action Build/Build STARTED',
      'action Build/Build FAILED',
      'stage Build FAILED',
      'pipeline FAILED',
    ]);
    expect(find(id, 'action Build/Build FAILED').detail['execution-result']).toEqual({
      'external-execution-summary': 'Injected failure of Build.',
      'error-code': 'JobFailed',
    });
    expect(find(id, 'action Build/Build FAILED').detail['output-artifacts']).toBeUndefined();

    const before = trail(id).length;
    await cp.send(new RetryStageExecutionCommand({ pipelineName: 'events-flaky', stageName: 'Build', pipelineExecutionId: id, retryMode: 'FAILED_ACTIONS' }));
    await waitForExecution(cp, 'events-flaky', id, 'Succeeded');
    expect(trail(id).slice(before)).toEqual([
      'pipeline RESUMED',
      'stage Build RESUMED',
      'action Build/Build STARTED',
      'action Build/Build SUCCEEDED',
      'stage Build SUCCEEDED',
      'pipeline SUCCEEDED',
    ]);
    const after = eventsOf(id).slice(before);
    expect(after.map((e) => e.detail['pipeline-execution-attempt'])).toEqual([2, 2, 2, 2, 2, 2]);
    const resumed = find(id, 'stage Build RESUMED').detail;
    expect(resumed['stage-last-retry-attempt-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(resumed['start-time']).toBeUndefined();
    expect(
      after
        .filter((e) => e['detail-type'].includes('Stage'))
        .every((e) => e.detail['stage-last-retry-attempt-time'] === resumed['stage-last-retry-attempt-time']),
    ).toBe(true);
  });
});

describe('stop', () => {
  const inBuild = (name: string) =>
    vi.waitFor(async () => {
      const s = await cp.send(new GetPipelineStateCommand({ name }));
      if (s.stageStates?.[1].actionStates?.[0].latestExecution?.status !== 'InProgress') throw new Error('not building');
    });

  it('with abandon: STOPPING, the running action ABANDONED, then STOPPED', async () => {
    env.sb.config.durations.byAction['events-stop/Build/Build'] = 20_000; // 400 ms
    await create(simplePipeline('events-stop', BUCKET));
    const id = await start('events-stop');
    await inBuild('events-stop');
    await cp.send(new StopPipelineExecutionCommand({ pipelineName: 'events-stop', pipelineExecutionId: id, abandon: true, reason: 'wrong commit' }));
    await waitForExecution(cp, 'events-stop', id, 'Stopped');
    expect(trail(id)).toEqual([
      'pipeline STARTED',
      ...RUN('Source'),
      'stage Build STARTED',
      'action Build/Build STARTED',
      'pipeline STOPPING',
      'stage Build STOPPING',
      'action Build/Build ABANDONED',
      'stage Build STOPPED',
      'pipeline STOPPED',
    ]);
    expect(find(id, 'pipeline STOPPING').detail['stop-execution-comments']).toBe('wrong commit');
  });

  it('without abandon: the running action finishes before STOPPED', async () => {
    const id = await start('events-stop');
    await inBuild('events-stop');
    await cp.send(new StopPipelineExecutionCommand({ pipelineName: 'events-stop', pipelineExecutionId: id, abandon: false, reason: 'finish first' }));
    await waitForExecution(cp, 'events-stop', id, 'Stopped');
    expect(trail(id).slice(-5)).toEqual([
      'pipeline STOPPING',
      'stage Build STOPPING',
      'action Build/Build SUCCEEDED',
      'stage Build STOPPED',
      'pipeline STOPPED',
    ]);
  });
});

describe('superseded', () => {
  it('an execution replaced while it waited for a stage ends SUPERSEDED, with no event for the stage it never entered', async () => {
    const p = simplePipeline('events-superseded', BUCKET);
    p.stages![1].actions![0].outputArtifacts = [];
    env.sb.config.durations.byAction['events-superseded/Build/Build'] = 10_000; // 200 ms
    env.sb.config.durations.byAction['events-superseded/Source/Source'] = 100; // 2 ms
    await create(p);
    const first = await start('events-superseded');
    await vi.waitFor(async () => {
      const s = await cp.send(new GetPipelineStateCommand({ name: 'events-superseded' }));
      expect(s.stageStates?.[1].latestExecution?.pipelineExecutionId).toBe(first);
    });
    const second = await start('events-superseded');
    await vi.waitFor(async () => {
      const s = await cp.send(new GetPipelineStateCommand({ name: 'events-superseded' }));
      expect(s.stageStates?.[1].inboundExecution?.pipelineExecutionId).toBe(second);
    });
    const third = await start('events-superseded');
    await waitForExecution(cp, 'events-superseded', second, 'Superseded');
    await waitForExecution(cp, 'events-superseded', third, 'Succeeded');
    expect(trail(second)).toEqual(['pipeline STARTED', ...RUN('Source'), 'pipeline SUPERSEDED']);
    expect(trail(third).at(-1)).toBe('pipeline SUCCEEDED');
  });
});

describe('approvals', () => {
  const withApproval = (name: string) => {
    const p = simplePipeline(name, BUCKET);
    p.stages!.push({ name: 'Approve', actions: [{ name: 'Gate', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] });
    return p;
  };
  async function answer(name: string, status: 'Approved' | 'Rejected', summary: string) {
    const token = await vi.waitFor(async () => {
      const s = await cp.send(new GetPipelineStateCommand({ name }));
      const t = s.stageStates?.[2].actionStates?.[0].latestExecution?.token;
      if (!t) throw new Error('no token yet');
      return t;
    });
    await cp.send(new PutApprovalResultCommand({ pipelineName: name, stageName: 'Approve', actionName: 'Gate', token, result: { status, summary } }));
  }

  it('approved: the approval action SUCCEEDED', async () => {
    await create(withApproval('events-approve'));
    const id = await start('events-approve');
    await answer('events-approve', 'Approved', 'LGTM');
    await waitForExecution(cp, 'events-approve', id, 'Succeeded');
    expect(trail(id).slice(-5)).toEqual([...RUN('Approve', 'Gate'), 'pipeline SUCCEEDED']);
    expect(find(id, 'action Approve/Gate SUCCEEDED').detail.type).toEqual({ owner: 'AWS', provider: 'Manual', category: 'Approval', version: '1' });
  });

  it('rejected: the approval action FAILED, then its stage and the execution', async () => {
    await create(withApproval('events-reject'));
    const id = await start('events-reject');
    await answer('events-reject', 'Rejected', 'Not today');
    await waitForExecution(cp, 'events-reject', id, 'Failed');
    expect(trail(id).slice(-5)).toEqual([
      'stage Approve STARTED',
      'action Approve/Gate STARTED',
      'action Approve/Gate FAILED',
      'stage Approve FAILED',
      'pipeline FAILED',
    ]);
    expect(find(id, 'action Approve/Gate FAILED').detail['execution-result']).toEqual({
      'external-execution-summary': 'Rejected: Not today',
      'error-code': 'Rejected',
    });
  });
});

describe('rollback', () => {
  it('a rollback is an execution of its own, started by ManualRollback, running the one stage', async () => {
    const [good] = await runToEnd('events-rollback');
    await start('events-rollback').then((id) => waitForExecution(cp, 'events-rollback', id, 'Succeeded'));
    const { pipelineExecutionId: id } = await cp.send(
      new RollbackStageCommand({ pipelineName: 'events-rollback', stageName: 'Build', targetPipelineExecutionId: good }),
    );
    await waitForExecution(cp, 'events-rollback', id!, 'Succeeded');
    expect(trail(id!)).toEqual(['pipeline STARTED', ...RUN('Build'), 'pipeline SUCCEEDED']);
    expect(find(id!, 'pipeline STARTED').detail['execution-trigger']).toEqual({ 'trigger-type': 'ManualRollback', 'trigger-detail': USER_ARN });
  });
});

describe('the record', () => {
  it('every event id is unique, every time at second resolution', () => {
    const all = env.sb.codepipelineEvents();
    expect(all.length).toBeGreaterThan(50);
    expect(new Set(all.map((r) => r.event.id)).size).toBe(all.length);
    expect(all.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(r.event.time))).toBe(true);
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
  });

  it('the control API reads it from a seq on', async () => {
    const all = env.sb.codepipelineEvents();
    const since = all[all.length - 3].seq;
    const r = await env.control('GET', `codepipeline-events?since=${since}`);
    expect(r.status).toBe(200);
    expect((r.body.events as Array<{ seq: number }>).map((e) => e.seq)).toEqual(all.slice(-2).map((e) => e.seq));
    expect(r.body.last).toBe(all[all.length - 1].seq);
  });

  it('a sink that throws is logged, and the execution runs on', async () => {
    const spy = vi.spyOn(env.sb.codepipelineEventLog, 'record').mockImplementation(() => {
      throw new Error('bus down');
    });
    try {
      const [, done] = await runToEnd('events-broken-sink');
      expect(done.status).toBe('Succeeded');
      expect(spy).toHaveBeenCalledTimes(10);
      expect(logged.filter((l) => l.includes('events-broken-sink') && l.includes('bus down'))).toHaveLength(10);
    } finally {
      spy.mockRestore();
    }
  });
});
