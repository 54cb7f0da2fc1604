// Small valid pipelines for tests, and a wait helper over the real SDK.
import { GetPipelineExecutionCommand, type CodePipelineClient, type PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { vi } from 'vitest';

export const ROLE = 'arn:aws:iam::111111111111:role/pipeline';

export function simplePipeline(name: string, bucket: string, opts: Partial<PipelineDeclaration> = {}): PipelineDeclaration {
  return {
    name,
    roleArn: ROLE,
    artifactStore: { type: 'S3', location: bucket },
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Source',
            actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
            configuration: { RepositoryName: 'repo', BranchName: 'main' },
            outputArtifacts: [{ name: 'SourceArtifact' }],
          },
        ],
      },
      {
        name: 'Build',
        actions: [
          {
            name: 'Build',
            actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
            configuration: { ProjectName: 'proj' },
            inputArtifacts: [{ name: 'SourceArtifact' }],
            outputArtifacts: [{ name: 'BuildArtifact' }],
          },
        ],
      },
    ],
    ...opts,
  };
}

export async function waitForExecution(cp: CodePipelineClient, pipelineName: string, pipelineExecutionId: string, status: string | string[], timeout = 10_000) {
  const want = Array.isArray(status) ? status : [status];
  return vi.waitFor(
    async () => {
      const r = await cp.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }));
      const s = r.pipelineExecution?.status ?? '';
      if (!want.includes(s)) throw new Error(`execution ${pipelineExecutionId} is ${s}, waiting for ${want.join('|')}`);
      return r.pipelineExecution!;
    },
    { timeout, interval: 10 },
  );
}
