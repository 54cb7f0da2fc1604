// `pipewright artifacts audit | plan | clean` against the sandbox demo, as a user
// would script them: the dry run, confirmations, exit codes, and a process
// killed mid-job and resumed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { startSandbox } from '../helpers/sandbox';
import { cliWithSandbox, runCli } from '../helpers/cli';

let ctx: Awaited<ReturnType<typeof cliWithSandbox>>;
let env: Awaited<ReturnType<typeof startSandbox>>;
let dir: string;
let cliEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  ctx = await cliWithSandbox('art', { seed: 'demo' });
  ({ env, dir, cliEnv } = ctx);
});
afterAll(() => ctx?.stop());

const cli = (...args: string[]) => runCli(['artifacts', ...args], cliEnv);

const regions = ['--region', 'us-east-1', '--region', 'eu-west-1', '--region', 'ap-southeast-2'];
const keysUnder = (bucket: string, prefix: string) => [...(env.sb.s3.buckets.get(bucket)?.objects.keys() ?? [])].filter((k) => k.startsWith(prefix));

describe('pipewright artifacts', () => {
  it('audits, plans, dry-runs, asks for confirmation, then cleans exactly the plan', async () => {
    const audit = await cli('audit', ...regions, '--out', join(dir, 'report.json'));
    expect(audit.code).toBe(0);
    expect(audit.out).toMatch(/orphan\s+legacy-monolith-pipe/);
    expect(audit.out).toMatch(/shared\s+payments-service-api/);
    expect(audit.out).toMatch(/\[no pipeline uses it\]/);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.buckets.length).toBeGreaterThan(5);

    const plan = await cli('plan', '--from', join(dir, 'report.json'), '--include', 'orphan,stale', '--out', join(dir, 'plan.json'));
    expect(plan.code).toBe(0);
    expect(plan.out).toMatch(/3 prefixes/);

    const devBucket = 'codepipeline-us-east-1-111111111111';
    const before = keysUnder(devBucket, 'legacy-monolith-pipe/').length;
    expect(before).toBeGreaterThan(0);
    const dry = await cli('clean', '--plan', join(dir, 'plan.json'));
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/Dry run: would delete \d+ versions/);
    expect(keysUnder(devBucket, 'legacy-monolith-pipe/').length).toBe(before);

    const unconfirmed = await cli('clean', '--plan', join(dir, 'plan.json'), '--yes');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toMatch(/--confirm-account 111111111111/);
    expect(keysUnder(devBucket, 'legacy-monolith-pipe/').length).toBe(before);

    const liveBefore = keysUnder(devBucket, 'web-frontend/BuildOutpu/').length + keysUnder(devBucket, 'payments-service-api/').length;
    const done = await cli('clean', '--plan', join(dir, 'plan.json'), '--yes', '--confirm-account', '111111111111', '--confirm-account', 'sandbox-staging');
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/deleted \d+ versions/);
    expect(keysUnder(devBucket, 'legacy-monolith-pipe/')).toEqual([]);
    expect(keysUnder(devBucket, 'web-frontend/OldBuildOu/')).toEqual([]);
    expect(keysUnder('codepipeline-eu-west-1-5f3c9a12b7', 'retired-batch-jobs/')).toEqual([]);
    expect(keysUnder(devBucket, 'web-frontend/BuildOutpu/').length + keysUnder(devBucket, 'payments-service-api/').length).toBe(liveBefore);
    expect(keysUnder('acme-staging-shared-artifacts', 'reports/')).toEqual(['reports/2024/summary.csv']);
  });

  it('refuses a malformed plan, and a tampered one that reaches outside its audit', async () => {
    writeFileSync(join(dir, 'bad-plan.json'), JSON.stringify({ version: 1, createdAt: 'x', auditedAt: 'x', items: [{ bucket: 'b', prefix: 'no-slash' }] }));
    const r = await cli('clean', '--plan', join(dir, 'bad-plan.json'));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/Not a cleanup plan/);
    const audit = await cli('audit', ...regions, '--out', join(dir, 'report2.json'));
    expect(audit.code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    plan.items[0].prefix = 'web-frontend/';
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(plan));
    const t = await cli('clean', '--plan', join(dir, 'tampered.json'), '--report', join(dir, 'report2.json'));
    expect(t.code).not.toBe(0);
    expect(t.err).toMatch(/not an orphan prefix in the audit \(it is live\)/);
  });

  it('retention keeps the last K successes and the last N days in live prefixes, and cleans the rest', async () => {
    const audit = await cli('audit', ...regions, '--out', join(dir, 'report-ret.json'));
    expect(audit.code).toBe(0);
    const bad = await cli('plan', '--from', join(dir, 'report-ret.json'), '--include', 'retention', '--keep-last', '0', '--out', join(dir, 'x.json'));
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/Keep at least the last successful execution/);
    const misplaced = await cli('plan', '--from', join(dir, 'report-ret.json'), '--include', 'orphan', '--keep-days', '5', '--out', join(dir, 'x.json'));
    expect(misplaced.err).toMatch(/apply to --include retention/);

    const plan = await cli(
      'plan',
      '--from',
      join(dir, 'report-ret.json'),
      '--include',
      'retention',
      '--keep-last',
      '1',
      '--keep-days',
      '5',
      '--out',
      join(dir, 'ret-plan.json'),
    );
    expect(plan.code).toBe(0);
    expect(plan.out).toMatch(/keeps each live pipeline's last 1 successful executions and everything from the last 5 days/);
    const p = JSON.parse(readFileSync(join(dir, 'ret-plan.json'), 'utf8'));
    // The demo's data-ingest has older successful runs outside both windows.
    expect(p.items.length).toBeGreaterThan(0);
    const item = p.items[0];
    expect(item.class).toBe('retention');
    const report = JSON.parse(readFileSync(join(dir, 'report-ret.json'), 'utf8'));
    const audited = report.buckets
      .find((b: { name: string }) => b.name === item.bucket)
      .prefixes.find((x: { prefix: string }) => `${x.prefix}/` === item.prefix);
    expect(['live', 'shared']).toContain(audited.class);
    const latest: string[] = audited.keep;
    expect(latest.length).toBeGreaterThan(0);
    for (const k of latest) expect(item.keys).not.toContain(k);

    const before = keysUnder(item.bucket, item.prefix);
    const accounts = [...new Set(p.items.map((i: { accountId: string }) => i.accountId))].flatMap((a) => ['--confirm-account', a as string]);
    const done = await cli('clean', '--plan', join(dir, 'ret-plan.json'), '--report', join(dir, 'report-ret.json'), '--yes', ...accounts);
    expect(done.code).toBe(0);
    // Exactly the planned keys went; the latest success and everything else stayed.
    expect(keysUnder(item.bucket, item.prefix).sort()).toEqual(before.filter((k) => !item.keys.includes(k)).sort());
    for (const k of latest) expect(keysUnder(item.bucket, k)).toEqual([k]);
  });

  it('a process killed mid-job resumes and finishes; failed keys exit 1, prefixes left unverified exit 4', async () => {
    const b = env.sb.s3.createBucket('codepipeline-us-east-1-424242424242', '111111111111', 'us-east-1');
    b.versioning = 'Enabled';
    for (let i = 0; i < 6000; i++) env.sb.s3.putObject(b, `killed-pipeline/BuildArtif/${String(i).padStart(7, '0')}`, Buffer.from('x'));
    const item = {
      profile: 'sandbox-dev',
      accountId: '111111111111',
      accountAlias: 'sandbox-dev',
      region: 'us-east-1',
      bucket: b.name,
      prefix: 'killed-pipeline/',
      class: 'orphan',
      reason: 'test',
      expected: { objects: 6000, versions: 6000, deleteMarkers: 0, bytes: 6000 },
      keep: [],
    };
    writeFileSync(join(dir, 'kill-plan.json'), JSON.stringify({ version: 1, createdAt: 'now', auditedAt: 'now', items: [item] }));
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'DeleteObjects', latencyMs: 150 }]);
    const child = spawn(
      process.execPath,
      ['bin/pipewright.js', 'artifacts', 'clean', '--plan', join(dir, 'kill-plan.json'), '--yes', '--confirm-account', '111111111111'],
      { env: cliEnv, stdio: 'ignore' },
    );
    const logPath = join(dir, 'pw', 'artifact-cleanup-audit.jsonl');
    // Kill -9 once a batch has been logged.
    await vi.waitFor(() => expect(existsSync(logPath) && readFileSync(logPath, 'utf8').includes('killed-pipeline')).toBe(true), {
      timeout: 30_000,
      interval: 20,
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const left = keysUnder(b.name, 'killed-pipeline/').length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(6000);
    await env.control('DELETE', 'faults');
    const again = await cli('clean', '--plan', join(dir, 'kill-plan.json'), '--yes', '--confirm-account', '111111111111');
    expect(again.code).toBe(0);
    expect(keysUnder(b.name, 'killed-pipeline/')).toEqual([]);

    for (let i = 0; i < 5; i++) env.sb.s3.putObject(b, `killed-pipeline/BuildArtif/F${String(i).padStart(6, '0')}`, Buffer.from('x'));
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'DeleteObjects', deleteErrorRate: 1 }]);
    const failing = await cli('clean', '--plan', join(dir, 'kill-plan.json'), '--yes', '--confirm-account', '111111111111');
    await env.control('DELETE', 'faults');
    expect(failing.code).toBe(1);
    expect(failing.out).toMatch(/failed s3:\/\/codepipeline-us-east-1-424242424242\/killed-pipeline\/BuildArtif\/F000000/);

    // A prefix that cannot be re-checked (CodePipeline denies) is left alone, and the run is not "done".
    await env.control('PUT', 'faults', [{ service: 'codepipeline', operation: '*', denyRate: 1 }]);
    const unverified = await cli('clean', '--plan', join(dir, 'kill-plan.json'), '--yes', '--confirm-account', '111111111111');
    await env.control('DELETE', 'faults');
    expect(unverified.code).toBe(4);
    expect(unverified.out).toMatch(/skipped s3:\/\/codepipeline-us-east-1-424242424242\/killed-pipeline\/: Could not re-check/);
    expect(keysUnder(b.name, 'killed-pipeline/').length).toBe(5);
  }, 120_000);
});
