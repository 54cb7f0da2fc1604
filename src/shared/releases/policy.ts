// The least IAM policy each role of a shared release needs on its location (`pipewright release policy`).
// Pure, so the CLI prints it and a test checks it against what the store and the leases actually call.
//
// Every object of a shared release is written by PutObject with If-None-Match: * or If-Match (s3-release-store.ts,
// s3-leases.ts). S3 names those headers as IAM condition keys, s3:if-none-match and s3:if-match (AWS's "Enforce
// conditional writes on Amazon S3 buckets"), so a releaser's PutObject is granted only with one of them present:
// a script holding the releaser's credentials cannot overwrite the log or a lease unconditionally. The keys are
// documented with bucket policies; in an identity policy S3 evaluates them the same way (its authorization
// reference lists them for PutObject). Nothing of the protocol deletes (a lease is released by a marker), so only
// the administrator may delete, and write unconditionally, to repair by hand what Pipewright names as damaged.
import { RELEASE_KEY, type S3Location } from './s3-layout';

export const POLICY_ROLES = ['reader', 'releaser', 'administrator'] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** What each role may do, in words (printed above its policy). */
export const ROLE_PURPOSE: Record<PolicyRole, string> = {
  reader: 'opens the release: its file, promotions, log and leases (release status, diff, lease show; the board and history)',
  releaser:
    'also promotes, approves, stops, saves the file and shares into the location: every write conditional (If-None-Match: * or If-Match), never a delete',
  administrator: 'also repairs by hand what Pipewright names as damaged: unconditional writes, deletes, and the revisions of the file kept by versioning',
};

/** Statement ids are letters and digits only (IAM's rule); the role's name makes them unique when policies are combined. */
const sid = (role: PolicyRole, what: string) => `Pipewright${role[0].toUpperCase()}${role.slice(1)}${what}`;

/**
 * The identity policy for one role on one location. `prefix*` covers release.yaml, promotions/, log/ and leases/
 * under it and nothing beside it (a location at the bucket's root covers the whole bucket: say so to whoever
 * attaches it).
 */
export function releasePolicy(loc: S3Location, role: PolicyRole): PolicyDocument {
  const bucketArn = `arn:aws:s3:::${loc.bucket}`;
  const objects = `${bucketArn}/${loc.prefix}*`;
  const read: PolicyStatement[] = [
    // The bucket's region, asked before anything else (HeadBucket answers it too, but HeadBucket is ListBucket
    // without a prefix, which the next statement does not grant).
    { Sid: sid(role, 'Locate'), Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [bucketArn] },
    {
      Sid: sid(role, 'List'),
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucketArn],
      // Only listings inside the location (the log's next number, the promotions): `prefix` itself and below.
      ...(loc.prefix ? { Condition: { StringLike: { 's3:prefix': [loc.prefix, `${loc.prefix}*`] } } } : {}),
    },
    { Sid: sid(role, 'Read'), Effect: 'Allow', Action: ['s3:GetObject'], Resource: [objects] },
  ];
  if (role === 'reader') return { Version: '2012-10-17', Statement: read };
  // Two statements: conditions within one statement must all hold, and a write carries one header or the other.
  const conditional: PolicyStatement[] = [
    {
      Sid: sid(role, 'Create'),
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: [objects],
      Condition: { Null: { 's3:if-none-match': 'false' } },
    },
    {
      Sid: sid(role, 'Replace'),
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: [objects],
      Condition: { Null: { 's3:if-match': 'false' } },
    },
  ];
  if (role === 'releaser') return { Version: '2012-10-17', Statement: [...read, ...conditional] };
  return {
    Version: '2012-10-17',
    Statement: [
      ...read,
      {
        Sid: sid(role, 'Repair'),
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:DeleteObject', 's3:GetObjectVersion', 's3:DeleteObjectVersion'],
        Resource: [objects],
      },
      {
        Sid: sid(role, 'Versions'),
        Effect: 'Allow',
        Action: ['s3:ListBucketVersions', 's3:GetBucketVersioning', 's3:PutBucketVersioning'],
        Resource: [bucketArn],
      },
    ],
  };
}

/** What is printed for `release policy`: each role's purpose as a comment line, then its policy as JSON. */
export function policyText(loc: S3Location, roles: readonly PolicyRole[] = POLICY_ROLES): string {
  const where = `s3://${loc.bucket}/${loc.prefix}`;
  return roles
    .map(
      (role) =>
        `# ${role} on ${where} (${RELEASE_KEY}, promotions/, log/, leases/): ${ROLE_PURPOSE[role]}\n${JSON.stringify(releasePolicy(loc, role), null, 2)}\n`,
    )
    .join('\n');
}
