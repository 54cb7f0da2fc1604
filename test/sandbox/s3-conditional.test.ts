// S3's conditional requests, as the real SDK client sends them: conditional writes
// (PutObject and CompleteMultipartUpload with If-None-Match: * or If-Match: <ETag>),
// 412 PreconditionFailed and 409 ConditionalRequestConflict as S3 answers them,
// conditional reads (GetObject, HeadObject), MD5 ETags, and the faults that fail a
// conditional write on purpose so a client's retry path can be tested.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { startSandbox } from '../helpers/sandbox';
import { signedFetch } from '../helpers/signed-fetch';

let env: Awaited<ReturnType<typeof startSandbox>>;
let s3: S3Client;
beforeAll(async () => {
  env = await startSandbox();
  s3 = env.s3();
});
afterAll(() => env.sb.stop());
beforeEach(async () => {
  await env.control('POST', 'reset', { seed: 'empty' });
  await s3.send(new CreateBucketCommand({ Bucket: 'state' }));
});

type S3Error = S3ServiceException & { Condition?: string };
const failure = async (p: Promise<unknown>): Promise<S3Error> => {
  try {
    await p;
  } catch (err) {
    return err as S3Error;
  }
  throw new Error('expected the call to fail');
};
const put = (Key: string, Body: string, extra: { IfMatch?: string; IfNoneMatch?: string; Bucket?: string } = {}) =>
  s3.send(new PutObjectCommand({ Bucket: 'state', Key, Body, ...extra }));
const read = async (Key: string, Bucket = 'state') => (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();
const md5 = (b: string | Buffer) => createHash('md5').update(b).digest();
const PRECONDITION_MESSAGE = 'At least one of the pre-conditions you specified did not hold';
const MiB = 1024 * 1024;

describe('conditional writes: PutObject', () => {
  it('If-None-Match: * creates the key only if it is absent; otherwise 412 PreconditionFailed, and the object is untouched', async () => {
    const first = await put('release.yaml', 'one', { IfNoneMatch: '*' });
    expect(first.ETag).toBe(`"${md5('one').toString('hex')}"`);
    const err = await failure(put('release.yaml', 'two', { IfNoneMatch: '*' }));
    expect(err.$metadata.httpStatusCode).toBe(412);
    expect(err.name).toBe('PreconditionFailed');
    expect(err.message).toBe(PRECONDITION_MESSAGE);
    expect(err.Condition).toBe('If-None-Match');
    expect(await read('release.yaml')).toBe('one');
  });

  it("answers with S3's XML error document: Code, Message, Condition, RequestId", async () => {
    await put('k', 'x');
    const res = await signedFetch({
      endpoint: env.sb.endpoint,
      service: 's3',
      method: 'PUT',
      path: '/state/k',
      headers: { 'if-none-match': '*' },
      body: 'y',
      credentials: env.credentials('dev'),
    });
    expect(res.status).toBe(412);
    expect(res.headers.get('content-type')).toBe('application/xml');
    expect(res.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>PreconditionFailed<\/Code><Message>At least one of the pre-conditions you specified did not hold<\/Message><Condition>If-None-Match<\/Condition><RequestId>[\w-]+<\/RequestId><\/Error>$/,
    );
  });

  it('If-Match replaces only the version read: the ETag read succeeds once, a stale one gets 412, a missing key 404 NoSuchKey', async () => {
    const v1 = await put('promotion.json', '{"status":"started"}');
    const v2 = await put('promotion.json', '{"status":"done"}', { IfMatch: v1.ETag });
    expect(v2.ETag).not.toBe(v1.ETag);
    const stale = await failure(put('promotion.json', '{"status":"stopped"}', { IfMatch: v1.ETag }));
    expect(stale.$metadata.httpStatusCode).toBe(412);
    expect(stale.Condition).toBe('If-Match');
    expect(await read('promotion.json')).toBe('{"status":"done"}');
    // Quotes are optional around the ETag, as S3 compares the values.
    await put('promotion.json', '{"status":"again"}', { IfMatch: v2.ETag!.replace(/"/g, '') });
    const missing = await failure(put('nothing-here', 'x', { IfMatch: v1.ETag }));
    expect(missing.$metadata.httpStatusCode).toBe(404);
    expect(missing.name).toBe('NoSuchKey');
  });

  it("ETags are the content's MD5: a write of different content always changes it; identical content keeps it, as in S3", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add((await put('log', `entry ${i}`)).ETag!);
    expect(seen.size).toBe(20);
    const a = await put('same', 'identical');
    const b = await put('same', 'identical');
    expect(b.ETag).toBe(a.ETag);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 'same' }))).ETag).toBe(a.ETag);
  });

  it('versioned bucket: If-Match is checked against the current version; a delete marker counts as absent', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'state', VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await put('release.yaml', 'v1', { IfNoneMatch: '*' });
    const v2 = await put('release.yaml', 'v2', { IfMatch: v1.ETag });
    expect(v2.VersionId).not.toBe(v1.VersionId);
    // v1 is still stored, but it is not the current version.
    expect((await failure(put('release.yaml', 'v3', { IfMatch: v1.ETag }))).$metadata.httpStatusCode).toBe(412);
    await s3.send(new DeleteObjectCommand({ Bucket: 'state', Key: 'release.yaml' }));
    expect((await failure(put('release.yaml', 'v3', { IfMatch: v2.ETag }))).name).toBe('NoSuchKey');
    const recreated = await put('release.yaml', 'v3', { IfNoneMatch: '*' });
    expect(recreated.VersionId).toBeTruthy();
    expect(await read('release.yaml')).toBe('v3');
  });

  it('If-None-Match takes only "*", and not together with If-Match: 501 NotImplemented', async () => {
    const v = await put('k', 'x');
    const etag = await failure(put('k', 'y', { IfNoneMatch: v.ETag }));
    expect(etag.$metadata.httpStatusCode).toBe(501);
    expect(etag.name).toBe('NotImplemented');
    const both = await failure(put('k', 'y', { IfNoneMatch: '*', IfMatch: v.ETag }));
    expect(both.$metadata.httpStatusCode).toBe(501);
    expect(await read('k')).toBe('x');
  });

  it('two concurrent creates of the same key: exactly one wins, the other gets 412, every time', async () => {
    // Injected latency holds both requests in flight together before either is answered.
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', latencyMs: 20, jitterMs: 20 }]);
    for (let round = 0; round < 25; round++) {
      const key = `log/${String(round).padStart(4, '0')}`;
      const results = await Promise.allSettled([put(key, `writer A ${round}`, { IfNoneMatch: '*' }), put(key, `writer B ${round}`, { IfNoneMatch: '*' })]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0].reason as S3Error).$metadata.httpStatusCode).toBe(412);
      const winner = results[0].status === 'fulfilled' ? 'A' : 'B';
      expect(await read(key)).toBe(`writer ${winner} ${round}`);
    }
  });

  it('a delete that succeeds while a conditional write is in flight: the write answers 409 ConditionalRequestConflict, and a retry succeeds', async () => {
    await put('lease/prod', 'old holder');
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', latencyMs: 300, remaining: 1 }]);
    const pending = failure(put('lease/prod', 'new holder', { IfNoneMatch: '*' }));
    await new Promise((r) => setTimeout(r, 50));
    await s3.send(new DeleteObjectCommand({ Bucket: 'state', Key: 'lease/prod' }));
    const err = await pending;
    expect(err.$metadata.httpStatusCode).toBe(409);
    expect(err.name).toBe('ConditionalRequestConflict');
    await put('lease/prod', 'new holder', { IfNoneMatch: '*' });
    expect(await read('lease/prod')).toBe('new holder');
    // An unconditional write in flight during a delete is not a conflict.
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', latencyMs: 300, remaining: 1 }]);
    const plain = put('lease/prod', 'plain');
    await new Promise((r) => setTimeout(r, 50));
    await s3.send(new DeleteObjectCommand({ Bucket: 'state', Key: 'lease/prod' }));
    await plain;
    expect(await read('lease/prod')).toBe('plain');
  });
});

describe('conditional writes: CompleteMultipartUpload', () => {
  const upload = async (Key: string, parts: Buffer[]) => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'state', Key, ContentType: 'text/plain' }));
    const done = [];
    for (const [i, Body] of parts.entries())
      done.push({ PartNumber: i + 1, ETag: (await s3.send(new UploadPartCommand({ Bucket: 'state', Key, UploadId, PartNumber: i + 1, Body }))).ETag });
    return { UploadId: UploadId!, parts: done };
  };
  const complete = (Key: string, u: { UploadId: string; parts: Array<{ PartNumber: number; ETag?: string }> }, extra = {}) =>
    s3.send(new CompleteMultipartUploadCommand({ Bucket: 'state', Key, UploadId: u.UploadId, MultipartUpload: { Parts: u.parts }, ...extra }));
  const parts = [Buffer.alloc(5 * MiB, 'a'), Buffer.from('tail')];

  it('If-None-Match: * on an absent key completes; the ETag is the MD5 of the parts\' MD5s, "-2"', async () => {
    const u = await upload('big', parts);
    const done = await complete('big', u, { IfNoneMatch: '*' });
    expect(done.ETag).toBe(`"${md5(Buffer.concat(parts.map((p) => md5(p)))).toString('hex')}-2"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'state', Key: 'big' }));
    expect(got.ContentLength).toBe(5 * MiB + 4);
    expect(got.ContentType).toBe('text/plain');
    expect(got.ETag).toBe(done.ETag);
  });

  it('an upload in progress is not an object: a conditional PutObject beats it, and its If-None-Match completion gets 412', async () => {
    const u = await upload('race', parts);
    await put('race', 'small and first', { IfNoneMatch: '*' });
    const err = await failure(complete('race', u, { IfNoneMatch: '*' }));
    expect(err.$metadata.httpStatusCode).toBe(412);
    expect(err.Condition).toBe('If-None-Match');
    expect(await read('race')).toBe('small and first');
  });

  it('If-Match: completes over the version read, 412 over another, 404 when the key is gone', async () => {
    const v1 = await put('doc', 'v1');
    const ok = await complete('doc', await upload('doc', parts), { IfMatch: v1.ETag });
    expect(ok.ETag).toMatch(/-2"$/);
    expect((await failure(complete('doc', await upload('doc', parts), { IfMatch: v1.ETag }))).$metadata.httpStatusCode).toBe(412);
    const later = await upload('doc', parts);
    await s3.send(new DeleteObjectCommand({ Bucket: 'state', Key: 'doc' }));
    // The delete happened during this upload: S3 answers 409, and the upload must start again.
    expect((await failure(complete('doc', later, { IfMatch: ok.ETag }))).name).toBe('ConditionalRequestConflict');
    expect((await failure(complete('doc', await upload('doc', parts), { IfMatch: ok.ETag }))).name).toBe('NoSuchKey');
  });

  it("checks the parts as S3 does: order, ETags, the 5 MiB minimum, and an aborted upload's id", async () => {
    const u = await upload('checked', [Buffer.from('small'), Buffer.from('tail')]);
    expect((await failure(complete('checked', u))).name).toBe('EntityTooSmall');
    const v = await upload('checked', parts);
    expect((await failure(complete('checked', { ...v, parts: [...v.parts].reverse() }))).name).toBe('InvalidPartOrder');
    expect((await failure(complete('checked', { ...v, parts: [{ ...v.parts[0], ETag: '"0"' }, v.parts[1]] }))).name).toBe('InvalidPart');
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'state', Key: 'checked', UploadId: v.UploadId }));
    expect((await failure(complete('checked', v))).name).toBe('NoSuchUpload');
  });
});

describe('conditional reads: GetObject and HeadObject', () => {
  it('If-Match: 412 unless the ETag matches; If-None-Match: 304 Not Modified when it does', async () => {
    const v = await put('r', 'content');
    const stale = '"0123456789abcdef0123456789abcdef"';
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'state', Key: 'r', IfMatch: v.ETag }))).Body!.transformToString()).toBe('content');
    for (const send of [
      () => s3.send(new GetObjectCommand({ Bucket: 'state', Key: 'r', IfMatch: stale })),
      () => s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 'r', IfMatch: stale })),
    ])
      expect((await failure(send())).$metadata.httpStatusCode).toBe(412);
    for (const send of [
      () => s3.send(new GetObjectCommand({ Bucket: 'state', Key: 'r', IfNoneMatch: v.ETag })),
      () => s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 'r', IfNoneMatch: v.ETag })),
    ])
      expect((await failure(send())).$metadata.httpStatusCode).toBe(304);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 'r', IfNoneMatch: stale }))).ETag).toBe(v.ETag);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'state', Key: 'absent', IfMatch: v.ETag })))).name).toBe('NoSuchKey');
  });

  it('If-Modified-Since and If-Unmodified-Since, at one-second resolution, and in the order S3 documents', async () => {
    await put('t', 'x');
    const lastModified = (await s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 't' }))).LastModified!;
    const before = new Date(lastModified.getTime() - 60_000);
    const after = new Date(lastModified.getTime() + 60_000);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'state', Key: 't', IfModifiedSince: after })))).$metadata.httpStatusCode).toBe(304);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'state', Key: 't', IfModifiedSince: lastModified })))).$metadata.httpStatusCode).toBe(304);
    await s3.send(new GetObjectCommand({ Bucket: 'state', Key: 't', IfModifiedSince: before }));
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 't', IfUnmodifiedSince: before })))).$metadata.httpStatusCode).toBe(412);
    await s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 't', IfUnmodifiedSince: after }));
    // If-Match true wins over If-Unmodified-Since false; If-None-Match false (a match) answers 304 whatever If-Modified-Since says.
    const etag = (await s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 't' }))).ETag;
    await s3.send(new GetObjectCommand({ Bucket: 'state', Key: 't', IfMatch: etag, IfUnmodifiedSince: before }));
    expect(
      (await failure(s3.send(new GetObjectCommand({ Bucket: 'state', Key: 't', IfNoneMatch: etag, IfModifiedSince: before })))).$metadata.httpStatusCode,
    ).toBe(304);
  });
});

describe('faults on conditional writes', () => {
  it('preconditionFailedRate and conditionalConflictRate fail conditional writes whose condition held; unconditional writes are never touched', async () => {
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', preconditionFailedRate: 1, remaining: 2 }]);
    await put('plain', 'x');
    const injected = await failure(put('fresh', 'x', { IfNoneMatch: '*' }));
    expect(injected.$metadata.httpStatusCode).toBe(412);
    expect(injected.Condition).toBe('If-None-Match');
    await expect(read('fresh')).rejects.toMatchObject({ name: 'NoSuchKey' });
    await put('fresh', 'x', { IfNoneMatch: '*' });

    await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', conditionalConflictRate: 1, remaining: 1 }]);
    const v = await s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 'fresh' }));
    expect((await failure(put('fresh', 'y', { IfMatch: v.ETag }))).name).toBe('ConditionalRequestConflict');
    expect(await read('fresh')).toBe('x');
    await put('fresh', 'y', { IfMatch: v.ETag });
    expect(await read('fresh')).toBe('y');
  });

  it('are seeded: the same conditional writes fail the same way, run after run', async () => {
    const run = async () => {
      await env.control('POST', 'reset', { seed: 'empty' });
      await s3.send(new CreateBucketCommand({ Bucket: 'state' }));
      await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', preconditionFailedRate: 0.3, conditionalConflictRate: 0.2 }]);
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i++) {
        const r = await put(`log/${i}`, `entry ${i}`, { IfNoneMatch: '*' }).then(
          () => 'ok',
          (e: S3Error) => e.name,
        );
        outcomes.push(r);
      }
      return outcomes;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((o) => o === 'PreconditionFailed').length).toBeGreaterThan(4);
    expect(first.filter((o) => o === 'ConditionalRequestConflict').length).toBeGreaterThan(2);
    expect(first.filter((o) => o === 'ok').length).toBeGreaterThan(10);
  });

  it('CompleteMultipartUpload takes the same rates; other services and operations refuse them', async () => {
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'CompleteMultipartUpload', conditionalConflictRate: 1, remaining: 1 }]);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'state', Key: 'm' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: 'state', Key: 'm', UploadId, PartNumber: 1, Body: 'only part' }));
    const complete = () =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'state',
          Key: 'm',
          UploadId,
          IfNoneMatch: '*',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      );
    expect((await failure(complete())).name).toBe('ConditionalRequestConflict');
    await complete();
    expect(await read('m')).toBe('only part');
    for (const rule of [
      { service: 'codepipeline', preconditionFailedRate: 0.5 },
      { service: 's3', operation: 'GetObject', conditionalConflictRate: 0.5 },
    ]) {
      const res = await env.control('POST', 'faults', rule);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(/conditional writes/);
    }
  });
});
