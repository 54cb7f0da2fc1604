// ListObjectVersions has no SDK paginator (it pages by two markers), so this is ours.
import { ListObjectVersionsCommand, type ListObjectVersionsCommandInput, type ListObjectVersionsCommandOutput, type S3Client } from '@aws-sdk/client-s3';

export async function* paginateObjectVersions(
  s3: S3Client,
  input: Omit<ListObjectVersionsCommandInput, 'KeyMarker' | 'VersionIdMarker'>,
  opts: { signal?: AbortSignal } = {},
): AsyncGenerator<ListObjectVersionsCommandOutput> {
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ ...input, KeyMarker, VersionIdMarker }), { abortSignal: opts.signal });
    yield page;
    if (!page.IsTruncated) return;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
    if (KeyMarker === undefined) throw new Error('ListObjectVersions was truncated without a NextKeyMarker.');
  }
}
