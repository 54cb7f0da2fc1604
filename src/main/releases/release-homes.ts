// Where a release is kept, and what guards its promotions: its home. A release is addressed by a reference:
// its application's name for the local home (releases/<application>/ under the user-data directory: the
// ReleaseStore and the promote lock, as before), or an S3 location, s3://bucket/prefix/, for a release shared
// by a team (the S3ReleaseStore and the environments' leases). The service, the runner, the board and the
// journal work on either through the same ports (ReleaseStorage, PromotionGuard).
//
// A shared home is opened with the state profile's credentials through the app's own clients (AwsClients:
// its retries, endpoints and credential chain): the profile named (--state-profile), else the first workspace
// profile that can list the location. The bucket's region is asked of S3 itself, and every write there is
// signed by that profile's identity (GetCallerIdentity), recorded with each log entry. A location that cannot be
// reached fails the opening, so nothing is read from elsewhere and nothing is promoted.
import { hostname } from 'node:os';
import { AppError } from '../../shared/api/errors';
import { parseS3Location, s3Url, type S3Location } from '../../shared/releases/s3-layout';
import type { ProfileInfo } from '../aws/profiles';
import type { PromotionGuard, ReleaseIdentities } from './ports';
import type { PromotionLocks } from './promotion-lock';
import type { ReleaseStore } from './release-store';
import { S3Leases } from './s3-leases';
import { S3ReleaseStore } from './s3-release-store';
import { bucketRegion, probeLocation } from './s3-state-calls';

/** Who writes to a shared release: the state profile, its identity, and where its bucket is. */
export interface SharedWriter {
  profile: string;
  arn: string;
  host: string;
  region: string;
}

export type ReleaseHome =
  | {
      kind: 'local';
      /** Null: releases are named by their application under the user-data directory. */
      location: null;
      storage: ReleaseStore;
      guard: PromotionGuard;
    }
  | {
      kind: 'shared';
      /** The location as a person writes it: s3://bucket/prefix/. */
      location: string;
      storage: S3ReleaseStore;
      guard: PromotionGuard;
      leases: S3Leases;
      writer: SharedWriter;
    };
export type SharedHome = Extract<ReleaseHome, { kind: 'shared' }>;

/** The local home: one promote per application on this machine (the promote lock), whatever the environment. */
export function localHome(store: ReleaseStore, locks: PromotionLocks): ReleaseHome {
  return { kind: 'local', location: null, storage: store, guard: { hold: (application, _environment, run) => locks.hold(application, run) } };
}

/** Whether a reference names a shared release (an S3 URL) rather than a file or an application. */
export const isSharedRef = (ref: string): boolean => /^s3:\/\//i.test(ref.trim());

export interface OpenSharedOptions {
  accounts: ReleaseIdentities;
  /** The profile to read and write the location with; else the first workspace profile that can. */
  stateProfile?: string;
  /** Who holds a lease, as others are told: "pipewright cli", "the Pipewright app". */
  program: string;
  leaseTtlMs?: number;
  host?: string;
}

/** How many failed profiles a refusal names before it counts the rest. */
const NAMED_FAILURES = 5;

/**
 * Opens a shared release's home at `url` (s3://bucket/prefix/ or its release.yaml). Refused, naming every profile
 * tried and why, when none can list the location; UNAVAILABLE when S3 could not be reached at all.
 */
export async function openSharedHome(url: string, o: OpenSharedOptions): Promise<SharedHome> {
  const location = parseS3Location(url);
  const where = s3Url(location);
  let candidates: ProfileInfo[];
  if (o.stateProfile) candidates = [o.accounts.profile(o.stateProfile)];
  else {
    candidates = o.accounts.workspace().profiles;
    if (!candidates.length)
      throw new AppError('INVALID_INPUT', `No workspace profile to open ${where} with: name one with --state-profile (a profile that can read the bucket).`);
  }
  const failures: Array<{ profile: string; error: AppError }> = [];
  for (const profile of candidates) {
    try {
      return await openWith(profile, location, o);
    } catch (err) {
      const error = err instanceof AppError ? err : new AppError('INTERNAL', err instanceof Error ? err.message : String(err));
      failures.push({ profile: profile.name, error });
    }
  }
  const named = failures.slice(0, NAMED_FAILURES).map((f) => `${f.profile}: ${f.error.message}`);
  if (failures.length > NAMED_FAILURES) named.push(`and ${failures.length - NAMED_FAILURES} more profile(s)`);
  const unreachable = failures.every((f) => f.error.code === 'UNAVAILABLE');
  const code = unreachable
    ? 'UNAVAILABLE'
    : failures.some((f) => f.error.code === 'NOT_FOUND')
      ? 'NOT_FOUND'
      : failures.length === 1
        ? failures[0].error.code
        : 'AWS_ERROR';
  const why = unreachable
    ? `S3 cannot be reached (${named.join('; ')})`
    : o.stateProfile
      ? named[0]
      : `no workspace profile can read it (${named.join('; ')}); name one that can with --state-profile`;
  throw new AppError(code, `Could not open the shared release ${where}: ${why}. Nothing was read there, and nothing was promoted.`, {
    location: where,
    tried: failures.map((f) => ({ profile: f.profile, code: f.error.code, message: f.error.message })),
  });
}

async function openWith(profile: ProfileInfo, location: S3Location, o: OpenSharedOptions): Promise<SharedHome> {
  const where = s3Url(location);
  // Any region's client can ask where the bucket is; the bucket's own region then serves every call.
  const region = await bucketRegion(o.accounts.clients.s3(profile, profile.region ?? 'us-east-1'), location.bucket);
  const s3 = o.accounts.clients.s3(profile, region);
  await probeLocation(s3, location.bucket, location.prefix, where);
  // The identity every write and log entry is signed with: checked now, never taken from an older check.
  await o.accounts.check([profile.name], false);
  const id = o.accounts.identityOf(profile.name);
  if (id?.state !== 'ok' || !id.arn)
    throw new AppError('UNAVAILABLE', `its identity could not be checked (GetCallerIdentity): ${id?.message ?? 'no answer'}`, { profile: profile.name });
  const host = o.host ?? hostname();
  const storage = new S3ReleaseStore({ s3, location, identity: { arn: id.arn }, host });
  const leases = new S3Leases({ s3, location, identity: { arn: id.arn }, program: o.program, host, ...(o.leaseTtlMs ? { ttlMs: o.leaseTtlMs } : {}) });
  return {
    kind: 'shared',
    location: where,
    storage,
    leases,
    guard: { hold: (application, environment, run) => leases.hold(application, environment, run) },
    writer: { profile: profile.name, arn: id.arn, host, region },
  };
}
