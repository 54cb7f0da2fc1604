// An independent client: Debian's AWS CLI (/usr/bin/aws) against `pipewright
// sandbox`, configured only by the config snippet the command prints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsCliSandbox, type AwsCliSandbox } from '../helpers/aws-cli';

let h: AwsCliSandbox;
beforeAll(async () => {
  h = await awsCliSandbox('core');
}, 60_000);
afterAll(() => h?.stop());
const aws = (profile: string, ...args: string[]) => h.aws(profile, ...args);

describe('AWS CLI v2 against the sandbox', () => {
  it('prints a config snippet with the three accounts and a role-chained profile', () => {
    const out = h.cli.output();
    for (const p of ['[profile sandbox-dev]', '[profile sandbox-staging]', '[profile sandbox-prod]', '[profile sandbox-prod-admin]']) expect(out).toContain(p);
    expect(out).toMatch(/endpoint_url = http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('source_profile = sandbox-dev');
    expect(out).toMatch(/export AWS_DATA_PATH=\S+aws-data/);
  });

  it('sts: get-caller-identity, assume-role, and the role-chained profile', async () => {
    expect((await aws('sandbox-staging', 'sts', 'get-caller-identity')).Account).toBe('222222222222');
    const assumed = await aws(
      'sandbox-dev',
      'sts',
      'assume-role',
      '--role-arn',
      'arn:aws:iam::333333333333:role/PipewrightAdmin',
      '--role-session-name',
      'cli',
    );
    expect(assumed.Credentials.AccessKeyId).toMatch(/^ASIA/);
    expect((await aws('sandbox-prod-admin', 'sts', 'get-caller-identity')).Arn).toMatch(/^arn:aws:sts::333333333333:assumed-role\/PipewrightAdmin\//);
  });

  it('codepipeline: create from --cli-input-json, list, start, approve, and watch it succeed', async () => {
    await aws('sandbox-dev', 's3api', 'create-bucket', '--bucket', 'cli-artifacts');
    const input = {
      pipeline: {
        name: 'cli-pipeline',
        roleArn: 'arn:aws:iam::111111111111:role/pipeline',
        artifactStore: { type: 'S3', location: 'cli-artifacts' },
        stages: [
          {
            name: 'Source',
            actions: [
              {
                name: 'Source',
                actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
                configuration: { RepositoryName: 'r', BranchName: 'main' },
                outputArtifacts: [{ name: 'Src' }],
              },
            ],
          },
          {
            name: 'Build',
            actions: [
              {
                name: 'Build',
                actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
                configuration: { ProjectName: 'p' },
                inputArtifacts: [{ name: 'Src' }],
                outputArtifacts: [{ name: 'Out' }],
              },
            ],
          },
          { name: 'Approve', actions: [{ name: 'Gate', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
        ],
      },
    };
    writeFileSync(join(h.dir, 'pipeline.json'), JSON.stringify(input));
    const created = await aws('sandbox-dev', 'codepipeline', 'create-pipeline', '--cli-input-json', `file://${join(h.dir, 'pipeline.json')}`);
    expect(created.pipeline.version).toBe(1);
    expect((await aws('sandbox-dev', 'codepipeline', 'list-pipelines')).pipelines.map((p: { name: string }) => p.name)).toContain('cli-pipeline');
    const { pipelineExecutionId } = await aws('sandbox-dev', 'codepipeline', 'start-pipeline-execution', '--name', 'cli-pipeline');
    // Creating the pipeline started an execution too (as the service does); approve whatever waits
    // at the gate until ours is through.
    let status = '';
    let approvals = 0;
    for (let i = 0; i < 40 && status !== 'Succeeded'; i++) {
      const state = await aws('sandbox-dev', 'codepipeline', 'get-pipeline-state', '--name', 'cli-pipeline');
      const token = state.stageStates[2].actionStates[0].latestExecution?.token;
      if (token) {
        await aws(
          'sandbox-dev',
          'codepipeline',
          'put-approval-result',
          '--pipeline-name',
          'cli-pipeline',
          '--stage-name',
          'Approve',
          '--action-name',
          'Gate',
          '--token',
          token,
          '--result',
          'summary=ok,status=Approved',
        );
        approvals++;
      }
      status = (
        await aws('sandbox-dev', 'codepipeline', 'get-pipeline-execution', '--pipeline-name', 'cli-pipeline', '--pipeline-execution-id', pipelineExecutionId)
      ).pipelineExecution.status;
    }
    expect(status).toBe('Succeeded');
    expect(approvals).toBeGreaterThanOrEqual(1);
    const state = await aws('sandbox-dev', 'codepipeline', 'get-pipeline-state', '--name', 'cli-pipeline');
    expect(state.stageStates.map((s: { latestExecution?: { status: string } }) => s.latestExecution?.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  }, 120_000);

  it('iam: create-role, put-role-policy, get-role, get-role-policy, list-role-policies, delete (the roles events setup makes)', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const created = await aws(
      'sandbox-dev',
      'iam',
      'create-role',
      '--role-name',
      'cli-forwarder',
      '--assume-role-policy-document',
      trust,
      '--tags',
      'Key=pipewright:events,Value=1',
    );
    expect(created.Role).toMatchObject({ RoleName: 'cli-forwarder', Arn: 'arn:aws:iam::111111111111:role/cli-forwarder' });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }] });
    await aws('sandbox-dev', 'iam', 'put-role-policy', '--role-name', 'cli-forwarder', '--policy-name', 'put-events', '--policy-document', policy);
    expect((await aws('sandbox-dev', 'iam', 'get-role', '--role-name', 'cli-forwarder')).Role.RoleName).toBe('cli-forwarder');
    expect((await aws('sandbox-dev', 'iam', 'list-role-policies', '--role-name', 'cli-forwarder')).PolicyNames).toEqual(['put-events']);
    const got = await aws('sandbox-dev', 'iam', 'get-role-policy', '--role-name', 'cli-forwarder', '--policy-name', 'put-events');
    expect(got.PolicyName).toBe('put-events');
    await aws('sandbox-dev', 'iam', 'delete-role-policy', '--role-name', 'cli-forwarder', '--policy-name', 'put-events');
    await aws('sandbox-dev', 'iam', 'delete-role', '--role-name', 'cli-forwarder');
    const gone = await h.awsFails('sandbox-dev', 'iam', 'get-role', '--role-name', 'cli-forwarder');
    expect(gone.stderr).toContain('(NoSuchEntity)');
  });

  it('s3: list-object-versions, ls, and rm --recursive', { timeout: 60_000 }, async () => {
    await aws('sandbox-dev', 's3api', 'put-bucket-versioning', '--bucket', 'cli-artifacts', '--versioning-configuration', 'Status=Enabled');
    writeFileSync(join(h.dir, 'f.txt'), 'hello');
    for (const key of ['extra/a.txt', 'extra/b.txt', 'extra/a.txt'])
      await aws('sandbox-dev', 's3api', 'put-object', '--bucket', 'cli-artifacts', '--key', key, '--body', join(h.dir, 'f.txt'));
    const versions = await aws('sandbox-dev', 's3api', 'list-object-versions', '--bucket', 'cli-artifacts', '--prefix', 'extra/');
    expect(versions.Versions).toHaveLength(3);
    const ls = await aws('sandbox-dev', 's3', 'ls', 's3://cli-artifacts/', '--recursive');
    expect(String(ls)).toContain('extra/a.txt');
    expect(String(ls)).toMatch(/cli-pipeline\/Out\/[A-Za-z0-9]{7}/);
    await aws('sandbox-dev', 's3', 'rm', 's3://cli-artifacts/', '--recursive');
    // `s3 ls` prints nothing and exits 1 when nothing is left.
    const after = await aws('sandbox-dev', 's3', 'ls', 's3://cli-artifacts/', '--recursive').catch((e: { stdout?: string }) => e.stdout ?? '');
    expect(String(after).trim()).toBe('');
    const markers = await aws('sandbox-dev', 's3api', 'list-object-versions', '--bucket', 'cli-artifacts', '--prefix', 'extra/');
    expect(markers.DeleteMarkers).toHaveLength(2);
    // A versioned multi-object delete, as the CLI signs it (with Content-MD5, which the sandbox checks).
    const gone = await aws(
      'sandbox-dev',
      's3api',
      'delete-objects',
      '--bucket',
      'cli-artifacts',
      '--delete',
      JSON.stringify({ Objects: markers.DeleteMarkers.map((m: { Key: string; VersionId: string }) => ({ Key: m.Key, VersionId: m.VersionId })) }),
    );
    expect(gone.Deleted).toHaveLength(2);
    expect(gone.Errors ?? []).toEqual([]);
  });
});
