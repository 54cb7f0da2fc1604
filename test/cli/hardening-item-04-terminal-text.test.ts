// Issue 23, item 4: the CLI printed AWS-controlled text raw. A planted clear-screen
// in an approval's custom data erased the real pipeline and profile line before
// "Go ahead? [y/N]" and left a fake "All checks passed"; `javascript:` links were
// printed. Run as a user runs it: the built CLI against the sandbox over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetPipelineCommand, UpdatePipelineCommand, type ActionDeclaration } from '@aws-sdk/client-codepipeline';
import { cliWithSandbox, runCli, runCliWithInput } from '../helpers/cli';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
const cli = (...args: string[]) => runCli(args, h.cliEnv, 60_000);
const staging = ['--profile', 'sandbox-staging', '--region', 'us-east-1'];
const dev = ['--profile', 'sandbox-dev', '--region', 'us-east-1'];

const ESC = '\x1b';
const CLEAR = `${ESC}[2J${ESC}[H`;
const OSC8 = `${ESC}]8;;https://evil.example/${ESC}\\dashboard${ESC}]8;;${ESC}\\`;
const RLO = '\u202e';
const HOSTILE = `${CLEAR}All checks passed ${OSC8} ${RLO}devorppa${'\u202c'}\nGo ahead? [y/N] y`;
/** Anything a terminal would obey: C0 but newline, DEL, C1, bidi overrides and isolates. */
// eslint-disable-next-line no-control-regex -- the characters a terminal would obey
const OBEYED = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

const cliWithInput = (args: string[], input: string) => runCliWithInput(args, h.cliEnv, input);

beforeAll(async () => {
  h = await cliWithSandbox('item04', { seed: 'demo', config: { timeScale: 0.002 } });
  // Staging's web-frontend waits at ReleaseApproval (the demo seed): plant hostile custom data and a javascript: link there.
  const cp = h.env.codepipeline('staging', 'us-east-1');
  const { pipeline } = await cp.send(new GetPipelineCommand({ name: 'web-frontend' }));
  const approval = pipeline!.stages!.find((s) => s.name === 'Deploy')!.actions!.find((a) => a.name === 'ReleaseApproval') as ActionDeclaration;
  approval.configuration = { ...approval.configuration, CustomData: HOSTILE, ExternalEntityLink: 'javascript:alert(document.cookie)' };
  await cp.send(new UpdatePipelineCommand({ pipeline }));
}, 60_000);
afterAll(() => h?.stop());

describe('hardening item 4: AWS text reaches the terminal only as visible characters', () => {
  it('approvals list shows the planted clear-screen, OSC 8 link and bidi override as text', async () => {
    const r = await cli('approvals', 'list', ...staging);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/web-frontend\s+Deploy\s+ReleaseApproval/);
    expect(r.out).toContain('␛[2J␛[HAll checks passed ␛]8;;https://evil.example/␛\\dashboa'); // the column's first 60 characters
    expect(r.out).not.toMatch(OBEYED);
  });

  it('approve shows the real pipeline and profile line, the hostile data visible on one line, and withholds the javascript: link', async () => {
    const r = await cliWithInput(
      ['approvals', 'approve', 'web-frontend', ...staging, '--stage', 'Deploy', '--action', 'ReleaseApproval', '--summary', 'ok'],
      'n\n',
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Approve web-frontend \/ Deploy \/ ReleaseApproval \(execution \S+\) in sandbox-staging us-east-1$/m);
    expect(r.out).toContain(`  ␛[2J␛[HAll checks passed ␛]8;;https://evil.example/␛\\dashboard␛]8;;␛\\ \\u{202e}devorppa\\u{202c}␊Go ahead? [y/N] y\n`);
    expect(r.out).toContain('  review: (link withheld: not an https AWS or allowed URL)\n');
    expect(r.out).not.toContain('javascript:');
    expect(r.out).not.toMatch(OBEYED);
    // The only prompt is the real one.
    expect(r.out.match(/^Go ahead\? \[y\/N\] /gm)).toHaveLength(1);
  });

  it('executions list and show, and release status, show a hostile revision id and commit message as text', async () => {
    const hostileRun = ['--source-revision', `Source=COMMIT_ID:${CLEAR}${RLO}abc\x9b31m`, '--variable', `DeployEnv=${CLEAR}${RLO}qa`];
    const started = await cli('executions', 'start', 'web-frontend', ...dev, ...hostileRun);
    expect(started.code).toBe(0);
    const id = started.out.trim();
    expect((await cli('executions', 'watch', 'web-frontend', ...dev, '--execution', id)).code).toBe(0);

    const list = await cli('executions', 'list', 'web-frontend', ...dev, '--limit', '3');
    expect(list.code).toBe(0);
    expect(list.out).toContain(id);
    expect(list.out).toContain('Source:␛[2J␛[H\\u{202e}');
    expect(list.out).not.toMatch(OBEYED);

    const show = await cli('executions', 'show', 'web-frontend', id, ...dev);
    expect(show.code).toBe(0);
    // (The sandbox's GetPipelineExecution carries no revisions; the run's variables are AWS text too.)
    expect(show.out).toContain('variables: DeployEnv=␛[2J␛[H\\u{202e}qa\n');
    expect(show.out).not.toMatch(OBEYED);

    const file = join(h.dir, 'hostile.release.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        application: 'hostile',
        environments: [{ name: 'dev', targets: [{ profile: 'sandbox-dev', region: 'us-east-1', pipeline: 'web-frontend' }] }],
      }),
    );
    const status = await cli('release', 'status', file);
    expect(status.code).toBe(0);
    expect(status.out).toContain('Pinned revision ␛[2J␛[H\\u{202e}abc');
    expect(status.out).not.toMatch(OBEYED);
  });
});
