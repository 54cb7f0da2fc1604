// Where a shared release keeps its state under s3://bucket/prefix/ (docs/releases.md, "Shared releases in S3"):
//   release.yaml                        the release file
//   promotions/<id>.json                one object per promotion
//   log/<20-digit sequence>.json        the release log, one object per entry, created only if absent
//   leases/<environment>.json           who is promoting that environment, until when
// Pure, so the app, the CLI and the tests name the same keys. The log's sequence is zero-padded so that S3's
// listing order (by key, UTF-8 bytes) is the log's order.
import { AppError } from '../api/errors';

export interface S3Location {
  bucket: string;
  /** '' (the bucket's root) or a key prefix ending in '/'. */
  prefix: string;
}

export const RELEASE_KEY = 'release.yaml';
export const PROMOTIONS_DIR = 'promotions/';
export const LOG_DIR = 'log/';
export const LEASES_DIR = 'leases/';
export const LOG_SEQUENCE_DIGITS = 20;
/** 20 digits hold any sequence a log reaches; beyond MAX_SAFE_INTEGER a number would not round-trip. */
const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER;

// S3's own bucket naming rules (general purpose buckets), minus the dotted IP-address form.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A name that becomes one segment of a key: a promotion id, an environment. Never a '/', never '.' or '..'. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * `s3://bucket/prefix/` or `s3://bucket/prefix/release.yaml` (the release file's own URL) as a location. A prefix
 * is taken as a folder: `s3://b/team/web` is `team/web/`. Empty segments, '.' and '..' are refused: S3 keeps them
 * as written, so `a//b` and `a/b` would be two releases that look like one.
 */
export function parseS3Location(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url.trim());
  if (!m) throw new AppError('INVALID_INPUT', `"${url}" is not an S3 location: write s3://bucket/prefix/.`);
  const bucket = m[1];
  if (!BUCKET.test(bucket) || bucket.includes('..'))
    throw new AppError('INVALID_INPUT', `"${bucket}" is not an S3 bucket name (3 to 63 lowercase letters, digits, "." or "-").`);
  let path = m[2] ?? '';
  if (path.endsWith(`/${RELEASE_KEY}`) || path === RELEASE_KEY) path = path.slice(0, -RELEASE_KEY.length);
  const segments = path.split('/').filter((s, i, all) => !(s === '' && i === all.length - 1));
  if (path !== '' && segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new AppError('INVALID_INPUT', `"${url}": a prefix has no empty, "." or ".." part.`);
  if (path.length > 512) throw new AppError('INVALID_INPUT', `"${url}": the prefix is longer than 512 characters.`);
  return { bucket, prefix: path === '' ? '' : `${segments.join('/')}/` };
}

/** The location, or one object in it, as a person reads it (and as the CLI takes it). */
export function s3Url(loc: S3Location, key = ''): string {
  return `s3://${loc.bucket}/${loc.prefix}${key}`;
}

function segment(kind: string, name: string): string {
  if (!SEGMENT.test(name)) throw new AppError('INVALID_INPUT', `"${name}" cannot name a ${kind} object: letters, digits, ".", "_" or "-" only.`);
  return name;
}

export const promotionKey = (id: string): string => `${PROMOTIONS_DIR}${segment('promotion', id)}.json`;
export const leaseKey = (environment: string): string => `${LEASES_DIR}${segment('lease', environment)}.json`;

/** The promotion id a key under promotions/ names, or null for anything else. */
export function promotionIdOf(key: string): string | null {
  if (!key.startsWith(PROMOTIONS_DIR) || !key.endsWith('.json')) return null;
  const id = key.slice(PROMOTIONS_DIR.length, -'.json'.length);
  return SEGMENT.test(id) ? id : null;
}

export function logKey(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > MAX_SEQUENCE)
    throw new AppError('INVALID_INPUT', `${sequence} is not a log sequence number.`);
  return `${LOG_DIR}${String(sequence).padStart(LOG_SEQUENCE_DIGITS, '0')}.json`;
}

/** The sequence number a key under log/ carries, or null when it is not a log entry's name (written by hand, say). */
export function logSequenceOf(key: string): number | null {
  const m = /^log\/(\d{20})\.json$/.exec(key);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

/**
 * The runs of sequence numbers missing below the highest one listed, as [first, last] pairs. A log written by the
 * protocol has none (an entry is created only once the one before it exists), so a gap is an entry removed by hand,
 * and it is said where it is, never skipped in silence.
 */
export function logGaps(sequences: readonly number[]): Array<[number, number]> {
  const sorted = [...new Set(sequences)].sort((a, b) => a - b);
  const gaps: Array<[number, number]> = [];
  let expected = 1;
  for (const n of sorted) {
    if (n > expected) gaps.push([expected, n - 1]);
    expected = n + 1;
  }
  return gaps;
}
