// Issue 23, items 12 and 15, follow-up: more bad input still exited 1, which the README's
// table reserves for "it ran and did not succeed": a malformed `--variable` or
// `--source-revision` on `executions start`, `design export --format xml`, `transitions
// disable` without a reason, a pipeline (or execution, stage, action, profile) that does not
// exist, a variable the pipeline does not declare, and a report or plan file that is not one.
// A script could not tell a typo from a failed release. One rule now decides for every
// command (src/main/cli/error-exit.ts): bad input exits 2 with a message naming the value,
// before any AWS call when the CLI can tell by itself, and after one refused call (nothing
// done) when only AWS can say the thing is not there. A real failure still exits 1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { EXAMPLE } from '../helpers/releases';
import { simplePipeline } from '../helpers/pipelines';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
const cli = (...args: string[]) => runCli(args, h.cliEnv, 60_000);
const dev = ['--profile', 'sandbox-dev', '--region', 'us-east-1'];
/** The sandbox's call log since `seq`. */
const callsSince = (seq: number) => h.env.sb.logEntries(seq);
/** CodePipeline calls since `seq` that changed something (anything but a read that AWS answered). */
const changesSince = (seq: number) => callsSince(seq).filter((c) => c.service === 'codepipeline' && c.status < 400 && !/^(Get|List)/.test(c.operation));
const lastSeq = () => h.env.sb.logEntries().at(-1)?.seq ?? 0;
const file = (name: string) => join(h.dir, name);

beforeAll(async () => {
  h = await cliWithSandbox('item15-more', { seed: 'demo', config: { timeScale: 0.002 } });
  writeFileSync(file('good.json'), JSON.stringify({ pipeline: simplePipeline('from-cli', 'cli-design-artifacts') }));
  writeFileSync(file('web.release.yaml'), EXAMPLE);
}, 60_000);
afterAll(() => h?.stop());

describe('hardening item 15, more: bad input the CLI can tell by itself exits 2 before any AWS call', () => {
  it.each([
    ['--variable without =', ['executions', 'start', 'web-frontend', ...dev, '--variable', 'novalue'], /--variable novalue: expected NAME=VALUE/],
    [
      '--variable with a name the contract refuses',
      ['executions', 'start', 'web-frontend', ...dev, '--variable', 'bad name=1'],
      /--variable bad name=1: name: a variable name is 1 to 128 of A-Z a-z 0-9 @ - _/,
    ],
    ['--variable with an empty value', ['executions', 'start', 'web-frontend', ...dev, '--variable', 'DeployEnv='], /--variable DeployEnv=: value: /],
    [
      '--source-revision with an unknown type',
      ['executions', 'start', 'web-frontend', ...dev, '--source-revision', 'Source=GIT_SHA:abc'],
      /--source-revision Source=GIT_SHA:abc: expected ACTION=TYPE:VALUE with TYPE one of COMMIT_ID, IMAGE_DIGEST, S3_OBJECT_VERSION_ID, S3_OBJECT_KEY/,
    ],
    [
      'transitions disable without --reason',
      ['transitions', 'disable', 'web-frontend', ...dev, '--stage', 'Deploy', '--type', 'inbound'],
      /Say why the transition is disabled/,
    ],
    [
      'pipelines export --format xml',
      ['pipelines', 'export', 'web-frontend', ...dev, '--format', 'xml'],
      /--format "xml": a format is one of cfn-yaml, cfn-json, cli-json/,
    ],
    ['a profile that does not exist', ['executions', 'list', 'web-frontend', '--profile', 'ghost', '--region', 'us-east-1'], /No profile named ghost/],
    // release promote takes no --variable: commander refuses it, as bad input too.
    ['release promote --variable', ['release', 'promote', '$DIR/web.release.yaml', '--to', 'dev', '--variable', 'X=1'], /unknown option '--variable'/],
  ])('%s: exit 2, named, no call', async (_name, args, message) => {
    const seq = lastSeq();
    const r = await cli(...args.map((a) => a.replace('$DIR', h.dir)));
    expect(r.err).toMatch(message);
    expect(r.code).toBe(2);
    expect(callsSince(seq)).toEqual([]);
  });

  it('design export --format xml names the format (checked before the file is read); a file that is not a design names the file', async () => {
    const xml = await cli('design', 'export', file('good.json'), '--format', 'xml');
    expect(xml.err).toMatch(/--format "xml": a format is one of cfn-yaml, cfn-json, cli-json/);
    expect(xml.code).toBe(2);
    expect((await cli('design', 'export', file('good.json'), '--format', 'cfn-yaml')).code).toBe(0);

    writeFileSync(file('not-a-design.json'), '{"formatVersion": 1}');
    const notDesign = await cli('design', 'validate', file('not-a-design.json'));
    expect(notDesign.err).toContain(`${file('not-a-design.json')}: Not a Pipewright design file: pipeline: `);
    expect(notDesign.code).toBe(2);

    const neither = await cli('design', 'import', '--out', file('x.pipewright.json'));
    expect(neither.err).toMatch(/Give exactly one of --from-cli-json FILE or --from-cfn FILE/);
    expect(neither.code).toBe(2);
  });

  it('artifacts plan and clean: a missing or wrong file, and a malformed flag, are named and exit 2', async () => {
    const seq = lastSeq();
    const cases: Array<[string[], string | RegExp]> = [
      [['artifacts', 'plan', '--from', file('nope.json'), '--out', file('p.json')], `${file('nope.json')}: no such file`],
      [
        ['artifacts', 'plan', '--from', file('web.release.yaml'), '--out', file('p.json')],
        `${file('web.release.yaml')} is not a Pipewright audit report: not valid JSON`,
      ],
      [['artifacts', 'clean', '--plan', file('nope.json')], `${file('nope.json')}: no such file`],
      [['artifacts', 'clean', '--plan', file('web.release.yaml')], `${file('web.release.yaml')}: The plan is not valid JSON (line 1, column 1)`],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.err).toContain(message);
      expect(r.err).not.toMatch(/ENOENT/);
      expect(r.code).toBe(2);
    }
    expect(callsSince(seq)).toEqual([]);
  });
});

describe('hardening item 15, more: what only AWS can say is not there exits 2 after one refused call, nothing done', () => {
  it.each([
    ['executions start', ['executions', 'start', 'no-such-pipeline', ...dev]],
    ['executions list', ['executions', 'list', 'no-such-pipeline', ...dev]],
    ['executions show', ['executions', 'show', 'no-such-pipeline', 'some-id', ...dev]],
    ['executions watch', ['executions', 'watch', 'no-such-pipeline', ...dev]],
    ['approvals approve', ['approvals', 'approve', 'no-such-pipeline', ...dev, '--stage', 'Deploy', '--action', 'Approve', '--summary', 'ok', '--yes']],
    ['transitions enable', ['transitions', 'enable', 'no-such-pipeline', ...dev, '--stage', 'Deploy', '--type', 'inbound']],
  ])('%s of a pipeline that does not exist', async (_name, args) => {
    const seq = lastSeq();
    const r = await cli(...args);
    expect(r.err).toMatch(/pipewright: .*'no-such-pipeline'/);
    expect(r.code).toBe(2);
    // The pipeline calls AWS refused, and nothing else: nothing was started, stopped or changed.
    const calls = callsSince(seq).filter((c) => c.service === 'codepipeline');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.map((c) => c.errorCode)).toEqual(calls.map(() => 'PipelineNotFoundException'));
  });

  it('pipelines export of a pipeline that does not exist', async () => {
    const r = await cli('pipelines', 'export', 'no-such-pipeline', ...dev, '--format', 'cli-json');
    expect(r.err).toMatch(/No pipeline no-such-pipeline in us-east-1 for sandbox-dev/);
    expect(r.code).toBe(2);
  });

  it.each([
    ['show', ['executions', 'show', 'web-frontend', 'no-such-execution', ...dev]],
    ['stop', ['executions', 'stop', 'web-frontend', 'no-such-execution', ...dev, '--reason', 'wrong one']],
    ['retry', ['executions', 'retry', 'web-frontend', 'no-such-execution', ...dev, '--stage', 'Build']],
  ])('executions %s of an execution that does not exist', async (_name, args) => {
    const seq = lastSeq();
    const r = await cli(...args);
    expect(r.err).toMatch(/no-such-execution/);
    expect(r.code).toBe(2);
    expect(changesSince(seq)).toEqual([]);
  });

  it('a stage or action that does not exist, and a variable the pipeline does not declare', async () => {
    const seq = lastSeq();
    const stage = await cli('transitions', 'enable', 'web-frontend', ...dev, '--stage', 'NoSuchStage', '--type', 'inbound');
    expect(stage.err).toMatch(/NoSuchStage/);
    expect(stage.code).toBe(2);
    const action = await cli('approvals', 'approve', 'web-frontend', ...dev, '--stage', 'Deploy', '--action', 'NoSuchAction', '--summary', 'ok', '--yes');
    expect(action.err).toMatch(/web-frontend has no action Deploy \/ NoSuchAction in sandbox-dev us-east-1/);
    expect(action.code).toBe(2);
    const variable = await cli('executions', 'start', 'web-frontend', ...dev, '--variable', 'NOT_DECLARED=1');
    expect(variable.err).toMatch(/Variable NOT_DECLARED is not declared in pipeline web-frontend/);
    expect(variable.code).toBe(2);
    expect(changesSince(seq)).toEqual([]);
  });
});

describe('hardening item 15, more: a failure is still a failure (exit 1)', () => {
  it('AWS denying the call exits 1, not 2', async () => {
    await h.env.control('PUT', 'faults', [{ service: 'codepipeline', operation: 'ListPipelineExecutions', denyRate: 1 }]);
    try {
      const r = await cli('executions', 'list', 'web-frontend', ...dev);
      expect(r.err).toMatch(/not authorized/);
      expect(r.code).toBe(1);
    } finally {
      await h.env.control('DELETE', 'faults');
    }
  });
});
