// S3's REST API (path-style) over the S3Store: routing by method, path and
// query, XML bodies in and out. Only what Pipewright and common tools use.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32c } from './crc32c';
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import { lowerBound, objectContent, type Bucket, type MultipartUpload, type ObjectVersion, type S3Store } from './store';
import { parseXml, toXml } from './xml';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const MAX_KEYS = 1000;

export interface S3Hooks {
  /** Faults: decide whether one key of a DeleteObjects batch fails (`key`: bucket, key and version). */
  deleteKeyFails(req: ServiceRequest, key: string): boolean;
  /** S3's per-prefix write rate: whether writes to these keys are admitted now (all or none). */
  admitWrites(bucket: string, keys: readonly string[]): boolean;
  /** Called after every mutation, for persistence. */
  changed(): void;
}

const iso = (ms: number) => new Date(ms).toISOString();
const xml = (root: string, body: unknown, status = 200, headers: Record<string, string> = {}): ServiceResponse => ({
  status,
  headers: { 'content-type': 'application/xml', ...headers },
  body: toXml(root, body, NS),
});

export function s3ErrorBody(err: SandboxError, requestId: string): string {
  const extra = Object.fromEntries(Object.entries(err.extra).filter(([k]) => k !== 'deleteMarker'));
  return toXml('Error', { Code: err.code, Message: err.message, ...extra, RequestId: requestId });
}

/** Decodes `Content-Encoding: aws-chunked` bodies (streaming SigV4 or trailing checksums). */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(pos, lineEnd).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size)) throw new SandboxError('IncompleteBody', 'Malformed aws-chunked body.', 400);
    if (size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    pos = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** The S3 operation a request names, from method, path and query alone (for the log and faults). */
export function s3Operation(method: string, rawPath: string, q: URLSearchParams): string {
  const [, bucket = '', ...rest] = rawPath.split('/');
  if (!bucket) return 'ListBuckets';
  if (rest.join('/') !== '') {
    if (q.has('uploadId'))
      return (
        ({ PUT: 'UploadPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload', GET: 'ListParts' } as Record<string, string>)[method] ??
        'Unknown'
      );
    if (method === 'POST') return q.has('uploads') ? 'CreateMultipartUpload' : 'Unknown';
    if (method === 'PUT') return q.has('tagging') ? 'PutObjectTagging' : 'PutObject';
    return ({ GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' } as Record<string, string>)[method] ?? 'Unknown';
  }
  const verb = ({ GET: 'Get', PUT: 'Put', DELETE: 'Delete' } as Record<string, string>)[method] ?? '';
  if (q.has('versioning')) return `${verb}BucketVersioning`;
  if (q.has('lifecycle')) return method === 'DELETE' ? 'DeleteBucketLifecycle' : `${verb}BucketLifecycleConfiguration`;
  if (q.has('tagging')) return `${verb}BucketTagging`;
  if (q.has('encryption')) return `${verb}BucketEncryption`;
  if (q.has('policy')) return `${verb}BucketPolicy`;
  if (q.has('location')) return 'GetBucketLocation';
  if (q.has('versions')) return 'ListObjectVersions';
  if (q.has('delete') && method === 'POST') return 'DeleteObjects';
  if (method === 'GET') return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  return ({ PUT: 'CreateBucket', HEAD: 'HeadBucket', DELETE: 'DeleteBucket' } as Record<string, string>)[method] ?? 'Unknown';
}

export function handleS3(req: ServiceRequest, store: S3Store, hooks: S3Hooks): ServiceResponse {
  req.operation = s3Operation(req.method, req.rawPath, req.url.searchParams);
  const segments = req.rawPath.split('/');
  const bucketName = decodeURIComponent(segments[1] ?? '');
  const key = segments.length > 2 ? segments.slice(2).map(decodeURIComponent).join('/') : '';
  const q = req.url.searchParams;
  const m = req.method;

  if (!bucketName) {
    if (m === 'GET') return listBuckets(req, store);
    throw new SandboxError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
  }
  if (!key) return bucketOperation(req, store, hooks, bucketName, q);
  return objectOperation(req, store, hooks, bucketName, key, q);
}

function listBuckets(req: ServiceRequest, store: S3Store): ServiceResponse {
  const mine = [...store.buckets.values()].filter((b) => b.accountId === req.accountId).sort((a, b) => a.name.localeCompare(b.name));
  return xml('ListAllMyBucketsResult', {
    Owner: { ID: req.accountId, DisplayName: req.principal.arn },
    Buckets: mine.length ? { Bucket: mine.map((b) => ({ Name: b.name, CreationDate: iso(b.created), BucketRegion: b.region })) } : '',
  });
}

function bucketOperation(req: ServiceRequest, store: S3Store, hooks: S3Hooks, name: string, q: URLSearchParams): ServiceResponse {
  const m = req.method;
  if (m === 'PUT' && ![...q.keys()].length) {
    let region = req.region;
    const text = req.body.toString('utf8');
    if (text.trim()) {
      const doc = parseXml(text);
      const conf = doc.CreateBucketConfiguration as Record<string, unknown> | undefined;
      if (conf && typeof conf.LocationConstraint === 'string' && conf.LocationConstraint) region = conf.LocationConstraint;
    }
    store.createBucket(name, req.accountId, region);
    hooks.changed();
    return { status: 200, headers: { location: `/${name}` } };
  }
  if (m === 'HEAD') {
    const b = store.bucketFor(name, req.accountId);
    return { status: 200, headers: { 'x-amz-bucket-region': b.region } };
  }
  const b = store.bucketFor(name, req.accountId);
  if (q.has('location') && m === 'GET') {
    return xml('LocationConstraint', { '#text': b.region === 'us-east-1' ? '' : b.region });
  }
  if (q.has('versioning')) {
    if (m === 'GET') {
      return xml('VersioningConfiguration', b.versioning ? { Status: b.versioning } : {});
    }
    if (m === 'PUT') {
      const conf = parseXml(req.body.toString('utf8')).VersioningConfiguration as Record<string, unknown> | undefined;
      const status = conf?.Status;
      if (status !== 'Enabled' && status !== 'Suspended') throw new SandboxError('MalformedXML', 'Versioning Status must be Enabled or Suspended.', 400);
      b.versioning = status;
      hooks.changed();
      return { status: 200 };
    }
  }
  if (q.has('lifecycle')) {
    if (m === 'GET') {
      if (!b.lifecycle) throw new SandboxError('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', 404, { BucketName: name });
      return xml('LifecycleConfiguration', b.lifecycle);
    }
    if (m === 'PUT') {
      const conf = parseXml(req.body.toString('utf8')).LifecycleConfiguration as Record<string, unknown> | undefined;
      if (!conf || !Array.isArray(conf.Rule) || conf.Rule.length === 0)
        throw new SandboxError('MalformedXML', 'A lifecycle configuration needs at least one Rule.', 400);
      if (conf.Rule.length > 1000) throw new SandboxError('InvalidRequest', 'A lifecycle configuration has at most 1,000 rules.', 400);
      b.lifecycle = { Rule: conf.Rule };
      hooks.changed();
      return { status: 200 };
    }
    if (m === 'DELETE') {
      b.lifecycle = undefined;
      hooks.changed();
      return { status: 204 };
    }
  }
  if (q.has('tagging')) {
    if (m === 'GET') {
      if (!b.tags) throw new SandboxError('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: name });
      return xml('Tagging', { TagSet: { Tag: Object.entries(b.tags).map(([Key, Value]) => ({ Key, Value })) } });
    }
    if (m === 'PUT') {
      const tagging = parseXml(req.body.toString('utf8')).Tagging as { TagSet?: { Tag?: Array<{ Key: string; Value: string }> } } | undefined;
      const tags = tagging?.TagSet?.Tag ?? [];
      if (tags.length > 50) throw new SandboxError('InvalidTag', 'A bucket has at most 50 tags.', 400);
      b.tags = Object.fromEntries(tags.map((t) => [String(t.Key), String(t.Value ?? '')]));
      hooks.changed();
      return { status: 204 };
    }
    if (m === 'DELETE') {
      b.tags = undefined;
      hooks.changed();
      return { status: 204 };
    }
  }
  if (q.has('policy')) {
    if (m === 'GET') {
      if (!b.policy) throw new SandboxError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { BucketName: name });
      return { status: 200, headers: { 'content-type': 'application/json' }, body: b.policy };
    }
    if (m === 'PUT') {
      const text = req.body.toString('utf8');
      if (text.length > 20 * 1024) throw new SandboxError('PolicyTooLarge', 'A bucket policy is at most 20 KB.', 400);
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw new SandboxError('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'", 400);
      }
      if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !('Statement' in doc))
        throw new SandboxError('MalformedPolicy', 'Missing required field Statement', 400);
      b.policy = text;
      hooks.changed();
      return { status: 204 };
    }
    if (m === 'DELETE') {
      b.policy = undefined;
      hooks.changed();
      return { status: 204 };
    }
  }
  if (q.has('encryption')) {
    if (m === 'GET') {
      // Since 2023 every bucket is encrypted with SSE-S3 unless configured otherwise.
      return xml(
        'ServerSideEncryptionConfiguration',
        b.encryption ?? { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: 'false' } },
      );
    }
    if (m === 'PUT') {
      const conf = parseXml(req.body.toString('utf8')).ServerSideEncryptionConfiguration as Record<string, unknown> | undefined;
      if (!conf?.Rule) throw new SandboxError('MalformedXML', 'ServerSideEncryptionConfiguration needs a Rule.', 400);
      b.encryption = { Rule: (Array.isArray(conf.Rule) ? conf.Rule[0] : conf.Rule) as unknown };
      hooks.changed();
      return { status: 200 };
    }
  }
  if (q.has('delete') && m === 'POST') return deleteObjects(req, store, hooks, b);
  if (q.has('versions') && m === 'GET') return listObjectVersions(req, b, q);
  if (m === 'GET') return listObjects(req, b, q);
  if (m === 'DELETE') {
    store.deleteBucket(b);
    hooks.changed();
    return { status: 204 };
  }
  throw new SandboxError('NotImplemented', 'A header or query you provided implies functionality that is not implemented.', 501);
}

function objectHeaders(b: Bucket, v: ObjectVersion): Record<string, string> {
  const h: Record<string, string> = {
    etag: v.etag,
    'last-modified': new Date(v.lastModified).toUTCString(),
    'content-type': v.contentType,
    'accept-ranges': 'bytes',
  };
  if (b.versioning !== undefined) h['x-amz-version-id'] = v.versionId;
  return h;
}

function objectOperation(req: ServiceRequest, store: S3Store, hooks: S3Hooks, name: string, key: string, q: URLSearchParams): ServiceResponse {
  const b = store.bucketFor(name, req.accountId);
  const versionId = q.get('versionId') ?? undefined;
  if (req.operation === 'PutObjectTagging' || req.operation === 'ListParts')
    throw new SandboxError('NotImplemented', `${req.operation} is not supported by the sandbox.`, 501);
  if (q.has('uploads') || q.has('uploadId')) return multipartOperation(req, store, hooks, b, key, q);
  switch (req.method) {
    case 'PUT': {
      if (req.headers['x-amz-copy-source']) throw new SandboxError('NotImplemented', 'CopyObject is not supported by the sandbox.', 501);
      if (!hooks.admitWrites(b.name, [key])) throw slowDown();
      const body = requestBody(req);
      checkWriteConditions(req, store, b, key, req.receivedAt);
      const v = store.putObject(b, key, body, String(req.headers['content-type'] ?? 'binary/octet-stream'));
      hooks.changed();
      const h: Record<string, string> = { etag: v.etag };
      if (b.versioning !== undefined) h['x-amz-version-id'] = v.versionId;
      return { status: 200, headers: h };
    }
    case 'GET':
    case 'HEAD': {
      const v = store.getVersion(b, key, versionId);
      const notModified = checkReadConditions(req, v);
      if (notModified) return { status: 304, headers: notModified };
      const h = { ...objectHeaders(b, v), 'content-length': String(v.size) };
      return { status: 200, headers: h, body: req.method === 'GET' ? objectContent(v) : undefined };
    }
    case 'DELETE': {
      if (!hooks.admitWrites(b.name, [key])) throw slowDown();
      const r = store.deleteObject(b, key, versionId);
      hooks.changed();
      const h: Record<string, string> = {};
      if (r.versionId) h['x-amz-version-id'] = r.versionId;
      if (r.deleteMarker) h['x-amz-delete-marker'] = 'true';
      return { status: 204, headers: h };
    }
  }
  throw new SandboxError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
}

const requestBody = (req: ServiceRequest): Buffer => {
  const chunked =
    String(req.headers['content-encoding'] ?? '').includes('aws-chunked') || String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  return chunked ? decodeAwsChunked(req.body) : req.body;
};

// --- Conditional requests ----------------------------------------------------
// Writes (PutObject, CompleteMultipartUpload), as S3 answers them since 2024:
//   - If-None-Match takes only "*" (create only if absent), and not with If-Match: 501;
//   - If-None-Match: * over a current object: 412 PreconditionFailed; a delete marker is absent;
//   - If-Match: <ETag> over no current object: 404 NoSuchKey; over another ETag: 412;
//   - a delete of the key that succeeds while the conditional write is in flight (for a
//     multipart upload: since it was initiated): 409 ConditionalRequestConflict;
//   - of concurrent conditional writes, the first to finish wins and the later ones are
//     checked against it (412): the sandbox answers requests one at a time, so that holds.
// Reads (GetObject, HeadObject): RFC 7232's order, as S3 documents it: If-Match (412), else
// If-Unmodified-Since (412); then If-None-Match (304), else If-Modified-Since (304).

const PRECONDITION_MESSAGE = 'At least one of the pre-conditions you specified did not hold';
const preconditionFailed = (condition: string) => new SandboxError('PreconditionFailed', PRECONDITION_MESSAGE, 412, { Condition: condition });
const conditionalConflict = () =>
  new SandboxError('ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress against this resource. Please try again.', 409);

const header = (req: ServiceRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v.join(',') : String(v);
};

/** S3 compares ETags by value: quotes (and a weak W/ prefix) do not count. */
const etagValue = (tag: string) =>
  tag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
const etagListMatches = (list: string, v: ObjectVersion) => list.split(',').some((t) => t.trim() === '*' || etagValue(t) === etagValue(v.etag));

/** `since`: when the request arrived (performance.now()), for the 409 on a delete meanwhile. */
function checkWriteConditions(req: ServiceRequest, store: S3Store, b: Bucket, key: string, since = performance.now(), upload?: MultipartUpload): void {
  const ifMatch = header(req, 'if-match');
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return;
  if (ifMatch !== undefined && ifNoneMatch !== undefined)
    throw new SandboxError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, { Header: 'If-Match' });
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*')
    throw new SandboxError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, { Header: 'If-None-Match' });
  if (upload?.conflicted || store.deletedSince(b, key, since)) throw conditionalConflict();
  const current = store.currentObject(b, key);
  if (ifNoneMatch !== undefined && current) throw preconditionFailed('If-None-Match');
  if (ifMatch !== undefined) {
    if (!current) throw new SandboxError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    if (!etagListMatches(ifMatch, current)) throw preconditionFailed('If-Match');
  }
  // The condition held: an injected fault may still fail it, as a concurrent writer would.
  if (req.conditionalFailure === 'PreconditionFailed') throw preconditionFailed(ifMatch !== undefined ? 'If-Match' : 'If-None-Match');
  if (req.conditionalFailure === 'ConditionalRequestConflict') throw conditionalConflict();
}

/** HTTP dates have one-second resolution; an unreadable date is ignored, as RFC 7232 says. */
const httpDate = (text: string | undefined): number | undefined => {
  const t = text === undefined ? NaN : Date.parse(text);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
};

/** Throws 412 when a read's precondition fails; returns the 304's headers when the client's copy is current. */
function checkReadConditions(req: ServiceRequest, v: ObjectVersion): Record<string, string> | undefined {
  const modified = Math.floor(v.lastModified / 1000);
  const ifMatch = header(req, 'if-match');
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, v)) throw preconditionFailed('If-Match');
  } else {
    const unmodifiedSince = httpDate(header(req, 'if-unmodified-since'));
    if (unmodifiedSince !== undefined && modified > unmodifiedSince) throw preconditionFailed('If-Unmodified-Since');
  }
  const ifNoneMatch = header(req, 'if-none-match');
  let notModified: boolean;
  if (ifNoneMatch !== undefined) notModified = etagListMatches(ifNoneMatch, v);
  else {
    const modifiedSince = httpDate(header(req, 'if-modified-since'));
    notModified = modifiedSince !== undefined && modified <= modifiedSince;
  }
  return notModified ? { etag: v.etag, 'last-modified': new Date(v.lastModified).toUTCString() } : undefined;
}

// --- Multipart uploads -------------------------------------------------------

const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

function multipartOperation(req: ServiceRequest, store: S3Store, hooks: S3Hooks, b: Bucket, key: string, q: URLSearchParams): ServiceResponse {
  switch (req.operation) {
    case 'CreateMultipartUpload': {
      if (!hooks.admitWrites(b.name, [key])) throw slowDown();
      const u = store.createUpload(b, key, String(req.headers['content-type'] ?? 'binary/octet-stream'));
      return xml('InitiateMultipartUploadResult', { Bucket: b.name, Key: key, UploadId: u.uploadId });
    }
    case 'UploadPart': {
      const partNumber = Number(q.get('partNumber'));
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS)
        throw new SandboxError('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400, {
          ArgumentName: 'partNumber',
          ArgumentValue: String(q.get('partNumber')),
        });
      const u = store.upload(b, key, q.get('uploadId') ?? '');
      if (!hooks.admitWrites(b.name, [key])) throw slowDown();
      return { status: 200, headers: { etag: store.uploadPart(u, partNumber, requestBody(req)).etag } };
    }
    case 'AbortMultipartUpload':
      store.abortUpload(store.upload(b, key, q.get('uploadId') ?? ''));
      return { status: 204 };
    case 'CompleteMultipartUpload':
      return completeMultipartUpload(req, store, hooks, b, key, store.upload(b, key, q.get('uploadId') ?? ''));
  }
  throw new SandboxError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
}

function completeMultipartUpload(req: ServiceRequest, store: S3Store, hooks: S3Hooks, b: Bucket, key: string, u: MultipartUpload): ServiceResponse {
  const doc = parseXml(req.body.toString('utf8')).CompleteMultipartUpload as { Part?: Array<{ PartNumber?: unknown; ETag?: unknown }> } | undefined;
  const listed = doc?.Part ?? [];
  if (!doc || listed.length === 0 || listed.length > MAX_PARTS)
    throw new SandboxError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.', 400);
  const numbers = listed.map((p) => Number(xmlText(p.PartNumber)));
  for (let i = 0; i < numbers.length; i++)
    if (!Number.isInteger(numbers[i]) || (i > 0 && numbers[i] <= numbers[i - 1]))
      throw new SandboxError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', 400, {
        UploadId: u.uploadId,
      });
  for (const [i, p] of listed.entries()) {
    const part = u.parts.get(numbers[i]);
    if (!part || etagValue(xmlText(p.ETag)) !== etagValue(part.etag))
      throw new SandboxError(
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
        { UploadId: u.uploadId, PartNumber: String(numbers[i]), ETag: xmlText(p.ETag) },
      );
    if (i < listed.length - 1 && part.body.length < MIN_PART_SIZE)
      throw new SandboxError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400, {
        ProposedSize: String(part.body.length),
        MinSizeAllowed: String(MIN_PART_SIZE),
        PartNumber: String(numbers[i]),
        ETag: part.etag,
      });
  }
  if (!hooks.admitWrites(b.name, [key])) throw slowDown();
  checkWriteConditions(req, store, b, key, req.receivedAt, u);
  const v = store.completeUpload(b, u, numbers);
  hooks.changed();
  const h: Record<string, string> = {};
  if (b.versioning !== undefined) h['x-amz-version-id'] = v.versionId;
  return xml('CompleteMultipartUploadResult', { Location: `/${b.name}/${encodeURIComponent(key)}`, Bucket: b.name, Key: key, ETag: v.etag }, 200, h);
}

const CHECKSUMS: Record<string, (body: Buffer) => Buffer> = {
  crc32: (body) => u32(crc32(body)),
  crc32c: (body) => u32(crc32c(body)),
  sha1: (body) => createHash('sha1').update(body).digest(),
  sha256: (body) => createHash('sha256').update(body).digest(),
};
const u32 = (n: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n >>> 0);
  return out;
};

/**
 * S3 requires an integrity check on a multi-object delete: Content-MD5, or an
 * x-amz-checksum-* header (the algorithm the SDK names), and refuses a mismatch.
 */
function requireIntegrity(req: ServiceRequest): void {
  const md5 = req.headers['content-md5'];
  const named = String(req.headers['x-amz-sdk-checksum-algorithm'] ?? '').toLowerCase();
  const sent = Object.keys(CHECKSUMS).find((a) => req.headers[`x-amz-checksum-${a}`] !== undefined);
  if (md5 === undefined && !sent) {
    if (named)
      throw new SandboxError(
        'InvalidRequest',
        `x-amz-sdk-checksum-algorithm is ${named.toUpperCase()}, but no x-amz-checksum-${named} header came with it.`,
        400,
      );
    throw new SandboxError('InvalidRequest', 'Missing required header for this request: Content-MD5 (or an x-amz-checksum-* header).', 400);
  }
  if (md5 !== undefined && createHash('md5').update(req.body).digest('base64') !== String(md5))
    throw new SandboxError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
  if (sent && CHECKSUMS[sent](req.body).toString('base64') !== String(req.headers[`x-amz-checksum-${sent}`]))
    throw new SandboxError('BadDigest', `The ${sent.toUpperCase()} you specified did not match the calculated checksum.`, 400);
}

const slowDown = () => new SandboxError('SlowDown', 'Please reduce your request rate.', 503);

/** A leaf of parsed XML as text (numbers come back as numbers; an element with children is not text). */
const xmlText = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

function deleteObjects(req: ServiceRequest, store: S3Store, hooks: S3Hooks, b: Bucket): ServiceResponse {
  requireIntegrity(req);
  const doc = parseXml(req.body.toString('utf8')).Delete as { Object?: Array<{ Key?: unknown; VersionId?: unknown }>; Quiet?: unknown } | undefined;
  const objects = doc?.Object ?? [];
  if (!doc || objects.length === 0 || objects.length > 1000)
    throw new SandboxError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.', 400);
  // Each key is one delete against its prefix's write rate: the batch passes whole or not at all.
  if (
    !hooks.admitWrites(
      b.name,
      objects.map((o) => xmlText(o.Key)),
    )
  )
    throw slowDown();
  const quiet = xmlText(doc.Quiet).trim() === 'true';
  const deleted: unknown[] = [];
  const errors: unknown[] = [];
  for (const o of objects) {
    const key = xmlText(o.Key);
    const versionId = o.VersionId === undefined ? undefined : xmlText(o.VersionId);
    if (!key) {
      errors.push({ Key: '', Code: 'InvalidArgument', Message: 'Key is required.' });
      continue;
    }
    if (hooks.deleteKeyFails(req, `${b.name}\u0000${key}\u0000${versionId ?? ''}`)) {
      errors.push({
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        Code: 'InternalError',
        Message: 'We encountered an internal error. Please try again.',
      });
      continue;
    }
    const r = store.deleteObject(b, key, versionId);
    if (quiet) continue;
    const entry: Record<string, unknown> = { Key: key };
    if (versionId) entry.VersionId = versionId;
    if (r.deleteMarker) {
      entry.DeleteMarker = 'true';
      if (!versionId && r.versionId) entry.DeleteMarkerVersionId = r.versionId;
    }
    deleted.push(entry);
  }
  hooks.changed();
  const body: Record<string, unknown> = {};
  if (deleted.length) body.Deleted = deleted;
  if (errors.length) body.Error = errors;
  return xml('DeleteResult', body);
}

function maxKeysOf(q: URLSearchParams): number {
  const raw = q.get('max-keys');
  if (raw === null) return MAX_KEYS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new SandboxError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400);
  return Math.min(n, MAX_KEYS);
}

/** Walks keys in order, folding those under a delimiter into common prefixes. */
function* walkKeys(b: Bucket, prefix: string, delimiter: string, after: string, inclusive = false) {
  let i = lowerBound(b.sortedKeys, after > prefix ? after : prefix);
  for (; i < b.sortedKeys.length; i++) {
    const key = b.sortedKeys[i];
    if (!inclusive && after !== '' && key <= after) continue;
    if (!key.startsWith(prefix)) {
      if (key > prefix) break;
      continue;
    }
    if (delimiter) {
      const at = key.indexOf(delimiter, prefix.length);
      if (at >= 0) {
        const cp = key.slice(0, at + delimiter.length);
        // Skip every key under this common prefix.
        while (i + 1 < b.sortedKeys.length && b.sortedKeys[i + 1].startsWith(cp)) i++;
        if (!(after.startsWith(cp) && after !== '')) yield { commonPrefix: cp, key: cp };
        continue;
      }
    }
    yield { key };
  }
}

function listObjects(req: ServiceRequest, b: Bucket, q: URLSearchParams): ServiceResponse {
  const v2 = q.get('list-type') === '2';
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = maxKeysOf(q);
  const urlEnc = q.get('encoding-type') === 'url';
  const enc = (s: string) => (urlEnc ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  let after: string;
  if (v2) {
    const token = q.get('continuation-token');
    if (token !== null) {
      try {
        after = Buffer.from(token, 'base64url').toString('utf8');
      } catch {
        throw new SandboxError('InvalidArgument', 'The continuation token provided is incorrect', 400);
      }
    } else after = q.get('start-after') ?? '';
  } else after = q.get('marker') ?? '';

  const contents: unknown[] = [];
  const prefixes: unknown[] = [];
  let last = '';
  let truncated = false;
  let count = 0;
  for (const item of walkKeys(b, prefix, delimiter, after)) {
    if ('commonPrefix' in item && item.commonPrefix) {
      if (count >= maxKeys) {
        truncated = true;
        break;
      }
      prefixes.push({ Prefix: enc(item.commonPrefix) });
    } else {
      const top = b.objects.get(item.key)?.[0];
      if (!top || top.deleteMarker) continue;
      if (count >= maxKeys) {
        truncated = true;
        break;
      }
      contents.push({ Key: enc(item.key), LastModified: iso(top.lastModified), ETag: top.etag, Size: top.size, StorageClass: 'STANDARD' });
    }
    last = item.key;
    count++;
  }
  const body: Record<string, unknown> = { Name: b.name, Prefix: enc(prefix), MaxKeys: maxKeys, IsTruncated: truncated };
  if (delimiter) body.Delimiter = enc(delimiter);
  if (urlEnc) body.EncodingType = 'url';
  if (v2) {
    body.KeyCount = count;
    if (q.get('continuation-token') !== null) body.ContinuationToken = q.get('continuation-token');
    if (q.get('start-after') !== null) body.StartAfter = enc(q.get('start-after') ?? '');
    if (truncated) body.NextContinuationToken = Buffer.from(last, 'utf8').toString('base64url');
  } else {
    body.Marker = enc(after);
    if (truncated && delimiter) body.NextMarker = enc(last);
  }
  if (contents.length) body.Contents = contents;
  if (prefixes.length) body.CommonPrefixes = prefixes;
  return xml('ListBucketResult', body);
}

function listObjectVersions(req: ServiceRequest, b: Bucket, q: URLSearchParams): ServiceResponse {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const versionMarker = q.get('version-id-marker') ?? '';
  const maxKeys = maxKeysOf(q);
  const urlEnc = q.get('encoding-type') === 'url';
  const enc = (s: string) => (urlEnc ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const owner = { ID: b.accountId, DisplayName: b.accountId };

  const versions: unknown[] = [];
  const markers: unknown[] = [];
  const prefixes: unknown[] = [];
  let count = 0;
  let truncated = false;
  let nextKey = '';
  let nextVersion = '';
  // With a version marker, the marker key itself is resumed after that version.
  outer: for (const item of walkKeys(b, prefix, delimiter, keyMarker, versionMarker !== '')) {
    if ('commonPrefix' in item && item.commonPrefix) {
      if (count >= maxKeys) {
        truncated = true;
        break;
      }
      prefixes.push({ Prefix: enc(item.commonPrefix) });
      nextKey = item.key;
      nextVersion = '';
      count++;
      continue;
    }
    const stack = b.objects.get(item.key) ?? [];
    let start = 0;
    if (versionMarker && item.key === keyMarker) {
      // A marker version deleted since the last page: resume the key from its start
      // (a version listed twice is harmless; one never listed would be missed).
      const at = stack.findIndex((v) => v.versionId === versionMarker);
      start = at >= 0 ? at + 1 : 0;
    }
    for (let i = start; i < stack.length; i++) {
      const v = stack[i];
      if (count >= maxKeys) {
        truncated = true;
        break outer;
      }
      const common = { Key: enc(item.key), VersionId: v.versionId, IsLatest: i === 0, LastModified: iso(v.lastModified), Owner: owner };
      if (v.deleteMarker) markers.push(common);
      else versions.push({ ...common, ETag: v.etag, Size: v.size, StorageClass: 'STANDARD' });
      nextKey = item.key;
      nextVersion = v.versionId;
      count++;
    }
  }
  const body: Record<string, unknown> = {
    Name: b.name,
    Prefix: enc(prefix),
    KeyMarker: enc(keyMarker),
    VersionIdMarker: versionMarker,
    MaxKeys: maxKeys,
    IsTruncated: truncated,
  };
  if (delimiter) body.Delimiter = enc(delimiter);
  if (urlEnc) body.EncodingType = 'url';
  if (truncated) {
    body.NextKeyMarker = enc(nextKey);
    if (nextVersion) body.NextVersionIdMarker = nextVersion;
  }
  if (versions.length) body.Version = versions;
  if (markers.length) body.DeleteMarker = markers;
  if (prefixes.length) body.CommonPrefixes = prefixes;
  return xml('ListVersionsResult', body);
}
