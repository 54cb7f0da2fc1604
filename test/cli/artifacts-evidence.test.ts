// The orphan-evidence rule end to end, as the two data-loss reproductions ran:
// `artifacts audit` → `plan` → `clean --yes` with every confirmation, against
// the sandbox demo. What survives is checked through the S3 API, not the report.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectVersionsCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import type { AccountName, startSandbox } from '../helpers/sandbox';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { current } from '../../src/sandbox/services/codepipeline/records';

let ctx: Awaited<ReturnType<typeof cliWithSandbox>>;
let env: Awaited<ReturnType<typeof startSandbox>>;
let dir: string;
let cliEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  ctx = await cliWithSandbox('evidence', { seed: 'demo' });
  ({ env, dir, cliEnv } = ctx);
});
beforeEach(async () => {
  await env.sb.reset('demo');
  rmSync(join(dir, 'pw'), { recursive: true, force: true });
});
afterAll(() => ctx?.stop());

const cli = (...args: string[]) => runCli(['artifacts', ...args], cliEnv);
const file = (name: string) => join(dir, name);
const json = (name: string) => JSON.parse(readFileSync(file(name), 'utf8'));

const DEV = '111111111111';
const account: Record<string, AccountName> = { '111111111111': 'dev', '222222222222': 'staging', '333333333333': 'prod' };

/** Versions and delete markers under a prefix, listed through the S3 API with the bucket owner's keys. */
async function versionsUnder(bucket: string, prefix: string): Promise<number> {
  const b = env.sb.s3.buckets.get(bucket);
  if (!b) return 0;
  const r = await env.s3(account[b.accountId], b.region).send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
  return (r.Versions?.length ?? 0) + (r.DeleteMarkers?.length ?? 0);
}

/** Every live pipeline's prefix in its own artifact bucket, with its version count now. */
async function livePrefixes(): Promise<Array<{ bucket: string; prefix: string; versions: number }>> {
  const out = [];
  for (const p of env.sb.tables.all()) {
    const decl = current(p);
    for (const bucket of [decl.artifactStore?.location, ...Object.values(decl.artifactStores ?? {}).map((s) => s.location)].filter((b): b is string => !!b)) {
      const prefix = `${p.name.slice(0, 20)}/`;
      out.push({ bucket, prefix, versions: await versionsUnder(bucket, prefix) });
    }
  }
  return out;
}

async function expectLiveUntouched(before: Array<{ bucket: string; prefix: string; versions: number }>): Promise<void> {
  for (const l of before) expect({ ...l, versions: await versionsUnder(l.bucket, l.prefix) }).toEqual(l);
  expect(before.filter((l) => l.versions > 0).length).toBeGreaterThan(10);
}

const confirmAll = [
  '--confirm-account',
  '111111111111',
  '--confirm-account',
  '222222222222',
  '--confirm-account',
  '333333333333',
  '--confirm-prod',
  'sandbox-prod',
];

describe('orphan verdicts need complete evidence', () => {
  it('reproduction 1, a region outside the scope: the audit reads pipelines in every region, so a live pipeline there keeps its prefix and its bucket', async () => {
    const before = await livePrefixes();
    const audit = await cli('audit', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--out', file('r1.json'));
    expect(audit.code).toBe(0);
    expect(audit.err).toMatch(/Pipelines are read in every region of each account \(28 regions\), not only the us-east-1 chosen/);
    expect(audit.out).toMatch(/live\s+mobile-backend/);
    expect(audit.out).not.toMatch(/codepipeline-ap-southeast-2-111111111111 .*\[no pipeline uses it\]/);
    expect(audit.out).toMatch(/sandbox-dev \(111111111111, via .*\): 17 regions listed, 11 not enabled, 0 failed/);
    expect(audit.out).toMatch(/Coverage complete/);
    const report = json('r1.json');
    expect(report.coverage.complete).toBe(true);
    expect(report.coverage.accounts[0].notEnabled).toContain('af-south-1');
    expect(report.unverified).toEqual([]);

    const plan = await cli('plan', '--from', file('r1.json'), '--include', 'orphan', '--out', file('p1.json'));
    expect(plan.code).toBe(0);
    expect(json('p1.json').items.map((i: { prefix: string }) => i.prefix)).toEqual(['legacy-monolith-pipe/']);
    const clean = await cli('clean', '--plan', file('p1.json'), '--report', file('r1.json'), '--yes', '--confirm-account', DEV);
    expect(clean.code).toBe(0);
    await expectLiveUntouched(before);
    expect(await versionsUnder('codepipeline-us-east-1-111111111111', 'legacy-monolith-pipe/')).toBe(0);
  });

  it('reproduction 1, a region that cannot be listed: its would-be orphans are unverified, audit exits 4, plan leaves them out (exit 4, naming why), and nothing live is deleted', async () => {
    await env.control('PUT', 'faults', [{ service: 'codepipeline', operation: 'ListPipelines', account: DEV, region: 'ap-southeast-2', denyRate: 1 }]);
    const before = await livePrefixes();
    const audit = await cli('audit', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--out', file('r2.json'));
    expect(audit.code).toBe(4);
    expect(audit.out).toMatch(/failed\s+ap-southeast-2: AccessDeniedException/);
    expect(audit.out).toMatch(/Coverage INCOMPLETE: exit 4/);
    expect(audit.out).toMatch(/unverified mobile-backend/);
    expect(audit.out).not.toMatch(/orphan\s+mobile-backend/);
    const report = json('r2.json');
    expect(report.coverage.complete).toBe(false);
    const mobile = report.unverified.find((u: { prefix: string }) => u.prefix === 'mobile-backend');
    expect(mobile.reason).toMatch(/account 111111111111, ap-southeast-2: AccessDeniedException/);
    // The bucket of the pipeline that could not be seen is not offered for deletion.
    expect(report.buckets.find((b: { name: string }) => b.name === 'codepipeline-ap-southeast-2-111111111111').unused).toBe(false);

    // Without --allow-incomplete, the plan carries what has its evidence, names what it left out and why, and exits 4.
    const partial = await cli('plan', '--from', file('r2.json'), '--include', 'orphan', '--out', file('p2.json'));
    expect(partial.code).toBe(4);
    expect(partial.err).toMatch(
      /Left out \(orphan\): s3:\/\/codepipeline-ap-southeast-2-111111111111\/mobile-backend\/: .*ap-southeast-2: AccessDeniedException/,
    );
    expect(json('p2.json').items.filter((i: { accountId: string }) => i.accountId === DEV)).toEqual([]);
    const plan = await cli('plan', '--from', file('r2.json'), '--include', 'orphan,stale', '--allow-incomplete', '--out', file('p2.json'));
    expect(plan.code).toBe(0);
    // Every would-be orphan of the dev account is unverified now: none is planned.
    expect(json('p2.json').items.filter((i: { accountId: string }) => i.accountId === DEV)).toEqual([]);

    // A hand-written plan naming the unverified prefix is refused against the report, and skipped without it.
    const forged = {
      version: 1,
      createdAt: 'x',
      auditedAt: report.generatedAt,
      items: [
        {
          profile: 'sandbox-dev',
          accountId: DEV,
          accountAlias: 'sandbox-dev',
          region: 'ap-southeast-2',
          bucket: 'codepipeline-ap-southeast-2-111111111111',
          prefix: 'mobile-backend/',
          class: 'orphan',
          reason: 'forged',
          expected: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0 },
          keep: [],
        },
      ],
    };
    writeFileSync(file('forged.json'), JSON.stringify(forged));
    const checked = await cli('clean', '--plan', file('forged.json'), '--report', file('r2.json'), '--yes', '--confirm-account', DEV);
    expect(checked.code).not.toBe(0);
    expect(checked.err).toMatch(/unverified in the audit/);
    const unchecked = await cli('clean', '--plan', file('forged.json'), '--yes', '--confirm-account', DEV);
    expect(unchecked.code).toBe(4);
    expect(unchecked.out).toMatch(
      /skipped s3:\/\/codepipeline-ap-southeast-2-111111111111\/mobile-backend\/: Could not re-check before deleting: .*ap-southeast-2: AccessDeniedException/,
    );
    await expectLiveUntouched(before);
    await env.control('DELETE', 'faults');
  });

  it('reproduction 2, ListPipelineExecutions denied: classification stands, audit exits 4, and plan + clean delete only true orphans', async () => {
    await env.control('PUT', 'faults', [{ service: 'codepipeline', operation: 'ListPipelineExecutions', denyRate: 1 }]);
    const before = await livePrefixes();
    const audit = await cli('audit', '--region', 'us-east-1', '--region', 'eu-west-1', '--region', 'ap-southeast-2', '--out', file('r3.json'));
    expect(audit.code).toBe(4);
    for (const name of ['data-ingest', 'edge-cache', 'eu-payments', 'mobile-backend', 'reporting-etl']) {
      expect(audit.out).toMatch(new RegExp(`live\\s+${name}`));
      expect(audit.out).toMatch(new RegExp(`no history \\S+ ${name}: AccessDeniedException`));
    }
    // One account, one scan: the role-chained admin and the least-privilege auditor add no second claimer.
    expect(audit.out).not.toMatch(/billing-service, billing-service/);
    expect(audit.out).toMatch(/sandbox-prod \(333333333333, via sandbox-prod; also reached by sandbox-prod-admin\)/);
    const report = json('r3.json');
    expect(report.unverified).toEqual([]);
    const held = report.buckets
      .flatMap((b: { prefixes: Array<{ class: string; held?: string }> }) => b.prefixes)
      .filter((p: { class: string }) => p.class === 'live');
    expect(held.every((p: { held?: string }) => /execution history of .* unavailable/.test(p.held ?? ''))).toBe(true);

    // A history failure holds back stale and retention for that pipeline's prefix only, never an orphan:
    // without --allow-incomplete the orphans whose evidence is complete are planned, and the held prefixes named.
    const strict = await cli('plan', '--from', file('r3.json'), '--include', 'orphan,stale,retention', '--out', file('p3.json'));
    expect(strict.code).toBe(4);
    expect(strict.err).toMatch(/Left out \(stale and retention\): s3:\/\/\S+\/mobile-backend\/: execution history of mobile-backend .* unavailable/);
    expect(strict.err).not.toMatch(/Left out \(orphan\)/);
    expect((json('p3.json').items as Array<{ prefix: string; class: string }>).map((i) => `${i.class} ${i.prefix}`).sort()).toEqual([
      'orphan legacy-monolith-pipe/',
      'orphan retired-batch-jobs/',
    ]);
    const plan = await cli('plan', '--from', file('r3.json'), '--include', 'orphan,stale,retention', '--allow-incomplete', '--out', file('p3.json'));
    expect(plan.code).toBe(0);
    const items = json('p3.json').items as Array<{ prefix: string; class: string }>;
    expect(items.map((i) => `${i.class} ${i.prefix}`).sort()).toEqual(['orphan legacy-monolith-pipe/', 'orphan retired-batch-jobs/']);
    const clean = await cli('clean', '--plan', file('p3.json'), '--report', file('r3.json'), '--yes', ...confirmAll);
    expect(clean.code).toBe(0);
    await expectLiveUntouched(before);
    expect(await versionsUnder('codepipeline-us-east-1-111111111111', 'legacy-monolith-pipe/')).toBe(0);
    await env.control('DELETE', 'faults');
  });

  it('a bucket the audit could not read at all is said by plan, which exits 4 unless --allow-incomplete', async () => {
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'ListObjectVersions', account: DEV, denyRate: 1 }]);
    const audit = await cli('audit', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--out', file('r8.json'));
    await env.control('DELETE', 'faults');
    expect(audit.code).toBe(4);
    const plan = await cli('plan', '--from', file('r8.json'), '--include', 'orphan', '--out', file('p8.json'));
    expect(plan.code).toBe(4);
    expect(plan.err).toMatch(/Not in this plan, since the audit could not read it: sandbox-dev s3:\/\/\S+: /);
    expect(json('p8.json').items).toEqual([]);
    expect((await cli('plan', '--from', file('r8.json'), '--include', 'orphan', '--allow-incomplete', '--out', file('p8.json'))).code).toBe(0);
  });

  it('the sandbox-auditor profile (a least-privilege role) meets reproduction 2 on purpose', async () => {
    const before = await livePrefixes();
    const audit = await cli('audit', '--profile', 'sandbox-auditor', '--out', file('r4.json'));
    expect(audit.code).toBe(4);
    expect(audit.out).toMatch(/live\s+mobile-backend/);
    expect(audit.out).toMatch(/live\s+data-ingest/);
    expect(audit.out).toMatch(/orphan\s+legacy-monolith-pipe/);
    expect(audit.out).toMatch(
      /no history us-east-1 web-frontend: AccessDeniedException: User: arn:aws:iam::111111111111:user\/sandbox-auditor is not authorized/,
    );
    const plan = await cli('plan', '--from', file('r4.json'), '--include', 'orphan,stale,retention', '--allow-incomplete', '--out', file('p4.json'));
    expect(plan.code).toBe(0);
    expect(json('p4.json').items.map((i: { prefix: string }) => i.prefix)).toEqual(['legacy-monolith-pipe/']);
    const clean = await cli('clean', '--plan', file('p4.json'), '--report', file('r4.json'), '--yes', '--confirm-account', DEV);
    expect(clean.code).toBe(0);
    await expectLiveUntouched(before);
  });

  it('protection added after the plan (blocklist in settings, or the protect tag) skips the prefix at deletion time', async () => {
    const bucket = 'codepipeline-us-east-1-111111111111';
    const audit = await cli('audit', '--profile', 'sandbox-dev', '--out', file('r5.json'));
    expect(audit.code).toBe(0);
    expect((await cli('plan', '--from', file('r5.json'), '--include', 'orphan', '--out', file('p5.json'))).code).toBe(0);
    const orphanVersions = await versionsUnder(bucket, 'legacy-monolith-pipe/');
    expect(orphanVersions).toBeGreaterThan(0);

    // The blocklist, saved after the plan was made: read from settings at the moment of deletion.
    mkdirSync(join(dir, 'pw'), { recursive: true });
    writeFileSync(join(dir, 'pw', 'settings.json'), JSON.stringify({ artifacts: { blockedBuckets: [bucket] } }));
    for (const args of [['--report', file('r5.json')], []]) {
      const r = await cli('clean', '--plan', file('p5.json'), ...args, '--yes', '--confirm-account', DEV);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`skipped s3://${bucket}/legacy-monolith-pipe/: s3://${bucket} is on the blocklist`));
      expect(await versionsUnder(bucket, 'legacy-monolith-pipe/')).toBe(orphanVersions);
    }
    rmSync(join(dir, 'pw', 'settings.json'));

    // The tag, put on the bucket after the plan: read live.
    await env.s3('dev').send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'pipewright:protect', Value: 'true' }] } }));
    const tagged = await cli('clean', '--plan', file('p5.json'), '--report', file('r5.json'), '--yes', '--confirm-account', DEV);
    expect(tagged.out).toMatch(/is tagged pipewright:protect=true/);
    expect(await versionsUnder(bucket, 'legacy-monolith-pipe/')).toBe(orphanVersions);
  });

  it('a bucket policy letting in an account outside the workspace makes its would-be orphans unverified', async () => {
    const bucket = 'codepipeline-us-east-1-222222222222';
    const b = env.sb.s3.buckets.get(bucket)!;
    env.sb.s3.putObject(b, 'deleted-app/BuildOutpu/AbCdEf1.zip', Buffer.from('x'));
    const audit = await cli('audit', '--profile', 'sandbox-staging', '--out', file('r6.json'));
    expect(audit.code).toBe(0);
    expect(audit.out).toMatch(/orphan\s+deleted-app/);
    b.policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444444444444:root' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    });
    const again = await cli('audit', '--profile', 'sandbox-staging', '--out', file('r7.json'));
    expect(again.out).toMatch(/unverified deleted-app/);
    expect(json('r7.json').unverified[0].reason).toMatch(/lets in account 444444444444, which no profile of the workspace reaches/);
    // The older plan, run now: the re-check reads the policy live and cannot cover that account.
    expect((await cli('plan', '--from', file('r6.json'), '--include', 'orphan', '--out', file('p6.json'))).code).toBe(0);
    const clean = await cli('clean', '--plan', file('p6.json'), '--yes', '--confirm-account', '222222222222');
    expect(clean.code).toBe(4);
    expect(clean.out).toMatch(/No profile reaches account 444444444444, which the bucket policy/);
    expect(await versionsUnder(bucket, 'deleted-app/')).toBe(1);
  });
});
