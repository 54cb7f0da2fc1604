// Node-only helpers that the main process and the sandbox share (neither imports the other).
// A lock held across processes (the app and the CLI sharing a home) by a file created with
// O_EXCL: only one creator can succeed, and the file names its holder (who, pid, host, since)
// so a refused attempt can say who to wait for. A holder that crashed leaves the file behind:
// it is taken over once its expiry has passed, or at once when its pid is dead on this host.
import { promises as fs } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic-file';

export interface LockHolder {
  /** Who holds it, as a person would name it: "pipewright cli", "the Pipewright app". */
  name: string;
  pid: number;
  host: string;
  /** When it was taken (ISO). */
  since: string;
  /** When it lapses unless refreshed (ISO). */
  expiresAt: string;
  /** This holding, told apart from every other: release and refresh touch only their own. */
  token: string;
}

export interface HeldLock {
  readonly holder: LockHolder;
  /** Gives the lock up (only if it is still this holding's). Safe to call twice. */
  release(): Promise<void>;
  /** Pushes the expiry ttlMs ahead; throws LockLostError when another process took it over meanwhile. */
  refresh(): Promise<void>;
}

/** "pipewright cli (pid 1234 on build-7) since 12:01:09" */
export function describeHolder(h: LockHolder): string {
  const since = new Date(h.since);
  const at = Number.isNaN(since.getTime()) ? 'an unknown time' : since.toTimeString().slice(0, 8);
  return `${h.name} (pid ${h.pid || '?'} on ${h.host || 'an unknown host'}) since ${at}`;
}

export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {
    super(`${path} is held by ${describeHolder(holder)}.`);
    this.name = 'LockHeldError';
  }
}

export class LockLostError extends Error {
  constructor(readonly path: string) {
    super(`${path} was taken over by another process: this one no longer holds it.`);
    this.name = 'LockLostError';
  }
}

/** A crash between taking the takeover guard and dropping it leaves the guard: it is cleared after this long. */
const GUARD_STALE_MS = 5_000;
const ATTEMPTS = 20;
const RETRY_MS = 25;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(h: LockHolder, now: number): boolean {
  const expires = Date.parse(h.expiresAt);
  if (!Number.isFinite(expires) || expires <= now) return true;
  return h.host === hostname() && !pidAlive(h.pid);
}

function parseHolder(text: string): LockHolder | null {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (
      typeof v.name === 'string' &&
      typeof v.pid === 'number' &&
      typeof v.host === 'string' &&
      typeof v.since === 'string' &&
      typeof v.expiresAt === 'string' &&
      typeof v.token === 'string'
    )
      return v as LockHolder;
  } catch {
    // not JSON: a torn write, handled by the caller
  }
  return null;
}

type Seen = { kind: 'missing' } | { kind: 'holder'; holder: LockHolder } | { kind: 'unreadable'; mtimeMs: number };

async function readLock(path: string): Promise<Seen> {
  try {
    const [text, st] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
    const holder = parseHolder(text);
    return holder ? { kind: 'holder', holder } : { kind: 'unreadable', mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
}

/** Creates the file only if there is none (O_CREAT | O_EXCL), with the holder written and synced. */
async function create(path: string, holder: LockHolder): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(path, { force: true });
    throw err;
  }
  await handle.close();
  return true;
}

/**
 * Removes a stale lock, but only the one judged stale: two processes that both saw it stale must not
 * have the slower one delete the lock the faster one has just created. The re-read and the removal
 * happen under a guard file (itself O_EXCL), so only one process at a time does them.
 */
async function removeStale(path: string, stale: { token: string } | { mtimeMs: number }): Promise<void> {
  const guard = `${path}.takeover`;
  let guardHandle: fs.FileHandle;
  try {
    guardHandle = await fs.open(guard, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const st = await fs.stat(guard).catch(() => null);
    if (st && Date.now() - st.mtimeMs > GUARD_STALE_MS) await fs.rm(guard, { force: true });
    return; // another process is taking it over: look again
  }
  try {
    await guardHandle.close();
    const now = await readLock(path);
    const same = 'token' in stale ? now.kind === 'holder' && now.holder.token === stale.token : now.kind === 'unreadable' && now.mtimeMs === stale.mtimeMs;
    if (same) await fs.rm(path, { force: true });
  } finally {
    await fs.rm(guard, { force: true });
  }
}

/** What is known of a lock file that could not be read (a holder killed while writing it). */
function unknownHolder(mtimeMs: number, ttlMs: number): LockHolder {
  return {
    name: 'an unknown process',
    pid: 0,
    host: '',
    since: new Date(mtimeMs).toISOString(),
    expiresAt: new Date(mtimeMs + ttlMs).toISOString(),
    token: '',
  };
}

/**
 * Takes the lock at `path` for `holder`, or throws LockHeldError naming who has it.
 * It lapses after `ttlMs` unless refreshed, so a holder that hangs or dies does not block
 * forever; a holder on this host whose pid is gone is taken over at once.
 */
export async function acquireLock(path: string, holder: string, o: { ttlMs: number }): Promise<HeldLock> {
  await fs.mkdir(dirname(path), { recursive: true });
  const since = new Date();
  const mine: LockHolder = {
    name: holder,
    pid: process.pid,
    host: hostname(),
    since: since.toISOString(),
    expiresAt: new Date(since.getTime() + o.ttlMs).toISOString(),
    token: randomUUID(),
  };
  let last: LockHolder | null = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await create(path, mine)) return heldLock(path, mine, o.ttlMs);
    const seen = await readLock(path);
    if (seen.kind === 'missing') continue; // released between our create and our read
    const now = Date.now();
    if (seen.kind === 'holder') {
      last = seen.holder;
      if (!isStale(seen.holder, now)) throw new LockHeldError(path, seen.holder);
      await removeStale(path, { token: seen.holder.token });
    } else {
      // Empty or torn: most likely its creator is writing it right now; it is stale only once a whole ttl has passed.
      last = unknownHolder(seen.mtimeMs, o.ttlMs);
      if (now - seen.mtimeMs > o.ttlMs) await removeStale(path, { mtimeMs: seen.mtimeMs });
      else await sleep(RETRY_MS);
    }
  }
  throw new LockHeldError(path, last ?? unknownHolder(Date.now(), o.ttlMs));
}

function heldLock(path: string, holder: LockHolder, ttlMs: number): HeldLock {
  let current = holder;
  let released = false;
  return {
    get holder() {
      return current;
    },
    async release() {
      if (released) return;
      released = true;
      const seen = await readLock(path);
      if (seen.kind === 'holder' && seen.holder.token === current.token) await fs.rm(path, { force: true });
    },
    async refresh() {
      const seen = await readLock(path);
      if (released || seen.kind !== 'holder' || seen.holder.token !== current.token) throw new LockLostError(path);
      const next = { ...current, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
      // Replaced whole (rename), so a reader never sees a half-written holder.
      await writeFileAtomic(path, JSON.stringify(next));
      current = next;
    },
  };
}
