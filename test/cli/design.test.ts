// `pipewright design validate|export|import|deploy` and `pipelines export`, as scripts use them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../helpers/sandbox';
import { assertBuilt, runCli } from '../helpers/cli';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { simplePipeline } from '../helpers/pipelines';
import { parseTemplateText } from '../../src/shared/pipeline/template';
import { schemaErrors } from '../helpers/cfn-schema';

let env: Awaited<ReturnType<typeof startSandbox>>;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  env = await startSandbox({ config: { startOnCreate: false } });
  env.sb.s3.createBucket('cli-design-artifacts', '111111111111', 'us-east-1');
  dir = mkdtempSync(join(tmpdir(), 'pw-cli-design-'));
  writeFileSync(join(dir, 'config'), awsConfigSnippet(env.sb.endpoint, env.sb.config));
  writeFileSync(join(dir, 'good.json'), JSON.stringify({ pipeline: simplePipeline('from-cli', 'cli-design-artifacts') }));
  const bad = simplePipeline('broken', 'x');
  bad.stages = bad.stages!.slice(0, 1);
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ pipeline: bad }));
});
afterAll(async () => {
  await env?.sb.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  runCli(args, {
    ...process.env,
    HOME: dir,
    PIPEWRIGHT_HOME: join(dir, 'pw'),
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
  });

describe('pipewright design', () => {
  it('import, validate, export', async () => {
    expect((await cli('design', 'import', '--from-cli-json', join(dir, 'good.json'), '--out', join(dir, 'good.pipewright.json'))).code).toBe(0);
    const ok = await cli('design', 'validate', join(dir, 'good.pipewright.json'));
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/0 errors/);
    const bad = await cli('design', 'validate', join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/error STAGE_COUNT at stages: A pipeline has 2 to 50 stages/);
    const yaml = await cli('design', 'export', join(dir, 'good.pipewright.json'), '--format', 'cfn-yaml', '--parameterize');
    expect(yaml.code).toBe(0);
    expect(yaml.out).toContain('Type: AWS::CodePipeline::Pipeline');
    expect(yaml.out).toMatch(/RoleArn: !Ref PipelineRoleArn/);
    expect(schemaErrors(parseTemplateText(yaml.out).doc as never)).toEqual([]);
    await cli('design', 'export', join(dir, 'good.pipewright.json'), '--format', 'cli-json', '--out', join(dir, 'out.json'));
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).pipeline.name).toBe('from-cli');
    // A format nobody could mean is bad input (exit 2, not 1), naming the value (issue 23, items 12/15 follow-up).
    const xml = await cli('design', 'export', join(dir, 'good.pipewright.json'), '--format', 'xml');
    expect(xml.err).toMatch(/--format "xml": a format is one of cfn-yaml, cfn-json, cli-json/);
    expect(xml.code).toBe(2);
  });

  it('deploy prints the diff without --yes, deploys with it, and pipelines export reads it back', async () => {
    const dry = await cli('design', 'deploy', join(dir, 'good.pipewright.json'), '--profile', 'sandbox-dev', '--region', 'us-east-1');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/\+ Create pipeline from-cli/);
    expect(dry.out).toMatch(/Dry run: nothing was changed/);
    expect(env.sb.tables.table('111111111111', 'us-east-1').has('from-cli')).toBe(false);
    const real = await cli('design', 'deploy', join(dir, 'good.pipewright.json'), '--profile', 'sandbox-dev', '--region', 'us-east-1', '--yes');
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/Created arn:aws:codepipeline:us-east-1:111111111111:from-cli, now at version 1/);
    const back = await cli('pipelines', 'export', 'from-cli', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--format', 'cli-json');
    // The service fills pipelineType and executionMode with their defaults.
    expect(JSON.parse(back.out).pipeline).toEqual({ ...simplePipeline('from-cli', 'cli-design-artifacts'), pipelineType: 'V1', executionMode: 'SUPERSEDED' });
    const again = await cli('design', 'deploy', join(dir, 'good.pipewright.json'), '--profile', 'sandbox-dev', '--region', 'us-east-1', '--yes');
    expect(again.out).toMatch(/No changes\.[\s\S]*Nothing to deploy/);
  });

  it('import --from-cfn then export --format cfn-yaml keeps conditional elements (Fn::If) as they were; validate checks both branches', async () => {
    const design = join(dir, 'conditional.pipewright.json');
    const imported = await cli('design', 'import', '--from-cfn', 'test/fixtures/cfn/conditional-elements.yaml', '--out', design);
    expect(imported.code).toBe(0);
    const exported = await cli('design', 'export', design, '--format', 'cfn-yaml');
    expect(exported.code).toBe(0);
    expect(parseTemplateText(exported.out).doc).toEqual(parseTemplateText(readFileSync('test/fixtures/cfn/conditional-elements.yaml', 'utf8')).doc);
    const validated = await cli('design', 'validate', design);
    expect(validated.out).toContain('when IsProd is false (SecurityScan left out)');
    expect(validated.code).toBe(1);
  });
});
