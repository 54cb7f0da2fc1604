// CodePipeline protocol fidelity with the real SDK client: every operation,
// paginators, and the SDK's own error classes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  InvalidStructureException,
  ListActionTypesCommand,
  ListTagsForResourceCommand,
  PipelineExecutionNotFoundException,
  PipelineNameInUseException,
  PipelineNotFoundException,
  RollbackStageCommand,
  StartPipelineExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePipelineCommand,
  ValidationException,
  InvalidArnException,
  paginateListActionExecutions,
  paginateListPipelineExecutions,
  paginateListPipelines,
} from '@aws-sdk/client-codepipeline';
import { startSandbox } from '../helpers/sandbox';
import { simplePipeline, waitForExecution } from '../helpers/pipelines';

let env: Awaited<ReturnType<typeof startSandbox>>;
const BUCKET = 'cp-api-artifacts';
beforeAll(async () => {
  env = await startSandbox({ config: { startOnCreate: false, timeScale: 0.001 } });
  env.sb.s3.createBucket(BUCKET, '111111111111', 'us-east-1');
});
afterAll(() => env.sb.stop());

describe('CodePipeline API', () => {
  it('creates, reads, updates (bumping the version) and deletes a pipeline', async () => {
    const cp = env.codepipeline();
    const created = await cp.send(new CreatePipelineCommand({ pipeline: simplePipeline('crud', BUCKET), tags: [{ key: 'team', value: 'core' }] }));
    expect(created.pipeline?.version).toBe(1);
    expect(created.pipeline?.pipelineType).toBe('V1');
    expect(created.pipeline?.executionMode).toBe('SUPERSEDED');
    const got = await cp.send(new GetPipelineCommand({ name: 'crud' }));
    expect(got.metadata?.pipelineArn).toBe('arn:aws:codepipeline:us-east-1:111111111111:crud');
    expect(got.metadata?.created).toBeInstanceOf(Date);
    const next = simplePipeline('crud', BUCKET);
    next.stages![1].actions![0].configuration = { ProjectName: 'proj-2' };
    const updated = await cp.send(new UpdatePipelineCommand({ pipeline: next }));
    expect(updated.pipeline?.version).toBe(2);
    const v1 = await cp.send(new GetPipelineCommand({ name: 'crud', version: 1 }));
    expect(v1.pipeline?.stages?.[1].actions?.[0].configuration?.ProjectName).toBe('proj');
    const v2 = await cp.send(new GetPipelineCommand({ name: 'crud' }));
    expect(v2.pipeline?.stages?.[1].actions?.[0].configuration?.ProjectName).toBe('proj-2');
    await cp.send(new DeletePipelineCommand({ name: 'crud' }));
    await expect(cp.send(new GetPipelineCommand({ name: 'crud' }))).rejects.toBeInstanceOf(PipelineNotFoundException);
  });

  it('answers with the real error classes', async () => {
    const cp = env.codepipeline();
    await cp.send(new CreatePipelineCommand({ pipeline: simplePipeline('dup', BUCKET) }));
    await expect(cp.send(new CreatePipelineCommand({ pipeline: simplePipeline('dup', BUCKET) }))).rejects.toBeInstanceOf(PipelineNameInUseException);
    const oneStage = simplePipeline('one-stage', BUCKET);
    oneStage.stages = oneStage.stages!.slice(0, 1);
    const err = await cp.send(new CreatePipelineCommand({ pipeline: oneStage })).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidStructureException);
    expect(err.message).toMatch(/2 to 50 stages/);
    await expect(cp.send(new GetPipelineCommand({ name: undefined }))).rejects.toBeInstanceOf(ValidationException);
    await expect(
      cp.send(new GetPipelineExecutionCommand({ pipelineName: 'dup', pipelineExecutionId: '00000000-0000-4000-8000-000000000000' })),
    ).rejects.toBeInstanceOf(PipelineExecutionNotFoundException);
    await expect(cp.send(new ListTagsForResourceCommand({ resourceArn: 'not-an-arn' }))).rejects.toBeInstanceOf(InvalidArnException);
  });

  it('refuses a cross-region action with only artifactStore, as the service does', async () => {
    const p = simplePipeline('cross-region-one-store', BUCKET);
    p.stages![1].actions![0].region = 'eu-west-1';
    await expect(env.codepipeline('dev', 'us-east-1').send(new CreatePipelineCommand({ pipeline: p }))).rejects.toThrow(
      /cross-region pipeline needs artifactStores/,
    );
  });

  it('keeps state per account and per region', async () => {
    await env.codepipeline('dev', 'us-east-1').send(new CreatePipelineCommand({ pipeline: simplePipeline('scoped', BUCKET) }));
    await expect(env.codepipeline('dev', 'eu-west-1').send(new GetPipelineCommand({ name: 'scoped' }))).rejects.toBeInstanceOf(PipelineNotFoundException);
    await expect(env.codepipeline('prod', 'us-east-1').send(new GetPipelineCommand({ name: 'scoped' }))).rejects.toBeInstanceOf(PipelineNotFoundException);
  });

  it('paginates ListPipelines', async () => {
    const cp = env.codepipeline('staging', 'eu-west-1');
    for (let i = 0; i < 7; i++) await cp.send(new CreatePipelineCommand({ pipeline: simplePipeline(`page-${i}`, BUCKET) }));
    const pages = [];
    for await (const page of paginateListPipelines({ client: cp, pageSize: 3 }, {})) pages.push(page.pipelines?.map((p) => p.name));
    expect(pages.length).toBe(3);
    expect(pages.flat()).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  });

  it('tags, untags and lists tags', async () => {
    const cp = env.codepipeline();
    await cp.send(new CreatePipelineCommand({ pipeline: simplePipeline('tagged', BUCKET), tags: [{ key: 'a', value: '1' }] }));
    const arn = 'arn:aws:codepipeline:us-east-1:111111111111:tagged';
    await cp.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'b', value: '2' }] }));
    await cp.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
    const tags = await cp.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags.tags).toEqual([{ key: 'b', value: '2' }]);
  });

  it('lists action types from the provider catalog', async () => {
    const r = await env.codepipeline().send(new ListActionTypesCommand({ actionOwnerFilter: 'AWS' }));
    const build = r.actionTypes?.find((t) => t.id?.provider === 'CodeBuild' && t.id.category === 'Build');
    expect(build?.inputArtifactDetails).toEqual({ minimumCount: 1, maximumCount: 5 });
    expect(build?.actionConfigurationProperties?.find((p) => p.name === 'ProjectName')?.required).toBe(true);
  });

  it('starts executions with variables and pinned source revisions, and lists them with paginators', async () => {
    const cp = env.codepipeline();
    const p = simplePipeline('vars', BUCKET, { pipelineType: 'V2', variables: [{ name: 'Env', defaultValue: 'dev' }] });
    await cp.send(new CreatePipelineCommand({ pipeline: p }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { pipelineExecutionId } = await cp.send(
        new StartPipelineExecutionCommand({
          name: 'vars',
          variables: [{ name: 'Env', value: `v${i}` }],
          sourceRevisions: [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: `abc${i}` }],
        }),
      );
      ids.push(pipelineExecutionId!);
      await waitForExecution(cp, 'vars', pipelineExecutionId!, 'Succeeded');
    }
    await expect(cp.send(new StartPipelineExecutionCommand({ name: 'vars', variables: [{ name: 'Nope', value: 'x' }] }))).rejects.toBeInstanceOf(
      ValidationException,
    );
    const exec = await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'vars', pipelineExecutionId: ids[2] }));
    expect(exec.pipelineExecution?.variables).toEqual([{ name: 'Env', resolvedValue: 'v2' }]);
    expect(exec.pipelineExecution?.artifactRevisions?.[0].revisionId).toBe('abc2');

    const summaries = [];
    for await (const page of paginateListPipelineExecutions({ client: cp, pageSize: 2 }, { pipelineName: 'vars' }))
      summaries.push(...(page.pipelineExecutionSummaries ?? []));
    expect(summaries.map((s) => s.pipelineExecutionId)).toEqual([...ids].reverse());
    expect(summaries[0].sourceRevisions?.[0]).toMatchObject({ actionName: 'Source', revisionId: 'abc2' });
    expect(summaries[0].startTime).toBeInstanceOf(Date);

    const actions = [];
    for await (const page of paginateListActionExecutions({ client: cp, pageSize: 1 }, { pipelineName: 'vars', filter: { pipelineExecutionId: ids[0] } }))
      actions.push(...(page.actionExecutionDetails ?? []));
    expect(actions.map((a) => a.actionName).sort()).toEqual(['Build', 'Source']);
    const build = actions.find((a) => a.actionName === 'Build')!;
    expect(build.input?.inputArtifacts?.[0].s3location?.bucket).toBe(BUCKET);
    expect(build.output?.outputArtifacts?.[0].s3location?.key).toMatch(/^vars\/BuildArtif\/[A-Za-z0-9]{7}$/);
    const source = actions.find((a) => a.actionName === 'Source')!;
    expect(source.output?.outputVariables?.CommitId).toBe('abc0');
  });

  it('rolls a stage back to an earlier successful execution', async () => {
    const cp = env.codepipeline();
    await cp.send(new CreatePipelineCommand({ pipeline: simplePipeline('rollback', BUCKET, { pipelineType: 'V2' }) }));
    const first = await cp.send(new StartPipelineExecutionCommand({ name: 'rollback' }));
    await waitForExecution(cp, 'rollback', first.pipelineExecutionId!, 'Succeeded');
    const second = await cp.send(new StartPipelineExecutionCommand({ name: 'rollback' }));
    await waitForExecution(cp, 'rollback', second.pipelineExecutionId!, 'Succeeded');
    const rb = await cp.send(new RollbackStageCommand({ pipelineName: 'rollback', stageName: 'Build', targetPipelineExecutionId: first.pipelineExecutionId }));
    const done = await waitForExecution(cp, 'rollback', rb.pipelineExecutionId!, 'Succeeded');
    expect(done.executionType).toBe('ROLLBACK');
    expect(done.rollbackMetadata?.rollbackTargetPipelineExecutionId).toBe(first.pipelineExecutionId);
    const state = await cp.send(new GetPipelineStateCommand({ name: 'rollback' }));
    expect(state.stageStates?.[1].latestExecution?.pipelineExecutionId).toBe(rb.pipelineExecutionId);
  });
});
