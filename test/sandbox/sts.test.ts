// STS and IAM with the real SDK clients: identity, role chains across the three
// sandbox accounts, the trust allowlist, MFA, and signature checking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { IAMClient, ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import { CodePipelineClient, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { startSandbox } from '../helpers/sandbox';
import { signedFetch } from '../helpers/signed-fetch';

let env: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  env = await startSandbox({
    config: {
      roles: [
        { name: 'PipewrightAdmin' },
        { name: 'PipewrightMfaAdmin', requireMfa: true },
        { name: 'ProdOnlyFromStaging', trustedAccounts: ['222222222222'] },
      ],
    },
  });
});
afterAll(() => env.sb.stop());

const asTemp = (endpoint: string, c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }) => ({
  endpoint,
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
});
const errName = (e: unknown) => (e as STSServiceException).name;

describe('STS', () => {
  it('knows who each account key belongs to', async () => {
    for (const [name, id] of [
      ['dev', '111111111111'],
      ['staging', '222222222222'],
      ['prod', '333333333333'],
    ] as const) {
      const me = await env.sts(name).send(new GetCallerIdentityCommand({}));
      expect(me.Account).toBe(id);
      expect(me.Arn).toBe(`arn:aws:iam::${id}:user/sandbox-user`);
    }
  });

  it('assumes roles across accounts, three deep, and the keys work for other services', async () => {
    const hop1 = await env.sts('dev').send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/PipewrightAdmin', RoleSessionName: 'hop1' }));
    expect(hop1.AssumedRoleUser?.Arn).toBe('arn:aws:sts::222222222222:assumed-role/PipewrightAdmin/hop1');
    expect(hop1.Credentials?.Expiration).toBeInstanceOf(Date);
    const sts2 = new STSClient(asTemp(env.sb.endpoint, hop1.Credentials!));
    expect((await sts2.send(new GetCallerIdentityCommand({}))).Account).toBe('222222222222');
    const hop2 = await sts2.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/ProdOnlyFromStaging', RoleSessionName: 'hop2' }));
    const sts3 = new STSClient(asTemp(env.sb.endpoint, hop2.Credentials!));
    expect((await sts3.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::333333333333:assumed-role/ProdOnlyFromStaging/hop2');
    const cp = new CodePipelineClient(asTemp(env.sb.endpoint, hop2.Credentials!));
    expect((await cp.send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
    const s3 = new S3Client({ ...asTemp(env.sb.endpoint, hop2.Credentials!), forcePathStyle: true });
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });

  it('enforces the trust allowlist and unknown roles', async () => {
    const e1 = await env
      .sts('dev')
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/ProdOnlyFromStaging', RoleSessionName: 'sess' }))
      .catch((e) => e);
    expect(errName(e1)).toBe('AccessDenied');
    expect(e1.message).toMatch(/not authorized to perform: sts:AssumeRole/);
    const e2 = await env
      .sts('dev')
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::333333333333:role/Nope', RoleSessionName: 'sess' }))
      .catch((e) => e);
    expect(errName(e2)).toBe('AccessDenied');
    const e3 = await env
      .sts('dev')
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::999999999999:role/PipewrightAdmin', RoleSessionName: 'sess' }))
      .catch((e) => e);
    expect(errName(e3)).toBe('AccessDenied');
  });

  it('requires MFA where the role says so, and checks the code', async () => {
    const RoleArn = 'arn:aws:iam::333333333333:role/PipewrightMfaAdmin';
    const SerialNumber = 'arn:aws:iam::111111111111:mfa/sandbox-user';
    expect(
      errName(
        await env
          .sts('dev')
          .send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'sess' }))
          .catch((e) => e),
      ),
    ).toBe('AccessDenied');
    expect(
      errName(
        await env
          .sts('dev')
          .send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'sess', SerialNumber, TokenCode: '000000' }))
          .catch((e) => e),
      ),
    ).toBe('AccessDenied');
    const ok = await env.sts('dev').send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'sess', SerialNumber, TokenCode: '123456' }));
    expect(ok.Credentials?.SessionToken).toBeTruthy();
  });

  it('GetSessionToken with MFA gives session keys for the same account', async () => {
    const t = await env
      .sts('staging')
      .send(new GetSessionTokenCommand({ SerialNumber: 'arn:aws:iam::222222222222:mfa/sandbox-user', TokenCode: '123456', DurationSeconds: 900 }));
    const sts = new STSClient(asTemp(env.sb.endpoint, t.Credentials!));
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('222222222222');
  });

  it('expired temporary keys are refused with ExpiredToken', async () => {
    const t = await env
      .sts('dev')
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/PipewrightAdmin', RoleSessionName: 'short', DurationSeconds: 900 }));
    const p = env.sb.principals.find(t.Credentials!.AccessKeyId!)!;
    p.expiresAt = Date.now() - 1;
    const e = await new STSClient(asTemp(env.sb.endpoint, t.Credentials!)).send(new GetCallerIdentityCommand({})).catch((err) => err);
    expect(errName(e)).toMatch(/ExpiredToken/);
  });

  it('IAM ListAccountAliases returns the account name', async () => {
    const iam = new IAMClient({ endpoint: env.sb.endpoint, region: 'us-east-1', credentials: env.credentials('prod'), maxAttempts: 1 });
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual(['sandbox-prod']);
  });
});

describe('signatures', () => {
  it("refuses a wrong secret with each service's real error", async () => {
    const bad = { accessKeyId: env.credentials('dev').accessKeyId, secretAccessKey: 'wrong-secret-wrong-secret-000' };
    const cp = new CodePipelineClient({ endpoint: env.sb.endpoint, region: 'us-east-1', credentials: bad, maxAttempts: 1 });
    expect((await cp.send(new ListPipelinesCommand({})).catch((e) => e)).name).toBe('InvalidSignatureException');
    const s3 = new S3Client({ endpoint: env.sb.endpoint, region: 'us-east-1', credentials: bad, forcePathStyle: true, maxAttempts: 1 });
    expect((await s3.send(new ListBucketsCommand({})).catch((e) => e)).name).toBe('SignatureDoesNotMatch');
    const sts = new STSClient({ endpoint: env.sb.endpoint, region: 'us-east-1', credentials: bad, maxAttempts: 1 });
    expect((await sts.send(new GetCallerIdentityCommand({})).catch((e) => e)).name).toBe('SignatureDoesNotMatch');
  });

  it('refuses unknown keys and unsigned requests', async () => {
    const unknown = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) };
    const cp = new CodePipelineClient({ endpoint: env.sb.endpoint, region: 'us-east-1', credentials: unknown, maxAttempts: 1 });
    expect((await cp.send(new ListPipelinesCommand({})).catch((e) => e)).name).toBe('UnrecognizedClientException');
    const s3 = new S3Client({ endpoint: env.sb.endpoint, region: 'us-east-1', credentials: unknown, forcePathStyle: true, maxAttempts: 1 });
    expect((await s3.send(new ListBucketsCommand({})).catch((e) => e)).name).toBe('InvalidAccessKeyId');
    const unsigned = await fetch(env.sb.endpoint + '/', {
      method: 'POST',
      headers: { 'x-amz-target': 'CodePipeline_20150709.ListPipelines', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('notices a body changed after signing', async () => {
    const base = {
      endpoint: env.sb.endpoint,
      service: 'codepipeline' as const,
      credentials: env.credentials('dev'),
      headers: { 'x-amz-target': 'CodePipeline_20150709.ListPipelines', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    };
    expect((await signedFetch(base)).status).toBe(200);
    const tampered = await signedFetch({ ...base, sendBody: '{"maxResults":1}' });
    expect(tampered.status).toBe(403);
    expect(JSON.parse(tampered.text).__type).toBe('InvalidSignatureException');
  });
});
