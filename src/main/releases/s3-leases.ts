// Leases on a shared release's environments (issue 26): one promotion of an environment at a time, across
// machines, with no server but S3. A lease is the object leases/<environment>.json naming its holder (identity
// ARN, host, pid, program), when it started, its ttl and a token. S3's conditional writes decide every contest:
// - taking: create with If-None-Match: * (only one create succeeds); if there is one, it is taken over only when
//   released or expired, with If-Match on the ETag read (only one of several contenders matches it);
// - holding: a heartbeat every ttl/3 and at each assertHeld(), written with If-Match on the holder's last ETag, so
//   a heartbeat after a takeover is refused (412) and the holder learns it lost the lease;
// - releasing: S3 has no conditional delete, so the holder writes a "released" marker with If-Match instead.
// Expiry is judged on S3's clock only (src/shared/releases/lease.ts: Last-Modified against the Date header).
// The shape is PromotionLocks.hold's (promotion-lock.ts): the runner calls lease.assertHeld() before each step
// that must not happen twice.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../../shared/api/errors';
import {
  describeLeaseHolder,
  judgeLease,
  leaseBreak,
  LeaseRecord,
  renewEveryMs,
  type LeaseBreak,
  type LeaseHolder,
  type LeaseVerdict,
} from '../../shared/releases/lease';
import { leaseKey, s3Url, type S3Location } from '../../shared/releases/s3-layout';
import type { PromotionLease } from './promotion-lock';
import { readObject, writeObjectIf, type StoredObject } from './s3-state-calls';

/** As the local promote lock: long enough for a slow check under the call budget; renewed while held. */
const TTL_MS = 2 * 60_000;
/** Conditional writes tried (a refusal with nothing changed, a 409) before taking or renewing gives up. */
const ATTEMPTS = 8;
const MAX_LEASE_BYTES = 64 * 1024;

export interface S3LeasesOptions {
  s3: S3Client;
  location: S3Location;
  /** The caller's identity (STS GetCallerIdentity ARN), written into the lease for whoever finds it held. */
  identity: { arn: string };
  /** Who holds it, as another person reads it: "pipewright cli", "the Pipewright app". */
  program: string;
  host?: string;
  ttlMs?: number;
}

/** A lease as stored, with what a contender would judge of it now (`lease show`). */
export interface LeaseView {
  lease: LeaseRecord;
  verdict: LeaseVerdict;
  object: string;
}

/** Refusals met and retried, for the tests' figures. */
export interface LeaseRetries {
  /** Takes that found the lease held, refused. */
  refused: number;
  /** Conditional writes refused with nothing changed (a 409, or a 412 with the object as read), tried again. */
  rewritten: number;
  /** Takeovers of an expired or released lease that another contender won. */
  lostRaces: number;
}

const backoff = (attempt: number) => delay(Math.floor(Math.random() * Math.min(400, 15 * 2 ** attempt)));

export class S3Leases {
  readonly retries: LeaseRetries = { refused: 0, rewritten: 0, lostRaces: 0 };
  private s3: S3Client;
  private loc: S3Location;
  private holder: LeaseHolder;
  private ttlMs: number;
  /** Held through this object, by environment: a second hold here is refused without a call. */
  private held = new Map<string, { startedAt: string }>();
  /** S3's clock minus this machine's, from the last Date header: only for the expiresAt people read. */
  private offsetMs = 0;

  constructor(o: S3LeasesOptions) {
    this.s3 = o.s3;
    this.loc = o.location;
    this.holder = { arn: o.identity.arn, host: o.host ?? hostname(), pid: process.pid, program: o.program };
    this.ttlMs = o.ttlMs ?? TTL_MS;
  }

  private url(environment: string): string {
    return s3Url(this.loc, leaseKey(environment));
  }

  private read(environment: string): Promise<StoredObject | null> {
    return readObject(this.s3, this.loc.bucket, this.loc.prefix + leaseKey(environment), MAX_LEASE_BYTES, this.url(environment));
  }

  private async write(environment: string, record: LeaseRecord, condition: { ifMatch: string } | { ifNoneMatch: '*' }) {
    const r = await writeObjectIf(
      this.s3,
      this.loc.bucket,
      this.loc.prefix + leaseKey(environment),
      JSON.stringify(record, null, 1),
      condition,
      'application/json',
      this.url(environment),
    );
    if (r.serverDateMs !== null) this.offsetMs = r.serverDateMs - Date.now();
    return r;
  }

  /** A lease object as stored; a damaged one is named and never written over (a person removes or repairs it). */
  private parse(environment: string, text: string): LeaseRecord {
    const url = this.url(environment);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const r = LeaseRecord.safeParse(json);
    if (!r.success)
      throw new AppError(
        'INVALID_INPUT',
        `${url} is not a lease Pipewright wrote (${json === undefined ? 'not JSON' : `${r.error.issues[0].path.join('.') || 'the object'}: ${r.error.issues[0].message}`}); it was left as it is, and ${environment} cannot be promoted until it is removed or repaired.`,
        { object: url },
      );
    return r.data;
  }

  private record(application: string, environment: string, token: string, startedAt: string, beat: number, state: LeaseRecord['state']): LeaseRecord {
    const now = Date.now() + this.offsetMs;
    return {
      version: 1,
      state,
      application,
      environment,
      holder: this.holder,
      startedAt,
      heartbeatAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.ttlMs).toISOString(),
      ttlMs: this.ttlMs,
      token,
      beat,
      releasedAt: state === 'released' ? new Date(now).toISOString() : null,
    };
  }

  /** The lease on an environment as stored, and whether a contender could take it now; null when there is none. */
  async show(environment: string): Promise<LeaseView | null> {
    const read = await this.read(environment);
    if (!read) return null;
    const lease = this.parse(environment, read.text);
    return { lease, verdict: this.judge(lease, read), object: this.url(environment) };
  }

  /**
   * A person marks the lease on an environment released (`pipewright release lease release`): one that expired, or,
   * with `force` naming its holder's ARN, one still held (leaseBreak, src/shared/releases/lease.ts). The marker is
   * written with If-Match on the ETag judged, so exactly the lease that was judged is broken: one renewed or taken
   * in between is left alone and said. A broken holder finds out at its next assertHeld and starts nothing more.
   */
  async breakLease(environment: string, force?: string): Promise<{ outcome: LeaseBreak; was: LeaseView | null }> {
    const url = this.url(environment);
    const read = await this.read(environment);
    const lease = read ? this.parse(environment, read.text) : null;
    const was = lease && read ? { lease, verdict: this.judge(lease, read), object: url } : null;
    const outcome = leaseBreak(lease, was?.verdict ?? { kind: 'free' }, force);
    if (outcome.kind === 'held' && lease) throw leased(lease.application, environment, lease, url);
    if (outcome.kind === 'wrong-holder') throw new AppError('INVALID_INPUT', `${url}: ${outcome.reason}`, { lease: url, holder: lease?.holder ?? null });
    if (outcome.kind === 'nothing' || !lease || !read) return { outcome, was };
    const now = new Date(Date.now() + this.offsetMs).toISOString();
    const marker: LeaseRecord = { ...this.record(lease.application, environment, randomUUID(), now, 0, 'released') };
    const r = await this.write(environment, marker, { ifMatch: read.etag });
    if (!r.written)
      throw new AppError(
        'CONFLICT',
        `${url} changed while it was being released (its holder renewed it, or another took it): nothing was broken; look again (lease show).`,
        { lease: url },
      );
    return { outcome, was };
  }

  private judge(lease: LeaseRecord, read: StoredObject): LeaseVerdict {
    // Without a Last-Modified (no S3 omits it) the lease is judged as written just now: held, never taken early.
    return judgeLease(lease, {
      lastModifiedMs: read.lastModifiedMs ?? read.serverDateMs ?? Date.now(),
      serverNowMs: read.serverDateMs,
      localNowMs: Date.now(),
    });
  }

  /**
   * Runs `run` holding the lease on the environment; refused (CONFLICT, `leaseHeld`) naming the holder and
   * since when if another holds it. The lease is renewed every ttl/3 and at each assertHeld(); one found taken
   * over makes assertHeld() throw (CONFLICT naming the new holder), so nothing more is started. Released at the
   * end unless it was lost.
   */
  async hold<T>(application: string, environment: string, run: (lease: PromotionLease) => Promise<T>): Promise<T> {
    const url = this.url(environment);
    const here = this.held.get(environment);
    if (here) throw leased(application, environment, { holder: this.holder, startedAt: here.startedAt, expiresAt: null }, url);
    // Claimed before the first await, so a second call through this object sees it at once.
    const startedAt = new Date(Date.now() + this.offsetMs).toISOString();
    this.held.set(environment, { startedAt });
    let state: { etag: string; record: LeaseRecord; tookOver: LeaseRecord | null };
    try {
      state = await this.take(application, environment, startedAt);
    } catch (err) {
      this.held.delete(environment);
      throw err;
    }
    // Set once a heartbeat finds the lease another's (or gone): from then on nothing more is started.
    let lostTo: { holder: LeaseRecord | null } | undefined;
    let renewing: Promise<void> = Promise.resolve();
    const renew = (): Promise<void> => {
      const next = renewing.then(async () => {
        if (lostTo) return;
        const r = await this.renew(environment, state);
        if (r.kind === 'renewed') state = { ...r.state, tookOver: state.tookOver };
        else lostTo = { holder: r.holder };
      });
      renewing = next.catch(() => undefined);
      return next;
    };
    // A heartbeat that could not be written (S3 unreachable) is tried again at the next beat and by the next assertHeld.
    const beat = setInterval(() => void renew().catch(() => undefined), renewEveryMs(this.ttlMs));
    beat.unref();
    const took = state.tookOver;
    const lease: PromotionLease = {
      tookOver: took ? { holder: took.holder, startedAt: took.startedAt, heartbeatAt: took.heartbeatAt } : null,
      assertHeld: async () => {
        // Renewed, not only read: a lease just stored cannot expire for a whole ttl, the time the next step has.
        if (!lostTo)
          await renew().catch((err: unknown) => {
            throw new AppError(
              'UNAVAILABLE',
              `The lease ${url} could not be renewed, so nothing more of ${environment} is started: ${err instanceof Error ? err.message : String(err)}`,
              { lease: url },
            );
          });
        if (lostTo) throw lost(application, environment, lostTo.holder, url);
      },
    };
    try {
      return await run(lease);
    } finally {
      clearInterval(beat);
      await renewing;
      this.held.delete(environment);
      // A lease taken over is its new holder's; one not released (S3 unreachable) expires after its ttl.
      if (!lostTo) await this.release(environment, state).catch(() => undefined);
    }
  }

  /** Takes the lease: create if absent, take over if released or expired, else refuse naming the holder. */
  private async take(
    application: string,
    environment: string,
    startedAt: string,
  ): Promise<{ etag: string; record: LeaseRecord; tookOver: LeaseRecord | null }> {
    const url = this.url(environment);
    const token = randomUUID();
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const mine = this.record(application, environment, token, startedAt, 0, 'held');
      const created = await this.write(environment, mine, { ifNoneMatch: '*' });
      if (created.written) return { etag: created.etag, record: mine, tookOver: null };
      const read = await this.read(environment);
      // Refused with nothing there: a 409 (a delete in flight), or a refusal with no writer behind it; again.
      if (!read) {
        this.retries.rewritten++;
        await backoff(attempt);
        continue;
      }
      const theirs = this.parse(environment, read.text);
      // This create landed and its answer was lost (the client retried it, and the retry was refused because of it).
      if (theirs.token === token) return { etag: read.etag, record: theirs, tookOver: null };
      const verdict = this.judge(theirs, read);
      if (verdict.kind === 'held') {
        this.retries.refused++;
        throw leased(application, environment, theirs, url);
      }
      // Released, or expired: taken over only as it was read, so of several contenders exactly one succeeds.
      const over = await this.write(environment, mine, { ifMatch: read.etag });
      // An expired lease's holder is named to whoever resumes its promotion; a released one left nothing behind.
      if (over.written) return { etag: over.etag, record: mine, tookOver: verdict.kind === 'expired' ? theirs : null };
      // Refused: another contender took it, or its holder renewed or released it meanwhile: read again and judge.
      this.retries.lostRaces++;
      await backoff(attempt);
    }
    throw new AppError('CONFLICT', `The lease ${url} could not be taken: ${ATTEMPTS} conditional writes in a row were refused. Try again.`, { lease: url });
  }

  /** One heartbeat: the lease written again over the ETag this holder last wrote. */
  private async renew(
    environment: string,
    held: { etag: string; record: LeaseRecord },
  ): Promise<{ kind: 'renewed'; state: { etag: string; record: LeaseRecord } } | { kind: 'lost'; holder: LeaseRecord | null }> {
    const { record } = held;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const next = this.record(record.application, environment, record.token, record.startedAt, record.beat + 1, 'held');
      const r = await this.write(environment, next, { ifMatch: held.etag });
      if (r.written) return { kind: 'renewed', state: { etag: r.etag, record: next } };
      const read = await this.read(environment);
      if (!read) return { kind: 'lost', holder: null };
      const stored = this.parse(environment, read.text);
      if (stored.token !== record.token || stored.state !== 'held') return { kind: 'lost', holder: stored };
      // This heartbeat landed and its answer was lost.
      if (stored.beat === next.beat) return { kind: 'renewed', state: { etag: read.etag, record: stored } };
      // Still this holder's last heartbeat: the refusal changed nothing (a 409, an injected 412); again.
      if (read.etag === held.etag) {
        this.retries.rewritten++;
        await backoff(attempt);
        continue;
      }
      // This holder's token with another beat and ETag: only this holder writes its token, so this cannot be
      // another's write; it is taken as lost rather than guessed at.
      return { kind: 'lost', holder: stored };
    }
    throw new AppError('UNAVAILABLE', `${ATTEMPTS} heartbeats of ${this.url(environment)} in a row were refused with the lease unchanged.`, {
      lease: this.url(environment),
    });
  }

  /** Writes the released marker over this holder's last heartbeat; one taken over meanwhile is left to its holder. */
  private async release(environment: string, held: { etag: string; record: LeaseRecord }): Promise<void> {
    const { record } = held;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const marker = this.record(record.application, environment, record.token, record.startedAt, record.beat + 1, 'released');
      const r = await this.write(environment, marker, { ifMatch: held.etag });
      if (r.written) return;
      const read = await this.read(environment);
      if (!read || read.etag !== held.etag) return;
      await backoff(attempt);
    }
  }
}

/** The refusal when another holds the lease: who, since when, and until when unless renewed. */
function leased(application: string, environment: string, lease: { holder: LeaseHolder; startedAt: string; expiresAt: string | null }, url: string): AppError {
  return new AppError(
    'CONFLICT',
    `${environment} of ${application} is being promoted by ${describeLeaseHolder(lease)}; wait for it to finish, or cancel. A lease its holder stops renewing can be taken over once it expires${lease.expiresAt ? ` (${lease.expiresAt} unless renewed)` : ''} (lease: ${url}).`,
    { kind: 'leased', holder: lease.holder, since: lease.startedAt, expiresAt: lease.expiresAt, lease: url },
  );
}

function lost(application: string, environment: string, by: LeaseRecord | null, url: string): AppError {
  const how = by ? (by.state === 'released' ? `was released by ${describeLeaseHolder(by)}` : `was taken over by ${describeLeaseHolder(by)}`) : 'was removed';
  return new AppError(
    'CONFLICT',
    `The promotion of ${environment} (${application}) stopped: its lease ${url} ${how} while it ran, so it starts nothing more. What it started keeps running; promote again to go on (nothing starts twice).`,
    { kind: 'lease-lost', holder: by?.holder ?? null, lease: url },
  );
}

/** The refusal above: the environment is leased by someone else (the CLI's exit 6, "leased by someone else"). */
export const leaseHeld = (e: AppError): boolean =>
  e.code === 'CONFLICT' && typeof e.details === 'object' && e.details !== null && (e.details as { kind?: unknown }).kind === 'leased';
