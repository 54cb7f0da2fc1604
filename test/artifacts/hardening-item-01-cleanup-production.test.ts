// Issue 23, item 1, in cleanups, as the red team found it after the first fix:
// - "a cleanup plan's accountAlias overrides the account's real alias, so production
//   is never asked": one profile `ci` with the prod account's keys (its alias
//   sandbox-prod readable), a plan item for 333333333333 saying accountAlias
//   "sandbox-staging"; `artifacts clean --plan p.json --yes --confirm-account
//   sandbox-staging` exited 0 and deleted 5 versions in prod.
// - "a cleanup ignores the other profiles that say production": release-bot and
//   prod-admin both reach 333333333333, its alias denied to all, the plan names
//   release-bot; `--yes --confirm-account 333333333333` exited 0 and deleted, where an
//   approval in the same account asks for prod-admin.
// - deleting a bucket and adding lifecycle rules asked only for the bucket's name, even
//   in a production account or one whose production is unknown.
// Expected: production for a cleanup, a bucket deletion and a lifecycle rule is decided
// per account id from live facts, as for an approval (shared/safety/production.ts): the
// alias as read now (a plan's alias that disagrees counts for nothing, and is named),
// every profile known to reach the account, the settings; an account nobody can name
// is "unknown" and its id is the production word. Only the live id or alias confirms
// an account. Bucket deletions and lifecycle rules need that word besides the bucket's name.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { DEFAULT_USERS, type SandboxUserConfig } from '../../src/sandbox/config';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { createCore, type Core } from '../../src/main/app-core';
import type { Envelope } from '../../src/shared/api/envelope';
import type { AuditReport } from '../../src/shared/artifacts/report';
import {
  accountProductionWord,
  assertConfirmed,
  confirm,
  ConfirmationError,
  confirmationProblem,
  missingCleanupConfirmations,
  planAccounts,
  planAliasNote,
} from '../../src/shared/safety/confirmation';

const PROD = '333333333333';
const STAGING = '222222222222';

/** A least-privilege role in the prod account whose name says nothing, denied the account alias. */
const releaseBot: SandboxUserConfig = {
  name: 'release-bot',
  account: PROD,
  accessKeyId: 'AKIARELEASEBOT000001',
  secretAccessKey: 'release-bot-secret-key-000000000000001',
  deny: ['iam:ListAccountAliases'],
};
/** Another way into the prod account, whose name says production. */
const prodAdmin: SandboxUserConfig = {
  name: 'prod-admin',
  account: PROD,
  accessKeyId: 'AKIAPRODADMIN0000001',
  secretAccessKey: 'prod-admin-secret-key-00000000000000001',
  deny: [],
};

describe('hardening item 01, the rule the app, the CLI and the services share (shared/safety/confirmation.ts)', () => {
  it('each account of a plan keeps every profile known to reach it, so one named prod makes it production', () => {
    const accounts = planAccounts([
      { accountId: PROD, accountAlias: null, profile: 'release-bot', profiles: ['prod-admin'] },
      { accountId: PROD, accountAlias: null, profile: 'ci', profiles: ['release-bot'] },
    ]);
    expect(accounts).toEqual([{ accountId: PROD, accountAlias: null, profile: 'release-bot', profiles: ['prod-admin', 'ci'], marked: undefined }]);
    // Rebuilt through planAccounts again (as the rule does), nothing is dropped.
    expect(missingCleanupConfirmations(accounts, { words: [PROD] }).unconfirmedProd.map(accountProductionWord)).toEqual(['prod-admin']);
  });

  it("only the live id or alias confirms an account: a plan's alias that disagrees counts for nothing, and is named", () => {
    const account = { accountId: PROD, accountAlias: 'sandbox-prod', planAlias: 'sandbox-staging', profile: 'ci' };
    expect(missingCleanupConfirmations([account], { words: ['sandbox-staging'] }).untyped).toHaveLength(1);
    expect(confirmationProblem({ kind: 'cleanup', accounts: [account] }, { words: ['sandbox-staging'] })).toBe(
      'Type the account id or alias to confirm: sandbox-prod. (The plan calls account 333333333333 "sandbox-staging", but its alias is "sandbox-prod": the plan\'s alias counts for nothing.)',
    );
    expect(missingCleanupConfirmations([account], { words: ['sandbox-prod'], production: ['sandbox-prod'] })).toEqual({ untyped: [], unconfirmedProd: [] });
    // Unreadable now: the plan's alias still does not name the account, nor make it less production.
    const unread = { accountId: PROD, accountAlias: null, planAlias: 'sandbox-staging', profile: 'ci' };
    expect(planAliasNote(unread)).toMatch(/its alias cannot be read now: the plan's alias counts for nothing/);
    expect(missingCleanupConfirmations([unread], { words: ['sandbox-staging'] }).untyped).toHaveLength(1);
    expect(accountProductionWord(unread)).toBe(PROD);
  });

  it('a bucket deletion and a lifecycle rule need the production word besides the name; production learnt since is not confirmed', () => {
    const prod = { accountId: PROD, accountAlias: 'sandbox-prod' };
    const unknown = { accountId: PROD, accountAlias: null, profile: 'release-bot' };
    const dev = { accountId: '111111111111', accountAlias: 'sandbox-dev' };
    expect(confirmationProblem({ kind: 'bucket-deletion', bucket: 'b', account: prod }, { words: ['b'] })).toBe(
      's3://b is in a production account: type "sandbox-prod" as well to confirm.',
    );
    expect(confirmationProblem({ kind: 'bucket-deletion', bucket: 'b', account: prod }, { words: ['sandbox-prod'], production: ['sandbox-prod'] })).toBe(
      'Type the bucket name b to confirm.',
    );
    expect(confirmationProblem({ kind: 'lifecycle', bucket: 'b', account: unknown }, { words: ['b'] })).toMatch(
      /^s3:\/\/b is in account 333333333333, which may be production: .*Type the account id "333333333333" as well to confirm\.$/,
    );
    expect(confirmationProblem({ kind: 'lifecycle', bucket: 'b', account: unknown }, { words: ['b'], production: ['333333333333'] })).toBeNull();
    expect(confirmationProblem({ kind: 'lifecycle', bucket: 'b', account: dev }, { words: ['b'] })).toBeNull();
    const devConfirmed = confirm({ kind: 'bucket-deletion', bucket: 'b', account: dev }, { words: ['b'] });
    expect(() => assertConfirmed(devConfirmed, { kind: 'bucket-deletion', bucket: 'b', account: dev })).not.toThrow();
    expect(() => assertConfirmed(devConfirmed, { kind: 'bucket-deletion', bucket: 'b', account: { ...dev, marked: 'production' } })).toThrow(
      's3://b is in a production account: type "111111111111" as well to confirm.',
    );
    expect(() => assertConfirmed(devConfirmed, { kind: 'bucket-deletion', bucket: 'b', account: { ...dev, accountId: '222222222222' } })).toThrow(
      ConfirmationError,
    );
  });
});

describe('hardening item 01, cleanups in the CLI: production by account id, from live facts', () => {
  let h: Awaited<ReturnType<typeof cliWithSandbox>>;
  /** An AWS config file holding only these sections (profiles). */
  const configWith = (name: string, sections: string[]) => {
    const file = join(h.dir, `config-${name}`);
    writeFileSync(file, sections.join('\n') + '\n');
    return { ...h.cliEnv, AWS_CONFIG_FILE: file };
  };
  const sectionsOf = (...profiles: string[]) =>
    awsConfigSnippet(h.env.sb.endpoint, h.env.sb.config)
      .split(/\n(?=\[profile )/)
      .filter((s) => profiles.some((p) => s.startsWith(`[profile ${p}]`)));
  /** A bucket in the prod account with 5 versions under an orphan-looking prefix. */
  const plant = (bucket: string) => {
    const b = h.env.sb.s3.createBucket(bucket, PROD, 'us-east-1');
    for (let i = 0; i < 5; i++) h.env.sb.s3.putObject(b, `gone/BuildArtif/K00000${i}`, Buffer.from('x'));
    return b;
  };
  const versionsLeft = (bucket: string) => [...h.env.sb.s3.buckets.get(bucket)!.objects.values()].reduce((n, vs) => n + vs.length, 0);
  /** A plan file with one item in the prod account, naming this profile and alias. */
  const planFile = (bucket: string, profile: string, accountAlias: string | null) => {
    const file = join(h.dir, `${bucket}.json`);
    const item = { profile, accountId: PROD, accountAlias, region: 'us-east-1', bucket, prefix: 'gone/', class: 'orphan', reason: 'test' };
    const expected = { objects: 5, versions: 5, deleteMarkers: 0, bytes: 5 };
    writeFileSync(
      file,
      JSON.stringify({ version: 1, createdAt: '2026-11-01T00:00:00.000Z', auditedAt: '2026-11-01T00:00:00.000Z', items: [{ ...item, expected, keep: [] }] }),
    );
    return file;
  };
  const clean = (env: NodeJS.ProcessEnv, file: string, ...confirmations: string[]) =>
    runCli(['artifacts', 'clean', '--plan', file, '--yes', ...confirmations], env);

  beforeAll(async () => {
    h = await cliWithSandbox('item01-clean', { seed: 'empty', config: { users: [...DEFAULT_USERS, releaseBot, prodAdmin] } });
  }, 60_000);
  afterAll(() => h?.stop());

  it("a plan's alias that disagrees with the live one counts for nothing: refused, --confirm-prod sandbox-prod asked, nothing deleted", async () => {
    // One profile, named for nothing, with the prod account's keys: its alias sandbox-prod is readable.
    const [prodSection] = sectionsOf('sandbox-prod');
    const env = configWith('ci', [prodSection.replace('[profile sandbox-prod]', '[profile ci]')]);
    plant('item01-plan-alias');
    const file = planFile('item01-plan-alias', 'ci', 'sandbox-staging');

    const forged = await clean(env, file, '--confirm-account', 'sandbox-staging');
    expect(forged.code, `${forged.out}${forged.err}versions left: ${versionsLeft('item01-plan-alias')}`).toBe(2);
    expect(forged.err).toMatch(/the plan calls account 333333333333 "sandbox-staging", but its alias is "sandbox-prod": the plan's alias counts for nothing/);
    expect(forged.err).toMatch(/--confirm-account 333333333333/);
    expect(forged.err).toMatch(/--confirm-prod sandbox-prod/);
    expect(versionsLeft('item01-plan-alias')).toBe(5);

    // The production word given, the plan's alias still does not confirm the account.
    const aliasOfPlan = await clean(env, file, '--confirm-account', 'sandbox-staging', '--confirm-prod', 'sandbox-prod');
    expect(aliasOfPlan.code).toBe(2);
    expect(aliasOfPlan.err).toMatch(/--confirm-account 333333333333/);
    expect(aliasOfPlan.err).not.toMatch(/--confirm-prod/);
    expect(versionsLeft('item01-plan-alias')).toBe(5);

    // The live alias confirms it, and the live word confirms production.
    const done = await clean(env, file, '--confirm-account', 'sandbox-prod', '--confirm-prod', 'sandbox-prod');
    expect(done.code, done.err).toBe(0);
    expect(versionsLeft('item01-plan-alias')).toBe(0);
  }, 120_000);

  it('another profile reaching the account says production (prod-admin): --confirm-prod prod-admin is needed, as for an approval', async () => {
    const env = configWith('bot-admin', sectionsOf('release-bot', 'prod-admin'));
    h.env.sb.faults.set([{ service: 'iam', operation: 'ListAccountAliases', account: PROD, denyRate: 1 } as never]);
    try {
      plant('item01-profiles');
      const file = planFile('item01-profiles', 'release-bot', null);
      const refused = await clean(env, file, '--confirm-account', PROD);
      expect(refused.code, `${refused.out}${refused.err}versions left: ${versionsLeft('item01-profiles')}`).toBe(2);
      expect(refused.err).toMatch(/--confirm-prod prod-admin/);
      expect(versionsLeft('item01-profiles')).toBe(5);
      // The account id is not the word when a profile says production.
      expect((await clean(env, file, '--confirm-account', PROD, '--confirm-prod', PROD)).code).toBe(2);
      expect(versionsLeft('item01-profiles')).toBe(5);

      const done = await clean(env, file, '--confirm-account', PROD, '--confirm-prod', 'prod-admin');
      expect(done.code, done.err).toBe(0);
      expect(versionsLeft('item01-profiles')).toBe(0);
    } finally {
      h.env.sb.faults.set([]);
    }
  }, 120_000);

  it('an account nobody can name (alias denied, no setting, no profile saying prod) is unknown: its id is the production word', async () => {
    const env = configWith('bot', sectionsOf('release-bot'));
    h.env.sb.faults.set([{ service: 'iam', operation: 'ListAccountAliases', account: PROD, denyRate: 1 } as never]);
    try {
      plant('item01-unknown');
      const file = planFile('item01-unknown', 'release-bot', null);
      const refused = await clean(env, file, '--confirm-account', PROD);
      expect(refused.code, `${refused.out}${refused.err}versions left: ${versionsLeft('item01-unknown')}`).toBe(2);
      expect(refused.err).toMatch(/333333333333 may be production/);
      expect(refused.err).toMatch(/--confirm-prod 333333333333/);
      expect(versionsLeft('item01-unknown')).toBe(5);

      const done = await clean(env, file, '--confirm-account', PROD, '--confirm-prod', PROD);
      expect(done.code, done.err).toBe(0);
      expect(versionsLeft('item01-unknown')).toBe(0);
    } finally {
      h.env.sb.faults.set([]);
    }
  }, 120_000);
});

describe('hardening item 01, bucket deletion and lifecycle rules in the app: the production word besides the bucket name', () => {
  let core: Core;
  let home: string;
  const saved = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE };
  const events: Array<{ event: string; payload: unknown }> = [];
  const rpc = <T>(method: string, input: unknown) => core.dispatch(method, input, { clientId: 'item-01' }) as Promise<Envelope<T>>;
  const ok = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await rpc<T>(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.result;
  };
  const PROD_BUCKET = 'codepipeline-us-east-1-item01-prod';
  const STAGING_BUCKET = 'codepipeline-us-east-1-item01-staging';
  const ORPHAN = 'retired-pipe/';

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'pw-item01-buckets-'));
    Object.assign(process.env, { AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') });
    core = await createCore({ home, mode: 'browser', version: '0.0.0-test', sandbox: 'on', sandboxTimeScale: 0.002 });
    await core.ready;
    core.hub.attach({ clientId: 'item-01', send: (event, payload) => void events.push({ event, payload }) });
    core.hub.markReady('item-01');
    const sb = core.sandbox.instance!;
    // An emptied, unused bucket in the prod account; an orphan prefix in a staging bucket.
    sb.s3.createBucket(PROD_BUCKET, PROD, 'us-east-1');
    const staging = sb.s3.createBucket(STAGING_BUCKET, STAGING, 'us-east-1');
    for (let i = 0; i < 3; i++) sb.s3.putObject(staging, `${ORPHAN}BuildArtif/K00000${i}`, Buffer.from('x'));
    await ok('settings.update', { workspace: { profiles: ['sandbox-prod', 'sandbox-staging'], regions: ['us-east-1'] } });
    const { jobId } = await ok<{ jobId: string }>('artifacts.audit', {});
    const report = await vi.waitFor(
      () => {
        const e = events.find((x) => x.event === 'artifacts.report' && (x.payload as { jobId: string }).jobId === jobId);
        if (!e) throw new Error('no audit report yet');
        return (e.payload as { report: AuditReport }).report;
      },
      { timeout: 60_000, interval: 50 },
    );
    expect(report.buckets.find((b) => b.name === PROD_BUCKET)).toMatchObject({ accountId: PROD, unused: true, protected: false });
    expect(report.buckets.find((b) => b.name === STAGING_BUCKET)?.prefixes.find((p) => `${p.prefix}/` === ORPHAN)?.class).toBe('orphan');
  }, 120_000);
  afterAll(async () => {
    await core?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(home, { recursive: true, force: true });
  });

  it('deleting an unused bucket of the prod account needs its production word (sandbox-prod) as well as its name', async () => {
    const sb = core.sandbox.instance!;
    const refused = await rpc('artifacts.deleteBucket', { bucket: PROD_BUCKET, confirmation: PROD_BUCKET });
    expect(refused, `the bucket is ${sb.s3.buckets.has(PROD_BUCKET) ? 'still there' : 'gone'}`).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/production account: type "sandbox-prod"/) },
    });
    expect(sb.s3.buckets.has(PROD_BUCKET)).toBe(true);
    // What the dialog asks for: the main process names the word.
    expect(await ok('artifacts.accounts', { accountIds: [PROD] })).toMatchObject({
      accounts: [{ accountId: PROD, accountAlias: 'sandbox-prod', productionVerdict: 'production', productionWord: 'sandbox-prod' }],
    });
    // The word alone, or another account's, does not do either.
    expect(await rpc('artifacts.deleteBucket', { bucket: PROD_BUCKET, confirmation: 'sandbox-prod', prodConfirmation: 'sandbox-prod' })).toMatchObject({
      ok: false,
    });
    expect(await rpc('artifacts.deleteBucket', { bucket: PROD_BUCKET, confirmation: PROD_BUCKET, prodConfirmation: 'sandbox-staging' })).toMatchObject({
      ok: false,
    });
    expect(sb.s3.buckets.has(PROD_BUCKET)).toBe(true);

    expect(await rpc('artifacts.deleteBucket', { bucket: PROD_BUCKET, confirmation: PROD_BUCKET, prodConfirmation: 'sandbox-prod' })).toEqual({
      ok: true,
      result: { deleted: true },
    });
    expect(sb.s3.buckets.has(PROD_BUCKET)).toBe(false);
  }, 60_000);

  it('lifecycle rules in an account of unknown production (its alias denied now) need its id typed as the word', async () => {
    const sb = core.sandbox.instance!;
    const rules = () => (sb.s3.buckets.get(STAGING_BUCKET)!.lifecycle as { Rule?: unknown[] } | undefined)?.Rule ?? [];
    // The alias was readable at the audit; it is not now, and now is what counts.
    sb.faults.set([{ service: 'iam', operation: 'ListAccountAliases', account: STAGING, denyRate: 1 } as never]);
    try {
      const refused = await rpc('artifacts.lifecycle', { bucket: STAGING_BUCKET, prefix: ORPHAN, apply: true, confirmation: STAGING_BUCKET });
      expect(refused, `${rules().length} lifecycle rules written`).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST', message: expect.stringMatching(/account 222222222222, which may be production: .*Type the account id "222222222222"/) },
      });
      expect(rules()).toEqual([]);
      // What the dialog asks for: the preview names the word.
      const preview = await ok<{ account: unknown }>('artifacts.lifecycle', { bucket: STAGING_BUCKET, prefix: ORPHAN, apply: false });
      expect(preview.account).toMatchObject({ accountId: STAGING, accountAlias: null, productionVerdict: 'unknown', productionWord: STAGING });

      const applied = await rpc('artifacts.lifecycle', {
        bucket: STAGING_BUCKET,
        prefix: ORPHAN,
        apply: true,
        confirmation: STAGING_BUCKET,
        prodConfirmation: STAGING,
      });
      expect(applied).toMatchObject({ ok: true, result: { applied: true } });
      expect(rules().length).toBeGreaterThan(0);
    } finally {
      sb.faults.set([]);
    }
  }, 60_000);
});
