// Removing a whole artifact bucket that no pipeline uses, once a cleanup has
// emptied it (re-checked live first by the DeletionGuard: the audit may be old), and
// lifecycle rules that let S3 expire a prefix too big to delete from here.
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  type DeleteObjectsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { slowDownSignal } from './prefix-pacer';
import { mergeLifecycleRules, prefixExpiryRules, retentionAgeRules, type LifecycleRule } from '../../shared/artifacts/lifecycle';
import type { AwsClients } from '../aws/clients';
import type { ProfileInfo } from '../aws/profiles';
import { classifyAwsError } from '../aws/errors';

export interface BucketRef {
  profile: ProfileInfo;
  region: string;
  bucket: string;
}

/**
 * One DeleteObjects request for these versions. A 503 SlowDown is thrown as the
 * pacer's SlowDownError at once (instead of the SDK's retry at its own pace). Not
 * quiet: the answer lists each version S3 deleted, and only those count as deleted.
 */
export async function deleteVersions(
  s3: S3Client,
  bucket: string,
  versions: Array<{ Key: string; VersionId: string }>,
  signal: AbortSignal,
): Promise<DeleteObjectsCommandOutput> {
  const command = new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: versions.map(({ Key, VersionId }) => ({ Key, VersionId })), Quiet: false } });
  const slowDown = slowDownSignal();
  command.middlewareStack.add(slowDown.middleware as never, { step: 'deserialize', priority: 'low', name: slowDown.name });
  return s3.send(command, { abortSignal: signal });
}

/** Whether the bucket still holds any object version or delete marker. */
export async function bucketHoldsAnything(s3: S3Client, bucket: string): Promise<boolean> {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1 }));
  return (listed.Versions?.length ?? 0) + (listed.DeleteMarkers?.length ?? 0) > 0;
}

export async function deleteEmptyBucket(clients: AwsClients, ref: BucketRef): Promise<void> {
  await clients.s3(ref.profile, ref.region).send(new DeleteBucketCommand({ Bucket: ref.bucket }));
}

/**
 * The bucket's lifecycle rules before and after adding expiry rules for one
 * prefix; written only when `apply`. S3 then deletes server-side, over a day or two.
 */
export async function expirePrefixByLifecycle(
  clients: AwsClients,
  ref: BucketRef,
  prefix: string,
  apply: boolean,
  retainDays?: number,
): Promise<{ before: LifecycleRule[]; after: LifecycleRule[]; added: LifecycleRule[] }> {
  const s3 = clients.s3(ref.profile, ref.region);
  let before: LifecycleRule[] = [];
  try {
    before = ((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: ref.bucket }))).Rules ?? []) as LifecycleRule[];
  } catch (err) {
    if (classifyAwsError(err).code !== 'NoSuchLifecycleConfiguration') throw err;
  }
  const added = retainDays === undefined ? prefixExpiryRules(prefix) : retentionAgeRules(prefix, retainDays);
  const after = mergeLifecycleRules(before, added);
  if (apply) await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: ref.bucket, LifecycleConfiguration: { Rules: after } }));
  return { before, after, added };
}
