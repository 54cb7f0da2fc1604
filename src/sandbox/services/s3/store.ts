// The sandbox's S3 data: buckets (global names, each owned by an account and a
// region) holding keys with version stacks. Real versioning semantics: an
// overwrite keeps the old version, a delete without a version id adds a delete
// marker, a delete with one removes exactly that version.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { SandboxError } from '../../errors';
import type { Rng } from '../../random';

export interface ObjectVersion {
  versionId: string; // 'null' when written while versioning was never enabled or suspended
  deleteMarker: boolean;
  body: Buffer;
  /**
   * Its size in bytes. Usually body.length; a declared object (a demo build
   * output of 200 MB) stores only a small head and generates the rest, always
   * the same bytes, when read: believable sizes at no memory cost.
   */
  size: number;
  etag: string;
  lastModified: number;
  contentType: string;
}

export type VersioningStatus = 'Enabled' | 'Suspended' | undefined;

export interface Bucket {
  name: string;
  accountId: string;
  region: string;
  created: number;
  versioning: VersioningStatus;
  tags: Record<string, string> | undefined;
  lifecycle: unknown;
  encryption: unknown;
  /** The bucket policy, as the JSON text it was put with. */
  policy?: string;
  /** key -> versions, newest first */
  objects: Map<string, ObjectVersion[]>;
  /** Sorted key list, kept in step with `objects` for ordered listing. */
  sortedKeys: string[];
}

function insertSorted(arr: string[], key: string): void {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  arr.splice(lo, 0, key);
}

export function lowerBound(arr: string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const BUCKET_NAME_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class S3Store {
  readonly buckets = new Map<string, Bucket>();

  constructor(private rng: Rng) {}

  createBucket(name: string, accountId: string, region: string): Bucket {
    if (!BUCKET_NAME_RE.test(name) || name.includes('..'))
      throw new SandboxError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
    const existing = this.buckets.get(name);
    if (existing) {
      if (existing.accountId === accountId)
        throw new SandboxError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, {
          BucketName: name,
        });
      throw new SandboxError('BucketAlreadyExists', 'The requested bucket name is not available.', 409, { BucketName: name });
    }
    const bucket: Bucket = {
      name,
      accountId,
      region,
      created: Date.now(),
      versioning: undefined,
      tags: undefined,
      lifecycle: undefined,
      encryption: undefined,
      objects: new Map(),
      sortedKeys: [],
    };
    this.buckets.set(name, bucket);
    return bucket;
  }

  /** The bucket, if the caller's account owns it. Other accounts get AccessDenied, as without a bucket policy. */
  bucketFor(name: string, accountId: string): Bucket {
    const b = this.buckets.get(name);
    if (!b) throw new SandboxError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
    if (b.accountId !== accountId) throw new SandboxError('AccessDenied', 'Access Denied', 403);
    return b;
  }

  deleteBucket(b: Bucket): void {
    if (b.objects.size > 0) throw new SandboxError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: b.name });
    this.buckets.delete(b.name);
  }

  private newVersionId(b: Bucket): string {
    return b.versioning === 'Enabled' ? this.rng.chars(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._') : 'null';
  }

  private pushVersion(b: Bucket, key: string, v: ObjectVersion): void {
    let stack = b.objects.get(key);
    if (!stack) {
      stack = [];
      b.objects.set(key, stack);
      insertSorted(b.sortedKeys, key);
    }
    // Unversioned or suspended: the 'null' version is replaced, not stacked.
    if (v.versionId === 'null') {
      const i = stack.findIndex((x) => x.versionId === 'null');
      if (i >= 0) stack.splice(i, 1);
    }
    stack.unshift(v);
  }

  /** `declaredSize`: the object is that large, `body` its first bytes (see ObjectVersion.size). */
  putObject(b: Bucket, key: string, body: Buffer, contentType = 'binary/octet-stream', lastModified = Date.now(), declaredSize?: number): ObjectVersion {
    if (key.length === 0 || Buffer.byteLength(key) > 1024) throw new SandboxError('KeyTooLongError', 'Your key is too long', 400);
    const size = Math.max(body.length, declaredSize ?? 0);
    const v: ObjectVersion = {
      versionId: this.newVersionId(b),
      deleteMarker: false,
      body,
      size,
      etag: `"${createHash('md5')
        .update(body)
        .update(size > body.length ? `:${size}` : '')
        .digest('hex')}"`,
      lastModified,
      contentType,
    };
    this.pushVersion(b, key, v);
    return v;
  }

  /** The version a GET sees: a given version, or the newest. */
  getVersion(b: Bucket, key: string, versionId?: string): ObjectVersion {
    const stack = b.objects.get(key);
    if (versionId !== undefined) {
      const v = stack?.find((x) => x.versionId === versionId);
      if (!v) throw new SandboxError('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId });
      if (v.deleteMarker)
        throw new SandboxError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { deleteMarker: 'true' });
      return v;
    }
    const top = stack?.[0];
    if (!top) throw new SandboxError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    if (top.deleteMarker) throw new SandboxError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key, deleteMarker: 'true' });
    return top;
  }

  /**
   * DeleteObject semantics. Returns what was done: a removed version, or a new delete marker.
   * Deleting a missing key or version is not an error, as in S3.
   */
  deleteObject(b: Bucket, key: string, versionId?: string): { versionId?: string; deleteMarker: boolean } {
    const stack = b.objects.get(key);
    if (versionId !== undefined) {
      if (!stack) return { versionId, deleteMarker: false };
      const i = stack.findIndex((x) => x.versionId === versionId);
      if (i < 0) return { versionId, deleteMarker: false };
      const [removed] = stack.splice(i, 1);
      if (stack.length === 0) this.dropKey(b, key);
      return { versionId, deleteMarker: removed.deleteMarker };
    }
    if (b.versioning === undefined) {
      if (stack) this.dropKey(b, key);
      return { deleteMarker: false };
    }
    const marker: ObjectVersion = {
      versionId: this.newVersionId(b),
      deleteMarker: true,
      body: Buffer.alloc(0),
      size: 0,
      etag: '',
      lastModified: Date.now(),
      contentType: '',
    };
    this.pushVersion(b, key, marker);
    return { versionId: marker.versionId, deleteMarker: true };
  }

  private dropKey(b: Bucket, key: string): void {
    b.objects.delete(key);
    const i = lowerBound(b.sortedKeys, key);
    if (b.sortedKeys[i] === key) b.sortedKeys.splice(i, 1);
  }

  /** Totals for the state snapshot and tests: current objects, all versions, delete markers, bytes. */
  stats(b: Bucket): { keys: number; versions: number; deleteMarkers: number; bytes: number } {
    let versions = 0;
    let deleteMarkers = 0;
    let bytes = 0;
    for (const stack of b.objects.values()) {
      for (const v of stack) {
        if (v.deleteMarker) deleteMarkers++;
        else {
          versions++;
          bytes += v.size;
        }
      }
    }
    return { keys: b.objects.size, versions, deleteMarkers, bytes };
  }
}

/** The bytes a GET returns: the stored head, then (for a declared object) filler generated from the etag, the same on every read. */
export function objectContent(v: ObjectVersion): Buffer | Readable {
  if (v.size <= v.body.length) return v.body;
  const block = createHash('sha256').update(v.etag).digest();
  const chunk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < chunk.length; i += block.length) block.copy(chunk, i);
  let left = v.size - v.body.length;
  return Readable.from(
    (function* () {
      yield v.body;
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        yield n === chunk.length ? chunk : chunk.subarray(0, n);
      }
    })(),
  );
}
