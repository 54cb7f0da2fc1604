// Issue 23, item 7: one pipeline listed twice in a release file, through two profiles
// of one account, passed the checks, and promote started it twice. The file's own rule
// ("each pipeline belongs to one environment") compared profile names; targets are now
// compared by account id, region and name, each profile's account asked once, and a
// duplicate is refused with a message naming both entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices } from '../helpers/services';
import { assertBuilt, runCli } from '../helpers/cli';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { parseReleaseFile, type ReleaseFile } from '../../src/shared/releases/release-file';

let h: Awaited<ReturnType<typeof startServices>>;
const DEV = '111111111111';

/** A release file from environments given as NAME: [PROFILE, PIPELINE]… (all in us-east-1). */
function release(environments: Record<string, Array<[string, string]>>): ReleaseFile {
  const r = parseReleaseFile(
    JSON.stringify({
      version: 1,
      application: 'web-frontend',
      environments: Object.entries(environments).map(([name, targets]) => ({
        name,
        targets: targets.map(([profile, pipeline]) => ({ profile, region: 'us-east-1', pipeline })),
      })),
    }),
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.release;
}

const lastSeq = () => h.sb.logEntries(0).at(-1)?.seq ?? 0;
const calls = (since: number, operation: string) => h.sb.logEntries(since).filter((e) => e.operation === operation);

beforeAll(async () => {
  h = await startServices({ seed: 'demo', releases: { pollMs: 50 }, executions: { budget: { ratePerSec: 200, burst: 200 } } });
  // A second key into the dev account, as a role profile such as release-bot is: the sandbox offers it as a profile.
  h.sb.config.users.push({
    name: 'release-bot',
    account: DEV,
    accessKeyId: 'AKIASANDBOXRELEASEBOT1',
    secretAccessKey: 'sandbox-release-bot-secret-key-00000001',
    deny: [],
  });
}, 60_000);
afterAll(() => h?.stop());

const TWICE =
  /^web-frontend in us-east-1 of account 111111111111 is listed twice: in dev through sandbox-dev and in dev through release-bot\. Each pipeline is one target of one environment: list it once\.$/;

describe('hardening item 7: one pipeline listed twice through two profiles of one account', () => {
  it('release status names both entries and exits 2: the file is at fault, not a target that could not be read', async () => {
    assertBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'pw-item07-'));
    try {
      writeFileSync(join(dir, 'config'), awsConfigSnippet(h.sb.endpoint, h.sb.config));
      const file = join(dir, 'web.release.json');
      writeFileSync(
        file,
        JSON.stringify(
          release({
            dev: [
              ['sandbox-dev', 'web-frontend'],
              ['release-bot', 'web-frontend'],
            ],
          }),
        ),
      );
      const since = lastSeq();
      const r = await runCli(['release', 'status', file], {
        ...process.env,
        HOME: dir,
        PIPEWRIGHT_HOME: join(dir, 'home'),
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
        AWS_PROFILE: '',
        AWS_REGION: '',
      });
      expect(r.code, r.out + r.err).toBe(2);
      expect(r.err).toContain('web-frontend in us-east-1 of account 111111111111 is listed twice: in dev through sandbox-dev and in dev through release-bot.');
      expect(calls(since, 'StartPipelineExecution')).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('the check names both entries, by account id, region and name', async () => {
    const since = lastSeq();
    const problems = await h.releases.check(
      release({
        dev: [
          ['sandbox-dev', 'web-frontend'],
          ['release-bot', 'web-frontend'],
        ],
      }),
    );
    expect(problems.map((p) => [p.environment, p.target.profile, p.problem.kind])).toEqual([
      ['dev', 'sandbox-dev', 'duplicate'],
      ['dev', 'release-bot', 'duplicate'],
    ]);
    for (const p of problems) expect(p.problem.message).toMatch(TWICE);
    // Each profile's identity is asked once, however many targets name it.
    expect(calls(since, 'GetCallerIdentity').length).toBeLessThanOrEqual(2);
  });

  it('promote refuses it and starts nothing', async () => {
    const since = lastSeq();
    const refused = await h.releases
      .promote(
        release({
          dev: [
            ['sandbox-dev', 'web-frontend'],
            ['release-bot', 'web-frontend'],
          ],
        }),
        'dev',
        { confirmed: false, allowUnpinned: false },
      )
      .then(
        () => null,
        (err: Error) => err,
      );
    expect(calls(since, 'StartPipelineExecution')).toHaveLength(0);
    expect(refused?.message).toMatch(/^dev cannot be promoted:\nweb-frontend in us-east-1 of account 111111111111 is listed twice/);
  });

  it('across environments too: promoting either would run the other environment pipeline', async () => {
    const r = release({ dev: [['sandbox-dev', 'web-frontend']], staging: [['release-bot', 'web-frontend']] });
    const problems = await h.releases.check(r);
    expect(problems.map((p) => [p.environment, p.problem.kind])).toEqual([
      ['dev', 'duplicate'],
      ['staging', 'duplicate'],
    ]);
    expect(problems[0].problem.message).toBe(
      'web-frontend in us-east-1 of account 111111111111 is listed twice: in dev through sandbox-dev and in staging through release-bot. Each pipeline is one target of one environment: list it once.',
    );
    const since = lastSeq();
    await expect(h.releases.promote(r, 'staging', { confirmed: false, allowUnpinned: false })).rejects.toThrow(/staging cannot be promoted/);
    expect(calls(since, 'StartPipelineExecution')).toHaveLength(0);
    await expect(
      h.releases.init('web-frontend', [
        { name: 'dev', targets: [{ profile: 'sandbox-dev', region: 'us-east-1', pipeline: 'web-frontend' }] },
        { name: 'staging', targets: [{ profile: 'release-bot', region: 'us-east-1', pipeline: 'web-frontend' }] },
      ]),
    ).rejects.toThrow(/is listed twice: in dev through sandbox-dev and in staging through release-bot/);
  });

  it('one name in two accounts is two pipelines', async () => {
    const problems = await h.releases.check(release({ dev: [['sandbox-dev', 'web-frontend']], staging: [['sandbox-staging', 'web-frontend']] }));
    expect(problems).toEqual([]);
  });
});
