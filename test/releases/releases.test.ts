// Releases against the sandbox's three accounts, through the real SDK clients:
// the board, promotion dev -> staging -> prod with one revision pinned,
// approvals across accounts, a failure that stops the release, gates, drift,
// and a target check that names what is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices } from '../helpers/services';
import { parseReleaseFile, type ReleaseFile } from '../../src/shared/releases/release-file';
import type { Promotion } from '../../src/shared/api/releases';
import { EXAMPLE } from '../helpers/releases';
import { FaultRule } from '../../src/sandbox/faults';
import { ReleasesService } from '../../src/main/releases/service';
import { ReleaseStore } from '../../src/main/releases/release-store';
import { confirm, ConfirmationError } from '../../src/shared/safety/confirmation';

let h: Awaited<ReturnType<typeof startServices>>;
const DEV = '111111111111';
const STAGING = '222222222222';
const PROD = '333333333333';

function release(text = EXAMPLE): ReleaseFile {
  const r = parseReleaseFile(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.release;
}
/** The example without the soak time (tests cannot wait 30 minutes). */
const noSoak = () => release(EXAMPLE.replace('soakMinutes: 30, ', ''));

const cp = (acct: string, target: string, body: unknown) => {
  const res = h.sb.invoke('codepipeline', acct, 'us-east-1', { target, body });
  if (res.status !== 200) throw new Error(`${target}: ${String(res.body)}`);
  // The sandbox's JSON, read loosely as tests read it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return JSON.parse(String(res.body)) as Record<string, any>;
};

async function promoteAndFollow(r: ReleaseFile, env: string, o: { confirmed?: boolean; approve?: string; revision?: string } = {}): Promise<Promotion> {
  const out = await h.releases.promote(r, env, { confirmed: o.confirmed ?? false, allowUnpinned: false, revision: o.revision });
  if (out.kind !== 'started') throw new Error(`blocked: ${out.gate.reason}`);
  return h.releases.follow(
    out.promotion,
    o.approve !== undefined ? { approve: { confirmed: confirm(h.releases.approvalRequest(out.promotion), { words: [o.approve] }) } } : {},
  );
}

beforeAll(async () => {
  h = await startServices({ seed: 'demo', releases: { pollMs: 50 }, executions: { budget: { ratePerSec: 200, burst: 200 } } });
}, 60_000);
afterAll(() => h?.stop());

describe('releases', () => {
  it('the board shows which revision runs where, across three accounts, and what waits', async () => {
    const board = await h.releases.board(release());
    expect(board.environments.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    const [dev, staging, prod] = board.environments;
    expect(dev.targets[0]).toMatchObject({ account: DEV, status: 'Succeeded', problem: null });
    expect(dev.targets[0].revisionId).toMatch(/^[0-9a-f]{40}$/);
    expect(staging.targets[0]).toMatchObject({ account: STAGING, status: 'InProgress', approvalWaiting: true });
    expect(prod.targets[0].account).toBe(PROD);
    // dev deploys to S3 without approval; staging has an approval and CloudFormation: that is drift.
    expect(staging.driftCount).toBeGreaterThan(0);
    // staging and prod differ only in account-specific values: none.
    expect(prod.driftCount).toBe(0);
    expect(prod.gate).toMatchObject({ after: 'staging', open: false, kind: 'success' });
  });

  it('promotes dev -> staging -> prod with the same revision pinned, approving across accounts', async () => {
    const r = noSoak();
    const dev = await promoteAndFollow(r, 'dev');
    expect(dev).toMatchObject({ status: 'succeeded', from: null });
    const devRevision = (await h.releases.board(r)).environments[0].targets[0].revisionId!;
    expect(devRevision).toBeTruthy();

    // staging: the seeded older run waits at ReleaseApproval and holds Deploy; approving the release rejects it.
    const staging = await promoteAndFollow(r, 'staging', { approve: '' });
    expect(staging).toMatchObject({ status: 'succeeded', from: 'dev', revision: devRevision });
    expect(staging.targets[0].pins).toEqual([{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: devRevision }]);

    // prod: the gate wants a person; production approvals want the environment's name typed.
    const blocked = await h.releases.promote(r, 'prod', { confirmed: false, allowUnpinned: false });
    expect(blocked).toMatchObject({ kind: 'blocked', gate: { kind: 'confirmation' } });
    const started = await h.releases.promote(r, 'prod', { confirmed: true, allowUnpinned: false });
    if (started.kind !== 'started') throw new Error('blocked');
    const request = h.releases.approvalRequest(started.promotion);
    expect(request.productionWord).toBe('prod');
    expect(() => confirm(request, { words: ['sandbox-prod'] })).toThrow(/type "prod"/);
    // The service takes no word from anyone but the person: the staging environment's confirmation, or one
    // prod approval's, does not answer the prod promotion's approvals.
    const stagingConfirmed = confirm(h.releases.approvalRequest(staging), { words: [''] });
    await expect(h.releases.approve(started.promotion, stagingConfirmed)).rejects.toThrow(/production environment: type "prod"/);
    const target = h.releases.approvalRequest(started.promotion).targets[0];
    await expect(h.releases.approve(started.promotion, confirm({ kind: 'approval', target }, { words: ['sandbox-prod'] }) as never)).rejects.toThrow(
      ConfirmationError,
    );
    const prod = await h.releases.follow(started.promotion, { approve: { confirmed: confirm(request, { words: ['prod'] }) } });
    expect(prod).toMatchObject({ status: 'succeeded', revision: devRevision });

    // Through the API: each execution ran the pinned revision.
    for (const [acct, p] of [
      [STAGING, staging],
      [PROD, prod],
    ] as const) {
      const e = cp(acct, 'GetPipelineExecution', { pipelineName: 'web-frontend', pipelineExecutionId: p.targets[0].executionId });
      expect(e.pipelineExecution.artifactRevisions[0].revisionId).toBe(devRevision);
      expect(e.pipelineExecution.trigger.triggerType).toBe('StartPipelineExecution');
    }
    const board = await h.releases.board(r);
    expect(board.environments.map((e) => e.targets[0].revisionId)).toEqual([devRevision, devRevision, devRevision]);
    expect(board.environments.every((e) => !e.behindPrevious)).toBe(true);

    const log = await h.releases.store.history('web-frontend');
    const events = log.map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['promotion-started', 'execution-started', 'approved', 'rejected', 'promotion-finished', 'gate-blocked']));
    expect(log.filter((e) => e.event === 'execution-started')).toHaveLength(3);
  }, 60_000);

  it('a failure in staging stops the release before prod, saying where and why', async () => {
    const r = noSoak();
    h.sb.config.failures.push({ pipeline: 'web-frontend', stage: 'Build', action: 'Build', mode: 'once', account: STAGING });
    const staging = await promoteAndFollow(r, 'staging', { approve: '' });
    expect(staging.status).toBe('failed');
    expect(staging.reason).toMatch(/^staging: web-frontend \(sandbox-staging, us-east-1\) Failed at Build \/ Build/);
    const prod = await h.releases.promote(r, 'prod', { confirmed: true, allowUnpinned: false });
    expect(prod).toMatchObject({ kind: 'blocked', gate: { kind: 'success' } });
    if (prod.kind === 'blocked') expect(prod.gate.reason).toMatch(/staging has not succeeded: .* is Failed/);
  }, 60_000);

  it('a start that is denied fails the promotion and says why; a throttled one is retried with the same token', async () => {
    const r = noSoak();
    h.sb.faults.add(FaultRule.parse({ service: 'codepipeline', operation: 'StartPipelineExecution', account: '111111111111', denyRate: 1, remaining: 1 }));
    const denied = await promoteAndFollow(r, 'dev');
    expect(denied.status).toBe('failed');
    expect(denied.reason).toBe(
      'dev: web-frontend (sandbox-dev, us-east-1) could not start: User is not authorized to perform this operation (injected by the sandbox).',
    );
    // Throttled past the SDK's five attempts: the promotion keeps the target and starts it on a later look, once.
    h.sb.faults.add(FaultRule.parse({ service: 'codepipeline', operation: 'StartPipelineExecution', account: '111111111111', throttleRate: 1, remaining: 6 }));
    const throttled = await promoteAndFollow(r, 'dev');
    expect(throttled.status).toBe('succeeded');
    const log = (await h.releases.store.history('web-frontend')).filter((e) => e.promotionId === throttled.id);
    expect(log.filter((e) => e.event === 'execution-start-failed').length).toBeGreaterThan(0);
    expect(log.filter((e) => e.event === 'execution-started')).toHaveLength(1);
  }, 60_000);

  it('a previous environment that cannot be read leaves the revision to pin unverified: nothing starts', async () => {
    const r = release(
      EXAMPLE.replace(
        '{ profile: sandbox-dev, region: us-east-1, pipeline: web-frontend }',
        '{ profile: nobody, region: us-east-1, pipeline: web-frontend }',
      ).replace('  staging: { after: dev, requireSuccess: true }\n', ''),
    );
    const starts = () => h.sb.logEntries(0).filter((e) => e.operation === 'StartPipelineExecution').length;
    const before = starts();
    await expect(h.releases.promote(r, 'staging', { confirmed: false, allowUnpinned: false })).rejects.toThrow(
      /dev could not be read \(There is no profile named nobody.*\), so the revision to pin is unverified/,
    );
    expect(starts()).toBe(before);
  });

  it('a soak gate says how long is left', async () => {
    const r = release(EXAMPLE.replace('staging: { after: dev, requireSuccess: true }', 'staging: { after: dev, soakMinutes: 30 }'));
    const out = await h.releases.promote(r, 'staging', { confirmed: true, allowUnpinned: false });
    expect(out).toMatchObject({ kind: 'blocked', gate: { kind: 'soak' } });
    if (out.kind === 'blocked') expect(out.gate.reason).toMatch(/dev soaks for 30 min: \d+ min left/);
  });

  it('a promotion still running is resumed, never started twice', async () => {
    const r = noSoak();
    h.sb.config.timeScale = 0.05;
    try {
      const first = await h.releases.promote(r, 'dev', { confirmed: false, allowUnpinned: false });
      const again = await h.releases.promote(r, 'dev', { confirmed: false, allowUnpinned: false });
      if (first.kind !== 'started' || again.kind !== 'started') throw new Error('blocked');
      expect(again.resumed).toBe(true);
      expect(again.promotion.id).toBe(first.promotion.id);
      expect(again.promotion.targets[0].executionId).toBe(first.promotion.targets[0].executionId);
      // A start repeated with the saved token (a crash between the call and the save) returns the same execution.
      const id = await h.executions.start(
        { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' },
        { clientRequestToken: first.promotion.targets[0].clientRequestToken },
      );
      expect(id).toBe(first.promotion.targets[0].executionId);
      await h.releases.stop('web-frontend', first.promotion.id, 'test over');
    } finally {
      h.sb.config.timeScale = 0.001;
    }
  }, 60_000);

  it('after a restart, a promotion left running is followed again from its saved state, and nothing starts twice', async () => {
    const r = noSoak();
    h.sb.config.timeScale = 0.02;
    let started: Promotion;
    try {
      const out = await h.releases.promote(r, 'dev', { confirmed: false, allowUnpinned: false });
      if (out.kind !== 'started') throw new Error('blocked');
      started = out.promotion;
    } finally {
      h.sb.config.timeScale = 0.001;
    }
    // A new process: the same home, new services; the first one never follows.
    const restarted = new ReleasesService(h.accounts, h.executions, new ReleaseStore(h.home), { pollMs: 50 });
    const finished = new Promise<Promotion>((resolve) =>
      restarted.onChange((c) => c.promotion?.id === started.id && c.promotion.status !== 'running' && resolve(c.promotion)),
    );
    expect(await restarted.resumeAll()).toEqual({ resumed: 1, notResumed: [] });
    const p = await finished;
    expect(p).toMatchObject({ status: 'succeeded' });
    expect(p.targets[0].executionId).toBe(started.targets[0].executionId);
    const log = (await h.releases.store.history('web-frontend')).filter((e) => e.promotionId === started.id);
    expect(log.filter((e) => e.event === 'execution-started')).toHaveLength(1);
    expect(log.map((e) => e.event)).toContain('promotion-resumed');
  }, 60_000);

  it('drift: a stage removed from prod is found; account-specific values are not drift', async () => {
    const r = noSoak();
    const clean = await h.releases.diff(r, 'staging', 'prod');
    expect(clean.targets[0].changes).toEqual([]);
    const { pipeline } = cp(PROD, 'GetPipeline', { name: 'web-frontend' });
    pipeline.stages = pipeline.stages.filter((s: { name: string }) => s.name !== 'Build');
    pipeline.stages[1].actions[1].inputArtifacts = [{ name: 'SourceOutput' }];
    cp(PROD, 'UpdatePipeline', { pipeline });
    const d = await h.releases.diff(r, 'staging', 'prod');
    expect(d.drift).toBe(true);
    const messages = d.targets[0].changes.map((c) => c.message);
    expect(messages).toContain('Stage Build removed.');
    expect(messages.join('\n')).not.toMatch(/222222222222|333333333333|StackName|artifactStore/);
  });

  it('checks targets against live pipelines: missing, unreachable and wrong account are named', async () => {
    const bad = release(
      EXAMPLE.replace(
        '{ profile: sandbox-dev, region: us-east-1, pipeline: web-frontend }',
        '{ profile: sandbox-dev, region: us-east-1, pipeline: no-such-pipeline }',
      )
        .replace('{ profile: sandbox-staging, region: us-east-1, pipeline: web-frontend }', '{ profile: nobody, region: us-east-1, pipeline: web-frontend }')
        .replace(
          '{ profile: sandbox-prod, region: us-east-1, pipeline: web-frontend }',
          `{ profile: sandbox-prod, region: us-east-1, pipeline: web-frontend, account: '${STAGING}' }`,
        ),
    );
    const problems = await h.releases.check(bad);
    expect(problems.map((p) => [p.environment, p.problem.kind])).toEqual([
      ['dev', 'missing'],
      ['staging', 'unreachable'],
      ['prod', 'wrong-account'],
    ]);
    expect(problems[0].problem.message).toMatch(/no-such-pipeline does not exist in us-east-1 of account 111111111111/);
    expect(problems[2].problem.message).toMatch(/sandbox-prod reaches account 333333333333, but the release file puts web-frontend in account 222222222222/);
    await expect(h.releases.promote(bad, 'dev', { confirmed: false, allowUnpinned: false })).rejects.toThrow(/dev cannot be promoted/);
  });

  it('init writes a release file from live pipelines, with each account', async () => {
    const r = await h.releases.init('web-frontend', [
      { name: 'dev', targets: [{ profile: 'sandbox-dev', region: 'us-east-1', pipeline: 'web-frontend' }] },
      { name: 'prod', targets: [{ profile: 'sandbox-prod', region: 'us-east-1', pipeline: 'web-frontend' }] },
    ]);
    expect(r.environments[1].targets[0].account).toBe(PROD);
    expect(r.waves).toEqual([['dev'], ['prod']]);
    await expect(h.releases.init('x', [{ name: 'dev', targets: [{ profile: 'sandbox-dev', region: 'us-east-1', pipeline: 'nope' }] }])).rejects.toThrow(
      /nope does not exist/,
    );
  });
});
