// One promotion at a time per application: `promote` reads the running promotions, makes
// several AWS calls, then saves and starts. Two promotes in that window (two clicks, the app
// and the CLI sharing a home) would both start every pipeline. The check, the save and the
// starts are held by an in-process lock and a lock file beside promotions.json; a second
// attempt is refused, told who holds it.
import { hostname } from 'node:os';
import { AppError } from '../../shared/api/errors';
import { acquireLock, describeHolder, LockHeldError, type HeldLock, type LockHolder } from '../../node/lock-file';

/** Long enough for a slow check under the call budget; refreshed while held, so only a holder that hangs or dies lets it lapse. */
const TTL_MS = 2 * 60_000;

export class PromotionLocks {
  /** Held in this process, by application. The lock file alone would do, but this refuses without touching the disk. */
  private held = new Map<string, LockHolder>();

  constructor(
    private lockPath: (application: string) => string,
    private holderName: string,
    private ttlMs = TTL_MS,
  ) {}

  async hold<T>(application: string, run: () => Promise<T>): Promise<T> {
    const inProcess = this.held.get(application);
    if (inProcess) throw busy(application, inProcess);
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
      lock = await acquireLock(this.lockPath(application), { program: this.holderName }, { ttlMs: this.ttlMs });
    } catch (err) {
      this.held.delete(application);
      if (err instanceof LockHeldError) throw busy(application, err.holder);
      throw err;
    }
    this.held.set(application, lock.holder);
    const keepAlive = setInterval(() => void lock.refresh().catch(() => undefined), this.ttlMs / 3);
    keepAlive.unref();
    try {
      return await run();
    } finally {
      clearInterval(keepAlive);
      this.held.delete(application);
      await lock.release().catch(() => undefined);
    }
  }
}

function busy(application: string, holder: LockHolder | null): AppError {
  // A null holder: the lock file is being written or is damaged; it lapses after its ttl.
  const who = holder ? describeHolder(holder) : 'another Pipewright (its lock file does not say which)';
  return new AppError('CONFLICT', `${application} is being promoted by ${who}; try again when it finishes.`, { holder });
}

/** The refusal above: another process holds the promotion (the CLI exits "stopped", not "bad input"). */
export const promotionHeld = (e: AppError): boolean => e.code === 'CONFLICT' && typeof e.details === 'object' && e.details !== null && 'holder' in e.details;
