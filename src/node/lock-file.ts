// One holder at a time, across processes (the app, the CLI, a second terminal), for
// work that two runners would do twice: a cleanup plan, a promotion. The lock is a
// file created with O_EXCL (only one create can succeed), naming its holder: the
// program, pid, host, when it started, and until when it stands (its heartbeat,
// moved on by refresh()). A crashed holder's lock is taken over, never a live one's:
// - on this host, the holder's pid is asked: the lock stands while that process
//   lives, whatever its expiry (a laptop waking from sleep has an old heartbeat but
//   a live run), and goes the moment it is gone (kill -9, then run again);
// - from another host (a shared home) the pid means nothing here: the lock stands
//   until its heartbeat expires.
// Taking over is itself exclusive (a `.takeover` file), so two runners finding the
// same stale lock never both take it.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Found {
  text: string;
  holder: LockHolder | null;
  mtimeMs: number;
}

async function readLock(path: string): Promise<Found | null> {
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: LockHolder | null = null;
    try {
      const parsed = Holder.safeParse(JSON.parse(text));
      if (parsed.success) holder = parsed.data;
    } catch {
      // Not JSON: a holder between its create and its write, or a damaged file.
    }
    return { text, holder, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Whether a found lock may be taken over now (see the top of this file). */
function stale(found: Found, now: number, ttlMs: number): boolean {
  const h = found.holder;
  // An unreadable lock is a holder mid-write while young; past the expiry it is debris.
  if (!h) return now - found.mtimeMs > ttlMs;
  if (h.host === hostname()) return !alive(h.pid);
  return Date.parse(h.expiresAt) < now;
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

/** Removes the stale lock `seen`, unless another runner is taking it over or it changed meanwhile. */
async function takeOver(path: string, seen: Found): Promise<void> {
  const guard = `${path}.takeover`;
  if (!(await createExclusive(guard, String(process.pid)))) {
    const st = await stat(guard).catch(() => null);
    if (st && Date.now() - st.mtimeMs > TAKEOVER_GRACE_MS) await rm(guard, { force: true });
    return;
  }
  try {
    const now = await readLock(path);
    if (now?.text === seen.text) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
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
        const now = await readLock(path);
        if (now?.holder?.token !== mine.token) throw new LockLostError(path, now?.holder ?? null);
        mine.expiresAt = new Date(Date.now() + ttlMs).toISOString();
        await writeFileAtomic(path, JSON.stringify(mine));
      }),
    release: () =>
      inTurn(async () => {
        if (released) return;
        released = true;
        if ((await readLock(path))?.holder?.token === mine.token) await rm(path, { force: true });
      }),
  };
}
