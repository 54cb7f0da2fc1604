// Removing a whole artifact bucket that no pipeline uses, once a cleanup has
// emptied it (re-checked live first by the DeletionGuard: the audit may be old), and
// lifecycle rules that let S3 expire a prefix too big to delete from here.
import { DeleteBucketCommand, GetBucketLifecycleConfigurationCommand, PutBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { mergeLifecycleRules, prefixExpiryRules, retentionAgeRules, type LifecycleRule } from '../../shared/artifacts/lifecycle';
import type { AwsClients } from './clients';
import type { ProfileInfo } from './profiles';
import { classifyAwsError } from './errors';

export interface BucketRef {
  profile: ProfileInfo;
  region: string;
  bucket: string;
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
