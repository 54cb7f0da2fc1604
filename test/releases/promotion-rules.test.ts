// The rules a promotion applies before touching anything: pins per source
// provider, the gate's verdict, and drift normalisation. Pure: no sandbox.
import { describe, expect, it } from 'vitest';
import { evaluateGate, planPins, revisionMessage, revisionTypeFor } from '../../src/shared/releases/promotion';
import { environmentDrift, normaliseForDrift } from '../../src/shared/releases/drift';
import type { PipelineDeclaration } from '../../src/shared/pipeline/model';

const source = (name: string, provider: string, owner = 'AWS') => ({ name, provider, owner });

describe('pinning', () => {
  it('pins each provider with the revision type StartPipelineExecution takes for it', () => {
    expect(revisionTypeFor('CodeStarSourceConnection')).toBe('COMMIT_ID');
    expect(revisionTypeFor('CodeCommit')).toBe('COMMIT_ID');
    expect(revisionTypeFor('S3')).toBe('S3_OBJECT_VERSION_ID');
    expect(revisionTypeFor('ECR')).toBe('IMAGE_DIGEST');
    expect(revisionTypeFor('GitHub', 'ThirdParty')).toBeNull();
  });

  it('matches sources by name, or one to one; names what cannot be pinned', () => {
    const from = {
      environment: 'staging',
      revisions: [
        { actionName: 'App', revisionId: 'c0ffee', revisionSummary: 'fix' },
        { actionName: 'Image', revisionId: 'sha256:abc', revisionSummary: null },
        { actionName: 'Config', revisionId: 'v3', revisionSummary: null },
      ],
    };
    const plan = planPins([source('App', 'CodeCommit'), source('Image', 'ECR'), source('Config', 'S3'), source('Legacy', 'GitHub', 'ThirdParty')], from, null);
    expect(plan.pins).toEqual([
      { actionName: 'App', revisionType: 'COMMIT_ID', revisionValue: 'c0ffee' },
      { actionName: 'Image', revisionType: 'IMAGE_DIGEST', revisionValue: 'sha256:abc' },
      { actionName: 'Config', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'v3' },
    ]);
    expect(plan.unpinned).toEqual([{ actionName: 'Legacy', reason: expect.stringMatching(/GitHub \(ThirdParty\) sources cannot be pinned/) as string }]);
    // A single source on each side pins across different action names.
    expect(planPins([source('Src', 'CodeStarSourceConnection')], { environment: 'dev', revisions: [from.revisions[0]] }, null).pins[0].revisionValue).toBe(
      'c0ffee',
    );
    // Nothing to match: named, never guessed.
    expect(planPins([source('Other', 'S3'), source('App', 'CodeCommit')], from, null).unpinned).toEqual([
      { actionName: 'Other', reason: 'staging ran no revision of a source named Other' },
    ]);
  });

  it("reads a connection's JSON revision summary as its commit message", () => {
    expect(revisionMessage('{"ProviderType":"GitHub","CommitMessage":"Fix rounding"}')).toBe('Fix rounding');
    expect(revisionMessage('Plain message')).toBe('Plain message');
    expect(revisionMessage('{not json')).toBe('{not json');
    expect(revisionMessage(null)).toBeNull();
  });

  it('a chosen revision pins the one pinnable source; with several it is ambiguous; the first wave pins nothing', () => {
    expect(planPins([source('Src', 'CodeCommit')], null, { revision: 'abc' }).pins).toEqual([
      { actionName: 'Src', revisionType: 'COMMIT_ID', revisionValue: 'abc' },
    ]);
    expect(planPins([source('A', 'CodeCommit'), source('B', 'S3')], null, { revision: 'abc' }).unpinned).toHaveLength(2);
    expect(planPins([source('Src', 'CodeCommit')], null, null)).toEqual({ pins: [], unpinned: [] });
  });
});

describe('gates', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  const ok = { target: 'web (staging)', status: 'Succeeded', succeededAt: '2026-11-30T11:50:00Z', error: null };
  it('open without a gate; shut until the environment before succeeded', () => {
    expect(evaluateGate('prod', undefined, [], { now, confirmed: false })).toEqual({ open: true });
    expect(evaluateGate('prod', { after: 'staging', requireSuccess: true }, [{ ...ok, status: 'InProgress' }], { now, confirmed: false })).toMatchObject({
      open: false,
      kind: 'success',
      reason: 'staging has not succeeded: web (staging) is InProgress',
    });
  });
  it('a soak time counts from the success, and says what is left', () => {
    const gate = { after: 'staging', soakMinutes: 30 };
    expect(evaluateGate('prod', gate, [ok], { now, confirmed: false })).toMatchObject({ open: false, kind: 'soak', openAt: '2026-11-30T12:20:00.000Z' });
    expect(evaluateGate('prod', gate, [ok], { now: now + 21 * 60_000, confirmed: false })).toEqual({ open: true });
  });
  it('a manual confirmation comes last; an unread target leaves the gate unverified', () => {
    const gate = { after: 'staging', requireSuccess: true, manualConfirmation: true };
    expect(evaluateGate('prod', gate, [ok], { now, confirmed: false })).toMatchObject({ kind: 'confirmation' });
    expect(evaluateGate('prod', gate, [ok], { now, confirmed: true })).toEqual({ open: true });
    expect(evaluateGate('prod', gate, [{ ...ok, status: null, error: 'AccessDenied' }], { now, confirmed: true })).toMatchObject({ kind: 'unverified' });
  });
});

describe('drift', () => {
  const pipeline = (acct: string, env: string, region = 'us-east-1'): PipelineDeclaration => ({
    name: `web-${env}`,
    roleArn: `arn:aws:iam::${acct}:role/${env}-pipeline-role`,
    artifactStore: { type: 'S3', location: `codepipeline-${region}-${acct}` },
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Source',
            actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
            runOrder: 1,
            configuration: { S3Bucket: `acme-${env}-source`, S3ObjectKey: 'app.zip' },
            outputArtifacts: [{ name: 'Src' }],
          },
        ],
      },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'Deploy',
            actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
            runOrder: 1,
            configuration: { StackName: `web-${env}`, RoleArn: `arn:aws:iam::${acct}:role/cfn`, ActionMode: 'CREATE_UPDATE' },
            inputArtifacts: [{ name: 'Src' }],
            region,
          },
        ],
      },
    ],
  });
  const side = (environment: string, accountId: string, region = 'us-east-1') => ({ environment, accountId, region });

  it('ignores account ids, regions, artifact buckets and names that embed the environment', () => {
    expect(
      environmentDrift(
        { side: side('staging', '222222222222'), pipeline: pipeline('222222222222', 'staging') },
        { side: side('prod', '333333333333', 'eu-west-1'), pipeline: pipeline('333333333333', 'prod', 'eu-west-1') },
      ),
    ).toEqual([]);
    expect(normaliseForDrift(pipeline('222222222222', 'staging'), side('staging', '222222222222')).roleArn).toBe(
      'arn:aws:iam::{account}:role/{env}-pipeline-role',
    );
  });

  it('finds a stage prod lacks and a configuration that differs', () => {
    const prod = pipeline('333333333333', 'prod');
    prod.stages[1].actions[0].configuration = { ...prod.stages[1].actions[0].configuration, ActionMode: 'REPLACE_ON_FAILURE' };
    const staging = pipeline('222222222222', 'staging');
    staging.stages.splice(1, 0, {
      name: 'Test',
      actions: [
        {
          name: 'Smoke',
          actionTypeId: { category: 'Test', owner: 'AWS', provider: 'CodeBuild', version: '1' },
          runOrder: 1,
          configuration: { ProjectName: 'smoke' },
          inputArtifacts: [{ name: 'Src' }],
        },
      ],
    });
    const changes = environmentDrift({ side: side('staging', '222222222222'), pipeline: staging }, { side: side('prod', '333333333333'), pipeline: prod });
    expect(changes.map((c) => c.message)).toEqual(['Stage Test removed.', 'Deploy: ActionMode changed.', 'Action Smoke removed from Test.']);
  });
});
