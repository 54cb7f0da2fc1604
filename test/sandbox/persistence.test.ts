// --data DIR keeps the sandbox's state across restarts.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreatePipelineCommand, GetPipelineCommand, TagResourceCommand } from '@aws-sdk/client-codepipeline';
import { CreateBucketCommand, GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EnableRuleCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startSandbox } from '../helpers/sandbox';
import { simplePipeline } from '../helpers/pipelines';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('persistence', () => {
  it('restores pipelines, tags, buckets and object versions after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pw-sbdata-'));
    dirs.push(dataDir);
    const first = await startSandbox({ dataDir, config: { startOnCreate: false } });
    const s3 = first.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'kept' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'kept', VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'a', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'a', Body: 'two' }));
    await first.codepipeline().send(new CreatePipelineCommand({ pipeline: simplePipeline('kept', 'kept') }));
    await first
      .codepipeline()
      .send(new TagResourceCommand({ resourceArn: 'arn:aws:codepipeline:us-east-1:111111111111:kept', tags: [{ key: 't', value: 'v' }] }));
    await first.sb.stop();

    const second = await startSandbox({ dataDir, config: { startOnCreate: false } });
    try {
      expect((await second.codepipeline().send(new GetPipelineCommand({ name: 'kept' }))).pipeline?.name).toBe('kept');
      expect(second.sb.tables.table('111111111111', 'us-east-1').get('kept')?.tags).toEqual({ t: 'v' });
      const old = await second.s3().send(new GetObjectCommand({ Bucket: 'kept', Key: 'a', VersionId: v1.VersionId }));
      expect(await old.Body?.transformToString()).toBe('one');
      const cur = await second.s3().send(new GetObjectCommand({ Bucket: 'kept', Key: 'a' }));
      expect(await cur.Body?.transformToString()).toBe('two');
    } finally {
      await second.sb.stop();
    }
  });

  it('restores EventBridge buses, policies, rules and targets, and the rules match again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pw-sbdata-'));
    dirs.push(dataDir);
    const first = await startSandbox({ dataDir });
    await first.events('prod').send(new CreateEventBusCommand({ Name: 'hub', Tags: [{ Key: 'pipewright', Value: 'hub' }] }));
    await first
      .events('prod')
      .send(new PutPermissionCommand({ EventBusName: 'hub', Action: 'events:PutEvents', Principal: '111111111111', StatementId: 'dev' }));
    await first.events().send(new PutRuleCommand({ Name: 'cp', EventPattern: '{"source":["pipewright.test"]}', State: 'DISABLED' }));
    await first.events().send(new PutTargetsCommand({ Rule: 'cp', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:111111111111:q' }] }));
    await first.sb.stop();

    const second = await startSandbox({ dataDir });
    try {
      const sent: string[] = [];
      second.sb.events.useQueues({ sendAsService: (_arn, body) => (sent.push(body), { ok: true, messageId: 'm' }) });
      expect(JSON.parse((await second.events('prod').send(new DescribeEventBusCommand({ Name: 'hub' }))).Policy!).Statement[0].Sid).toBe('dev');
      expect((await second.events().send(new DescribeRuleCommand({ Name: 'cp' }))).State).toBe('DISABLED');
      expect((await second.events().send(new ListTargetsByRuleCommand({ Rule: 'cp' }))).Targets).toEqual([
        { Id: 'q', Arn: 'arn:aws:sqs:us-east-1:111111111111:q' },
      ]);
      // Enabled, not put again: the pattern matching below is the one rebuilt from the snapshot.
      await second.events().send(new EnableRuleCommand({ Name: 'cp' }));
      await second.events().send(new PutEventsCommand({ Entries: [{ Source: 'pipewright.test', DetailType: 't', Detail: '{}' }] }));
      await second.sb.events.idle();
      expect(sent).toHaveLength(1);
    } finally {
      await second.sb.stop();
    }
  });

  it('restores IAM roles with their trust and inline policies, ids and tags, and SQS queues with their messages', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pw-sbdata-'));
    dirs.push(dataDir);
    const first = await startSandbox({ dataDir });
    const iam = (env: typeof first) => new IAMClient({ endpoint: env.sb.endpoint, region: 'us-east-1', credentials: env.credentials('prod'), maxAttempts: 1 });
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const send = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }] });
    const created = await iam(first).send(
      new CreateRoleCommand({
        RoleName: 'pipewright-events-forwarder',
        Path: '/pipewright/',
        AssumeRolePolicyDocument: trust,
        Description: 'forwards',
        Tags: [{ Key: 'pipewright', Value: 'events' }],
      }),
    );
    await iam(first).send(new PutRolePolicyCommand({ RoleName: 'pipewright-events-forwarder', PolicyName: 'send', PolicyDocument: send }));
    const { QueueUrl } = await first.sqs().send(new CreateQueueCommand({ QueueName: 'kept', Attributes: { VisibilityTimeout: '30' } }));
    await first.sqs().send(new SendMessageCommand({ QueueUrl, MessageBody: 'still here' }));
    await first.sb.stop();

    const second = await startSandbox({ dataDir });
    try {
      const role = (await iam(second).send(new GetRoleCommand({ RoleName: 'pipewright-events-forwarder' }))).Role!;
      expect(role).toMatchObject({ Arn: created.Role!.Arn, RoleId: created.Role!.RoleId, Path: '/pipewright/', Description: 'forwards' });
      expect(role.Tags).toEqual([{ Key: 'pipewright', Value: 'events' }]);
      expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!))).toEqual(JSON.parse(trust));
      expect((await iam(second).send(new ListRolePoliciesCommand({ RoleName: 'pipewright-events-forwarder' }))).PolicyNames).toEqual(['send']);
      const inline = await iam(second).send(new GetRolePolicyCommand({ RoleName: 'pipewright-events-forwarder', PolicyName: 'send' }));
      expect(JSON.parse(decodeURIComponent(inline.PolicyDocument!))).toEqual(JSON.parse(send));
      // A role created after the restart gets a new id, not one of the restored ones.
      const next = await iam(second).send(new CreateRoleCommand({ RoleName: 'another', AssumeRolePolicyDocument: trust }));
      expect(next.Role!.RoleId).not.toBe(created.Role!.RoleId);
      const url = (await second.sqs().send(new GetQueueUrlCommand({ QueueName: 'kept' }))).QueueUrl;
      expect((await second.sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }))).Attributes).toEqual({
        VisibilityTimeout: '30',
      });
      const got = await second.sqs().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }));
      expect(got.Messages?.map((m) => m.Body)).toEqual(['still here']);
    } finally {
      await second.sb.stop();
    }
  });

  it('a reset forgets IAM roles, as it forgets everything else', async () => {
    const env = await startSandbox();
    try {
      const iam = new IAMClient({ endpoint: env.sb.endpoint, region: 'us-east-1', credentials: env.credentials('dev'), maxAttempts: 1 });
      await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: '{}' }));
      await env.control('POST', 'reset', { seed: 'empty' });
      await expect(iam.send(new GetRoleCommand({ RoleName: 'r' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    } finally {
      await env.sb.stop();
    }
  });

  it('loads a snapshot written before the sandbox kept queues, EventBridge and IAM roles', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pw-sbdata-'));
    dirs.push(dataDir);
    const object = {
      versionId: 'null',
      deleteMarker: false,
      body: Buffer.from('old').toString('base64'),
      size: 3,
      etag: '"e"',
      lastModified: 1,
      contentType: 'text/plain',
    };
    const bucket = { name: 'old-bucket', accountId: '111111111111', region: 'us-east-1', created: 1, versioning: undefined, objects: [['k', [object]]] };
    writeFileSync(join(dataDir, 'sandbox-state.json'), JSON.stringify({ formatVersion: 1, seed: 'empty', pipelines: [], buckets: [bucket] }));
    const env = await startSandbox({ dataDir });
    try {
      const got = await env.s3().send(new GetObjectCommand({ Bucket: 'old-bucket', Key: 'k' }));
      expect(await got.Body?.transformToString()).toBe('old');
    } finally {
      await env.sb.stop();
    }
  });
});
