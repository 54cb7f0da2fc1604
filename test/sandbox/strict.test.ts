// The sandbox as strict as AWS where it matters for safety: the host and the
// JSON target must be signed (a captured signature cannot be replayed as another
// operation), only loopback Host names are answered (its keys are public), a
// multi-object delete needs Content-MD5 or a checksum and a mismatch is refused,
// and hostile XML is MalformedXML, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { crc32 } from 'node:zlib';
import { DeleteObjectsCommand, ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { startSandbox } from '../helpers/sandbox';
import { signedFetch } from '../helpers/signed-fetch';
import { crc32c } from '../../src/sandbox/services/s3/crc32c';
import { simplePipeline } from '../helpers/pipelines';

let env: Awaited<ReturnType<typeof startSandbox>>;
const logged: string[] = [];
const BUCKET = 'strict-bucket';
beforeAll(async () => {
  env = await startSandbox({ config: { startOnCreate: false }, log: (l) => logged.push(l) });
  env.sb.s3.createBucket(BUCKET, '111111111111', 'us-east-1');
});
afterAll(() => env.sb.stop());

const cpHeaders = (target: string) => ({ 'x-amz-target': `CodePipeline_20150709.${target}`, 'content-type': 'application/x-amz-json-1.1' });
const deleteBody = (keys: string[]) => `<Delete><Quiet>true</Quiet>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
const del = (body: string, headers: Record<string, string>) =>
  signedFetch({
    endpoint: env.sb.endpoint,
    service: 's3',
    method: 'POST',
    path: `/${BUCKET}`,
    query: { delete: '' },
    credentials: env.credentials('dev'),
    body,
    headers,
  });
const md5 = (body: string) => createHash('md5').update(body).digest('base64');
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
};
async function put(key: string) {
  await env.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
}
const exists = async (key: string) => ((await env.s3().send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }))).Versions ?? []).length > 0;

describe('signatures', () => {
  it('refuses a request whose host is not signed, and a JSON call whose target is not signed', async () => {
    const noHost = await signedFetch({
      endpoint: env.sb.endpoint,
      service: 'codepipeline',
      credentials: env.credentials('dev'),
      headers: cpHeaders('ListPipelines'),
      body: '{}',
      unsigned: ['host'],
    });
    expect(noHost.status).toBe(403);
    expect(noHost.text).toMatch(/host header must be signed/);
    const noTarget = await signedFetch({
      endpoint: env.sb.endpoint,
      service: 'codepipeline',
      credentials: env.credentials('dev'),
      headers: cpHeaders('ListPipelines'),
      body: '{}',
      unsigned: ['x-amz-target'],
    });
    expect(noTarget.status).toBe(403);
    expect(noTarget.text).toMatch(/x-amz-target header must be signed/);
  });

  it('a signature captured for GetPipeline cannot be replayed as GetPipelineState', async () => {
    env.sb.invoke('codepipeline', '111111111111', 'us-east-1', { target: 'CreatePipeline', body: { pipeline: simplePipeline('replayed', BUCKET) } });
    const body = JSON.stringify({ name: 'replayed' });
    const honest = await signedFetch({
      endpoint: env.sb.endpoint,
      service: 'codepipeline',
      credentials: env.credentials('dev'),
      headers: cpHeaders('GetPipeline'),
      body,
    });
    expect(honest.status).toBe(200);
    const replayed = await signedFetch({
      endpoint: env.sb.endpoint,
      service: 'codepipeline',
      credentials: env.credentials('dev'),
      headers: cpHeaders('GetPipeline'),
      body,
      sendHeaders: { 'x-amz-target': 'CodePipeline_20150709.GetPipelineState' },
    });
    expect(replayed.status).toBe(403);
    expect(JSON.parse(replayed.text).__type).toBe('InvalidSignatureException');
  });

  it('answers only loopback Host names (no DNS rebinding), and the SDK and the control API still work', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: env.sb.port, path: '/_sandbox/health', headers: { host, authorization: `Bearer ${env.sb.adminToken}` } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await status(`attacker.example:${env.sb.port}`)).toBe(421);
    expect(await status(`127.0.0.1.nip.io:${env.sb.port}`)).toBe(421);
    expect(await status(`127.0.0.1:${env.sb.port}`)).toBe(200);
    expect(await status(`localhost:${env.sb.port}`)).toBe(200);
    expect((await env.codepipeline().send(new GetPipelineCommand({ name: 'replayed' }))).pipeline?.name).toBe('replayed');
  });
});

describe('DeleteObjects integrity', () => {
  it('works from the real SDK (which sends a CRC32 checksum)', async () => {
    await put('sdk/a');
    const r = await env.s3().send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'sdk/a' }] } }));
    expect(r.Errors ?? []).toEqual([]);
    expect(await exists('sdk/a')).toBe(false);
  });

  it('needs Content-MD5 or a checksum, and refuses a mismatch without deleting anything', async () => {
    await put('raw/a');
    const body = deleteBody(['raw/a']);
    const none = await del(body, {});
    expect(none.status).toBe(400);
    expect(none.text).toContain('<Code>InvalidRequest</Code>');
    expect(none.text).toContain('Content-MD5');
    const algorithmOnly = await del(body, { 'x-amz-sdk-checksum-algorithm': 'CRC32' });
    expect(algorithmOnly.text).toContain('no x-amz-checksum-crc32 header');
    const wrongMd5 = await del(body, { 'content-md5': md5('something else') });
    expect(wrongMd5.status).toBe(400);
    expect(wrongMd5.text).toContain('<Code>BadDigest</Code>');
    const wrongCrc = await del(body, { 'x-amz-checksum-crc32': u32(crc32(Buffer.from('other'))) });
    expect(wrongCrc.text).toContain('<Code>BadDigest</Code>');
    expect(await exists('raw/a')).toBe(true);
    // Each accepted form: MD5 (what the AWS CLI sends), CRC32, CRC32C, SHA-256.
    for (const [i, headers] of [
      (b: string) => ({ 'content-md5': md5(b) }),
      (b: string) => ({ 'x-amz-checksum-crc32': u32(crc32(Buffer.from(b))) }),
      (b: string) => ({ 'x-amz-checksum-crc32c': u32(crc32c(Buffer.from(b))) }),
      (b: string) => ({ 'x-amz-checksum-sha256': createHash('sha256').update(b).digest('base64') }),
    ].entries()) {
      await put(`ok/${i}`);
      const b = deleteBody([`ok/${i}`]);
      expect((await del(b, headers(b))).status).toBe(200);
      expect(await exists(`ok/${i}`)).toBe(false);
    }
  });
});

describe('hostile XML', () => {
  const putVersioning = (body: string) =>
    signedFetch({
      endpoint: env.sb.endpoint,
      service: 's3',
      method: 'PUT',
      path: `/${BUCKET}`,
      query: { versioning: '' },
      credentials: env.credentials('dev'),
      body,
    });

  it('a DOCTYPE, XML nested 50,000 deep, or a <__proto__> element is 400 MalformedXML, and the sandbox keeps serving', async () => {
    const bodies = [
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><VersioningConfiguration><Status>&b;</Status></VersioningConfiguration>',
      `${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}`,
      '<VersioningConfiguration><__proto__><Status>Enabled</Status></__proto__></VersioningConfiguration>',
      '<VersioningConfiguration><constructor><prototype>x</prototype></constructor></VersioningConfiguration>',
    ];
    for (const body of bodies) {
      const r = await putVersioning(body);
      expect(r.status, body.slice(0, 60)).toBe(400);
      expect(r.text).toContain('<Code>MalformedXML</Code>');
      const d = await del(body, { 'content-md5': md5(body) });
      expect(d.status).toBe(400);
      expect(d.text).toContain('<Code>MalformedXML</Code>');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(env.sb.logEntries().filter((e) => e.status >= 500)).toEqual([]);
    expect(logged.filter((l) => /failed/.test(l))).toEqual([]);
    expect((await putVersioning('<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>')).status).toBe(200);
  });
});
