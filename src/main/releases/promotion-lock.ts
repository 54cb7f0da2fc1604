// One promotion at a time per application: `promote` reads the running promotions, makes
// several AWS calls, then saves and starts. Two promotes in that window (two clicks, the app
// and the CLI sharing a home) would both start every pipeline. The check, the save and the
// starts are held by an in-process lock and a lock file beside promotions.json; a second
// attempt is refused, told who holds it and where its lock file is. A promotion whose lock
// was taken over (it looked dead to another process) stops before it saves or starts anything more.
import { hostname } from 'node:os';
import { AppError } from '../../shared/api/errors';
import type { LeaseHolder } from '../../shared/releases/lease';
import { acquireLock, describeHolder, LockHeldError, LockLostError, NotALockFileError, type HeldLock, type LockHolder } from '../../node/lock-file';

/** Long enough for a slow check under the call budget; refreshed while held, so only a holder that hangs or dies lets it lapse. */
const TTL_MS = 2 * 60_000;

/** What the promotion holding the lock asks before each step that must not happen twice. */
export interface PromotionLease {
  /** Moves the lock's heartbeat on if it is still this promotion's; else throws CONFLICT naming who took it and the lock file. */
  assertHeld(): Promise<void>;
  /**
   * A shared release's lease taken over from a holder that stopped renewing it (a crashed laptop, a killed CLI):
   * who that was. The runner logs it before resuming that holder's promotion from its saved tokens.
   */
  readonly tookOver?: { holder: LeaseHolder; startedAt: string; heartbeatAt: string } | null;
}

export class PromotionLocks {
  /** Held in this process, by application. The lock file alone would do, but this refuses without touching the disk. */
  private held = new Map<string, LockHolder>();

  constructor(
    private lockPath: (application: string) => string,
    private holderName: string,
    private ttlMs = TTL_MS,
  ) {}

  async hold<T>(application: string, run: (lease: PromotionLease) => Promise<T>): Promise<T> {
    const path = this.lockPath(application);
    const inProcess = this.held.get(application);
    if (inProcess) throw busy(application, inProcess, path);
    // Claimed before the first await, so a second call in this process sees it at once.
    const claim: LockHolder = {
      program: this.holderName,
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      expiresAt: '',
      token: '',
    };
    this.held.set(application, claim);
    let lock: HeldLock;
    try {
      lock = await acquireLock(path, { program: this.holderName }, { ttlMs: this.ttlMs });
    } catch (err) {
      this.held.delete(application);
      if (err instanceof LockHeldError) throw busy(application, err.holder, path);
      if (err instanceof NotALockFileError) throw new AppError('CONFLICT', err.message, { lockFile: path });
      throw err;
    }
    this.held.set(application, lock.holder);
    // Set by a heartbeat or a check that found the lock another's: from then on, nothing more is started.
    let lostTo: LockLostError | undefined;
    const noteLoss = (err: unknown) => {
      if (!(err instanceof LockLostError)) throw err;
      lostTo ??= err;
    };
    const keepAlive = setInterval(() => {
      // A refresh that could not write is tried again at the next beat (and by the next assertHeld).
      void lock.refresh().catch((err: unknown) => {
        if (err instanceof LockLostError) lostTo ??= err;
      });
    }, this.ttlMs / 3);
    keepAlive.unref();
    const lease: PromotionLease = {
      assertHeld: async () => {
        // Refreshed, not only read: a lock fresh for a whole ttl cannot look dead to anyone during the step that follows.
        if (!lostTo) await lock.refresh().catch(noteLoss);
        if (lostTo) throw lost(application, lostTo, path);
      },
    };
    try {
      return await run(lease);
    } finally {
      clearInterval(keepAlive);
      this.held.delete(application);
      // A lock taken over is left to its new holder (release() checks whose it is).
      await lock.release().catch(() => undefined);
    }
  }
}

function busy(application: string, holder: LockHolder | null, lockFile: string): AppError {
  // A null holder: the lock file is being written or is damaged; it lapses after its ttl.
  const who = holder ? describeHolder(holder) : 'another Pipewright (its lock file does not say which)';
  return new AppError('CONFLICT', `${application} is being promoted by ${who}; try again when it finishes (lock file: ${lockFile}).`, { holder, lockFile });
}

function lost(application: string, err: LockLostError, lockFile: string): AppError {
  const how = err.holder ? `was taken over by ${describeHolder(err.holder)}` : 'was removed';
  return new AppError(
    'CONFLICT',
    `The promotion of ${application} stopped: its lock file ${lockFile} ${how} while it ran, so it starts nothing more. What it started keeps running; promote again to go on (nothing starts twice).`,
    { holder: err.holder, lockFile },
  );
}

/** The refusals above: another process holds the promotion, or took it over (the CLI exits "stopped", not "bad input"). */
export const promotionHeld = (e: AppError): boolean => e.code === 'CONFLICT' && typeof e.details === 'object' && e.details !== null && 'holder' in e.details;
