// Removing a whole artifact bucket that no pipeline uses, once a cleanup has
// emptied it. Everything is re-checked live first: the audit may be old.
import { DeleteBucketCommand, GetBucketTaggingCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { GetPipelineCommand, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { artifactStoresByRegion, type PipelineDeclaration } from '../../shared/pipeline/model';
import type { AwsClients } from './clients';
import type { ProfileInfo } from './profiles';
import { classifyAwsError } from './errors';

export interface BucketRef {
  profile: ProfileInfo;
  region: string;
  bucket: string;
}

/** A reason not to delete the bucket now, else null. */
export async function bucketRemovalBlocker(clients: AwsClients, targets: Array<{ profile: ProfileInfo; region: string }>, ref: BucketRef): Promise<string | null> {
  const s3 = clients.s3(ref.profile, ref.region);
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: ref.bucket, MaxKeys: 1 }));
  if ((listed.Versions?.length ?? 0) + (listed.DeleteMarkers?.length ?? 0) > 0)
    return `s3://${ref.bucket} still holds objects or versions: clean its prefixes first.`;
  try {
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: ref.bucket }));
    if (tags.TagSet?.some((t) => t.Key === 'pipewright:protect' && t.Value === 'true')) return `s3://${ref.bucket} is tagged pipewright:protect=true.`;
  } catch (err) {
    if (classifyAwsError(err).code !== 'NoSuchTagSet') throw err;
  }
  for (const { profile, region } of targets) {
    const cp = clients.codepipeline(profile, region);
    let token: string | undefined;
    do {
      const page = await cp.send(new ListPipelinesCommand({ nextToken: token }));
      for (const s of page.pipelines ?? []) {
        if (!s.name) continue;
        const decl = (await cp.send(new GetPipelineCommand({ name: s.name }))).pipeline as unknown as PipelineDeclaration;
        if (Object.values(artifactStoresByRegion(decl, region)).some((st) => st.location === ref.bucket))
          return `Live pipeline ${s.name} (${profile.name}, ${region}) now uses s3://${ref.bucket}.`;
      }
      token = page.nextToken;
    } while (token);
  }
  return null;
}

export async function deleteEmptyBucket(clients: AwsClients, ref: BucketRef): Promise<void> {
  await clients.s3(ref.profile, ref.region).send(new DeleteBucketCommand({ Bucket: ref.bucket }));
}
