// The real S3 client against the app's embedded sandbox, as an account, and a
// way to plant many artifacts under one prefix (so a cleanup takes several batches).
import { ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import type { AppServer } from './app-server';

export function sandboxS3(app: AppServer, account = DEFAULT_ACCOUNTS[0]): S3Client {
  return new S3Client({
    endpoint: app.sandboxEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

/** Puts `count` one-byte artifacts under `<prefix>/BuildArtif/`, a hundred at a time. */
export async function plantArtifacts(s3: S3Client, bucket: string, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 100)
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, k) =>
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/BuildArtif/${String(i + k).padStart(7, '0')}`, Body: 'x' })),
      ),
    );
}

/** Every version and delete marker under a prefix, as "key@versionId" (sorted), read page by page: a listing answers at most 1,000 at a time. */
export async function allVersions(s3: S3Client, bucket: string, prefix: string): Promise<{ versions: string[]; deleteMarkers: string[] }> {
  const versions: string[] = [];
  const deleteMarkers: string[] = [];
  // S3 has no paginator for this call, and the app's own (src/main/aws/s3-versions.ts) is what is under test.
  let marker: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, ...marker }));
    for (const v of page.Versions ?? []) versions.push(`${v.Key}@${v.VersionId}`);
    for (const m of page.DeleteMarkers ?? []) deleteMarkers.push(`${m.Key}@${m.VersionId}`);
    if (!page.IsTruncated) break;
    marker = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
  }
  return { versions: versions.sort(), deleteMarkers: deleteMarkers.sort() };
}
