// `pipewright release …` against the sandbox's three accounts, run as a user
// runs it: the built CLI, an AWS config file, the sandbox over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { EXAMPLE } from '../helpers/releases';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
let file: string;
const cli = (...args: string[]) => runCli(args, h.cliEnv, 90_000);
const STAGING = '222222222222';

/** Executions of web-frontend in an account started by StartPipelineExecution since `since`. */
function startsSince(acct: string, since: number): string[] {
  const res = h.env.sb.invoke('codepipeline', acct, 'us-east-1', { target: 'ListPipelineExecutions', body: { pipelineName: 'web-frontend', maxResults: 100 } });
  const list = JSON.parse(String(res.body)) as {
    pipelineExecutionSummaries: Array<{ pipelineExecutionId: string; startTime: number; trigger: { triggerType: string } }>;
  };
  return list.pipelineExecutionSummaries
    .filter((e) => e.trigger.triggerType === 'StartPipelineExecution' && e.startTime * 1000 >= since)
    .map((e) => e.pipelineExecutionId);
}

beforeAll(async () => {
  h = await cliWithSandbox('release', { seed: 'demo', config: { timeScale: 0.002 } });
  file = join(h.dir, 'web-frontend.release.yaml');
  writeFileSync(file, EXAMPLE.replace('soakMinutes: 30, ', ''));
}, 60_000);
afterAll(() => h?.stop());

describe('pipewright release', () => {
  it('init writes a release file from live pipelines, with accounts, in --env order', async () => {
    const out = join(h.dir, 'init.yaml');
    const r = await cli(
      'release',
      'init',
      out,
      '--application',
      'web-frontend',
      '--env',
      'dev=sandbox-dev:us-east-1:web-frontend',
      '--env',
      'prod=sandbox-prod:us-east-1:web-frontend,sandbox-prod:us-east-1:global-api',
    );
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^Wrote .*init\.yaml: web-frontend, dev \(1\) -> prod \(2\)\./);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('{ profile: sandbox-prod, region: us-east-1, pipeline: web-frontend, account: "333333333333" }');
    expect(text).toContain('waves: [ [ dev ], [ prod ] ]');
    const missing = await cli('release', 'init', join(h.dir, 'x.yaml'), '--application', 'x', '--env', 'dev=sandbox-dev:us-east-1:nope');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope does not exist in us-east-1 of account 111111111111/);
  });

  it('status --json gives each target its account, deployed revision, status and waiting approval', async () => {
    const r = await cli('release', 'status', file, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { environments: Array<{ name: string; targets: Array<Record<string, unknown>> }> };
    expect(s.environments.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    expect(s.environments[1].targets[0]).toMatchObject({
      pipeline: 'web-frontend',
      account: STAGING,
      region: 'us-east-1',
      status: 'InProgress',
      approvalWaiting: true,
      revisionId: expect.stringMatching(/^[0-9a-f]{40}$/) as string,
      revisionSummary: expect.any(String) as string,
    });
    const table = await cli('release', 'status', file);
    expect(table.out).toMatch(/ENV\s+PIPELINE\s+ACCOUNT/);
    expect(table.out).toMatch(/gate into prod: staging has not succeeded/);
  });

  it('promotes dev, then staging (killed mid-wave and resumed: nothing starts twice), then prod behind its gates', async () => {
    expect((await cli('release', 'promote', file, '--to', 'dev')).code).toBe(0);

    const since = Date.now();
    h.env.sb.config.timeScale = 0.02;
    const child = spawn(process.execPath, ['bin/pipewright.js', 'release', 'promote', file, '--to', 'staging', '--approve'], {
      env: h.cliEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start seen:\n${out}`)), 30_000);
      child.stdout.on('data', () => {
        if (/Started web-frontend/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    h.env.sb.config.timeScale = 0.002;

    const resumed = await cli('release', 'promote', file, '--to', 'staging', '--approve');
    expect(resumed.out).toMatch(/^Resuming staging/m);
    expect(resumed.code).toBe(0);
    expect(startsSince(STAGING, since)).toHaveLength(1);
    const starts = h.env.sb.logEntries(0).filter((e) => e.operation === 'StartPipelineExecution' && e.account === STAGING && e.time >= since);
    expect(starts).toHaveLength(1);

    const gated = await cli('release', 'promote', file, '--to', 'prod', '--approve', '--confirm-prod', 'prod');
    expect(gated.code).toBe(3);
    expect(gated.out).toMatch(/gate into prod: promoting to prod needs a person to confirm it \(add --yes\)/);
    const noWord = await cli('release', 'promote', file, '--to', 'prod', '--approve', '--yes');
    expect(noWord.code).toBe(2);
    expect(noWord.err).toMatch(/add --confirm-prod prod/);
    // Refused before anything started in prod.
    expect(h.env.sb.logEntries(0).filter((e) => e.operation === 'StartPipelineExecution' && e.account === '333333333333')).toHaveLength(0);
    const prod = await cli('release', 'promote', file, '--to', 'prod', '--approve', '--yes', '--confirm-prod', 'prod', '--json');
    expect(prod.code).toBe(0);
    const p = JSON.parse(prod.out) as { status: string; revision: string; targets: Array<{ pins: Array<{ revisionValue: string }> }> };
    expect(p.status).toBe('succeeded');
    expect(p.targets[0].pins[0].revisionValue).toBe(p.revision);

    const status = JSON.parse((await cli('release', 'status', file, '--json')).out) as { environments: Array<{ targets: Array<{ revisionId: string }> }> };
    expect(new Set(status.environments.map((e) => e.targets[0].revisionId)).size).toBe(1);
  }, 180_000);

  it('a failure in staging exits 1 saying where; prod then stops at its gate (exit 3)', async () => {
    h.env.sb.config.failures.push({ pipeline: 'web-frontend', stage: 'Build', action: 'UnitTests', mode: 'once', account: STAGING });
    const failed = await cli('release', 'promote', file, '--to', 'staging', '--approve');
    expect(failed.out + failed.err).toMatch(/Release stopped/);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/Release stopped: staging: web-frontend \(sandbox-staging, us-east-1\) Failed at Build \/ UnitTests/);
    const prod = await cli('release', 'promote', file, '--to', 'prod', '--yes');
    expect(prod.code).toBe(3);
    expect(prod.out).toMatch(/staging has not succeeded/);
  }, 120_000);

  it('diff: exit 0 without drift, 5 with it', async () => {
    const none = await cli('release', 'diff', file, '--from', 'staging', '--to', 'prod');
    expect(none.out).toMatch(/No changes\./);
    expect(none.code).toBe(0);
    const drift = await cli('release', 'diff', file, '--from', 'dev', '--to', 'staging', '--json');
    expect(drift.code).toBe(5);
    expect((JSON.parse(drift.out) as { drift: boolean }).drift).toBe(true);
  });

  it('a bad release file exits 2 naming file and line', async () => {
    const bad = join(h.dir, 'bad.yaml');
    writeFileSync(bad, EXAMPLE.replace('[prod]]', '[qa]]'));
    const r = await cli('release', 'status', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}:14: waves.2.0: unknown environment "qa" in wave 3`);
    const unknownEnv = await cli('release', 'promote', file, '--to', 'qa');
    expect(unknownEnv.code).toBe(2);
    expect(unknownEnv.err).toMatch(/no environment named qa/);
  });
});
