// S3 fidelity with the real SDK client: buckets per account and region,
// versioning semantics, listing with pagination, DeleteObjects limits, and the
// bucket sub-resources Pipewright reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  NoSuchKey,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3ServiceException,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startSandbox } from '../helpers/sandbox';
import { paginateObjectVersions } from '../../src/main/aws/s3-versions';

let env: Awaited<ReturnType<typeof startSandbox>>;
let s3: S3Client;
beforeAll(async () => {
  env = await startSandbox();
  s3 = env.s3('dev', 'eu-west-1');
});
afterAll(() => env.sb.stop());

const code = (e: unknown) => (e as S3ServiceException).name;

describe('buckets', () => {
  it('belong to an account and a region; names are global', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'global-name', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: 'global-name' }))).LocationConstraint).toBe('eu-west-1');
    const head = await s3.send(new HeadBucketCommand({ Bucket: 'global-name' }));
    expect(head.BucketRegion).toBe('eu-west-1');
    await expect(s3.send(new CreateBucketCommand({ Bucket: 'global-name' }))).rejects.toBeInstanceOf(BucketAlreadyOwnedByYou);
    const prod = env.s3('prod', 'us-east-1');
    await expect(prod.send(new CreateBucketCommand({ Bucket: 'global-name' }))).rejects.toBeInstanceOf(BucketAlreadyExists);
    expect(code(await prod.send(new GetBucketVersioningCommand({ Bucket: 'global-name' })).catch((e) => e))).toBe('AccessDenied');
    const mine = await s3.send(new ListBucketsCommand({}));
    expect(mine.Buckets?.map((b) => b.Name)).toContain('global-name');
    expect((await prod.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name) ?? []).not.toContain('global-name');
    await s3.send(new CreateBucketCommand({ Bucket: 'us-bucket', CreateBucketConfiguration: undefined }));
  });

  it('refuses to delete a bucket that is not empty', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'not-empty', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await s3.send(new PutObjectCommand({ Bucket: 'not-empty', Key: 'a', Body: 'x' }));
    expect(code(await s3.send(new DeleteBucketCommand({ Bucket: 'not-empty' })).catch((e) => e))).toBe('BucketNotEmpty');
    await s3.send(new DeleteObjectCommand({ Bucket: 'not-empty', Key: 'a' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'not-empty' }));
    expect(code(await s3.send(new HeadBucketCommand({ Bucket: 'not-empty' })).catch((e) => e))).toBe('NotFound');
  });

  it('stores and returns lifecycle, tagging and encryption', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'subresources', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect(code(await s3.send(new GetBucketTaggingCommand({ Bucket: 'subresources' })).catch((e) => e))).toBe('NoSuchTagSet');
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'subresources', Tagging: { TagSet: [{ Key: 'pipewright:protect', Value: 'true' }] } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: 'subresources' }))).TagSet).toEqual([{ Key: 'pipewright:protect', Value: 'true' }]);
    const rule = {
      ID: 'expire-old-artifacts',
      Status: 'Enabled' as const,
      Filter: { Prefix: 'old-pipeline/' },
      Expiration: { Days: 30 },
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    };
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: 'subresources', LifecycleConfiguration: { Rules: [rule] } }));
    const lc = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'subresources' }));
    expect(lc.Rules?.[0]).toMatchObject(rule);
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'subresources' }));
    expect(enc.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
  });
});

describe('versioning semantics', () => {
  it('keeps old versions, adds delete markers, and removes exactly a given version', async () => {
    const Bucket = 'versioned';
    await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
    const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'two' }));
    expect(v1.VersionId).not.toBe(v2.VersionId);
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).Body?.transformToString()).toBe('two');
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'k', VersionId: v1.VersionId }))).Body?.transformToString()).toBe('one');

    const del = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    expect(del.DeleteMarker).toBe(true);
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).rejects.toBeInstanceOf(NoSuchKey);
    const listed = [];
    for await (const page of paginateObjectVersions(s3, { Bucket })) listed.push(page);
    expect(listed[0].Versions?.map((v) => v.VersionId)).toEqual([v2.VersionId, v1.VersionId]);
    expect(listed[0].DeleteMarkers).toEqual([expect.objectContaining({ Key: 'k', IsLatest: true, VersionId: del.VersionId })]);

    // Removing the delete marker brings the object back; removing a version drops exactly it.
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: del.VersionId }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).Body?.transformToString()).toBe('two');
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: v2.VersionId }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).Body?.transformToString()).toBe('one');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'k' }));
    expect(head.VersionId).toBe(v1.VersionId);
  });

  it('unversioned buckets delete for real', async () => {
    const Bucket = 'plain';
    await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'y' }));
    const d = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    expect(d.DeleteMarker).toBeUndefined();
    const pages = [];
    for await (const p of paginateObjectVersions(s3, { Bucket })) pages.push(p);
    expect(pages[0].Versions ?? []).toEqual([]);
  });
});

describe('listing', () => {
  it('pages ListObjectsV2 with prefix and delimiter, and ListObjectVersions by key and version markers', async () => {
    const Bucket = 'listing';
    await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const keys = ['a/1', 'a/2', 'a/3', 'b/1', 'b/sub/2', 'c', 'd e+f/ü'];
    for (const Key of keys) {
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key + '!' }));
    }
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'c' }));

    const all: string[] = [];
    for await (const p of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket })) all.push(...(p.Contents ?? []).map((o) => o.Key!));
    expect(all).toEqual(keys.filter((k) => k !== 'c'));

    const top = await (async () => {
      const out: { prefixes: string[]; keys: string[] } = { prefixes: [], keys: [] };
      for await (const p of paginateListObjectsV2({ client: s3, pageSize: 1 }, { Bucket, Delimiter: '/' })) {
        out.prefixes.push(...(p.CommonPrefixes ?? []).map((c) => c.Prefix!));
        out.keys.push(...(p.Contents ?? []).map((c) => c.Key!));
      }
      return out;
    })();
    expect(top).toEqual({ prefixes: ['a/', 'b/', 'd e+f/'], keys: [] });

    const underB: string[] = [];
    for await (const p of paginateListObjectsV2({ client: s3 }, { Bucket, Prefix: 'b/', Delimiter: '/' }))
      underB.push(...(p.Contents ?? []).map((c) => c.Key!), ...(p.CommonPrefixes ?? []).map((c) => c.Prefix!));
    expect(underB).toEqual(['b/1', 'b/sub/']);

    let versions = 0;
    let markers = 0;
    let pages = 0;
    for await (const p of paginateObjectVersions(s3, { Bucket, MaxKeys: 3 })) {
      pages++;
      versions += p.Versions?.length ?? 0;
      markers += p.DeleteMarkers?.length ?? 0;
    }
    expect(versions).toBe(keys.length * 2);
    expect(markers).toBe(1);
    expect(pages).toBe(Math.ceil((versions + markers) / 3));
  });
});

describe('DeleteObjects', () => {
  it('deletes versions and delete markers by id, honours Quiet, and refuses 1,001 keys', async () => {
    const Bucket = 'bulk';
    await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    for (let i = 0; i < 5; i++) {
      await s3.send(new PutObjectCommand({ Bucket, Key: `p/${i}`, Body: 'a' }));
      await s3.send(new PutObjectCommand({ Bucket, Key: `p/${i}`, Body: 'b' }));
    }
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'p/0' }));
    const objects: Array<{ Key: string; VersionId: string }> = [];
    for await (const p of paginateObjectVersions(s3, { Bucket })) {
      for (const v of [...(p.Versions ?? []), ...(p.DeleteMarkers ?? [])]) objects.push({ Key: v.Key!, VersionId: v.VersionId! });
    }
    expect(objects).toHaveLength(11);
    const loud = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects.slice(0, 4) } }));
    expect(loud.Deleted).toHaveLength(4);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects.slice(4), Quiet: true } }));
    expect(quiet.Deleted ?? []).toEqual([]);
    expect(quiet.Errors ?? []).toEqual([]);
    const left = [];
    for await (const p of paginateObjectVersions(s3, { Bucket })) left.push(...(p.Versions ?? []), ...(p.DeleteMarkers ?? []));
    expect(left).toEqual([]);

    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` }));
    expect(code(await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: tooMany } })).catch((e) => e))).toBe('MalformedXML');
  });
});
