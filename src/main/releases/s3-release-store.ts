// A release shared by a team through S3 (issue 26): the same ReleaseStorage as the local store, over
// s3://bucket/prefix/ (layout in src/shared/releases/s3-layout.ts; docs/releases.md, "Shared releases in S3").
// There is no lock to hold across machines, so every write is conditional and S3 decides who wins:
// - release.yaml is written with If-Match on the ETag read (If-None-Match: * when there is none yet); refused,
//   it is read again, and unless it now says what this writer meant to save, the save is a conflict that names
//   who saved it: another writer's definition is never overwritten.
// - each promotion is its own object, changed GET → change → PUT If-Match (If-None-Match: * for a new one);
//   refused (412, or 409 when a conflicting operation was in flight), it is read again and the change decided
//   again from what is stored, so a finished promotion stays finished, a bounded number of times.
// - each log entry is its own object, created with If-None-Match: * under the next sequence number; a number
//   refused because another writer's entry is there moves this entry to the next one, one refused with nothing
//   there is tried again, so two writers never overwrite each other and the log has no gap.
// Every object written carries its writer, time and a per-write id: S3's ETag is the content's MD5, so
// identical bytes would keep the ETag, and the id tells a writer its own write landed when the client retried
// a request whose answer was lost (and the retry was refused because of it).
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../../shared/api/errors';
import { Promotion, ReleaseLogEntry } from '../../shared/api/releases';
import { promotionStatusMayChange } from '../../shared/releases/promotion';
import { MAX_RELEASE_FILE_BYTES, parseReleaseFile, releaseErrorsText, stringifyReleaseFile, type ReleaseFile } from '../../shared/releases/release-file';
import {
  LOG_DIR,
  PROMOTIONS_DIR,
  RELEASE_KEY,
  logGaps,
  logKey,
  logSequenceOf,
  promotionIdOf,
  promotionKey,
  s3Url,
  type S3Location,
} from '../../shared/releases/s3-layout';
import type { PromotionSaved, ReleaseStorage } from './ports';
import { listKeys, readObject, tooLarge, writeObjectIf, type StoredObject } from './s3-state-calls';

/** Conditional writes of one change tried before it gives up and says why. */
const ATTEMPTS = 10;
/** Log numbers found taken by others within one append before it gives up: a log growing that fast is not a team's. */
const MAX_NUMBERS_TAKEN = 500;
const MAX_PROMOTION_BYTES = 1_000_000;
const MAX_LOG_ENTRY_BYTES = 256 * 1024;
/** Objects read at once (promotions, history): enough to hide latency, few enough for S3's per-prefix rates. */
const READS_AT_ONCE = 8;

const Writer = z.object({ arn: z.string(), host: z.string() });
const PromotionObject = z.object({
  version: z.literal(1),
  revision: z.number().int().min(1),
  writtenAt: z.string(),
  writtenBy: Writer,
  write: z.string(),
  promotion: Promotion,
});
type PromotionObject = z.infer<typeof PromotionObject>;
const LogObject = ReleaseLogEntry.extend({ version: z.literal(1), sequence: z.number().int().min(1), write: z.string() });

/** The first line of release.yaml as written here: its revision, who saved it, and when. */
const HEADER = /^# pipewright revision (\d+), saved by (.*) on (.*) at (\S+)\n/;

export interface S3ReleaseStoreOptions {
  s3: S3Client;
  location: S3Location;
  /** The caller's identity (STS GetCallerIdentity ARN): recorded with every write and every log entry. */
  identity: { arn: string };
  /** The application this location holds, when known; otherwise learnt from release.yaml at the first call. */
  application?: string;
  host?: string;
}

/** Refusals met and retried, for the tests' figures and for a person asking why a save was slow. */
export interface S3StoreRetries {
  definition: number;
  promotion: number;
  /** Log numbers another writer had taken, and refusals of a number nobody had. */
  logTaken: number;
  logRefused: number;
}

/** A short, growing pause with jitter before trying a refused write again, so two writers stop meeting in step. */
const backoff = (attempt: number) => delay(Math.floor(Math.random() * Math.min(400, 15 * 2 ** attempt)));

export class S3ReleaseStore implements ReleaseStorage {
  readonly retries: S3StoreRetries = { definition: 0, promotion: 0, logTaken: 0, logRefused: 0 };
  private s3: S3Client;
  private loc: S3Location;
  private writer: { arn: string; host: string };
  private application: string | undefined;
  /** The release file as last read or written here: what a save is made over by default. */
  private lastRead: { etag: string; revision: number } | null = null;
  /** The highest log sequence known to exist: a listing for the next number starts after it. */
  private lastSequence = 0;
  /** Appends from this process go one after another, in the order they were asked. */
  private appending: Promise<unknown> = Promise.resolve();

  constructor(o: S3ReleaseStoreOptions) {
    this.s3 = o.s3;
    this.loc = o.location;
    this.writer = { arn: o.identity.arn, host: o.host ?? hostname() };
    this.application = o.application;
  }

  /** The location, as a person reads it and the CLI takes it. */
  get where(): string {
    return s3Url(this.loc);
  }

  private url(key: string): string {
    return s3Url(this.loc, key);
  }

  private read(key: string, maxBytes: number): Promise<StoredObject | null> {
    return readObject(this.s3, this.loc.bucket, this.loc.prefix + key, maxBytes, this.url(key));
  }

  private write(key: string, text: string, condition: { ifMatch: string } | { ifNoneMatch: '*' }, contentType: string) {
    return writeObjectIf(this.s3, this.loc.bucket, this.loc.prefix + key, text, condition, contentType, this.url(key));
  }

  /** Keys under `dir` (relative to the prefix) after `after`, in order. */
  private async list(dir: string, after?: string): Promise<Array<{ key: string; lastModifiedMs: number | null }>> {
    const listed = await listKeys(this.s3, this.loc.bucket, this.loc.prefix + dir, after === undefined ? undefined : this.loc.prefix + after, this.url(dir));
    return listed.map((k) => ({ ...k, key: k.key.slice(this.loc.prefix.length) }));
  }

  private notThisRelease(application: string, holds: string): AppError {
    return new AppError('INVALID_INPUT', `${this.where} holds the release of ${holds}, not ${application}.`, { location: this.where, application: holds });
  }

  /** Every call names its application; this location holds one, so any other is a mistake said at once. */
  private async assertApplication(application: string): Promise<void> {
    if (this.application === undefined) await this.definition(application);
    if (application !== this.application) throw this.notThisRelease(application, this.application!);
  }

  // ---- The release file ----------------------------------------------------------------------------------------

  async definition(application: string): Promise<{ release: ReleaseFile; text: string; version: string }> {
    if (this.application !== undefined && application !== this.application) throw this.notThisRelease(application, this.application);
    return this.readDefinition(application);
  }

  /**
   * The release this location holds, whichever application it is (the CLI and the app open a shared release by
   * its URL alone); from then on this store serves that application only. NOT_FOUND when there is none.
   */
  openRelease(): Promise<{ release: ReleaseFile; text: string; version: string }> {
    return this.readDefinition(this.application);
  }

  private async readDefinition(application: string | undefined): Promise<{ release: ReleaseFile; text: string; version: string }> {
    const url = this.url(RELEASE_KEY);
    const read = await this.read(RELEASE_KEY, MAX_RELEASE_FILE_BYTES);
    if (!read) throw new AppError('NOT_FOUND', `No release is saved at ${this.where} (there is no ${url}).`, { object: url });
    const parsed = parseReleaseFile(read.text);
    if (!parsed.ok)
      throw new AppError('INVALID_INPUT', `${releaseErrorsText(url, parsed.errors)}\nIt was left as it is.`, {
        file: url,
        line: parsed.errors[0]?.line ?? null,
      });
    if (application !== undefined && parsed.release.application !== application) throw this.notThisRelease(application, parsed.release.application);
    this.application = parsed.release.application;
    this.lastRead = { etag: read.etag, revision: revisionOf(read.text) };
    return { release: parsed.release, text: read.text, version: read.etag };
  }

  /**
   * Saves the release file over the version read (`basedOn`, by default the one this store last read or wrote),
   * or only if the location has none yet. Refused, it is read again: if it now holds what this save meant to
   * write, the save is done; otherwise it is a conflict naming who saved it, and nothing was written over it.
   */
  async saveDefinition(release: ReleaseFile, o: { basedOn?: string | null } = {}): Promise<void> {
    if (this.application !== undefined && release.application !== this.application) throw this.notThisRelease(release.application, this.application);
    const basedOn = o.basedOn === undefined ? (this.lastRead?.etag ?? null) : o.basedOn;
    const body = stringifyReleaseFile(release);
    // Everyone sharing the release reads this object: one that would not read back is refused before it is written.
    const check = parseReleaseFile(body);
    if (!check.ok) throw new AppError('INVALID_INPUT', releaseErrorsText(this.url(RELEASE_KEY), check.errors), { file: this.url(RELEASE_KEY), line: null });
    let revision = (this.lastRead?.etag === basedOn ? this.lastRead.revision : 0) + 1;
    // A version this store did not read itself (the app passing the one it showed): its revision, and whether it
    // still stands, are asked first, so the revision written counts on from it.
    if (basedOn !== null && this.lastRead?.etag !== basedOn) {
      const now = await this.read(RELEASE_KEY, MAX_RELEASE_FILE_BYTES);
      if (now?.etag !== basedOn) throw this.definitionConflict(now, basedOn);
      revision = revisionOf(now.text) + 1;
    }
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const header = `# pipewright revision ${revision}, saved by ${this.writer.arn} on ${this.writer.host} at ${new Date().toISOString()}\n`;
      const r = await this.write(RELEASE_KEY, header + body, basedOn === null ? { ifNoneMatch: '*' } : { ifMatch: basedOn }, 'application/yaml; charset=utf-8');
      if (r.written) {
        this.application = release.application;
        this.lastRead = { etag: r.etag, revision };
        return;
      }
      this.retries.definition++;
      const now = await this.read(RELEASE_KEY, MAX_RELEASE_FILE_BYTES);
      const theirs = now ? parseReleaseFile(now.text) : null;
      // Already what this save meant (another writer made the same change, or this write landed and its answer was lost).
      if (now && theirs?.ok && stringifyReleaseFile(theirs.release) === body) {
        this.application = release.application;
        this.lastRead = { etag: now.etag, revision: revisionOf(now.text) };
        return;
      }
      // Unchanged (still the version this save was based on, or still none): the refusal was an operation in flight
      // (a 409), not another writer's save; again.
      if ((basedOn === null && !now) || (basedOn !== null && now?.etag === basedOn)) {
        await backoff(attempt);
        continue;
      }
      throw this.definitionConflict(now, basedOn);
    }
    throw this.gaveUp(this.url(RELEASE_KEY), 'release file');
  }

  /** The release file is not the version a save was based on: who saved what is there, and that nothing was written. */
  private definitionConflict(now: StoredObject | null, basedOn: string | null): AppError {
    const url = this.url(RELEASE_KEY);
    if (!now)
      return new AppError('CONFLICT', `${url} was removed since it was read; your change was not saved: save it as a new release if that is meant.`, {
        object: url,
        savedBy: null,
      });
    const h = HEADER.exec(now.text);
    const theirs = parseReleaseFile(now.text);
    const who = h ? `revision ${h[1]}, saved by ${h[2]} on ${h[3]} at ${h[4]}` : 'saved by a writer that did not sign it';
    return new AppError(
      'CONFLICT',
      basedOn === null
        ? `${url} already holds a release (${theirs.ok ? `${theirs.release.application}, ` : ''}${who}); it was not written over: open it instead.`
        : `${url} was changed since it was read (${who}); your change was not written over it: open it again and make your change there.`,
      { object: url, savedBy: h ? { revision: Number(h[1]), arn: h[2], host: h[3], at: h[4] } : null },
    );
  }

  private gaveUp(url: string, what: string): AppError {
    return new AppError(
      'CONFLICT',
      `The ${what} ${url} was not saved: ${ATTEMPTS} conditional writes in a row were refused while other writers changed it; nothing of this change was written. Try again.`,
      { object: url, attempts: ATTEMPTS },
    );
  }

  // ---- Promotions ------------------------------------------------------------------------------------------------

  /** A promotion object as stored; a damaged one is an error naming it, and nothing is ever written over it. */
  private parsePromotion(text: string, key: string, id: string): PromotionObject {
    const url = this.url(key);
    const damaged = (detail: string) =>
      new AppError('INVALID_INPUT', `${url} is damaged (${detail}); it was left as it is: repair it, or move it aside to start that promotion afresh.`, {
        object: url,
      });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw damaged(`not JSON: ${(err as Error).message}`);
    }
    const r = PromotionObject.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0];
      throw damaged(`${i.path.join('.') || 'the object'}: ${i.message}`);
    }
    if (r.data.promotion.id !== id) throw damaged(`it holds promotion ${r.data.promotion.id}, not ${id}`);
    return r.data;
  }

  /** Every promotion, newest first. One that cannot be read stops the read, named: it must never pass for "none running". */
  async promotions(application: string): Promise<Promotion[]> {
    await this.assertApplication(application);
    const keys = (await this.list(PROMOTIONS_DIR)).flatMap((k) => {
      const id = promotionIdOf(k.key);
      return id ? [{ key: k.key, id }] : [];
    });
    const limit = pLimit(READS_AT_ONCE);
    const read = await Promise.all(
      keys.map(({ key, id }) =>
        limit(async () => {
          const o = await this.read(key, MAX_PROMOTION_BYTES);
          // Listed, then gone: removed in between; it is no promotion any more.
          return o ? this.parsePromotion(o.text, key, id).promotion : null;
        }),
      ),
    );
    return read.filter((p): p is Promotion => p !== null).sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
  }

  async promotion(application: string, id: string): Promise<Promotion | undefined> {
    await this.assertApplication(application);
    const key = promotionKey(id);
    const o = await this.read(key, MAX_PROMOTION_BYTES);
    return o ? this.parsePromotion(o.text, key, id).promotion : undefined;
  }

  async savePromotion(p: Promotion): Promise<PromotionSaved<Promotion>> {
    const r = await this.changePromotion(p.application, p.id, () => p);
    return { promotion: r.promotion ?? p, written: r.written };
  }

  /**
   * Changes one promotion object: read, change, write If-Match the ETag read (If-None-Match: * for a new one).
   * Refused, the change is decided again from the object as it is then, so whatever another writer saved in
   * between is kept or judged (a finished promotion stays finished), never overwritten by an older copy.
   */
  async changePromotion(
    application: string,
    id: string,
    change: (saved: Promotion | undefined) => Promotion | null,
    o: { beforeWrite?: (next: Promotion) => Promise<void> } = {},
  ): Promise<PromotionSaved> {
    await this.assertApplication(application);
    const key = promotionKey(id);
    const url = this.url(key);
    let ourWrite: { id: string; promotion: Promotion } | null = null;
    let announced = false;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const read = await this.read(key, MAX_PROMOTION_BYTES);
      const stored = read ? this.parsePromotion(read.text, key, id) : null;
      // The last refusal was of a retry of this store's own write, which had landed: it is done.
      if (ourWrite && stored?.write === ourWrite.id) return { promotion: stored.promotion, written: true };
      const saved = stored?.promotion;
      const next = change(saved ? structuredClone(saved) : undefined);
      if (!next || (saved && !promotionStatusMayChange(saved.status, next.status))) return { promotion: saved, written: false };
      if (next.id !== id || next.application !== application)
        throw new AppError('INVALID_INPUT', `A change of promotion ${id} of ${application} returned promotion ${next.id} of ${next.application}.`);
      // Once: a change decided again after a refusal is the same step, already logged.
      if (!announced) {
        announced = true;
        await o.beforeWrite?.(next);
      }
      ourWrite = { id: randomUUID(), promotion: next };
      const object: PromotionObject = {
        version: 1,
        revision: (stored?.revision ?? 0) + 1,
        writtenAt: new Date().toISOString(),
        writtenBy: this.writer,
        write: ourWrite.id,
        promotion: next,
      };
      const r = await this.write(key, JSON.stringify(object, null, 1), read ? { ifMatch: read.etag } : { ifNoneMatch: '*' }, 'application/json');
      if (r.written) return { promotion: next, written: true };
      this.retries.promotion++;
      await backoff(attempt);
    }
    throw this.gaveUp(url, 'promotion');
  }

  // ---- A local release shared here (release-share.ts) ------------------------------------------------------------

  /**
   * Creates one promotion object of a local release being shared, only if absent. One already there (from this
   * share made before, since moved on by a promotion here) is left as it is: the shared copy is the truth now.
   */
  async importPromotion(p: Promotion): Promise<'written' | 'present'> {
    await this.assertApplication(p.application);
    const key = promotionKey(p.id);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const object: PromotionObject = {
        version: 1,
        revision: 1,
        writtenAt: new Date().toISOString(),
        writtenBy: this.writer,
        write: randomUUID(),
        promotion: p,
      };
      const r = await this.write(key, JSON.stringify(object, null, 1), { ifNoneMatch: '*' }, 'application/json');
      if (r.written) return 'written';
      const there = r.status === 412 ? await this.read(key, MAX_PROMOTION_BYTES) : null;
      if (there) {
        // Read to be sure it is a promotion: a damaged object there is named, not taken for this one.
        this.parsePromotion(there.text, key, p.id);
        return 'present';
      }
      this.retries.promotion++;
      await backoff(attempt);
    }
    throw this.gaveUp(this.url(key), 'promotion');
  }

  /**
   * Writes a local release's log as this location's first entries: entry i at sequence i, each created only if
   * absent, with a write id made from the entry and its place. A share made again (interrupted, or repeated) finds
   * its own entries there and skips them; a number holding any other entry means this location's log is not this
   * history, and the share stops there, naming it (the local log keeps everything, so nothing is lost).
   */
  importLog(application: string, entries: readonly ReleaseLogEntry[]): Promise<{ written: number; present: number }> {
    const run = this.appending.then(() => this.importEntries(application, entries));
    this.appending = run.catch(() => undefined);
    return run;
  }

  private async importEntries(application: string, entries: readonly ReleaseLogEntry[]): Promise<{ written: number; present: number }> {
    await this.assertApplication(application);
    let written = 0;
    let present = 0;
    for (const [i, entry] of entries.entries()) {
      const sequence = i + 1;
      const key = logKey(sequence);
      const write = `import-${createHash('sha256')
        .update(`${sequence}\n${JSON.stringify(entry)}`)
        .digest('hex')
        .slice(0, 32)}`;
      for (let attempt = 1; ; attempt++) {
        const r = await this.write(key, JSON.stringify({ version: 1, sequence, write, ...entry }), { ifNoneMatch: '*' }, 'application/json');
        if (r.written) {
          written++;
          break;
        }
        const there = r.status === 412 ? await this.read(key, MAX_LOG_ENTRY_BYTES) : null;
        if (there && writeIdOf(there.text) === write) {
          present++;
          break;
        }
        if (there)
          throw new AppError(
            'CONFLICT',
            `${this.url(key)} already holds another entry (written there since, or by another share), so the log at ${this.url(LOG_DIR)} does not continue this local history: ${written + present} of its ${entries.length} entries are there, the rest was not copied (the local log keeps all of it).`,
            { object: this.url(key), copied: written + present, entries: entries.length },
          );
        // Refused with nothing there (or a 409): the number is still free.
        this.retries.logRefused++;
        if (attempt >= ATTEMPTS) throw this.gaveUp(this.url(key), 'log entry');
        await backoff(attempt);
      }
      this.lastSequence = Math.max(this.lastSequence, sequence);
    }
    return { written, present };
  }

  // ---- The log ---------------------------------------------------------------------------------------------------

  /** The highest sequence number listed after the last one known (S3 lists in key order, and keys are zero-padded). */
  private async catchUp(): Promise<number> {
    const listed = await this.list(LOG_DIR, this.lastSequence ? logKey(this.lastSequence) : undefined);
    for (const k of listed) this.lastSequence = Math.max(this.lastSequence, logSequenceOf(k.key) ?? 0);
    return this.lastSequence;
  }

  /**
   * Appends one entry as log/<next sequence>.json, created only if absent. The number is the one after the highest
   * listed. Refused (412) with another writer's entry there, the entry moves on past it; refused with nothing
   * there (or with a 409), the same number is tried again: an entry is never written past a missing one.
   */
  log(application: string, entry: Omit<ReleaseLogEntry, 'at'>): Promise<ReleaseLogEntry> {
    const run = this.appending.then(() => this.append(application, entry));
    this.appending = run.catch(() => undefined);
    return run;
  }

  private async append(application: string, entry: Omit<ReleaseLogEntry, 'at'>): Promise<ReleaseLogEntry> {
    await this.assertApplication(application);
    const full: ReleaseLogEntry = { at: new Date().toISOString(), ...entry, by: this.writer };
    const write = randomUUID();
    let sequence = (await this.catchUp()) + 1;
    let refused = 0;
    let taken = 0;
    for (;;) {
      const key = logKey(sequence);
      const r = await this.write(key, JSON.stringify({ version: 1, sequence, write, ...full }), { ifNoneMatch: '*' }, 'application/json');
      if (r.written) {
        this.lastSequence = Math.max(this.lastSequence, sequence);
        return full;
      }
      const there = r.status === 412 ? await this.read(key, MAX_LOG_ENTRY_BYTES) : null;
      if (there) {
        if (writeIdOf(there.text) === write) {
          // This entry's own write, landed, its answer lost and the client's retry refused because of it.
          this.lastSequence = Math.max(this.lastSequence, sequence);
          return full;
        }
        this.retries.logTaken++;
        if (++taken > MAX_NUMBERS_TAKEN) break;
        this.lastSequence = Math.max(this.lastSequence, sequence);
        sequence = (await this.catchUp()) + 1;
        continue;
      }
      // Refused with no entry there (or a 409: an operation in flight on the key): the number is still free.
      this.retries.logRefused++;
      if (++refused >= ATTEMPTS) break;
      await backoff(refused);
    }
    throw new AppError(
      'CONFLICT',
      `The release log at ${this.url(LOG_DIR)} was not written: ${refused >= ATTEMPTS ? `${ATTEMPTS} creates were refused with the number free (last: ${this.url(logKey(sequence))})` : `${MAX_NUMBERS_TAKEN} numbers were taken by other writers in turn`}. The entry was: ${full.message}`,
      { object: this.url(logKey(sequence)) },
    );
  }

  /**
   * The log, newest last: each entry object in sequence order. An object that is not an entry, or a number
   * missing below the last, is an `unreadable` entry naming the object where it stands, never left out.
   */
  async history(application: string, limit = 500): Promise<ReleaseLogEntry[]> {
    await this.assertApplication(application);
    const listed = await this.list(LOG_DIR);
    const numbered = listed.flatMap((k) => {
      const n = logSequenceOf(k.key);
      return n === null ? [] : [n];
    });
    const missing = new Map(logGaps(numbered).map(([first, last]) => [last + 1, [first, last] as const]));
    type Slot = { kind: 'object'; key: string; lastModifiedMs: number | null } | { kind: 'gap'; first: number; last: number };
    const slots: Slot[] = [];
    for (const k of listed) {
      const n = logSequenceOf(k.key);
      const gap = n === null ? undefined : missing.get(n);
      if (gap) slots.push({ kind: 'gap', first: gap[0], last: gap[1] });
      slots.push({ kind: 'object', ...k });
    }
    const shown = slots.slice(-limit);
    const readAll = pLimit(READS_AT_ONCE);
    // A read that fails (after the client's retries) fails the history: it is no damage to show as an entry. An
    // object too big to be an entry is one, though.
    const readEntry = async (key: string): Promise<StoredObject | 'too large' | null> => {
      try {
        return await this.read(key, MAX_LOG_ENTRY_BYTES);
      } catch (err) {
        if (tooLarge(err)) return 'too large';
        throw err;
      }
    };
    const texts = await Promise.all(shown.map((s) => (s.kind === 'object' ? readAll(() => readEntry(s.key)) : Promise.resolve(null))));
    const entries: ReleaseLogEntry[] = [];
    for (const [i, s] of shown.entries()) {
      const previousAt = entries.at(-1)?.at ?? '';
      if (s.kind === 'gap') {
        const from = this.url(logKey(s.first));
        const what = s.first === s.last ? `${from} is missing` : `${from} to ${logKey(s.last)} are missing`;
        entries.push(unreadable(previousAt, `${what}: the log has a gap there (removed since it was written?).`));
        continue;
      }
      const url = this.url(s.key);
      const at = s.lastModifiedMs === null ? previousAt : new Date(s.lastModifiedMs).toISOString();
      const o = texts[i];
      if (o === null) entries.push(unreadable(at, `${url} was listed, then was gone when read.`));
      else if (o === 'too large') entries.push(unreadable(at, notAnEntry(url, `over ${MAX_LOG_ENTRY_BYTES} bytes`)));
      else if (logSequenceOf(s.key) === null) entries.push(unreadable(at, notAnEntry(url, 'not the name of one')));
      else {
        const parsed = parseJson(o.text);
        const r = parsed.ok ? LogObject.safeParse(parsed.value) : null;
        if (r?.success) {
          const { version: _v, sequence: _s, write: _w, ...e } = r.data;
          entries.push(e);
        } else entries.push(unreadable(at, notAnEntry(url, parsed.ok ? 'not the shape of one' : 'not JSON')));
      }
    }
    return entries;
  }
}

const revisionOf = (text: string): number => Number(HEADER.exec(text)?.[1] ?? 0);

function unreadable(at: string, message: string): ReleaseLogEntry {
  return { at, promotionId: null, environment: null, event: 'unreadable', message };
}

const notAnEntry = (url: string, why: string) => `${url} is not a log entry (${why}); it is kept as it is.`;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function writeIdOf(text: string): string | null {
  const parsed = parseJson(text);
  const write = parsed.ok && parsed.value && typeof parsed.value === 'object' ? (parsed.value as { write?: unknown }).write : null;
  return typeof write === 'string' ? write : null;
}
