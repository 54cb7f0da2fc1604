// `pipewright executions | approvals | transitions` against the sandbox, run as
// a user runs them: the built CLI, an AWS config file, the sandbox over HTTP.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { cliWithSandbox, runCli, runCliWithInput } from '../helpers/cli';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
const dev = ['--profile', 'sandbox-dev', '--region', 'us-east-1'];
const cli = (...args: string[]) => runCli(args, h.cliEnv, 60_000);

const cliWithInput = (args: string[], input: string) => runCliWithInput(args, h.cliEnv, input);

/** `approvals approve|reject web-frontend` at its release approval, in us-east-1. */
const answerArgs = (verb: 'approve' | 'reject', profile: string) => [
  'approvals',
  verb,
  'web-frontend',
  '--profile',
  profile,
  '--region',
  'us-east-1',
  '--stage',
  'Deploy',
  '--action',
  'ReleaseApproval',
];

const cpCalls = (since: number, op: string) => h.env.sb.logEntries(since).filter((e) => e.service === 'codepipeline' && e.operation === op);

beforeAll(async () => {
  h = await cliWithSandbox('executions', { seed: 'demo', config: { timeScale: 0.002 } });
}, 60_000);
afterAll(() => h?.stop());

describe('pipewright executions', () => {
  it('start (with a pinned revision), watch to success (exit 0), list and show with the timeline', async () => {
    const started = await cli(
      'executions',
      'start',
      'web-frontend',
      ...dev,
      '--source-revision',
      'Source=COMMIT_ID:feedbeef',
      '--variable',
      'DeployEnv=qa',
      '--json',
    );
    expect(started.code).toBe(0);
    const { executionId } = JSON.parse(started.out) as { executionId: string };
    const watched = await cli('executions', 'watch', 'web-frontend', ...dev, '--execution', executionId);
    expect(watched.out).toMatch(/Build \/ Build: /);
    expect(watched.out).toMatch(new RegExp(`${executionId}: Succeeded`));
    expect(watched.code).toBe(0);

    const list = await cli('executions', 'list', 'web-frontend', ...dev, '--status', 'Succeeded', '--limit', '3', '--json');
    const { executions } = JSON.parse(list.out) as { executions: Array<{ id: string; status: string }> };
    expect(executions[0]).toMatchObject({ id: executionId, status: 'Succeeded' });
    expect(executions.length).toBeLessThanOrEqual(3);

    const json = JSON.parse((await cli('executions', 'show', 'web-frontend', executionId, ...dev, '--json')).out) as {
      variables: Array<{ name: string; value: string }>;
    };
    expect(json.variables).toContainEqual({ name: 'DeployEnv', value: 'qa' });
    const show = await cli('executions', 'show', 'web-frontend', executionId, ...dev);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/STAGE\s+ACTION\s+STATUS/);
    expect(show.out).toMatch(/started 20\d\d-/);
    // Every action of the run has a row (four in web-frontend), each with its bar on the timeline.
    const rows = show.out.split('\n').filter((l) => /^(Source|Build|Deploy)\s/.test(l));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/Succeeded .*#/);
  });

  it('watch exits 1 when the execution fails; retry the stage; stop with abandon', async () => {
    h.env.sb.config.failures.push({ pipeline: 'web-frontend', stage: 'Build', action: 'Build', mode: 'once' });
    const started = await cli('executions', 'start', 'web-frontend', ...dev);
    const id = started.out.trim();
    const watched = await cli('executions', 'watch', 'web-frontend', ...dev, '--execution', id);
    expect(watched.out).toMatch(/Build \/ Build: Failed \(Injected failure/);
    expect(watched.code).toBe(1);
    const retried = await cli('executions', 'retry', 'web-frontend', id, ...dev, '--stage', 'Build');
    expect(retried.code).toBe(0);
    expect((await cli('executions', 'watch', 'web-frontend', ...dev, '--execution', id)).code).toBe(0);

    // A long run, abandoned.
    h.env.sb.setTimeScale(1);
    const long = (await cli('executions', 'start', 'web-frontend', ...dev)).out.trim();
    const stop = await cli('executions', 'stop', 'web-frontend', long, ...dev, '--reason', 'Wrong branch', '--abandon');
    expect(stop.code).toBe(0);
    const watched2 = await cli('executions', 'watch', 'web-frontend', ...dev, '--execution', long);
    expect(watched2.code).toBe(1);
    expect(watched2.out).toMatch(/: (Stopped|Cancelled)/);
    h.env.sb.setTimeScale(0.002);
  });

  it('refuses a malformed --source-revision or --variable before calling AWS', async () => {
    // Bad input: exit 2 (it was 1, which says "the operation failed"; issue 23, items 12/15 follow-up).
    const bad = await cli('executions', 'start', 'web-frontend', ...dev, '--source-revision', 'Source=GIT_SHA:abc');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/ACTION=TYPE:VALUE/);
    const badVar = await cli('executions', 'start', 'web-frontend', ...dev, '--variable', 'novalue');
    expect(badVar.err).toMatch(/NAME=VALUE/);
    expect(badVar.code).toBe(2);
  });
});

describe('pipewright approvals and transitions', () => {
  it('lists the approvals waiting, exiting 4 when a target could not be read', async () => {
    const all = await cli('approvals', 'list', '--profile', 'sandbox-staging', '--profile', 'sandbox-prod', '--region', 'us-east-1', '--json');
    expect(all.code).toBe(0);
    const view = JSON.parse(all.out) as { approvals: Array<{ ref: { profile: string; name: string }; actionName: string }> };
    expect(view.approvals.map((a) => `${a.ref.profile}/${a.ref.name}/${a.actionName}`)).toEqual(
      expect.arrayContaining(['sandbox-staging/web-frontend/ReleaseApproval', 'sandbox-prod/web-frontend/ReleaseApproval']),
    );
    const partial = await cli('approvals', 'list', '--profile', 'sandbox-staging', '--region', 'us-east-1', '--region', 'ap-east-1');
    expect(partial.code).toBe(4);
    expect(partial.err).toMatch(/unverified: sandbox-staging ap-east-1/);
  });

  it('approve without --yes shows the approval and asks; "n" answers nothing; "y" approves in that account only', async () => {
    const args = answerArgs('approve', 'sandbox-staging');
    const seq = h.env.sb.logEntries().at(-1)?.seq ?? 0;
    const no = await cliWithInput([...args, '--summary', 'checked'], 'n\n');
    expect(no.out).toMatch(/Approve web-frontend \/ Deploy \/ ReleaseApproval/);
    expect(no.out).toMatch(/Check the staging dashboard first/);
    expect(no.code).toBe(1);
    expect(cpCalls(seq, 'PutApprovalResult')).toEqual([]);
    const yes = await cliWithInput([...args, '--summary', 'checked'], 'y\n');
    expect(yes.code).toBe(0);
    expect(cpCalls(seq, 'PutApprovalResult').map((e) => [e.account, e.region])).toEqual([['222222222222', 'us-east-1']]);
  });

  it('production needs the alias typed: --yes alone is refused, --confirm-prod passes', async () => {
    const args = answerArgs('reject', 'sandbox-prod');
    const seq = h.env.sb.logEntries().at(-1)?.seq ?? 0;
    const refused = await cli(...args, '--summary', 'not today', '--yes');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/production account; to confirm, add: --confirm-prod (\S+)$/m);
    const word = /--confirm-prod (\S+)/.exec(refused.err)![1];
    expect(cpCalls(seq, 'PutApprovalResult')).toEqual([]);
    const wrong = await cliWithInput([...args, '--summary', 'not today'], 'y\nnot-the-alias\n');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/type "/);
    expect(cpCalls(seq, 'PutApprovalResult')).toEqual([]);
    const ok = await cli(...args, '--summary', 'not today', '--yes', '--confirm-prod', word);
    expect(ok.code).toBe(0);
    expect(cpCalls(seq, 'PutApprovalResult').map((e) => e.account)).toEqual(['333333333333']);
  });

  it('disable needs a reason; the next run waits before the stage; enable lets it through', async () => {
    const refused = await cli('transitions', 'disable', 'web-frontend', ...dev, '--stage', 'Deploy', '--type', 'inbound');
    // Bad input (a reason missing): exit 2, not 1 (issue 23, items 12/15 follow-up).
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/Say why/);
    expect((await cli('transitions', 'disable', 'web-frontend', ...dev, '--stage', 'Deploy', '--type', 'inbound', '--reason', 'Freeze')).code).toBe(0);
    const id = (await cli('executions', 'start', 'web-frontend', ...dev)).out.trim();
    // Held: the run waits at Deploy's inbound transition, and stays there once nothing moves by itself.
    const cp = h.env.codepipeline('dev', 'us-east-1');
    await vi.waitFor(
      async () => {
        const state = await cp.send(new GetPipelineStateCommand({ name: 'web-frontend' }));
        expect(state.stageStates?.find((s) => s.stageName === 'Deploy')?.inboundExecution?.pipelineExecutionId).toBe(id);
      },
      { timeout: 30_000, interval: 100 },
    );
    await h.env.sb.executor.settled();
    const show = await cli('executions', 'show', 'web-frontend', id, ...dev, '--json');
    const details = JSON.parse(show.out) as { execution: { status: string }; actions: Array<{ stageName: string }> };
    expect(details.execution.status).toBe('InProgress');
    expect(details.actions.some((a) => a.stageName === 'Deploy')).toBe(false);
    expect((await cli('transitions', 'enable', 'web-frontend', ...dev, '--stage', 'Deploy', '--type', 'inbound')).code).toBe(0);
    expect((await cli('executions', 'watch', 'web-frontend', ...dev, '--execution', id)).code).toBe(0);
  });
});
