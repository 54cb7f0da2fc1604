// Export and import against the official schema: property-based round trips
// (API -> CloudFormation -> API), fixture templates that round-trip with their
// intrinsics, and the CLI's JSON.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromCfnProperties, toCfnProperties } from '../../src/shared/pipeline/cloudformation';
import { exportDesign, buildTemplate } from '../../src/shared/pipeline/export';
import { importCfnTemplate, importCliJson, ImportError } from '../../src/shared/pipeline/import';
import { newDesign, parseDesignFile, serializeDesign, DesignFileError } from '../../src/shared/pipeline/design-file';
import { parseTemplateText, stringifyYaml, TemplateParseError } from '../../src/shared/pipeline/template';
import { validatePipeline } from '../../src/shared/pipeline/validate';
import { conditionalElements, validateDesign } from '../../src/shared/pipeline/conditional';
import { conditionalInfo } from '../../src/shared/pipeline/opaque';
import { pipelineArbitrary } from '../helpers/pipeline-arbitrary';
import { schemaErrors } from '../helpers/cfn-schema';

const fixture = (f: string) => readFileSync(join(__dirname, '../fixtures/cfn', f), 'utf8');

describe('API <-> CloudFormation (property-based)', () => {
  it('generated pipelines are valid by our own rules', () => {
    fc.assert(
      fc.property(pipelineArbitrary, (p) => {
        expect(validatePipeline(p, { region: 'us-east-1' }).filter((i) => i.severity === 'error')).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('API JSON -> CloudFormation -> API JSON is unchanged, and every template passes the official schema', () => {
    fc.assert(
      fc.property(pipelineArbitrary, fc.boolean(), (p, parameterize) => {
        const props = toCfnProperties(p);
        expect(fromCfnProperties(props).pipeline).toEqual(p);
        for (const format of ['cfn-yaml', 'cfn-json'] as const) {
          const text = exportDesign(newDesign(p), format, { parameterize });
          const doc = parseTemplateText(text).doc as Record<string, never>;
          expect(schemaErrors(doc)).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('maps the exceptions exactly', () => {
    const p = fc.sample(pipelineArbitrary, { numRuns: 1, seed: 7 })[0];
    p.version = 3;
    p.artifactStores = { 'us-east-1': { type: 'S3', location: 'a' }, 'eu-west-1': { type: 'S3', location: 'b' } };
    delete p.artifactStore;
    p.stages[1].actions[0].configuration = { ProjectName: 'x', camelKey: 'keep', lowerValue: 'true' };
    const props = toCfnProperties(p, { disabledTransitions: [{ stageName: p.stages[1].name, reason: 'Freeze' }], tags: [{ key: 'team', value: 'core' }] });
    expect(props.Version).toBeUndefined();
    expect(props.ArtifactStores).toEqual([
      { Region: 'us-east-1', ArtifactStore: { Type: 'S3', Location: 'a' } },
      { Region: 'eu-west-1', ArtifactStore: { Type: 'S3', Location: 'b' } },
    ]);
    const cfg = (props.Stages as Array<{ Actions: Array<{ Configuration: Record<string, string> }> }>)[1].Actions[0].Configuration;
    expect(cfg).toEqual({ ProjectName: 'x', camelKey: 'keep', lowerValue: 'true' });
    expect(props.DisableInboundStageTransitions).toEqual([{ StageName: p.stages[1].name, Reason: 'Freeze' }]);
    expect(props.Tags).toEqual([{ Key: 'team', Value: 'core' }]);
    expect(Object.keys(props).slice(0, 3)).toEqual(['Name', 'PipelineType', 'ExecutionMode', 'RoleArn'].filter((k) => k in props).slice(0, 3));
  });

  it('masked **** values become NoEcho parameters', () => {
    const p = fc.sample(pipelineArbitrary, { numRuns: 1, seed: 3 })[0];
    p.stages[1].actions[0].configuration = { ...p.stages[1].actions[0].configuration, Token: '****' };
    const t = buildTemplate(newDesign(p)) as Record<string, Record<string, Record<string, unknown>>>;
    const [name, param] = Object.entries(t.Parameters)[0];
    expect(param).toMatchObject({ Type: 'String', NoEcho: true });
    expect(JSON.stringify(t.Resources)).toContain(`{"Ref":"${name}"}`);
    expect(JSON.stringify(t)).not.toContain('****');
  });

  it('can add an artifact bucket and a least-privilege role, and stays schema-valid', () => {
    const p = fc.sample(pipelineArbitrary, { numRuns: 1, seed: 11 })[0];
    const t = buildTemplate(newDesign(p), { parameterize: true, addArtifactBucket: true, addServiceRole: true }) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(t.Resources.ArtifactBucket.Type).toBe('AWS::S3::Bucket');
    expect(JSON.stringify(t.Resources.ArtifactBucket)).toContain('VersioningConfiguration');
    expect(t.Resources.PipelineRole.Type).toBe('AWS::IAM::Role');
    expect((t.Resources.Pipeline.Properties as Record<string, unknown>).RoleArn).toEqual({ 'Fn::GetAtt': ['PipelineRole', 'Arn'] });
    expect(schemaErrors(t as never)).toEqual([]);
    expect(JSON.stringify(t.Resources.PipelineRole)).not.toContain('"Action":"*"');
  });

  it('the role also lets stage-condition rules read alarms and call functions', () => {
    const p = fc.sample(pipelineArbitrary, { numRuns: 1, seed: 11 })[0];
    const sids = (q: typeof p) =>
      (
        buildTemplate(newDesign(q), { addServiceRole: true }) as Record<
          string,
          Record<string, { Properties: { Policies: Array<{ PolicyDocument: { Statement: Array<{ Sid: string }> } }> } }>
        >
      ).Resources.PipelineRole.Properties.Policies[0].PolicyDocument.Statement.map((x) => x.Sid);
    p.stages = p.stages.map(({ beforeEntry: _b, onSuccess: _s, onFailure: _f, ...s }) => s);
    expect(sids(p)).not.toContain('RuleAlarms');
    const rule = (provider: string, configuration: Record<string, string>) => ({
      name: provider,
      ruleTypeId: { category: 'Rule', owner: 'AWS', provider, version: '1' },
      configuration,
    });
    p.pipelineType = 'V2';
    p.stages[1].onSuccess = { conditions: [{ result: 'ROLLBACK', rules: [rule('CloudWatchAlarm', { AlarmName: 'errors' })] }] };
    p.stages[1].beforeEntry = { conditions: [{ result: 'FAIL', rules: [rule('LambdaInvoke', { FunctionName: 'gate' })] }] };
    expect(sids(p)).toEqual(expect.arrayContaining(['RuleAlarms', 'RuleLambda']));
  });
});

describe('templates round-trip with their intrinsics', () => {
  it('imports one of several pipelines, keeps every intrinsic, and exports the same document', () => {
    const text = fixture('multi-pipeline.yaml');
    expect(() => importCfnTemplate(text)).toThrow(/2 pipelines \(AppPipeline, OpsPipeline\)/);
    const original = parseTemplateText(text).doc;
    for (const id of ['AppPipeline', 'OpsPipeline']) {
      const design = importCfnTemplate(text, id);
      const again = parseTemplateText(exportDesign(design, 'cfn-yaml')).doc;
      expect(again).toEqual(original);
      // Byte-stable after normalisation: a second round trip gives the same text.
      const first = exportDesign(design, 'cfn-yaml');
      expect(exportDesign(importCfnTemplate(first, id), 'cfn-yaml')).toBe(first);
    }
    const app = importCfnTemplate(text, 'AppPipeline');
    expect(app.pipeline.name).toMatch(/^\u27E6cfn:\d+\u27E7$/);
    expect(app.extras?.opaque?.[app.pipeline.name]).toEqual({ 'Fn::Sub': '${AWS::StackName}-app' });
    expect(Object.keys(app.pipeline.artifactStores ?? {})).toEqual(['us-east-1', 'eu-west-1']);
    expect(app.extras?.disabledTransitions).toEqual([{ stageName: 'Deploy', reason: 'Freeze' }]);
    expect(app.extras?.templateOnly).toEqual({ RestartExecutionOnUpdate: true });
    expect(validatePipeline(app.pipeline, { region: 'us-east-1' }).filter((i) => i.severity === 'error')).toEqual([]);
    expect(schemaErrors(parseTemplateText(exportDesign(app, 'cfn-json')).doc as never)).toEqual([]);
  });

  it('emits short-form tags for every argument shape, and quotes strings an older YAML reader would retype', () => {
    const value = {
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      Outputs: {
        Arn: { Value: { 'Fn::GetAtt': ['Pipeline', 'Arn'] } },
        Pick: { Value: { 'Fn::If': ['IsProd', { 'Fn::Sub': ['${A}-x', { A: { Ref: 'AWS::Region' } }] }, { Ref: 'AWS::NoValue' }] } },
        Map: { Value: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } } },
      },
      Strings: ['yes', 'off', '2010-09-09', '0777', 'true', '1.0', 'null', '', 'line1\nline2', '#{Vars.Id}', '!Ref x', '*'],
    };
    const text = stringifyYaml(value as never);
    expect(text).toContain('IsProd: !Equals\n');
    expect(text).toContain('Value: !GetAtt Pipeline.Arn\n');
    expect(text).not.toMatch(/ $/m);
    expect(parseTemplateText(text).doc).toEqual(value);
    for (const s of ['yes', 'off', '2010-09-09', '0777']) expect(text).toContain(`'${s}'`);
  });

  it('JSON templates round-trip too, and the design file keeps everything', () => {
    const yamlText = fixture('multi-pipeline.yaml');
    const jsonText = exportDesign(importCfnTemplate(yamlText, 'AppPipeline'), 'cfn-json');
    const design = importCfnTemplate(jsonText, 'AppPipeline');
    expect(design.template?.format).toBe('json');
    const reopened = parseDesignFile(serializeDesign(design));
    expect(exportDesign(reopened, 'cfn-json')).toBe(jsonText);
  });

  it('says where a malformed template is broken', () => {
    expect(() => parseTemplateText('Resources:\n  A:\n    Type: [unclosed\n')).toThrow(TemplateParseError);
    try {
      parseTemplateText('{\n  "Resources": {\n    "A": oops\n  }\n}');
    } catch (e) {
      expect((e as TemplateParseError).line).toBe(3);
      expect((e as Error).message).toMatch(/line 3, column \d+/);
    }
    expect(() => importCfnTemplate('Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n')).toThrow(ImportError);
  });
});

describe('CLI JSON', () => {
  it('imports get-pipeline output and exports create-pipeline input', () => {
    const p = fc.sample(pipelineArbitrary, { numRuns: 1, seed: 5 })[0];
    const getPipeline = JSON.stringify({ pipeline: { ...p, version: 4 }, metadata: { pipelineArn: 'arn:x', created: 1, updated: 2 } });
    const design = importCliJson(getPipeline);
    expect(design.origin).toEqual({ kind: 'cli-json', version: 4 });
    expect(design.pipeline).toEqual(p);
    const cli = JSON.parse(exportDesign(design, 'cli-json'));
    expect(cli).toEqual({ pipeline: p });
  });

  it('refuses newer design formats and broken files with a clear message', () => {
    expect(() => parseDesignFile('{"formatVersion": 9, "pipeline": {}}')).toThrow(/format 9, made by a newer Pipewright/);
    expect(() => parseDesignFile('{"formatVersion": 1, "pipeline": {"name": 1}}')).toThrow(DesignFileError);
    expect(() => parseDesignFile('{\n "formatVersion": 1,\n oops }')).toThrow(/line 3/);
  });
});

describe('conditional list elements (Fn::If with AWS::NoValue or two objects)', () => {
  it('imports them as elements marked with their condition, validates both branches, and exports the same document', () => {
    const text = fixture('conditional-elements.yaml');
    const design = importCfnTemplate(text);
    const opaque = design.extras?.opaque;
    expect(design.pipeline.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Approve', 'Deploy']);
    expect(design.pipeline.stages[1].actions.map((a) => a.name)).toEqual(['Build', 'SecurityScan']);
    const conditional = conditionalElements(design.pipeline, opaque);
    expect(conditional.map((c) => [c.path.join('.'), c.label, c.info.condition, c.info.other])).toEqual([
      ['stages.1.actions.1', 'SecurityScan', 'IsProd', null],
      ['stages.2', 'Approve', 'IsProd', null],
      ['variables.1', 'ChangeTicket', 'IsProd', null],
    ]);
    expect(conditionalInfo(design.extras!.tags![1], opaque)).toMatchObject({ condition: 'IsProd', other: null });

    // Lossless: the exported template is the imported one, and stays byte-stable.
    const original = parseTemplateText(text).doc;
    const exported = exportDesign(design, 'cfn-yaml');
    expect(parseTemplateText(exported).doc).toEqual(original);
    expect(exported).toContain('!If');
    expect(exportDesign(importCfnTemplate(exported), 'cfn-yaml')).toBe(exported);
    expect(exportDesign(parseDesignFile(serializeDesign(design)), 'cfn-yaml')).toBe(exported);

    // Both branches are checked: without the scan, the approval stage (shown) still reads its report.
    expect(validateDesign(design, { region: 'us-east-1' }).filter((i) => i.severity === 'error')).toEqual([
      expect.objectContaining({
        code: 'INPUT_NOT_PRODUCED',
        message: 'Input artifact "ScanReport" of "PublishReport" is not produced by any action. (when IsProd is false (SecurityScan left out))',
        path: ['stages', 1, 'actions', 1],
      }),
    ]);
  });

  it('an element with two object branches keeps the other one verbatim, and both are validated', () => {
    const text = fixture('conditional-elements.yaml').replace(
      `              - !Ref AWS::NoValue
        - !If`,
      `              - Name: QuickScan
                ActionTypeId: { Category: Test, Owner: AWS, Provider: CodeBuild, Version: '1' }
                Configuration: { ProjectName: quick-scan }
                InputArtifacts: [{ Name: Nope }]
                OutputArtifacts: [{ Name: ScanReport }]
        - !If`,
    );
    const design = importCfnTemplate(text);
    const el = conditionalElements(design.pipeline, design.extras?.opaque).find((c) => c.label === 'SecurityScan')!;
    expect(el.info.other).toMatchObject({ Name: 'QuickScan' });
    expect(parseTemplateText(exportDesign(design, 'cfn-yaml')).doc).toEqual(parseTemplateText(text).doc);
    expect(validateDesign(design, { region: 'us-east-1' }).map((i) => i.message)).toContain(
      'Input artifact "Nope" of "QuickScan" is not produced by any action. (when IsProd is false (SecurityScan as its other branch))',
    );
  });
});
