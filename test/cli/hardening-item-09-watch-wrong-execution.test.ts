// Issue 23, item 9: `executions watch --execution <wrong id>` never exited, and printed
// another run's statuses (each stage's latest run, whichever execution that was). The
// id is now looked up first: one that is not this pipeline's fails fast (exit 2, "no
// such execution"), and a right one is followed alone: a newer run failing in a stage
// the watched one has passed is never reported as the watched one's.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { cliWithSandbox, runCli, startCli } from '../helpers/cli';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
const cli = (...args: string[]) => runCli(args, h.cliEnv, 20_000);
const dev = ['--profile', 'sandbox-dev', '--region', 'us-east-1'];
const staging = ['--profile', 'sandbox-staging', '--region', 'us-east-1'];

beforeAll(async () => {
  h = await cliWithSandbox('item09', { seed: 'demo', config: { timeScale: 0.002 } });
}, 60_000);
afterAll(() => h?.stop());

describe('hardening item 9: executions watch follows the given execution, and only it', () => {
  it.each([
    ['an id no execution has', () => Promise.resolve('00000000-0000-4000-8000-000000000000')],
    [
      "another pipeline's execution",
      async () => {
        const r = await h.env.codepipeline('dev').send(new ListPipelineExecutionsCommand({ pipelineName: 'infra-network', maxResults: 1 }));
        return r.pipelineExecutionSummaries![0].pipelineExecutionId!;
      },
    ],
    ['text that is no execution id', () => Promise.resolve('not-an-id')],
  ])('%s: exit 2 "no such execution" at once, with no statuses printed', async (_what, idOf) => {
    const id = await idOf();
    const started = Date.now();
    const r = await cli('executions', 'watch', 'web-frontend', ...dev, '--execution', id);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`web-frontend has no such execution: ${id} (in sandbox-dev, us-east-1)`);
    expect(r.out).not.toMatch(/Watching|: (Succeeded|Failed|InProgress)/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("a right id prints only that execution's statuses, though a newer run fails in a stage it has passed", async () => {
    const cp = h.env.codepipeline('staging');
    // The demo seed leaves staging's web-frontend waiting at Deploy / ReleaseApproval.
    const state = await cp.send(new GetPipelineStateCommand({ name: 'web-frontend' }));
    const watched = state.stageStates!.find((s) => s.stageName === 'Deploy')!.latestExecution!.pipelineExecutionId!;
    const watch = startCli(['executions', 'watch', 'web-frontend', ...staging, '--execution', watched], h.cliEnv as Record<string, string>);
    try {
      await watch.waitFor(/Deploy \/ ReleaseApproval: waiting for approval/, 30_000);

      // A newer run fails at Build, which the watched run passed long ago: the live state's Build is now that run's.
      h.env.sb.config.failures.push({ pipeline: 'web-frontend', stage: 'Build', action: 'Build', mode: 'once' });
      const newer = (await cp.send(new StartPipelineExecutionCommand({ name: 'web-frontend' }))).pipelineExecutionId!;
      let failedAt = 0;
      await vi.waitFor(
        async () => {
          const e = await cp.send(new GetPipelineExecutionCommand({ pipelineName: 'web-frontend', pipelineExecutionId: newer }));
          expect(e.pipelineExecution?.status).toBe('Failed');
          failedAt = h.env.sb.logEntries().at(-1)?.seq ?? 0;
        },
        { timeout: 30_000, interval: 100 },
      );
      // The watcher has read the pipeline's state since: before the fix, it printed the newer run's Build from it.
      await vi.waitFor(() => expect(h.env.sb.logEntries(failedAt).some((e) => e.operation === 'GetPipelineState' && e.account === '222222222222')).toBe(true), {
        timeout: 30_000,
        interval: 100,
      });
      await new Promise((r) => setTimeout(r, 1_000));

      const approved = await cli(
        'approvals',
        'approve',
        'web-frontend',
        ...staging,
        '--stage',
        'Deploy',
        '--action',
        'ReleaseApproval',
        '--summary',
        'ok',
        '--yes',
      );
      expect(approved.code).toBe(0);
      const code = await new Promise<number | null>((resolve) =>
        watch.child.exitCode !== null ? resolve(watch.child.exitCode) : watch.child.once('exit', (c) => resolve(c)),
      );
      const out = watch.output();
      expect(out).toContain(`Watching web-frontend execution ${watched} (sandbox-staging, us-east-1).`);
      expect(out).not.toMatch(/Injected failure|: Failed|: InProgress \(|Build \/ Build: InProgress/);
      expect(out).not.toContain(newer);
      expect(out).toMatch(/^Build \/ Build: Succeeded$/m);
      expect(out).toContain(`web-frontend ${watched}: Succeeded`);
      expect(code).toBe(0);
    } finally {
      await watch.stop();
    }
  }, 120_000);
});
