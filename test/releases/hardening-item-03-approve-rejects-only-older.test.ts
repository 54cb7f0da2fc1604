// Issue 23, item 3: a promotion's Approve rejected every other approval waiting in the
// pipeline. That included a newer run waiting at an earlier stage the promotion had
// already passed, which the log then called "the older execution". Now it rejects only
// what CodePipeline's docs describe as superseded: an OLDER execution holding a stage the
// promotion still needs. Anything else is left alone and named in the log.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServices } from '../helpers/services';
import { parseReleaseFile, type ReleaseFile } from '../../src/shared/releases/release-file';
import { answersFor } from '../../src/shared/releases/promotion';
import { confirm } from '../../src/shared/safety/confirmation';
import type { Promotion } from '../../src/shared/api/releases';

let h: Awaited<ReturnType<typeof startServices>>;
const DEV = '111111111111';
const PIPELINE = 'two-gates';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the sandbox's JSON, read loosely as tests read it
const cp = (target: string, body: unknown): Record<string, any> => {
  const res = h.sb.invoke('codepipeline', DEV, 'us-east-1', { target, body });
  if (res.status !== 200) throw new Error(`${target}: ${String(res.body)}`);
  return JSON.parse(String(res.body)) as Record<string, unknown>;
};

const manual = (name: string) => ({
  name,
  actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
  runOrder: 1,
  configuration: {},
});

function release(): ReleaseFile {
  const r = parseReleaseFile(
    JSON.stringify({
      version: 1,
      application: 'two-gates',
      environments: [{ name: 'dev', targets: [{ profile: 'sandbox-dev', region: 'us-east-1', pipeline: PIPELINE }] }],
    }),
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.release;
}

/** Waits until `executionId` waits for approval at `stage`; returns the approval's token. */
async function waitingAt(executionId: string, stage: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = cp('GetPipelineState', { name: PIPELINE }).stageStates.find((x: { stageName: string }) => x.stageName === stage);
    const a = s?.actionStates?.[0];
    if (s?.latestExecution?.pipelineExecutionId === executionId && a?.latestExecution?.status === 'InProgress' && a.latestExecution.token)
      return a.latestExecution.token as string;
    if (Date.now() > deadline) throw new Error(`${executionId} never waited at ${stage}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const answer = async (executionId: string, stage: string, status: 'Approved' | 'Rejected') =>
  cp('PutApprovalResult', {
    pipelineName: PIPELINE,
    stageName: stage,
    actionName: stage,
    result: { status, summary: 'by the test' },
    token: await waitingAt(executionId, stage),
  });

const startRun = () => cp('StartPipelineExecution', { name: PIPELINE }).pipelineExecutionId as string;

async function promote(): Promise<Promotion> {
  const out = await h.releases.promote(release(), 'dev', { confirmed: false, allowUnpinned: true });
  if (out.kind !== 'started') throw new Error('blocked');
  return out.promotion;
}

const confirmed = (p: Promotion) => confirm(h.releases.approvalRequest(p), { words: [''] });
const logOf = async (p: Promotion) => (await h.releases.store.history('two-gates')).filter((e) => e.promotionId === p.id);

beforeAll(async () => {
  h = await startServices({ seed: 'demo', releases: { pollMs: 50 }, executions: { budget: { ratePerSec: 200, burst: 200 } } });
  // Two approvals in a row, as pipelines that gate a review and a release have: Source, Review, Build, Release, Deploy.
  // Created without a first run: each test starts the runs it needs.
  h.sb.config.startOnCreate = false;
  cp('CreatePipeline', {
    pipeline: {
      name: PIPELINE,
      roleArn: `arn:aws:iam::${DEV}:role/service-role/AWSCodePipelineServiceRole`,
      artifactStore: { type: 'S3', location: `codepipeline-us-east-1-${DEV}` },
      pipelineType: 'V2',
      executionMode: 'SUPERSEDED',
      stages: [
        {
          name: 'Source',
          actions: [
            {
              name: 'Source',
              actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
              runOrder: 1,
              configuration: { RepositoryName: PIPELINE, BranchName: 'main' },
              outputArtifacts: [{ name: 'SourceOutput' }],
            },
          ],
        },
        { name: 'Review', actions: [manual('Review')] },
        {
          name: 'Build',
          actions: [
            {
              name: 'Build',
              actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
              runOrder: 1,
              configuration: { ProjectName: 'build' },
              inputArtifacts: [{ name: 'SourceOutput' }],
              outputArtifacts: [{ name: 'BuildOutput' }],
            },
          ],
        },
        { name: 'Release', actions: [manual('Release')] },
        {
          name: 'Deploy',
          actions: [
            {
              name: 'Deploy',
              actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' },
              runOrder: 1,
              configuration: { BucketName: 'two-gates-site', Extract: 'true' },
              inputArtifacts: [{ name: 'BuildOutput' }],
            },
          ],
        },
      ],
    },
  });
  h.sb.config.startOnCreate = true;
}, 60_000);
afterAll(() => h?.stop());

// Each case starts from a quiet pipeline: no promotion running, no approval waiting.
afterEach(async () => {
  const running = await h.releases.running('two-gates', 'dev');
  if (running) await h.releases.stop('two-gates', running.id, 'test over');
  for (const s of cp('GetPipelineState', { name: PIPELINE }).stageStates as Array<{
    stageName: string;
    actionStates: Array<{ latestExecution?: { status: string; token?: string } }>;
  }>) {
    const token = s.actionStates[0]?.latestExecution?.status === 'InProgress' ? s.actionStates[0].latestExecution.token : undefined;
    if (token)
      cp('PutApprovalResult', {
        pipelineName: PIPELINE,
        stageName: s.stageName,
        actionName: s.stageName,
        result: { status: 'Rejected', summary: 'test over' },
        token,
      });
  }
});

describe('hardening item 3: Approve rejects only an older run holding a stage the promotion needs', () => {
  it('a newer run waiting at a stage the promotion has passed is left alone, and named so', async () => {
    const p = await promote();
    const ours = p.targets[0].executionId!;
    await waitingAt(ours, 'Review');
    expect(await h.releases.approve(p, confirmed(p))).toEqual({ approved: 1, rejected: 0 });
    await waitingAt(ours, 'Release');
    // Someone else's run, started after the promotion's, now waits at Review: the promotion has passed it.
    const newer = startRun();
    await waitingAt(newer, 'Review');

    const answered = await h.releases.approve(p, confirmed(p));
    const stillWaiting = await waitingAt(newer, 'Review').then(
      () => true,
      () => false,
    );
    const log = await logOf(p);
    expect(answered).toEqual({ approved: 1, rejected: 0 });
    expect(stillWaiting).toBe(true);
    expect(log.map((e) => e.message)).toContain(`Left alone: execution ${newer} in ${PIPELINE} (sandbox-dev, us-east-1), newer, waiting at Review / Review.`);
    expect(log.filter((e) => e.message.includes(newer) && /older/.test(e.message))).toEqual([]);

    expect((await h.releases.follow(p)).status).toBe('succeeded');
    // Named once, however often the follower looked.
    expect((await logOf(p)).filter((e) => e.event === 'left-alone')).toHaveLength(1);
  }, 60_000);

  it('an older run waiting at a stage the promotion still needs is rejected, and called older', async () => {
    const older = startRun();
    await answer(older, 'Review', 'Approved');
    await waitingAt(older, 'Release');
    const p = await promote();
    const ours = p.targets[0].executionId!;
    await waitingAt(ours, 'Review');

    expect(await h.releases.approve(p, confirmed(p))).toEqual({ approved: 1, rejected: 1 });
    const log = await logOf(p);
    expect(log.map((e) => e.message)).toContain(
      `Rejected the older execution ${older} at Release / Release in ${PIPELINE} (sandbox-dev, us-east-1): it started before ${ours} and holds a stage this promotion still needs.`,
    );
    expect(cp('GetPipelineExecution', { pipelineName: PIPELINE, pipelineExecutionId: older }).pipelineExecution.status).toBe('Failed');
    await waitingAt(ours, 'Release');
    await h.releases.approve(p, confirmed(p));
    expect((await h.releases.follow(p)).status).toBe('succeeded');
  }, 60_000);
});

describe('the rule itself (shared/releases/promotion.ts answersFor)', () => {
  const stages = ['Source', 'Review', 'Build', 'Release', 'Deploy'];
  const run = (executionId: string, stageName: string, startTime: string | null) => ({ executionId, stageName, actionName: stageName, startTime });
  const ours = { executionId: 'ours', startTime: '2025-01-01T12:00:00Z', furthestStage: 'Review', parallel: false };

  it('approves its own; rejects an older run at or after where the promotion is', () => {
    const a = answersFor(stages, ours, [run('ours', 'Review', ours.startTime), run('old', 'Release', '2025-01-01T11:00:00Z')]);
    expect(a.map((x) => [x.run.executionId, x.answer])).toEqual([
      ['ours', 'approve'],
      ['old', 'reject'],
    ]);
  });

  it('leaves alone a newer run, an older run at a stage already passed, one whose start is unknown, and every run in PARALLEL mode', () => {
    const further = { ...ours, furthestStage: 'Release' };
    const a = answersFor(stages, further, [
      run('newer', 'Review', '2025-01-01T12:05:00Z'),
      run('passed', 'Review', '2025-01-01T11:00:00Z'),
      run('unknown', 'Deploy', null),
    ]);
    expect(a.map((x) => (x.answer === 'leave' ? x.reason : x.answer))).toEqual([
      'newer, waiting at Review / Review',
      'older, but waiting at Review / Review, which this promotion has passed',
      'waiting at Deploy / Deploy (when it started is unknown, so it is not shown to be older)',
    ]);
    const parallel = answersFor(stages, { ...ours, parallel: true }, [run('old', 'Release', '2025-01-01T11:00:00Z')]);
    expect(parallel[0]).toMatchObject({ answer: 'leave', reason: expect.stringMatching(/in parallel/) });
  });

  it('a promotion not yet in any stage still needs every stage', () => {
    const a = answersFor(stages, { ...ours, furthestStage: null }, [run('old', 'Source', '2025-01-01T11:00:00Z')]);
    expect(a[0].answer).toBe('reject');
  });
});
