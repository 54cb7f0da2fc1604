// The S3 calls a shared release makes (s3-release-store.ts, s3-leases.ts): a read that keeps the ETag, Last-Modified
// and S3's Date; a write made only on a condition (If-Match / If-None-Match: *), whose refusal is an answer, not an
// error; and a listing of every key under a prefix. Throttling, 5xx and dropped connections are retried by the
// client's own retry strategy (AwsClients: adaptive, five attempts); what is left after that is thrown as an
// AppError naming the object, so the caller sees it and nothing is taken as "absent" or "written".
import { GetBucketLocationCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../../shared/api/errors';
import { awsAppError } from '../aws/errors';

export interface StoredObject {
  text: string;
  etag: string;
  /** When S3 stored this version (its clock; whole seconds). */
  lastModifiedMs: number | null;
  /** S3's Date header on the answer: its clock at the read (whole seconds), null when the endpoint sent none. */
  serverDateMs: number | null;
}

export type ConditionalWrite =
  | { written: true; etag: string; serverDateMs: number | null }
  /**
   * Not written: 412 the condition did not hold (another writer got there first), 409 a conflicting operation
   * was in progress, 404 If-Match on a key that has no object any more.
   */
  | { written: false; status: 412 | 409 | 404; code: string; serverDateMs: number | null };

export interface ListedKey {
  key: string;
  lastModifiedMs: number | null;
}

/** Keeps the Date header of the last answer to one command (every attempt's, so the retry that answered wins). */
function serverDate(command: { middlewareStack: { add: (m: never, o: object) => void } }) {
  const seen = { ms: null as number | null };
  const middleware =
    (next: (args: unknown) => Promise<{ response: unknown }>) =>
    async (args: unknown): Promise<{ response: unknown }> => {
      const result = await next(args);
      const date = (result.response as { headers?: Record<string, string | undefined> }).headers?.date;
      const ms = date ? Date.parse(date) : NaN;
      seen.ms = Number.isNaN(ms) ? null : ms;
      return result;
    };
  command.middlewareStack.add(middleware as never, { step: 'deserialize', priority: 'low', name: 'pipewrightServerDate' });
  return seen;
}

const statusOf = (err: unknown): number | undefined => (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
const nameOf = (err: unknown): string => (err as { name?: string } | null)?.name ?? 'Error';

/** An S3 failure as the contract's error, naming the object and what was being done to it. */
export function s3CallError(err: unknown, doing: string, url: string): AppError {
  if (err instanceof AppError) return err;
  const aws = awsAppError(err);
  const why = aws?.message ?? (err instanceof Error ? err.message : String(err));
  return new AppError(aws?.code ?? 'UNAVAILABLE', `Could not ${doing} ${url}: ${why}`, { object: url, ...(aws?.details as object | undefined) });
}

/** The object, or null when the key has none. One bigger than `maxBytes` is refused by name before its body is read (tooLarge). */
export const tooLarge = (err: unknown): boolean =>
  err instanceof AppError && err.code === 'INVALID_INPUT' && typeof err.details === 'object' && err.details !== null && 'bytes' in err.details;

export async function readObject(s3: S3Client, bucket: string, key: string, maxBytes: number, url: string): Promise<StoredObject | null> {
  const command = new GetObjectCommand({ Bucket: bucket, Key: key });
  const date = serverDate(command);
  try {
    const res = await s3.send(command);
    if ((res.ContentLength ?? 0) > maxBytes) {
      (res.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw new AppError(
        'INVALID_INPUT',
        `${url} is ${res.ContentLength} bytes, more than the ${maxBytes} one of Pipewright's would be; it was left as it is.`,
        {
          object: url,
          bytes: res.ContentLength,
        },
      );
    }
    const text = (await res.Body?.transformToString('utf8')) ?? '';
    return { text, etag: res.ETag ?? '', lastModifiedMs: res.LastModified?.getTime() ?? null, serverDateMs: date.ms };
  } catch (err) {
    // NoSuchKey only: a missing bucket (NoSuchBucket, also a 404) is an error to show, never "nothing saved yet".
    if (nameOf(err) === 'NoSuchKey') return null;
    throw s3CallError(err, 'read', url);
  }
}

/** PutObject with If-Match (replace only the version read) or If-None-Match: * (create only). */
export async function writeObjectIf(
  s3: S3Client,
  bucket: string,
  key: string,
  text: string,
  condition: { ifMatch: string } | { ifNoneMatch: '*' },
  contentType: string,
  url: string,
): Promise<ConditionalWrite> {
  const command = new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    Body: text,
    ContentType: contentType,
    ...('ifMatch' in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: condition.ifNoneMatch }),
  });
  const date = serverDate(command);
  try {
    const res = await s3.send(command);
    return { written: true, etag: res.ETag ?? '', serverDateMs: date.ms };
  } catch (err) {
    const status = statusOf(err);
    if (status === 412 || status === 409 || (status === 404 && nameOf(err) === 'NoSuchKey' && 'ifMatch' in condition))
      return { written: false, status, code: nameOf(err), serverDateMs: date.ms };
    throw s3CallError(err, 'write', url);
  }
}

/** Every key under `prefix` after `startAfter`, in S3's order (by key), page after page. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string, startAfter: string | undefined, url: string): Promise<ListedKey[]> {
  const out: ListedKey[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}) }),
      );
      for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, lastModifiedMs: o.LastModified?.getTime() ?? null });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (err) {
    throw s3CallError(err, 'list', url);
  }
  return out;
}

/**
 * The region a bucket is in, asked with the client of any region: HeadBucket answers it (S3 sends it even with a
 * 301 or a 403, in x-amz-bucket-region), else GetBucketLocation, which a role limited to a prefix may still have
 * (HeadBucket is ListBucket without a prefix). A bucket that does not exist is NOT_FOUND, named.
 */
export async function bucketRegion(s3: S3Client, bucket: string): Promise<string> {
  const url = `s3://${bucket}`;
  try {
    const r = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    if (r.BucketRegion) return r.BucketRegion;
  } catch (err) {
    const header = (err as { $response?: { headers?: Record<string, string | undefined> } } | null)?.$response?.headers?.['x-amz-bucket-region'];
    if (header) return header;
    if (nameOf(err) === 'NotFound' || nameOf(err) === 'NoSuchBucket' || statusOf(err) === 404)
      throw new AppError('NOT_FOUND', `There is no bucket ${bucket} (${url}), or it is not visible to these credentials.`, { object: url });
    // A failure to reach S3 at all is said as such: asking again another way would only fail the same.
    const aws = awsAppError(err);
    if (aws?.code === 'UNAVAILABLE' || !aws) throw s3CallError(err, 'reach', url);
  }
  try {
    const r = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    // S3's historical answers: none for us-east-1, "EU" for eu-west-1.
    const c = r.LocationConstraint as string | undefined;
    return !c ? 'us-east-1' : c === 'EU' ? 'eu-west-1' : c;
  } catch (err) {
    throw s3CallError(err, 'find the region of', url);
  }
}

/** Whether these credentials may list the location (one key at most): what opening a shared release needs first. */
export async function probeLocation(s3: S3Client, bucket: string, prefix: string, url: string): Promise<void> {
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
  } catch (err) {
    throw s3CallError(err, 'list', url);
  }
}
