// Issue 23, item 1: "A production approval passes without the typed confirmation."
// An account was production only by its alias or, failing that, by the name of a
// profile known to reach it. The alias is unknown until an identity check has run,
// and stays unknown when iam:ListAccountAliases is denied. So a role profile named
// `release-bot` reaching the prod account approved there with no confirmation, four
// ways: `approvals.answer` over RPC on a fresh app; the inbox (the approval listed
// once per profile, only the release-bot row without the production badge);
// `approvals approve --yes`; and `release promote --approve`.
// Expected: production is decided per account id, with the identity checked at the
// moment of acting: any profile, alias or setting of the account that says production
// makes it production; when nothing can tell (no alias, no setting), the account id
// itself must be typed. One approval is one row, whichever profiles reach it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src/main/app-core';
import { DEFAULT_USERS, type SandboxUserConfig } from '../../src/sandbox/config';
import type { Approval, ApprovalsView, PipelineLiveState } from '../../src/shared/api/executions';
import type { Envelope } from '../../src/shared/api/envelope';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { untilWithin } from '../helpers/live-updates';

const PROD = '333333333333';
const STAGING = '222222222222';
const DEV = '111111111111';

/** A least-privilege role in the prod account whose name says nothing, denied the account alias (as such roles often are). */
const releaseBot: SandboxUserConfig = {
  name: 'release-bot',
  account: PROD,
  accessKeyId: 'AKIARELEASEBOT000001',
  secretAccessKey: 'release-bot-secret-key-000000000000001',
  deny: ['iam:ListAccountAliases'],
};
/** A third way into the prod account. */
const prodAdmin: SandboxUserConfig = {
  name: 'prod-admin',
  account: PROD,
  accessKeyId: 'AKIAPRODADMIN0000001',
  secretAccessKey: 'prod-admin-secret-key-00000000000000001',
  deny: [],
};
const AT = { region: 'us-east-1', name: 'web-frontend' };
const APPROVAL = { stage: 'Deploy', action: 'ReleaseApproval' };

const until = untilWithin(20_000);

describe('hardening item 01, in the app: over RPC and in the inbox', () => {
  let core: Core;
  let home: string;
  const saved = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE };
  const rpc = <T>(method: string, input: unknown) => core.dispatch(method, input, { clientId: 'item-01' }) as Promise<Envelope<T>>;
  const ok = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await rpc<T>(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.result;
  };
  const approvalsPut = (since: number) => core.sandbox.instance!.logEntries(since).filter((e) => e.operation === 'PutApprovalResult');
  const lastSeq = () => core.sandbox.instance!.logEntries().at(-1)?.seq ?? 0;
  /** The execution waiting at the release approval, read from the sandbox itself (so the app stays as fresh as it is). */
  const waiting = (account: string) =>
    until(`an approval waiting in ${account}`, () => {
      const res = core.sandbox.instance!.invoke('codepipeline', account, AT.region, { target: 'GetPipelineState', body: { name: AT.name } });
      const state = JSON.parse(String(res.body)) as {
        stageStates: Array<{
          stageName: string;
          latestExecution?: { pipelineExecutionId: string };
          actionStates: Array<{ actionName: string; latestExecution?: { status: string; token?: string } }>;
        }>;
      };
      const stage = state.stageStates.find((s) => s.stageName === APPROVAL.stage);
      const action = stage?.actionStates.find((a) => a.actionName === APPROVAL.action);
      return Promise.resolve(action?.latestExecution?.status === 'InProgress' && !!action.latestExecution.token && stage!.latestExecution!.pipelineExecutionId);
    });
  const answer = (profile: string, executionId: string, confirmation: string) =>
    rpc<{ executionId: string | null }>('approvals.answer', {
      profile,
      ...AT,
      ...APPROVAL,
      executionId,
      status: 'Rejected',
      summary: 'Not this one',
      confirmation,
    });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'pw-item01-'));
    Object.assign(process.env, { AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') });
    core = await createCore({ home, mode: 'browser', version: '0.0.0-test', sandbox: 'on', sandboxTimeScale: 0.002 });
    await core.ready;
    core.sandbox.instance!.config.users.push(releaseBot, prodAdmin);
  }, 60_000);
  afterAll(async () => {
    await core?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(home, { recursive: true, force: true });
  });

  it('approvals.answer on a fresh app: release-bot in the prod account is refused without the word, and answers with it', async () => {
    // Fresh: no identity has been checked by anyone.
    expect(core.accounts.identityOf('release-bot')).toBeUndefined();
    const executionId = await waiting(PROD);
    const seq = lastSeq();
    const refused = await answer('release-bot', executionId, '');
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/production account: type "sandbox-prod"/) } });
    expect(approvalsPut(seq)).toEqual([]);
    // The word of another account (what release-bot's own name would have needed: nothing) does not do either.
    expect(await answer('release-bot', executionId, 'release-bot')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(approvalsPut(seq)).toEqual([]);
    expect(await answer('release-bot', executionId, 'sandbox-prod')).toMatchObject({ ok: true });
    expect(approvalsPut(seq).map((e) => e.account)).toEqual([PROD]);
  }, 60_000);

  it('the inbox lists the approval once, whichever of three profiles reach it, with the production badge of its account', async () => {
    await ok('executions.start', { profile: 'sandbox-prod', ...AT });
    const executionId = await waiting(PROD);
    await ok('settings.update', { workspace: { profiles: ['sandbox-prod', 'prod-admin', 'release-bot'], regions: ['us-east-1'] } });
    const view = await ok<ApprovalsView>('approvals.list', {});
    const rows = view.approvals.filter((a) => a.ref.name === 'web-frontend');
    expect(rows.map((a: Approval) => [a.ref.profile, a.accountId, a.production, a.productionWord])).toEqual([['sandbox-prod', PROD, true, 'sandbox-prod']]);
    expect(rows[0]).toMatchObject({ executionId, productionVerdict: 'production' });
  }, 60_000);

  it('an account whose alias no profile can read asks for its id, until the settings say what it is', async () => {
    const sb = core.sandbox.instance!;
    sb.faults.set([{ service: 'iam', operation: 'ListAccountAliases', account: STAGING, denyRate: 1 } as never]);
    try {
      // The staging approval of the demo seed; its profile's name says nothing, and now neither does an alias.
      const executionId = await waiting(STAGING);
      const seq = lastSeq();
      const refused = await answer('sandbox-staging', executionId, '');
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST', message: expect.stringMatching(/account 222222222222, which may be production: .*Type the account id "222222222222"/) },
      });
      expect(approvalsPut(seq)).toEqual([]);
      // The inbox says so too: production unknown, the account id is the word.
      await ok('settings.update', { workspace: { profiles: ['sandbox-staging'], regions: ['us-east-1'] } });
      const row = (await ok<ApprovalsView>('approvals.list', {})).approvals.find((a) => a.ref.name === 'web-frontend')!;
      expect(row).toMatchObject({ accountId: STAGING, accountAlias: null, production: true, productionWord: STAGING, productionVerdict: 'unknown' });

      // Settings are checked: an id is 12 digits, and no account is both.
      expect(await rpc('settings.update', { accounts: { production: ['12345'] } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(await rpc('settings.update', { accounts: { production: [STAGING], notProduction: [STAGING] } })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      // Marked production by the user: still the account id (what said so), now for certain.
      await ok('settings.update', { accounts: { production: [STAGING], notProduction: [] } });
      expect(await answer('sandbox-staging', executionId, '')).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/production account: type "222222222222"/) },
      });
      // Marked not production: nothing to type.
      await ok('settings.update', { accounts: { production: [], notProduction: [STAGING] } });
      expect(await answer('sandbox-staging', executionId, '')).toMatchObject({ ok: true });
      expect(approvalsPut(seq).map((e) => e.account)).toEqual([STAGING]);
    } finally {
      sb.faults.set([]);
      await ok('settings.update', { accounts: { production: [], notProduction: [] } });
    }
  }, 60_000);

  it('a setting that says production wins over an alias that does not, and stops need the word there too', async () => {
    await ok('settings.update', { accounts: { production: [DEV], notProduction: [] } });
    try {
      const stop = await rpc('executions.stop', {
        profile: 'sandbox-dev',
        ...AT,
        executionId: '00000000-0000-4000-8000-000000000000',
        reason: 'x',
        abandon: false,
        confirmation: '',
      });
      expect(stop).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/production account: type "111111111111"/) } });
      const state = await ok<PipelineLiveState>('executions.state', { profile: 'sandbox-dev', ...AT });
      expect(state).toMatchObject({ production: true, productionWord: DEV, productionVerdict: 'production' });
    } finally {
      await ok('settings.update', { accounts: { production: [], notProduction: [] } });
    }
  }, 60_000);
});

describe('hardening item 01, in the CLI: approvals approve --yes and release promote --approve', () => {
  let h: Awaited<ReturnType<typeof cliWithSandbox>>;
  const cli = (...args: string[]) => runCli(args, h.cliEnv, 120_000);
  const approvalsPut = (since: number) => h.env.sb.logEntries(since).filter((e) => e.operation === 'PutApprovalResult');
  const lastSeq = () => h.env.sb.logEntries().at(-1)?.seq ?? 0;
  const approve = (profile: string, ...more: string[]) =>
    cli(
      'approvals',
      'approve',
      'web-frontend',
      '--profile',
      profile,
      '--region',
      'us-east-1',
      '--stage',
      'Deploy',
      '--action',
      'ReleaseApproval',
      '--summary',
      'ok',
      '--yes',
      ...more,
    );

  beforeAll(async () => {
    h = await cliWithSandbox('item01', { seed: 'demo', config: { timeScale: 0.002, users: [...DEFAULT_USERS, releaseBot] } });
  }, 60_000);
  afterAll(() => h?.stop());

  it('approvals approve --yes as release-bot asks for the production word, and approves with it', async () => {
    const seq = lastSeq();
    const refused = await approve('release-bot');
    expect(refused.err).toMatch(/This approval is in a production account; to confirm, add: --confirm-prod sandbox-prod$/m);
    expect(refused.code).toBe(2);
    expect(approvalsPut(seq)).toEqual([]);
    const done = await approve('release-bot', '--confirm-prod', 'sandbox-prod');
    expect(done.code).toBe(0);
    expect(approvalsPut(seq).map((e) => e.account)).toEqual([PROD]);
  }, 120_000);

  it('an account whose alias is denied to every profile needs its id typed', async () => {
    h.env.sb.faults.set([{ service: 'iam', operation: 'ListAccountAliases', account: STAGING, denyRate: 1 } as never]);
    try {
      const seq = lastSeq();
      const refused = await approve('sandbox-staging');
      expect(refused.err).toMatch(/account 222222222222, which may be production .*; to confirm, add: --confirm-prod 222222222222$/m);
      expect(refused.code).toBe(2);
      expect(approvalsPut(seq)).toEqual([]);
      const done = await approve('sandbox-staging', '--confirm-prod', STAGING);
      expect(done.code).toBe(0);
      expect(approvalsPut(seq).map((e) => e.account)).toEqual([STAGING]);
    } finally {
      h.env.sb.faults.set([]);
    }
  }, 120_000);

  it('the CLI reads the accounts the settings file marks', async () => {
    const pwHome = h.cliEnv.PIPEWRIGHT_HOME!;
    mkdirSync(pwHome, { recursive: true });
    writeFileSync(join(pwHome, 'settings.json'), JSON.stringify({ accounts: { production: [DEV] } }));
    try {
      const r = await cli(
        'executions',
        'stop',
        'web-frontend',
        '00000000-0000-4000-8000-000000000000',
        '--profile',
        'sandbox-dev',
        '--region',
        'us-east-1',
        '--reason',
        'x',
      );
      expect(r.err).toMatch(/web-frontend runs in a production account; to stop it, add: --confirm-prod 111111111111/);
      expect(r.code).toBe(2);
    } finally {
      rmSync(join(pwHome, 'settings.json'), { force: true });
    }
  }, 120_000);

  it('release promote --approve into an environment reached through release-bot needs --confirm-prod, and nothing starts without it', async () => {
    const file = join(h.dir, 'bot.release.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'application: bot-release',
        'environments:',
        '  - name: live',
        '    targets:',
        '      - { profile: release-bot, region: us-east-1, pipeline: web-frontend }',
        'waves: [[live]]',
        '',
      ].join('\n'),
    );
    const since = lastSeq();
    const refused = await cli('release', 'promote', file, '--to', 'live', '--approve', '--allow-unpinned');
    expect(refused.err).toMatch(/live is a production environment: add --confirm-prod live to approve its approvals/);
    expect(refused.code).toBe(2);
    expect(h.env.sb.logEntries(since).filter((e) => e.operation === 'StartPipelineExecution' || e.operation === 'PutApprovalResult')).toEqual([]);
    const done = await cli('release', 'promote', file, '--to', 'live', '--approve', '--allow-unpinned', '--confirm-prod', 'live', '--json');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ status: 'succeeded' });
    expect(approvalsPut(since).filter((e) => e.account === PROD).length).toBeGreaterThan(0);
  }, 180_000);
});
