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

/** One uploaded part of a multipart upload. */
export interface UploadedPart {
  body: Buffer;
  /** The part's MD5, as raw bytes (the object's ETag is the MD5 of these, in order). */
  md5: Buffer;
  etag: string;
}

/** A multipart upload in progress: not an object until it completes (kept in memory only, not in snapshots). */
export interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  contentType: string;
  /** Wall clock: S3 gives a completed multipart object the time its upload was initiated as Last-Modified. */
  initiated: number;
  parts: Map<number, UploadedPart>;
  /** The key was deleted while this upload was in progress: a conditional completion answers 409. */
  conflicted: boolean;
}

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

function checkKey(key: string): void {
  if (key.length === 0 || Buffer.byteLength(key) > 1024) throw new SandboxError('KeyTooLongError', 'Your key is too long', 400);
}

/** How long a delete is remembered for the conditional writes that were in flight when it happened. */
const DELETE_MEMORY_MS = 5 * 60_000;

export class S3Store {
  readonly buckets = new Map<string, Bucket>();
  /** Multipart uploads in progress, by upload id. */
  readonly uploads = new Map<string, MultipartUpload>();
  /** bucket NUL key -> when (performance.now()) the key was last deleted, for 409 ConditionalRequestConflict. */
  private deletedAt = new Map<string, number>();

  constructor(private rng: Rng) {}

  /** Forgets everything: buckets, uploads in progress, recent deletes. */
  clear(): void {
    this.buckets.clear();
    this.uploads.clear();
    this.deletedAt.clear();
  }

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
    for (const [id, u] of this.uploads) if (u.bucket === b.name) this.uploads.delete(id);
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

  /**
   * `declaredSize`: the object is that large, `body` its first bytes (see ObjectVersion.size).
   *
   * The ETag is the MD5 of the content, as S3's is for a single-part upload: a write of
   * different content always changes it, and identical content gives the same ETag
   * again, exactly as in S3 (so an If-Match write cannot tell two identical writes apart).
   */
  putObject(b: Bucket, key: string, body: Buffer, contentType = 'binary/octet-stream', lastModified = Date.now(), declaredSize?: number): ObjectVersion {
    checkKey(key);
    const size = Math.max(body.length, declaredSize ?? 0);
    const etag = `"${createHash('md5')
      .update(body)
      .update(size > body.length ? `:${size}` : '')
      .digest('hex')}"`;
    return this.commit(b, key, { body, size, etag, lastModified, contentType });
  }

  private commit(b: Bucket, key: string, content: Pick<ObjectVersion, 'body' | 'size' | 'etag' | 'lastModified' | 'contentType'>): ObjectVersion {
    const v: ObjectVersion = { versionId: this.newVersionId(b), deleteMarker: false, ...content };
    this.pushVersion(b, key, v);
    return v;
  }

  /** The object a conditional write is checked against: the newest version, unless it is a delete marker (then: none). */
  currentObject(b: Bucket, key: string): ObjectVersion | undefined {
    const top = b.objects.get(key)?.[0];
    return top && !top.deleteMarker ? top : undefined;
  }

  /** Whether the key was deleted after `since` (performance.now()): a conditional write in flight since then conflicts. */
  deletedSince(b: Bucket, key: string, since: number): boolean {
    return (this.deletedAt.get(`${b.name}\u0000${key}`) ?? -Infinity) > since;
  }

  private noteDelete(b: Bucket, key: string): void {
    const now = performance.now();
    if (this.deletedAt.size > 10_000) for (const [k, at] of this.deletedAt) if (now - at > DELETE_MEMORY_MS) this.deletedAt.delete(k);
    this.deletedAt.set(`${b.name}\u0000${key}`, now);
    for (const u of this.uploads.values()) if (u.bucket === b.name && u.key === key) u.conflicted = true;
  }

  // --- Multipart uploads ---------------------------------------------------

  createUpload(b: Bucket, key: string, contentType: string): MultipartUpload {
    checkKey(key);
    const u: MultipartUpload = {
      uploadId: this.rng.chars(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-'),
      bucket: b.name,
      key,
      contentType,
      initiated: Date.now(),
      parts: new Map(),
      conflicted: false,
    };
    this.uploads.set(u.uploadId, u);
    return u;
  }

  /** The upload, if it is in progress for this bucket and key. */
  upload(b: Bucket, key: string, uploadId: string): MultipartUpload {
    const u = this.uploads.get(uploadId);
    if (!u || u.bucket !== b.name || u.key !== key)
      throw new SandboxError(
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        404,
        { UploadId: uploadId },
      );
    return u;
  }

  uploadPart(u: MultipartUpload, partNumber: number, body: Buffer): UploadedPart {
    const md5 = createHash('md5').update(body).digest();
    const part = { body, md5, etag: `"${md5.toString('hex')}"` };
    u.parts.set(partNumber, part);
    return part;
  }

  abortUpload(u: MultipartUpload): void {
    this.uploads.delete(u.uploadId);
  }

  /**
   * Joins the parts named (checked by the caller) into the object. Its ETag is S3's
   * multipart form: the MD5 of the parts' MD5s, then "-" and the number of parts.
   */
  completeUpload(b: Bucket, u: MultipartUpload, partNumbers: number[]): ObjectVersion {
    const parts = partNumbers.map((n) => u.parts.get(n)!);
    const body = Buffer.concat(parts.map((p) => p.body));
    const etag = `"${createHash('md5')
      .update(Buffer.concat(parts.map((p) => p.md5)))
      .digest('hex')}-${parts.length}"`;
    this.uploads.delete(u.uploadId);
    return this.commit(b, u.key, { body, size: body.length, etag, lastModified: u.initiated, contentType: u.contentType });
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
      if (i === 0) this.noteDelete(b, key);
      return { versionId, deleteMarker: removed.deleteMarker };
    }
    if (b.versioning === undefined) {
      if (stack) {
        this.dropKey(b, key);
        this.noteDelete(b, key);
      }
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
    this.noteDelete(b, key);
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
