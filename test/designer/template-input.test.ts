// Template input at the edges: YAML anchors and aliases inside short-form
// intrinsics resolve (and export) as the values they name, the alias limit holds
// inside tags too, duplicate keys are found without the parser's quadratic check,
// oversized files get a clear message, and a design nested too deep is named.
import { describe, expect, it } from 'vitest';
import { MAX_TEMPLATE_BYTES, parseTemplateText } from '../../src/shared/pipeline/template';
import { importCfnTemplate } from '../../src/shared/pipeline/import';
import { exportDesign } from '../../src/shared/pipeline/export';
import { openFileText } from '../../src/shared/pipeline/open-file';

const template = (extra: string) => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Name: !Join ["-", [&app payments, pipeline]]
      RoleArn: !Sub
        - arn:aws:iam::\${AWS::AccountId}:role/\${App}
        - App: *app
      ArtifactStore: { Type: S3, Location: artifacts }
      Tags:
        - Key: App
          Value: *app
      Stages:
        - Name: Source
          Actions:
            - Name: Source
              ActionTypeId: { Category: Source, Owner: AWS, Provider: CodeCommit, Version: '1' }
              Configuration: { RepositoryName: *app, BranchName: main }
              OutputArtifacts: [{ Name: Src }]
        - Name: Build
          Actions:
            - Name: Build
              ActionTypeId: { Category: Build, Owner: AWS, Provider: CodeBuild, Version: '1' }
              Configuration: { ProjectName: !Ref App }
              InputArtifacts: [{ Name: Src }]
${extra}`;

describe('template input', () => {
  it('resolves aliases inside short-form intrinsics, and exports them as the values they name', () => {
    const { doc } = parseTemplateText(template(''));
    const props = (doc as { Resources: { Pipeline: { Properties: Record<string, unknown> } } }).Resources.Pipeline.Properties;
    expect(props.Name).toEqual({ 'Fn::Join': ['-', ['payments', 'pipeline']] });
    expect(props.RoleArn).toEqual({ 'Fn::Sub': ['arn:aws:iam::${AWS::AccountId}:role/${App}', { App: 'payments' }] });
    expect(props.Tags).toEqual([{ Key: 'App', Value: 'payments' }]);
    const yaml = exportDesign(importCfnTemplate(template('')), 'cfn-yaml');
    expect(yaml).toMatch(/Value: payments/);
    expect(yaml).toMatch(/RepositoryName: payments/);
    expect(yaml).toMatch(/- App: payments/);
    expect(yaml).not.toMatch(/source: app|\*app|&app/);
    expect(() => parseTemplateText('X: !Foo 1\n')).toThrow(/^Unknown tag !Foo \(line 1, column 10\)$/);
  });

  it('applies the alias limit inside tags too (no "billion laughs" through !Join)', () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} !Join ["", [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]]`),
    ].join('\n');
    expect(() => parseTemplateText(laughs)).toThrow(/Invalid YAML: its aliases expand to more than 2,000,000 values/);
  });

  it('finds a duplicate key with its line, inside tags as well', () => {
    expect(() => parseTemplateText('A: 1\nB: 2\nA: 3\n')).toThrow(/duplicated mapping key \(line 3, column 1\)/);
    expect(() => parseTemplateText('X: !Sub\n  - "${a}"\n  - a: 1\n    a: 2\n')).toThrow(/duplicated mapping key \(line 4, column 5\)/);
  });

  it('reads a mapping of 85,000 keys (the case that was quadratic) and keeps every key', () => {
    const text = `Big:\n${Array.from({ length: 85_000 }, (_, i) => `  k${i}: v`).join('\n')}\n`;
    const { doc } = parseTemplateText(text);
    expect(Object.keys((doc as { Big: object }).Big)).toHaveLength(85_000);
  });

  it('refuses a file over the size cap with a clear message', () => {
    expect(() => parseTemplateText('a: b\n'.repeat(MAX_TEMPLATE_BYTES / 4))).toThrow(
      /templates are read up to 5 MB \(CloudFormation itself takes at most 1 MB\)/,
    );
  });

  it('opens in one parse: the choice among several pipelines reuses it, and errors are answers, not throws', () => {
    const two =
      template('') +
      `  Second:\n    Type: AWS::CodePipeline::Pipeline\n    Properties:\n      Name: second\n      RoleArn: r\n      ArtifactStore: { Type: S3, Location: b }\n      Stages: []\n`;
    expect(openFileText(two)).toEqual({ kind: 'choose', resources: ['Pipeline', 'Second'] });
    const chosen = openFileText(two, 'Pipeline');
    expect(chosen.kind).toBe('design');
    expect(openFileText('{"formatVersion": 1, "pipeline": ' + '['.repeat(5000) + ']'.repeat(5000) + '}')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/nests deeper than 100 levels/),
    });
    expect(openFileText('a: [unclosed')).toMatchObject({ kind: 'error', message: expect.stringMatching(/Invalid YAML/) });
  });
});
