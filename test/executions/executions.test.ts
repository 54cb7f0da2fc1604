// The executions engine and use-cases against the sandbox over HTTP: watchers
// shared and stopped, the call budget held (read from the sandbox's own call
// log), throttling backed off and shown, and the controls reaching only the
// account and region they name.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServices } from '../helpers/services';
import type { PipelineLiveState } from '../../src/shared/api/executions';
import { FaultRule } from '../../src/sandbox/faults';
import { CreatePipelineCommand, CodePipelineClient, ListRuleExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { simplePipeline } from '../helpers/pipelines';
import { EventHub } from '../../src/main/rpc/event-hub';
import { executionsFeature } from '../../src/main/executions/handlers';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import { confirm } from '../../src/shared/safety/confirmation';
import type { PipelineRef } from '../../src/shared/api/executions';

/** What a person types to answer: the production word, or nothing outside production (decided with the account identified now). */
const approvalConfirmed = async (ref: PipelineRef, typed: string) =>
  confirm({ kind: 'approval', target: await env.executions.resolveTarget(ref) }, { words: [typed] });
import { generatePipelines } from '../../src/sandbox/seed';

let env: Awaited<ReturnType<typeof startServices>>;
const staging = { profile: 'sandbox-staging', region: 'us-east-1', name: 'web-frontend' };
const prod = { profile: 'sandbox-prod', region: 'us-east-1', name: 'web-frontend' };

const until = <T>(what: string, f: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 10_000): Promise<T> =>
  vi.waitFor(
    async () => {
      const v = await f();
      if (!v) throw new Error(`timed out waiting for ${what}`);
      return v;
    },
    { timeout: ms, interval: 20 },
  );

const cpCalls = (since = 0, op?: string) => env.sb.logEntries(since).filter((e) => e.service === 'codepipeline' && (!op || e.operation === op));

beforeAll(async () => {
  env = await startServices({
    seed: 'demo',
    timeScale: 0.002,
    executions: {
      intervals: { openedActive: 100, openedIdle: 200, backgroundActive: 300, backgroundIdle: 600, maxBackoff: 2_000 },
      budget: { ratePerSec: 20, burst: 5 },
    },
  });
}, 60_000);
afterAll(() => env?.stop());

describe('watch engine', () => {
  it('shares one watcher per pipeline between subscribers, and stops it when the last leaves or departs', async () => {
    const { engine } = env.executions;
    const updates: PipelineLiveState[] = [];
    // A listener that throws keeps neither the watcher nor the other listeners from working.
    const offBroken = env.executions.onUpdate(() => {
      throw new Error('a window gone mid-send');
    });
    const off = env.executions.onUpdate((s) => updates.push(s));
    engine.watch(staging, 'window-1', { opened: true });
    engine.watch(staging, 'window-2', { opened: false });
    expect(engine.stats()).toMatchObject({ watchers: 1, subscriptions: 2 });
    const first = await until('a first state', () => updates.find((u) => u.ref.name === 'web-frontend'));
    expect(first.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Deploy']);
    // The seeded run waits at the approval: the graph says so.
    const approval = first.stages.flatMap((s) => s.actions).find((a) => a.category === 'Approval');
    expect(approval).toMatchObject({ status: 'InProgress', waitingForApproval: true, customData: 'Check the staging dashboard first.' });

    engine.unwatch(staging, 'window-1');
    expect(engine.stats()).toMatchObject({ watchers: 1, subscriptions: 1 });
    engine.dropSubscriber('window-2'); // the socket went away
    expect(engine.stats()).toMatchObject({ watchers: 0, subscriptions: 0 });
    // Stopped means no more calls for it. A watcher of another account is the clock: once it
    // has polled again and again, the stopped one (same intervals) would have polled too.
    const stagingCalls = (since: number) => cpCalls(since).filter((e) => e.account === DEFAULT_ACCOUNTS[1].id);
    const clock = { profile: 'sandbox-prod', region: 'us-east-1', name: 'web-frontend' };
    const probesOf = (since: number) => cpCalls(since, 'ListPipelineExecutions').filter((e) => e.account === DEFAULT_ACCOUNTS[2].id).length;
    const stoppedAt = env.sb.logEntries().at(-1)?.seq ?? 0;
    engine.watch(clock, 'clock', { opened: true });
    // A tick already under way when it stopped may finish its calls; after two clock ticks it has.
    await until('two clock ticks', () => probesOf(stoppedAt) >= 2);
    const seq = env.sb.logEntries().at(-1)?.seq ?? 0;
    await until('five more clock ticks', () => probesOf(seq) >= 5);
    engine.unwatch(clock, 'clock');
    expect(stagingCalls(seq)).toEqual([]);
    off();
    offBroken();
  });

  it('a window that goes (its socket closed) ends its watches: the feature drops them on departure', async () => {
    const hub = new EventHub();
    const received: string[] = [];
    hub.attach({ clientId: 'ws-a', send: (event) => received.push(event) });
    hub.markReady('ws-a');
    const { handlers } = executionsFeature({
      executions: env.executions,
      targets: () => [],
      jobs: { start: () => 'job-x' },
      events: hub,
      onDeparture: (l) => hub.onDeparture(l),
    });
    await handlers['executions.watch']({ ...staging, opened: true }, { clientId: 'ws-a' });
    await handlers['executions.watch']({ profile: 'sandbox-prod', region: 'us-east-1', name: 'web-frontend', opened: false }, { clientId: 'ws-a' });
    expect(env.executions.engine.stats().watchers).toBe(2);
    await until('an execution.updated event', () => received.includes('execution.updated'));
    hub.detach('ws-a');
    expect(env.executions.engine.stats()).toMatchObject({ watchers: 0, subscriptions: 0 });
  });

  it('idle pipelines are probed with ListPipelineExecutions only; GetPipelineState only when something changed', async () => {
    const { engine } = env.executions;
    const idle = { profile: 'sandbox-dev', region: 'us-east-1', name: 'infra-network' };
    const seq = env.sb.logEntries().at(-1)?.seq ?? 0;
    engine.watch(idle, 'bg', { opened: false });
    await until('three probes', () => cpCalls(seq, 'ListPipelineExecutions').length >= 3);
    engine.unwatch(idle, 'bg');
    const states = cpCalls(seq, 'GetPipelineState').length;
    expect(states).toBe(1); // the first read only
  });

  it('never exceeds the (account, region) budget, even with many pipelines watched at once', async () => {
    const { engine } = env.executions;
    // Enough pipelines that, opened, they would poll far faster than the budget allows (in a region of
    // their own: a watcher's tick under way when it stops still finishes its calls).
    await generatePipelines(env.sb, {
      accounts: ['111111111111'],
      regions: ['ap-southeast-2'],
      pipelinesPerTarget: 20,
      executionsPerPipeline: 0,
      namePrefix: 'budget',
    });
    const names = (await env.executions.pipelineNames({ profile: 'sandbox-dev', region: 'ap-southeast-2' })).slice(0, 20);
    expect(names.length).toBe(20);
    const seq = env.sb.logEntries().at(-1)?.seq ?? 0;
    const t0 = Date.now();
    const devCalls = (op?: string) => cpCalls(seq, op).filter((e) => e.account === '111111111111' && e.region === 'ap-southeast-2');
    // Each opened in a window of its own (a window has one pipeline open at a time).
    for (const name of names) engine.watch({ profile: 'sandbox-dev', region: 'ap-southeast-2', name }, `budget-${name}`, { opened: true });
    // The watchers do poll: every pipeline was read, and probed again (a first round
    // is one probe each), far beyond what one burst allows, so the budget had to pace them.
    await until('every watcher read', () => names.every((name) => engine.state({ profile: 'sandbox-dev', region: 'ap-southeast-2', name })), 10_000);
    await until('repeated probes', () => devCalls('ListPipelineExecutions').length >= 2 * names.length, 15_000);
    const probes = engine.stats().calls.probe;
    for (const name of names) engine.unwatch({ profile: 'sandbox-dev', region: 'ap-southeast-2', name }, `budget-${name}`);
    const elapsed = (Date.now() - t0) / 1000;
    expect(probes).toBeGreaterThanOrEqual(2 * names.length);
    const calls = devCalls();
    expect(calls.length).toBeGreaterThan(5 + 20);
    // burst 5 + 20/s: what the budget allows, read from the sandbox's own log.
    expect(calls.length).toBeLessThanOrEqual(5 + Math.ceil(20 * elapsed) + 1);
    // Every second window holds the rate too (no bunching beyond the burst).
    for (const e of calls) {
      const inWindow = calls.filter((x) => x.time >= e.time && x.time < e.time + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(5 + 20 + 1);
    }
  });

  it("the explorer's listing counts against the same (account, region) budget the watchers wait on", async () => {
    // Until the profile's account is known, its calls count under the profile; then under the account.
    const keys = ['profile:sandbox-dev|eu-west-1', '111111111111|eu-west-1'];
    const granted = () => keys.reduce((n, k) => n + env.executions.budget.granted(k), 0);
    const before = granted();
    const seq = env.sb.logEntries().at(-1)?.seq ?? 0;
    const pairs = env.pipelines.targets([{ profile: 'sandbox-dev', region: 'eu-west-1' }]);
    await env.pipelines.list(pairs, { onRows: () => {}, onError: () => {}, onTargetDone: () => {} }, new AbortController().signal);
    const calls = cpCalls(seq).filter((e) => e.account === '111111111111' && e.region === 'eu-west-1').length;
    expect(calls).toBeGreaterThan(0);
    expect(granted() - before).toBe(calls);
  });

  it('throttling backs the watcher off and is shown in the state, then clears', async () => {
    const { engine } = env.executions;
    const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'infra-network' };
    env.sb.faults.add(
      FaultRule.parse({
        service: 'codepipeline',
        operation: 'ListPipelineExecutions',
        account: '111111111111',
        region: 'us-east-1',
        throttleRate: 1,
        remaining: 20,
      }),
    );
    const states: PipelineLiveState[] = [];
    const off = env.executions.onUpdate((s) => s.ref.name === ref.name && states.push(s));
    engine.watch(ref, 'throttle', { opened: true });
    const throttled = await until('a throttled state', () => states.find((s) => s.throttled && s.error?.kind === 'throttled'), 20_000);
    expect(throttled.error?.code).toBe('ThrottlingException');
    // Backing off: far fewer probes than the 100 ms opened interval would make. The clock is an opened
    // watcher of another account (not throttled): the time it takes for 15 probes, the throttled one makes fewer.
    const clock = { profile: 'sandbox-staging', region: 'us-east-1', name: 'web-frontend' };
    const from = env.sb.logEntries().at(-1)?.seq ?? 0;
    engine.watch(clock, 'throttle-clock', { opened: true });
    await until('15 clock probes', () => cpCalls(from, 'ListPipelineExecutions').filter((e) => e.account === DEFAULT_ACCOUNTS[1].id).length >= 15, 20_000);
    engine.unwatch(clock, 'throttle-clock');
    const throttledCalls = cpCalls(from, 'ListPipelineExecutions').filter((e) => e.errorCode === 'ThrottlingException').length;
    expect(throttledCalls).toBeLessThan(15);
    engine.unwatch(ref, 'throttle');
    off();
    env.sb.faults.set([]);
  }, 30_000);
});

describe('controls', () => {
  it('approve in staging: the token is read at that moment, for the reviewed execution, and the run goes on', async () => {
    const live = await env.executions.state(staging);
    const stage = live.stages.find((s) => s.actions.some((a) => a.waitingForApproval))!;
    const action = stage.actions.find((a) => a.waitingForApproval)!;
    const seq = env.sb.logEntries().at(-1)?.seq ?? 0;
    // A stale execution id (another run replaced it) is refused, and nothing is answered.
    await expect(
      env.executions.answer(
        staging,
        {
          stage: stage.name,
          action: action.name,
          executionId: '00000000-0000-0000-0000-000000000000',
          status: 'Approved',
          summary: 'ok',
        },
        await approvalConfirmed(staging, ''),
      ),
    ).rejects.toThrow(/Review it again/);
    expect(cpCalls(seq, 'PutApprovalResult')).toEqual([]);
    await env.executions.answer(
      staging,
      {
        stage: stage.name,
        action: action.name,
        executionId: stage.executionId,
        status: 'Approved',
        summary: 'Looks good',
      },
      await approvalConfirmed(staging, ''),
    );
    const put = cpCalls(seq, 'PutApprovalResult');
    // Only the named account and region were touched.
    expect(put.map((e) => [e.account, e.region])).toEqual([['222222222222', 'us-east-1']]);
    const done = await until('the run to succeed', async () => {
      const s = await env.executions.state(staging);
      return s.latest?.status === 'Succeeded' && s.stages.every((st) => st.status === 'Succeeded') && s;
    });
    expect(done.stages.at(-1)!.actions.every((a) => a.status === 'Succeeded')).toBe(true);
  });

  it('the production rule sees every profile of the account, and an answer goes only to an approval that waits', async () => {
    await env.accounts.check(undefined, false);
    const t = env.executions.target(prod);
    expect(t).toMatchObject({ profile: 'sandbox-prod', region: 'us-east-1', pipeline: 'web-frontend', accountAlias: 'sandbox-prod' });
    // Every profile known to reach the prod account, and none of the others.
    expect([...t.profiles].sort()).toEqual(
      env.accounts
        .profiles()
        .map((p) => p.name)
        .filter((n) => env.accounts.identityOf(n)?.accountId === '333333333333')
        .sort(),
    );
    expect(t.profiles).not.toContain('sandbox-dev');
    const live = await env.executions.state(staging);
    const [first] = live.stages;
    const seq = env.sb.logEntries().at(-1)?.seq ?? 0;
    const answer = async (stage: string, action: string) =>
      env.executions.answer(staging, { stage, action, executionId: null, status: 'Approved', summary: 'x' }, await approvalConfirmed(staging, ''));
    await expect(answer('NoSuchStage', 'NoSuchAction')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/has no action NoSuchStage \/ NoSuchAction/),
    });
    await expect(answer(first.name, first.actions[0].name)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/is not waiting for approval/),
    });
    expect(cpCalls(seq, 'PutApprovalResult')).toEqual([]);
  });

  it('an approval in production needs the typed confirmation, in the use-case the app and the CLI share', async () => {
    const live = await env.executions.state(prod);
    const stage = live.stages.find((s) => s.actions.some((a) => a.waitingForApproval));
    expect(stage).toBeDefined();
    const action = stage!.actions.find((a) => a.waitingForApproval)!;
    const word = (await env.executions.resolveTarget(prod)) && env.executions.accountView(prod).productionWord;
    expect(word).toBeTruthy();
    const seq = env.sb.logEntries().at(-1)?.seq ?? 0;
    await expect(approvalConfirmed(prod, '')).rejects.toThrow(/production account: type "sandbox-prod"/);
    const answer = { stage: stage!.name, action: action.name, executionId: stage!.executionId, status: 'Rejected' as const, summary: 'no' };
    // The service itself refuses what no person confirmed for this pipeline: another pipeline's confirmation, or a forged one.
    await expect(env.executions.answer(prod, answer, await approvalConfirmed(staging, ''))).rejects.toThrow(/production account: type "sandbox-prod"/);
    const forged = { request: { kind: 'approval', target: env.executions.target(prod) } };
    await expect(env.executions.answer(prod, answer, forged as never)).rejects.toThrow(/needs a confirmation typed by a person/);
    expect(cpCalls(seq)).toEqual([]);
    await env.executions.answer(
      prod,
      {
        stage: stage!.name,
        action: action.name,
        executionId: stage!.executionId,
        status: 'Rejected',
        summary: 'Not today',
      },
      await approvalConfirmed(prod, word!),
    );
    const failed = await until('the rejection to fail the run', async () => {
      const s = await env.executions.state(prod);
      return s.latest?.status === 'Failed' && s.stages.some((st) => st.status === 'Failed') && s;
    });
    const rejected = failed.stages.flatMap((s) => s.actions).find((a) => a.name === action.name)!;
    expect(rejected.errorDetails?.message).toMatch(/Rejected: Not today/);
  });

  it('start with a pinned revision, see it in history and in the timeline with every action', async () => {
    const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
    const id = await env.executions.start(ref, { sourceRevisions: [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: 'abc1234' }] });
    const done = await until('the run to finish', async () => {
      const s = await env.executions.state(ref);
      // The state's two reads run side by side: wait until both have seen the end.
      return s.latest?.id === id && s.latest.status !== 'InProgress' && s.stages.every((st) => st.status !== 'InProgress') && s;
    });
    expect(done.latest?.status).toBe('Succeeded');
    // The console link of what the build ran, as the service gives it.
    expect(done.stages.flatMap((st) => st.actions).find((a) => a.provider === 'CodeBuild')?.externalExecutionUrl).toMatch(
      /console\.aws\.amazon\.com\/codesuite\/codebuild\//,
    );
    const page = await env.executions.list(ref, { maxResults: 5 });
    expect(page.executions[0]).toMatchObject({ id, status: 'Succeeded', trigger: { type: 'StartPipelineExecution' } });
    const details = await env.executions.get(ref, id);
    const declared = done.stages.flatMap((s) => s.actions.map((a) => `${s.name}/${a.name}`));
    expect(details.actions.map((a) => `${a.stageName}/${a.actionName}`).sort()).toEqual(declared.sort());
    expect(details.actions.every((a) => a.startTime && a.lastUpdateTime)).toBe(true);
    const out = details.actions.find((a) => a.outputArtifacts.length)!;
    expect(out.outputArtifacts[0].bucket).toMatch(/codepipeline-/);
  });

  it('inject a failure, see the error on the action, retry the stage, see success', async () => {
    const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
    const live = await env.executions.state(ref);
    const build = live.stages[1];
    env.sb.config.failures.push({ pipeline: ref.name, stage: build.name, action: build.actions[0].name, mode: 'once' });
    const id = await env.executions.start(ref, {});
    const failed = await until('the run to fail', async () => {
      const s = await env.executions.state(ref);
      // The two reads of a state are concurrent: wait until both have seen the failure.
      return s.latest?.id === id && s.latest.status === 'Failed' && s.stages[1].status === 'Failed' && s;
    });
    const action = failed.stages[1].actions[0];
    expect(action).toMatchObject({ status: 'Failed', errorDetails: { message: expect.stringMatching(/Injected failure/) } });
    await env.executions.retry(ref, id, build.name, false);
    const ok = await until('the retry to succeed', async () => {
      const s = await env.executions.state(ref);
      return s.latest?.id === id && s.latest.status === 'Succeeded' && s.stages[1].status === 'Succeeded' && s;
    });
    expect(ok.stages[1].actions.every((a) => a.status === 'Succeeded')).toBe(true);
  });

  it('stop with abandon, and a disabled transition holds the next run before that stage, with its reason', async () => {
    const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
    const live = await env.executions.state(ref);
    const last = live.stages.at(-1)!.name;
    await expect(env.executions.setTransition(ref, last, 'inbound', false, '  ')).rejects.toThrow(/Say why/);
    await env.executions.setTransition(ref, last, 'inbound', false, 'Change freeze');
    const id = await env.executions.start(ref, {});
    const held = await until('the run to wait at the transition', async () => {
      const s = await env.executions.state(ref);
      const st = s.stages.at(-1)!;
      return st.waitingExecutionIds.includes(id) && s;
    });
    expect(held.stages.at(-1)!.inbound).toMatchObject({ enabled: false, reason: 'Change freeze' });
    await env.executions.stop(ref, id, 'Not this one', true, confirm({ kind: 'stop', target: await env.executions.resolveTarget(ref) }, { words: [] }));
    const stopped = await until('the run to stop', async () => {
      const s = await env.executions.state(ref);
      return s.latest?.id === id && ['Stopped', 'Cancelled'].includes(s.latest.status) && s;
    });
    expect(stopped.latest?.stopReason).toBe('Not this one');
    await env.executions.setTransition(ref, last, 'inbound', true, '');
    expect((await env.executions.state(ref)).stages.at(-1)!.inbound.enabled).toBe(true);
  });

  it('rolls a stage back to an earlier successful execution (V2), and the history says so', async () => {
    const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
    const { executions } = await env.executions.list(ref, { maxResults: 20 });
    const current = executions.find((e) => e.status === 'Succeeded')!;
    const target = executions.find((e) => e.status === 'Succeeded' && e.id !== current.id && e.executionType !== 'ROLLBACK')!;
    const id = await env.executions.rollback(ref, 'Deploy', target.id);
    const done = await until('the rollback to finish', async () => {
      const s = await env.executions.state(ref);
      return s.latest?.id === id && s.latest.status !== 'InProgress' && s;
    });
    expect(done.latest).toMatchObject({ status: 'Succeeded', executionType: 'ROLLBACK', rollbackTargetId: target.id });
    const details = await env.executions.get(ref, id);
    expect(new Set(details.actions.map((a) => a.stageName))).toEqual(new Set(['Deploy']));
  });

  it('lists approvals across the workspace, and says which targets could not be read', async () => {
    const targets = ['sandbox-dev', 'sandbox-staging', 'sandbox-prod', 'sandbox-auditor'].flatMap((p) =>
      ['us-east-1', 'eu-west-1'].map((region) => ({ profile: env.accounts.profile(p), region })),
    );
    env.sb.faults.add(FaultRule.parse({ service: 'codepipeline', operation: 'ListPipelines', account: '333333333333', region: 'eu-west-1', denyRate: 1 }));
    const id = await env.executions.start(staging, {});
    await until('the new staging run to wait for approval', async () => {
      const s = await env.executions.state(staging);
      return s.latest?.id === id && s.stages.some((st) => st.actions.some((a) => a.waitingForApproval)) && s;
    });
    const view = await env.executions.approvals(targets);
    expect(view.approvals.map((a) => `${a.ref.profile}/${a.ref.name}/${a.actionName}`)).toContain('sandbox-staging/web-frontend/ReleaseApproval');
    expect(view.unverified).toContainEqual(expect.objectContaining({ profile: 'sandbox-prod', region: 'eu-west-1', pipeline: null }));
    expect(view.unverified.find((u) => u.profile === 'sandbox-prod')?.error.kind).toBe('access-denied');
    expect(view.pipelinesRead).toBeGreaterThan(3);
    env.sb.faults.set([]);
  });

  it('a stage entry condition shows while it is evaluated, can be overridden, and a failing rule fails the run', async () => {
    const dev = DEFAULT_ACCOUNTS[0];
    const cp = new CodePipelineClient({
      endpoint: env.sb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: dev.accessKeyId, secretAccessKey: dev.secretAccessKey },
    });
    const decl = simplePipeline('gated', 'codepipeline-us-east-1-111111111111', { pipelineType: 'V2' });
    decl.stages![1].beforeEntry = {
      conditions: [
        {
          result: 'FAIL',
          rules: [
            {
              name: 'BusinessHours',
              ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' },
              configuration: { Cron: '0 9-17 ? * MON-FRI *' },
            },
          ],
        },
      ],
    };
    await cp.send(new CreatePipelineCommand({ pipeline: decl }));
    env.sb.config.durations.byProvider.DeploymentWindow = 3_600_000; // an hour: 7 s at this time scale
    const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'gated' };
    // Creating the pipeline starts its first run, as the service does.
    const gated = await until('the condition to be evaluated', async () => {
      const s = await env.executions.state(ref);
      return s.stages[1].beforeEntry?.status === 'InProgress' && s;
    });
    expect(gated.stages[1].beforeEntry?.rules).toEqual([{ name: 'BusinessHours', status: 'InProgress', summary: null }]);
    const id = gated.stages[1].waitingExecutionIds[0];
    expect(id).toBe(gated.latest?.id);
    await env.executions.overrideCondition(ref, 'Build', id, 'BEFORE_ENTRY');
    const through = await until('the run to go through', async () => {
      const s = await env.executions.state(ref);
      return s.latest?.id === id && s.latest.status === 'Succeeded' && s;
    });
    expect(through.stages[1].beforeEntry?.status).toBe('Overridden');
    // Nothing left to override: the service says so.
    await expect(env.executions.overrideCondition(ref, 'Build', id, 'BEFORE_ENTRY')).rejects.toThrow(/ConditionNotOverridable|No BEFORE_ENTRY condition/);

    env.sb.config.durations.byProvider.DeploymentWindow = 1_000;
    env.sb.config.failures.push({ pipeline: 'gated', stage: 'Build', action: 'BusinessHours', mode: 'once' });
    const id2 = await env.executions.start(ref, {});
    const failed = await until('the rule to fail the run', async () => {
      const s = await env.executions.state(ref);
      return s.latest?.id === id2 && s.latest.status === 'Failed' && s;
    });
    expect(failed.stages[1].beforeEntry?.status).toBe('Failed');
    const rules = await cp.send(new ListRuleExecutionsCommand({ pipelineName: 'gated', filter: { pipelineExecutionId: id2 } }));
    expect(rules.ruleExecutionDetails?.[0]).toMatchObject({ ruleName: 'BusinessHours', status: 'Failed', stageName: 'Build' });
    expect(rules.ruleExecutionDetails?.[0].output?.executionResult?.errorDetails?.message).toMatch(/Injected failure of rule BusinessHours/);
  });
});
