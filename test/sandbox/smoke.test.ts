import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListPipelinesCommand, GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startSandbox } from '../helpers/sandbox';

let env: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  env = await startSandbox({ seed: 'demo' });
});
afterAll(() => env.sb.stop());

describe('demo seed over the real SDK', () => {
  it('answers STS, S3 and CodePipeline', async () => {
    const id = await env.sts('prod').send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('333333333333');
    const buckets = await env.s3('dev').send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name)).toContain('codepipeline-us-east-1-111111111111');
    const list = await env.codepipeline('dev').send(new ListPipelinesCommand({}));
    expect(list.pipelines?.map((p) => p.name)).toEqual(expect.arrayContaining(['web-frontend', 'payments-service-api-blue']));
    const state = await env.codepipeline('staging').send(new GetPipelineStateCommand({ name: 'web-frontend' }));
    const approval = state.stageStates?.[2].actionStates?.[0].latestExecution;
    expect(approval?.status).toBe('InProgress');
    expect(approval?.token).toBeTruthy();
  });
});
