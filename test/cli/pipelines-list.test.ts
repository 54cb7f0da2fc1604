// `pipewright pipelines list` against the sandbox, configured only through an
// AWS config file as a user would write it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../helpers/sandbox';
import { assertBuilt, runCli } from '../helpers/cli';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';

let env: Awaited<ReturnType<typeof startSandbox>>;
let home: string;

beforeAll(async () => {
  assertBuilt();
  env = await startSandbox({ seed: 'demo' });
  home = mkdtempSync(join(tmpdir(), 'pw-cli-list-'));
  writeFileSync(
    join(home, 'config'),
    awsConfigSnippet(env.sb.endpoint, env.sb.config) +
      '\n[profile nowhere]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\naws_access_key_id = AKIANOWHERE000000001\naws_secret_access_key = nowhere-nowhere-nowhere-nowhere-0000\n',
  );
});
afterAll(async () => {
  await env?.sb.stop();
  rmSync(home, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCli(
    ['pipelines', 'list', ...args],
    {
      ...process.env,
      HOME: home,
      PIPEWRIGHT_HOME: join(home, 'pw'),
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      AWS_PROFILE: '',
      AWS_REGION: '',
    },
    60_000,
  );
  return { code: r.code, stdout: r.out, stderr: r.err };
}

describe('pipewright pipelines list', () => {
  it('lists every account and region asked for, as JSON', async () => {
    const r = await cli(
      '--profile',
      'sandbox-dev',
      '--profile',
      'sandbox-prod',
      '--region',
      'us-east-1',
      '--region',
      'eu-west-1',
      '--region',
      'ap-southeast-2',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const expected = env.sb.tables.all().filter((p) => p.accountId !== '222222222222').length;
    expect(out.pipelines).toHaveLength(expected);
    expect(out.errors).toEqual([]);
    const wf = out.pipelines.find((p: { name: string; accountId: string }) => p.name === 'web-frontend' && p.accountId === '333333333333');
    expect(Object.keys(wf).sort()).toEqual(['accountId', 'executionMode', 'latestExecution', 'name', 'pipelineType', 'profile', 'profiles', 'region']);
    expect(wf).toMatchObject({
      profile: 'sandbox-prod',
      region: 'us-east-1',
      pipelineType: 'V2',
      executionMode: 'SUPERSEDED',
      latestExecution: { status: 'InProgress' },
    });
    expect(wf.latestExecution.revision.id).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a pipeline reached through two profiles of one account is one row naming both', async () => {
    const r = await cli('--profile', 'sandbox-prod', '--profile', 'sandbox-prod-admin', '--region', 'us-east-1', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { pipelines: Array<{ name: string; profile: string; profiles: string[] }> };
    const prodUs = env.sb.tables.all().filter((p) => p.accountId === '333333333333' && p.region === 'us-east-1').length;
    expect(out.pipelines).toHaveLength(prodUs);
    expect(out.pipelines.find((p) => p.name === 'web-frontend')?.profiles.sort()).toEqual(['sandbox-prod', 'sandbox-prod-admin']);
    const table = await cli('--profile', 'sandbox-prod', '--profile', 'sandbox-prod-admin', '--region', 'us-east-1');
    expect(table.stdout).toMatch(/sandbox-prod(-admin)?, sandbox-prod(-admin)?\s+sandbox-prod \(333333333333\)/);
  });

  it('prints a table, reports per-target errors on stderr and in JSON, and succeeds while some target works', async () => {
    await env.control('PUT', 'faults', [{ service: 'codepipeline', account: '111111111111', region: 'eu-west-1', denyRate: 1 }]);
    try {
      const t = await cli('--profile', 'sandbox-dev', '--region', 'us-east-1', '--region', 'eu-west-1');
      expect(t.code).toBe(0);
      expect(t.stdout).toMatch(/^PROFILE\s+ACCOUNT\s+REGION\s+NAME/);
      expect(t.stdout).toContain('payments-service-api-blue');
      expect(t.stderr).toMatch(/sandbox-dev eu-west-1: access-denied/);
      const j = JSON.parse((await cli('--profile', 'sandbox-dev', '--region', 'us-east-1', '--region', 'eu-west-1', '--json')).stdout);
      expect(j.errors).toEqual([expect.objectContaining({ profile: 'sandbox-dev', region: 'eu-west-1', kind: 'access-denied' })]);
    } finally {
      await env.control('DELETE', 'faults');
    }
  });

  it('exits non-zero only when every target failed', async () => {
    const r = await cli('--profile', 'nowhere', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors[0]).toMatchObject({ profile: 'nowhere', kind: 'network' });
    // A profile that does not exist is bad input: exit 2, not 1 (issue 23, items 12/15 follow-up).
    const unknown = await cli('--profile', 'ghost');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No profile named ghost/);
  });
});
