// Bad input gets AWS-shaped errors and never crashes the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { startSandbox } from '../helpers/sandbox';
import { signedFetch } from '../helpers/signed-fetch';

let env: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  env = await startSandbox();
  env.sb.s3.createBucket('bad-input', '111111111111', 'us-east-1');
});
afterAll(() => env.sb.stop());

const cp = (target: string, body: string) =>
  signedFetch({
    endpoint: env.sb.endpoint,
    service: 'codepipeline',
    credentials: env.credentials('dev'),
    headers: { 'x-amz-target': `CodePipeline_20150709.${target}`, 'content-type': 'application/x-amz-json-1.1' },
    body,
  });
const s3 = (method: string, path: string, query: Record<string, string>, body: string | Buffer = '') =>
  signedFetch({ endpoint: env.sb.endpoint, service: 's3', method, path, query, credentials: env.credentials('dev'), body });

describe('bad input', () => {
  it('malformed JSON is a SerializationException', async () => {
    const r = await cp('ListPipelines', '{"maxResults": ');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ __type: 'SerializationException' });
    expect((await cp('ListPipelines', '[1,2]')).status).toBe(400);
  });

  it('an unknown target is an UnknownOperationException', async () => {
    const r = await cp('DropAllTables', '{}');
    expect(JSON.parse(r.text).__type).toBe('UnknownOperationException');
  });

  it('wrong types and out-of-range values are ValidationExceptions', async () => {
    expect(JSON.parse((await cp('ListPipelines', '{"maxResults": 5000}')).text).__type).toBe('ValidationException');
    expect(JSON.parse((await cp('GetPipeline', '{"name": 12}')).text).__type).toBe('SerializationException');
    expect(JSON.parse((await cp('CreatePipeline', '{"pipeline": {"name": "x"}}')).text).__type).toBe('ValidationException');
    expect(JSON.parse((await cp('ListPipelines', '{"nextToken": "garbage!"}')).text).__type).toBe('InvalidNextTokenException');
    // Inputs are parsed with zod (services/codepipeline/inputs.ts) and answered in AWS's words.
    expect(JSON.parse((await cp('GetPipeline', '{}')).text)).toEqual({
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    });
    const mode = JSON.parse((await cp('RetryStageExecution', '{"pipelineName": "p", "stageName": "s", "pipelineExecutionId": "e", "retryMode": "SOME"}')).text);
    expect(mode.message).toBe(
      "1 validation error detected: Value 'SOME' at 'retryMode' failed to satisfy constraint: Member must satisfy enum value set: [FAILED_ACTIONS, ALL_ACTIONS]",
    );
    const long = JSON.parse((await cp('GetPipelineState', JSON.stringify({ name: 'x'.repeat(101) }))).text);
    expect(long.message).toContain("at 'name' failed to satisfy constraint: Member must have length less than or equal to 100");
  });

  it('oversized bodies are refused before they are read whole', async () => {
    const r = await cp('CreatePipeline', JSON.stringify({ pipeline: { name: 'big', pad: 'x'.repeat(3 * 1024 * 1024) } }));
    expect(r.status).toBe(413);
    expect(JSON.parse(r.text).__type).toBe('EntityTooLarge');
  });

  it('bad XML to S3 is MalformedXML, a changed body is XAmzContentSHA256Mismatch', async () => {
    const r = await s3('PUT', '/bad-input', { versioning: '' }, '<VersioningConfiguration><Status>Enabled</Status>');
    expect(r.status).toBe(400);
    expect(r.text).toContain('<Code>MalformedXML</Code>');
    const del = await signedFetch({
      endpoint: env.sb.endpoint,
      service: 's3',
      method: 'POST',
      path: '/bad-input',
      query: { delete: '' },
      credentials: env.credentials('dev'),
      body: 'not xml at all',
      headers: { 'content-md5': createHash('md5').update('not xml at all').digest('base64') },
    });
    expect(del.text).toContain('<Code>MalformedXML</Code>');
    const tampered = await signedFetch({
      endpoint: env.sb.endpoint,
      service: 's3',
      method: 'PUT',
      path: '/bad-input/k',
      credentials: env.credentials('dev'),
      body: 'signed',
      sendBody: 'swapped',
    });
    expect(tampered.text).toContain('XAmzContentSHA256Mismatch');
  });

  it('the control API needs the admin token and valid bodies', async () => {
    expect((await fetch(`${env.sb.endpoint}/_sandbox/state`)).status).toBe(401);
    expect((await fetch(`${env.sb.endpoint}/_sandbox/state`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const r = await fetch(`${env.sb.endpoint}/_sandbox/reset`, { method: 'POST', headers: { authorization: `Bearer ${env.sb.adminToken}` }, body: '{oops' });
    expect(r.status).toBe(400);
  });

  it('keeps serving after all of that', async () => {
    expect((await env.codepipeline().send(new ListPipelinesCommand({}))).pipelines).toEqual([]);
  });
});
