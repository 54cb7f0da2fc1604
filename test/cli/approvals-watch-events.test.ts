// `pipewright approvals list --watch` and `executions watch` on live updates (issue 24):
// where the setup is in place, the CLI's watchers follow CodePipeline's events (it says
// so), and an approval that starts or stops waiting is printed as it happens. Against
// the sandbox, with the built CLI as a user runs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetPipelineStateCommand, PutApprovalResultCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { cliWithSandbox, runCli, startCli } from '../helpers/cli';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
beforeAll(async () => {
  h = await cliWithSandbox('approvals-watch', { seed: 'demo' });
  const s = await runCli(['events', 'setup', '--profile', 'sandbox-staging', '--region', 'us-east-1', '--yes'], h.cliEnv);
  expect(s.code, s.out + s.err).toBe(0);
}, 90_000);
afterAll(() => h?.stop());

async function approvalToken(): Promise<string | undefined> {
  const state = await h.env.codepipeline('staging').send(new GetPipelineStateCommand({ name: 'web-frontend' }));
  return state.stageStates?.find((s) => s.stageName === 'Deploy')?.actionStates?.find((a) => a.actionName === 'ReleaseApproval')?.latestExecution?.token;
}

describe('approvals list --watch on live updates', () => {
  it('lists, then prints approvals as they stop and start waiting, from events; Ctrl-C exits 130', { timeout: 90_000 }, async () => {
    const cli = startCli(['approvals', 'list', '--profile', 'sandbox-staging', '--region', 'us-east-1', '--watch'], h.cliEnv as Record<string, string>);
    try {
      // The seed leaves staging's web-frontend waiting at ReleaseApproval: in the list first.
      await cli.waitFor(/web-frontend\s+Deploy\s+ReleaseApproval/, 30_000);
      await cli.waitFor(/Following \d+ pipelines/, 30_000);
      await cli.waitFor(/\(sandbox-staging us-east-1: live updates from events\)/, 30_000);

      const token = await approvalToken();
      expect(token).toBeTruthy();
      await h.env.codepipeline('staging').send(
        new PutApprovalResultCommand({
          pipelineName: 'web-frontend',
          stageName: 'Deploy',
          actionName: 'ReleaseApproval',
          result: { status: 'Approved', summary: 'ok' },
          token,
        }),
      );
      await cli.waitFor(/- not waiting sandbox-staging us-east-1 web-frontend Deploy \/ ReleaseApproval/, 30_000);

      await h.env.codepipeline('staging').send(new StartPipelineExecutionCommand({ name: 'web-frontend' }));
      await cli.waitFor(/\+ waiting\s+sandbox-staging us-east-1 web-frontend Deploy \/ ReleaseApproval/, 30_000);
      // Once on events, never back to polling while it followed.
      const after = cli.output().split('(sandbox-staging us-east-1: live updates from events)').slice(1).join('');
      expect(after).not.toMatch(/sandbox-staging us-east-1: (polled|degraded)/);

      const exited = new Promise<number | null>((r) => cli.child.once('exit', (code) => r(code)));
      cli.child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      await cli.stop();
    }
  });

  it('executions watch says it follows events', { timeout: 60_000 }, async () => {
    await h.env.codepipeline('staging').send(new StartPipelineExecutionCommand({ name: 'web-frontend' }));
    const cli = startCli(['executions', 'watch', 'web-frontend', '--profile', 'sandbox-staging', '--region', 'us-east-1'], h.cliEnv as Record<string, string>);
    try {
      await cli.waitFor(/\(sandbox-staging us-east-1: live updates from events\)/, 30_000);
    } finally {
      await cli.stop();
    }
  });
});
