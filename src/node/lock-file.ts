// One holder at a time, across processes (the app, the CLI, a second terminal), for
// work that two runners would do twice: a cleanup plan, a promotion. The lock is a
// file created with O_EXCL (only one create can succeed), naming its holder: the
// program, pid, host, when it started, and until when it stands (its heartbeat,
// moved on by refresh()). A crashed holder's lock is taken over, never a live one's:
// - on this host, the holder's pid is asked: the lock stands while that process
//   lives, whatever its expiry (a laptop waking from sleep has an old heartbeat but
//   a live run), and goes the moment it is gone (kill -9, then run again). A live pid
//   may be another process's, though, so two holders are gone whatever their pid says:
//   one that started before this machine last booted (a crash, then a reboot), and one
//   whose heartbeat stopped ABANDONED_AFTER_TTLS expiries ago (a live holder refreshes
//   every third of one, and within a third of one of waking);
// - from another host (a shared home), or another pid namespace on this one (containers
//   that share a hostname), the pid means nothing here: the lock stands until its
//   heartbeat expires.
// Taking over is itself exclusive (a `.takeover` file), so two runners finding the
// same stale lock never both take it; refresh() and release() hold the same guard,
// so neither overwrites nor removes a lock taken over while they looked at it.
// Only a regular file is a lock: anything else at the path (a directory, a FIFO, a
// symbolic link) is refused by name, never read and never removed.
import { randomUUID } from 'node:crypto';
import { constants, readlinkSync, type Stats } from 'node:fs';
import { lstat, mkdir, open, readFile, readlink, rm } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file';

const Holder = z.looseObject({
  program: z.string(),
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.string(),
  expiresAt: z.string().refine((s) => !Number.isNaN(Date.parse(s))),
  token: z.string(),
  /** The holder's pid namespace, where the system has them (Linux): a pid from another one names nothing here. */
  pidNamespace: z.string().optional(),
});
/** Who holds a lock, as its file says (and whatever else the holder put there). */
export type LockHolder = z.infer<typeof Holder>;

/** "cli (pid 4242 on build-box, since 2026-…)": the holder as a person reads it. */
export function describeHolder(h: LockHolder): string {
  return `${h.program} (pid ${h.pid} on ${h.host}, since ${h.startedAt})`;
}

/** Someone else holds the lock; `holder` is null when its file could not be read (being written, or damaged). */
export class LockHeldError extends Error {
  override name = 'LockHeldError';
  constructor(
    readonly path: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder
        ? `${path} is held by ${describeHolder(holder)}.`
        : `${path} is held, by a holder its file does not name (being written, or damaged): if no Pipewright is running, remove it.`,
    );
  }
}

/** refresh() found the lock gone or another's: whatever it guarded must stop. */
export class LockLostError extends Error {
  override name = 'LockLostError';
  constructor(
    readonly path: string,
    readonly holder: LockHolder | null,
  ) {
    super(holder ? `${path} was taken over by ${describeHolder(holder)}.` : `${path} was removed while held.`);
  }
}

/** Something other than a regular file is at the lock's path: it is named, never read (a FIFO would block) or removed. */
export class NotALockFileError extends Error {
  override name = 'NotALockFileError';
  constructor(
    readonly path: string,
    readonly what: string,
  ) {
    super(`${path} is ${what}, not a lock file, so the lock cannot be taken: move it away (only a regular file is ever put there).`);
  }
}

export interface HeldLock {
  readonly holder: LockHolder;
  /** Moves the expiry on (the heartbeat); throws LockLostError if the lock is no longer this holder's. */
  refresh(): Promise<void>;
  /** Removes the lock if it is still this holder's. */
  release(): Promise<void>;
}

/** A takeover left by a runner that crashed mid-takeover is removed after this long. */
const TAKEOVER_GRACE_MS = 10_000;
const ATTEMPTS = 20;
/** How long to wait for a holder caught between its create and its write before looking again. */
const MID_WRITE_MS = 25;
/** How many times refresh() and release() look for the takeover guard to be free (MID_WRITE_MS apart): a takeover holds it for a read and a remove. */
const GUARD_ATTEMPTS = 40;
/** A holder on this host whose heartbeat stopped this many expiries ago is gone, even if a process has its pid. */
export const ABANDONED_AFTER_TTLS = 10;
/** Started this long before the boot to count as started before it: the clock may be set at boot. */
const BOOT_SLACK_MS = 5 * 60_000;
/** A holder's JSON is a few hundred bytes; a file beyond this is not one a holder wrote. */
const MAX_LOCK_BYTES = 64 * 1024;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let ownPidNamespace: string | null | undefined;
/** This process's pid namespace ("pid:[4026531836]"), or null where there is none to read. */
function pidNamespace(): string | null {
  if (ownPidNamespace === undefined)
    try {
      ownPidNamespace = readlinkSync('/proc/self/ns/pid');
    } catch {
      ownPidNamespace = null;
    }
  return ownPidNamespace;
}

/** Whether the holder's pid can be asked here: this host, and the same pid namespace when both say which. */
function pidsComparable(h: Pick<LockHolder, 'host' | 'pidNamespace'>): boolean {
  if (h.host !== hostname()) return false;
  const ours = pidNamespace();
  return h.pidNamespace === undefined || ours === null || h.pidNamespace === ours;
}

interface Found {
  text: string;
  holder: LockHolder | null;
  mtimeMs: number;
}

function whatItIs(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

async function notALockFile(path: string, st: Stats): Promise<NotALockFileError> {
  const target = st.isSymbolicLink() ? await readlink(path).catch(() => null) : null;
  return new NotALockFileError(path, target === null ? whatItIs(st) : `a symbolic link (to ${target})`);
}

async function readLock(path: string): Promise<Found | null> {
  // Looked at before it is opened: a FIFO would block the read, a directory cannot be read, and a
  // symbolic link (a dangling one is never "gone") is not what a holder creates.
  let seen: Stats;
  try {
    seen = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (!seen.isFile()) throw await notALockFile(path, seen);
  let handle;
  try {
    // Non-blocking and not following a link, for whatever was swapped in since the lstat; the handle is checked again.
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new NotALockFileError(path, 'a symbolic link');
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new NotALockFileError(path, whatItIs(st));
    const buffer = Buffer.alloc(MAX_LOCK_BYTES);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    const text = buffer.toString('utf8', 0, length);
    let holder: LockHolder | null = null;
    try {
      const parsed = Holder.safeParse(JSON.parse(text));
      if (parsed.success) holder = parsed.data;
    } catch {
      // Not JSON: a holder between its create and its write, or a damaged file.
    }
    return { text, holder, mtimeMs: st.mtimeMs };
  } finally {
    await handle.close();
  }
}

/** Whether a found lock may be taken over now (see the top of this file). */
function stale(found: Found, now: number, ttlMs: number): boolean {
  const h = found.holder;
  // An unreadable lock is a holder mid-write while young; past the expiry it is debris.
  if (!h) return now - found.mtimeMs > ttlMs;
  const expiry = Date.parse(h.expiresAt);
  if (!pidsComparable(h)) return expiry < now;
  // os.uptime counts time asleep, so a laptop's sleep never moves the boot past a live holder's start.
  const bootedAt = now - uptime() * 1000;
  if (Date.parse(h.startedAt) < bootedAt - BOOT_SLACK_MS) return true;
  if (now - expiry > ABANDONED_AFTER_TTLS * ttlMs) return true;
  return !alive(h.pid);
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(path, { force: true });
    throw err;
  }
  await handle.close();
  return true;
}

/** Whether the guard at `guard` was left by a process that has died on this host (killed mid-refresh, say). */
async function guardTakerGone(guard: string): Promise<boolean> {
  const text = await readFile(guard, 'utf8').catch(() => '');
  let taker: { host?: unknown; pid?: unknown; pidNamespace?: unknown };
  try {
    taker = JSON.parse(text) as typeof taker;
  } catch {
    return false;
  }
  if (typeof taker.pid !== 'number' || typeof taker.host !== 'string') return false;
  const comparable = pidsComparable({ host: taker.host, pidNamespace: typeof taker.pidNamespace === 'string' ? taker.pidNamespace : undefined });
  return comparable && !alive(taker.pid);
}

/** Takes the takeover guard of the lock at `path` if it is free (clearing one its taker left behind). */
async function tryGuard(path: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  const taker = JSON.stringify({ host: hostname(), pid: process.pid, pidNamespace: pidNamespace() ?? undefined });
  if (await createExclusive(guard, taker)) return true;
  const st = await lstat(guard).catch(() => null);
  if (st && !st.isFile()) throw await notALockFile(guard, st);
  // A taker killed while it held the guard (refresh() runs before every start) would otherwise
  // block every runner for the grace: on this host, a dead taker's guard goes at once.
  if (st && (Date.now() - st.mtimeMs > TAKEOVER_GRACE_MS || (await guardTakerGone(guard)))) await rm(guard, { force: true });
  return false;
}

const dropGuard = (path: string) => rm(`${path}.takeover`, { force: true });

/** Removes the stale lock `seen`, unless another runner is taking it over or it changed meanwhile. */
async function takeOver(path: string, seen: Found): Promise<void> {
  if (!(await tryGuard(path))) return;
  try {
    const now = await readLock(path);
    if (now?.text === seen.text) await rm(path, { force: true });
  } finally {
    await dropGuard(path);
  }
}

/**
 * Runs `op` holding the takeover guard. A lock is removed only by its holder or by a takeover, and a
 * takeover only under this guard; a new holder can create the file only once it is gone. So while
 * the guard is held, a lock read as this holder's stays this holder's until `op` has written or
 * removed it: what it read is still true when it acts. (A guard held past TAKEOVER_GRACE_MS is taken
 * for a crashed taker's; a read and a write take milliseconds.)
 */
async function underGuard<T>(path: string, op: () => Promise<T>): Promise<T> {
  for (let attempt = 1; !(await tryGuard(path)); attempt++) {
    if (attempt >= GUARD_ATTEMPTS) throw new Error(`${path}.takeover stayed in place: a takeover of ${path} is under way, or its taker hung.`);
    await delay(MID_WRITE_MS);
  }
  try {
    return await op();
  } finally {
    await dropGuard(path);
  }
}

/**
 * Takes the lock at `path` for `holder` (its program, and anything else worth naming),
 * standing `ttlMs` past each refresh. Throws LockHeldError naming the holder when
 * another live one has it.
 */
export async function acquireLock(path: string, holder: { program: string } & Record<string, unknown>, opts: { ttlMs: number }): Promise<HeldLock> {
  const mine: LockHolder = {
    ...holder,
    program: holder.program,
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + opts.ttlMs).toISOString(),
    token: randomUUID(),
    ...(pidNamespace() === null ? {} : { pidNamespace: pidNamespace()! }),
  };
  await mkdir(dirname(path), { recursive: true });
  let last: Found | null = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(path, JSON.stringify(mine))) return held(path, mine, opts.ttlMs);
    last = await readLock(path);
    // Gone since the create failed: try again.
    if (!last) continue;
    if (stale(last, Date.now(), opts.ttlMs)) await takeOver(path, last);
    else if (last.holder) throw new LockHeldError(path, last.holder);
    // Unreadable and young: most likely its holder is writing it right now.
    else await delay(MID_WRITE_MS);
  }
  throw new LockHeldError(path, last?.holder ?? null);
}

function held(path: string, mine: LockHolder, ttlMs: number): HeldLock {
  let released = false;
  // One file operation at a time: a refresh still writing when release() runs would
  // otherwise put the lock back after it was removed.
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(op: () => Promise<T>): Promise<T> => {
    const next = queue.then(op, op);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    holder: mine,
    refresh: () =>
      inTurn(async () => {
        if (released) return;
        await underGuard(path, async () => {
          const now = await readLock(path);
          if (now?.holder?.token !== mine.token) throw new LockLostError(path, now?.holder ?? null);
          mine.expiresAt = new Date(Date.now() + ttlMs).toISOString();
          await writeFileAtomic(path, JSON.stringify(mine));
        });
      }),
    release: () =>
      inTurn(async () => {
        if (released) return;
        released = true;
        await underGuard(path, async () => {
          if ((await readLock(path))?.holder?.token === mine.token) await rm(path, { force: true });
        });
      }),
  };
}

/** `inTurn` waited longer than it may for a holder that kept the lock (a change elsewhere takes milliseconds). */
export class LockWaitError extends Error {
  override name = 'LockWaitError';
  constructor(
    readonly path: string,
    readonly waitedMs: number,
    readonly held: LockHeldError,
  ) {
    super(`${held.message} It has been held for over ${waitedMs / 1000} s.`);
  }
}

const runsInTurn = new Map<string, Promise<unknown>>();

/**
 * One read-change-write of a shared file at a time: runs `run` after every run on `lockPath`
 * already under way in this process, holding the lock against other processes (the app and
 * the CLI share a home). Without both, two changes each read the file and the second write
 * drops the first's. Another process's holder is waited for with a short, growing, jittered
 * pause, for at most `waitMs`, then named (LockWaitError).
 */
export function inTurn<T>(lockPath: string, program: string, run: () => Promise<T>, opts: { ttlMs?: number; waitMs?: number } = {}): Promise<T> {
  const { ttlMs = 10_000, waitMs = 15_000 } = opts;
  const before = runsInTurn.get(lockPath) ?? Promise.resolve();
  const mine = before.then(async () => {
    const lock = await holdWaiting(lockPath, program, ttlMs, waitMs);
    try {
      return await run();
    } finally {
      await lock.release().catch(() => undefined);
    }
  });
  const settled = mine.catch(() => undefined);
  runsInTurn.set(lockPath, settled);
  void settled.then(() => {
    if (runsInTurn.get(lockPath) === settled) runsInTurn.delete(lockPath);
  });
  return mine;
}

async function holdWaiting(path: string, program: string, ttlMs: number, waitMs: number): Promise<HeldLock> {
  const deadline = Date.now() + waitMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      return await acquireLock(path, { program }, { ttlMs });
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
      if (Date.now() >= deadline) throw new LockWaitError(path, waitMs, err);
      // Jittered, so two waiting processes do not keep retrying in step.
      await delay(pause / 2 + Math.random() * pause);
    }
  }
}
