// answerApproval's refusals, on a stubbed CodePipeline client (the sandbox cannot
// produce a token on a non-approval action, which AWS never does either): the
// token is used only for an Approval action in progress, and only for the
// execution the person reviewed.
import { describe, expect, it } from 'vitest';
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { answerApproval } from './execution-calls';

const ref = { profile: 'p', region: 'us-east-1', name: 'web' };

function client(o: { category: string; status?: string; token?: string; executionId?: string }) {
  const sent: Array<{ command: string; input: unknown }> = [];
  const cp = {
    send: (command: { constructor: { name: string }; input: unknown }) => {
      sent.push({ command: command.constructor.name, input: command.input });
      if (command.constructor.name === 'GetPipelineStateCommand')
        return Promise.resolve({
          stageStates: [
            {
              stageName: 'Deploy',
              latestExecution: { pipelineExecutionId: o.executionId, status: 'InProgress' },
              actionStates: [{ actionName: 'Gate', latestExecution: { status: o.status ?? 'InProgress', token: o.token } }],
            },
          ],
        });
      if (command.constructor.name === 'GetPipelineCommand')
        return Promise.resolve({
          pipeline: {
            name: 'web',
            roleArn: 'arn:aws:iam::111111111111:role/p',
            artifactStore: { type: 'S3', location: 'b' },
            stages: [
              {
                name: 'Source',
                actions: [
                  { name: 'Src', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, outputArtifacts: [{ name: 'Out' }] },
                ],
              },
              { name: 'Deploy', actions: [{ name: 'Gate', actionTypeId: { category: o.category, owner: 'AWS', provider: 'Manual', version: '1' } }] },
            ],
          },
        });
      return Promise.resolve({});
    },
  } as unknown as CodePipelineClient; // a stub: only the commands answerApproval sends
  return { cp, puts: () => sent.filter((s) => s.command === 'PutApprovalResultCommand') };
}

describe('answerApproval', () => {
  it('answers an approval in progress with its token, for the execution reviewed, and says which', async () => {
    const { cp, puts } = client({ category: 'Approval', token: 'tok-1', executionId: 'e-1' });
    expect(await answerApproval(cp, ref, 'Deploy', 'Gate', 'Approved', 'ok', 'e-1')).toEqual({ executionId: 'e-1' });
    expect(await answerApproval(cp, ref, 'Deploy', 'Gate', 'Rejected', 'no', null)).toEqual({ executionId: 'e-1' });
    expect(puts().map((p) => p.input)).toEqual([
      { pipelineName: 'web', stageName: 'Deploy', actionName: 'Gate', token: 'tok-1', result: { status: 'Approved', summary: 'ok' } },
      { pipelineName: 'web', stageName: 'Deploy', actionName: 'Gate', token: 'tok-1', result: { status: 'Rejected', summary: 'no' } },
    ]);
  });

  it('never uses a token held by an action that is not an approval', async () => {
    const { cp, puts } = client({ category: 'Build', token: 'tok-1', executionId: 'e-1' });
    await expect(answerApproval(cp, ref, 'Deploy', 'Gate', 'Approved', 'ok', 'e-1')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'Deploy / Gate of web is not waiting for approval any more.',
    });
    expect(puts()).toEqual([]);
  });

  it('refuses an approval already answered, an unknown action, and one that now belongs to another execution', async () => {
    const answered = client({ category: 'Approval', status: 'Succeeded', token: 'tok-1', executionId: 'e-1' });
    await expect(answerApproval(answered.cp, ref, 'Deploy', 'Gate', 'Approved', 'ok', null)).rejects.toMatchObject({ code: 'CONFLICT' });
    const { cp, puts } = client({ category: 'Approval', token: 'tok-2', executionId: 'e-2' });
    await expect(answerApproval(cp, ref, 'Deploy', 'Nope', 'Approved', 'ok', null)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'web has no action Deploy / Nope.',
    });
    await expect(answerApproval(cp, ref, 'Build', 'Gate', 'Approved', 'ok', null)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(answerApproval(cp, ref, 'Deploy', 'Gate', 'Approved', 'ok', 'e-1')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'The approval waiting in web now belongs to execution e-2, not e-1 which you reviewed. Review it again.',
    });
    expect(puts()).toEqual([]);
  });
});
