// The lock file on its own: one holder at a time, the holder named to whoever is
// refused, and a crashed holder's lock taken over (on this host when its pid is
// gone, from another host once its heartbeat expired), never a live one's.
//
// Red-team findings 7 and 9 (issue 23, items 2 and 11): "a dead holder whose pid has
// been reused holds the lock forever: lock file with this host, pid 1, expiresAt 2020
// → LockHeldError forever"; "refresh() and release() read then write/remove without a
// guard, so they can overwrite or delete a new holder's lock"; "an odd file at the lock
// path: a FIFO hangs acquireLock, a directory gives raw EISDIR, a dangling symlink is
// 'held' and never goes stale". Now a holder that started before this machine booted,
// or whose heartbeat stopped ten expiries ago, is gone whatever its pid; a holder in
// another pid namespace is judged by its heartbeat; refresh and release hold the
// takeover guard; and anything but a regular file at the path is refused by name.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import {
  ABANDONED_AFTER_TTLS,
  acquireLock,
  describeHolder,
  inTurn,
  LockHeldError,
  LockLostError,
  LockWaitError,
  NotALockFileError,
  type LockHolder,
} from './lock-file';

// What another runner does at the moment this one writes or removes the lock: the interleavings refresh and release must survive.
const fsHooks = vi.hoisted(() => ({ beforeRename: null as null | ((to: string) => void), beforeRm: null as null | ((path: string) => void) }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const promises = {
    ...real.promises,
    rename: async (from: string, to: string) => {
      fsHooks.beforeRename?.(to);
      return real.promises.rename(from, to);
    },
  };
  return { ...real, default: { ...real, promises }, promises };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const rm = async (path: string, opts?: Parameters<typeof real.rm>[1]) => {
    fsHooks.beforeRm?.(path);
    return real.rm(path, opts);
  };
  return { ...real, default: { ...real, rm }, rm };
});

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pw-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
  fsHooks.beforeRename = fsHooks.beforeRm = null;
});

/** A lock path in a folder of its own (made, for planting; acquireLock makes its own). */
const fresh = (made = true) => {
  const folder = join(dir, `plan-${++n}`);
  if (made) mkdirSync(folder);
  return join(folder, 'x.lock');
};
const TTL = 60_000;
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
const holder = (over: Partial<LockHolder> = {}): LockHolder => ({
  program: 'cli',
  pid: process.pid,
  host: hostname(),
  // Since this machine booted: a holder started before it is gone whatever its pid.
  startedAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + TTL).toISOString(),
  token: 'someone-else',
  ...over,
});
const plant = (path: string, h: LockHolder | string) => {
  rmSync(path, { force: true });
  writeFileSync(path, typeof h === 'string' ? h : JSON.stringify(h));
};
async function refused(p: Promise<unknown>): Promise<LockHeldError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LockHeldError);
  return err as LockHeldError;
}

/** When this machine booted, as the lock file sees it. */
const bootedAt = () => Date.now() - uptime() * 1000;
/** A holder on this host whose heartbeat stopped this many expiries ago is gone (ABANDONED_AFTER_TTLS). */
const TEN = 10;
const ownPidNamespace = existsSync('/proc/self/ns/pid') ? readlinkSync('/proc/self/ns/pid') : null;

/** The pid of a process that has exited: a holder that crashed. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('acquireLock', () => {
  it('creates the lock naming its holder (and its folder), and release removes it', async () => {
    const path = fresh(false);
    const before = Date.now();
    const lock = await acquireLock(path, { program: 'app', plan: 'abc' }, { ttlMs: TTL });
    const h = read(path);
    expect(h).toEqual({
      program: 'app',
      plan: 'abc',
      pid: process.pid,
      host: hostname(),
      startedAt: expect.any(String),
      expiresAt: expect.any(String),
      token: expect.any(String),
      ...(ownPidNamespace ? { pidNamespace: ownPidNamespace } : {}),
    });
    expect(lock.holder).toEqual(h);
    expect(Date.parse(h.startedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(h.expiresAt) - Date.parse(h.startedAt)).toBeGreaterThanOrEqual(TTL);
    expect(Date.parse(h.expiresAt) - Date.parse(h.startedAt)).toBeLessThanOrEqual(TTL + 50);
    await lock.release();
    expect(existsSync(path)).toBe(false);
    // Released twice, or taken again: both fine.
    await lock.release();
    const again = await acquireLock(path, { program: 'app' }, { ttlMs: TTL });
    expect(read(path).token).not.toBe(h.token);
    await again.release();
  });

  it('refuses a second holder while the first lives (even in the same process), naming it', async () => {
    const path = fresh();
    const first = await acquireLock(path, { program: 'app' }, { ttlMs: TTL });
    const err = await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }));
    expect(err.holder).toEqual(first.holder);
    expect(err.path).toBe(path);
    expect(err.message).toBe(`${path} is held by app (pid ${process.pid} on ${hostname()}, since ${first.holder.startedAt}).`);
    expect(describeHolder(first.holder)).toBe(`app (pid ${process.pid} on ${hostname()}, since ${first.holder.startedAt})`);
    // The refused attempt left the holder's lock as it was.
    expect(read(path)).toEqual(first.holder);
    await first.release();
  });

  it('takes over a lock on this host whose pid is gone, however fresh its heartbeat', async () => {
    const path = fresh();
    plant(path, holder({ pid: await deadPid() }));
    const lock = await acquireLock(path, { program: 'cli' }, { ttlMs: TTL });
    expect(read(path)).toMatchObject({ program: 'cli', pid: process.pid, token: lock.holder.token });
    await lock.release();
  });

  it('never takes over a lock on this host whose pid lives and whose heartbeat stopped fewer than ten expiries ago', async () => {
    const path = fresh();
    // The parent process (the test runner) lives; a heartbeat nine expiries old (a laptop that slept) changes nothing.
    const alive = holder({
      pid: process.ppid,
      startedAt: new Date(Math.max(bootedAt(), Date.now() - (TEN + 1) * TTL)).toISOString(),
      expiresAt: new Date(Date.now() - (TEN - 1) * TTL).toISOString(),
    });
    plant(path, alive);
    const err = await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }));
    expect(err.holder).toEqual(alive);
    expect(read(path)).toEqual(alive);
  });

  it('takes over a lock on this host that started before this machine booted, whatever process has its pid now (a crash, then a reboot)', async () => {
    // Finding 7 as reported: this host, pid 1 (always alive), expired in 2020.
    const path = fresh();
    plant(path, holder({ pid: 1, startedAt: '2020-01-01T00:00:00.000Z', expiresAt: '2020-01-01T00:01:00.000Z', token: 'x' }));
    const first = await acquireLock(path, { program: 'cli' }, { ttlMs: 1000 });
    expect(read(path).token).toBe(first.holder.token);
    await first.release();
    // A quick reboot: its last heartbeat still runs past the boot, and a live process (the test runner) has its pid.
    const boot = bootedAt();
    plant(path, holder({ pid: process.ppid, startedAt: new Date(boot - 3_600_000).toISOString(), expiresAt: new Date(boot + 30_000).toISOString() }));
    const second = await acquireLock(path, { program: 'cli' }, { ttlMs: TTL });
    expect(read(path).token).toBe(second.holder.token);
    await second.release();
  });

  it('takes over a lock on this host whose heartbeat stopped ten expiries ago, though a process has its pid (the pid was reused)', async () => {
    const path = fresh();
    const startedAt = new Date(Math.max(bootedAt(), Date.now() - 2 * TEN * TTL)).toISOString();
    // Just inside: a holder that may yet wake and refresh.
    const sleeping = holder({ pid: process.ppid, startedAt, expiresAt: new Date(Date.now() - TEN * TTL + 5_000).toISOString() });
    plant(path, sleeping);
    expect((await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }))).holder).toEqual(sleeping);
    plant(path, holder({ pid: process.ppid, startedAt, expiresAt: new Date(Date.now() - TEN * TTL - 5_000).toISOString() }));
    const lock = await acquireLock(path, { program: 'cli' }, { ttlMs: TTL });
    expect(read(path).token).toBe(lock.holder.token);
    await lock.release();
    expect(ABANDONED_AFTER_TTLS).toBe(TEN);
  });

  it.skipIf(!ownPidNamespace)(
    'a holder on this host in another pid namespace (a container sharing the hostname): its pid means nothing here, so its heartbeat decides',
    async () => {
      const path = fresh();
      // Its pid is not one of ours (gone, here), yet it lives in its container and keeps its heartbeat.
      const contained = holder({ pid: await deadPid(), pidNamespace: 'pid:[1]', expiresAt: new Date(Date.now() + TTL).toISOString() });
      plant(path, contained);
      expect((await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }))).holder).toEqual(contained);
      expect(read(path)).toEqual(contained);
      plant(path, { ...contained, expiresAt: new Date(Date.now() - 1).toISOString() });
      const lock = await acquireLock(path, { program: 'cli' }, { ttlMs: TTL });
      expect(read(path)).toMatchObject({ token: lock.holder.token, pidNamespace: ownPidNamespace });
      await lock.release();
    },
  );

  it("from another host, the pid means nothing here: the lock stands until its heartbeat's expiry, to the millisecond", async () => {
    const path = fresh();
    const now = Date.parse('2026-06-01T12:00:00.000Z');
    vi.useFakeTimers({ toFake: ['Date'], now });
    const elsewhere = holder({ host: `not-${hostname()}`, pid: await deadPid(), expiresAt: new Date(now).toISOString() });
    plant(path, elsewhere);
    expect((await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }))).holder).toEqual(elsewhere);
    vi.setSystemTime(now + 1);
    const lock = await acquireLock(path, { program: 'cli' }, { ttlMs: TTL });
    expect(read(path).token).toBe(lock.holder.token);
    expect(lock.holder.expiresAt).toBe(new Date(now + 1 + TTL).toISOString());
    await lock.release();
  });

  it('a lock it cannot read is a holder mid-write while younger than the expiry, and debris after', async () => {
    const path = fresh();
    for (const text of ['', '{"program":"cli"', JSON.stringify({ ...holder(), pid: 0 }), JSON.stringify({ ...holder(), expiresAt: 'soon' })]) {
      plant(path, text);
      // Whole seconds: a file's time keeps them exactly.
      const mtime = Math.floor((Date.now() - TTL) / 1000) * 1000;
      utimesSync(path, mtime / 1000, mtime / 1000);
      vi.useFakeTimers({ toFake: ['Date'], now: mtime + TTL });
      const err = await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }));
      expect(err.holder).toBeNull();
      expect(err.message).toBe(`${path} is held, by a holder its file does not name (being written, or damaged): if no Pipewright is running, remove it.`);
      vi.setSystemTime(mtime + TTL + 1);
      const lock = await acquireLock(path, { program: 'cli' }, { ttlMs: TTL });
      expect(read(path).token).toBe(lock.holder.token);
      await lock.release();
      vi.useRealTimers();
    }
  });

  it('waits for a holder caught between its create and its write, then names it', async () => {
    const path = fresh();
    plant(path, '');
    const live = holder({ pid: process.ppid });
    setTimeout(() => writeFileSync(path, JSON.stringify(live)), 100);
    expect((await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }))).holder).toEqual(live);
  });

  it('of many takers of one stale lock at once, exactly one gets it; the rest are told who', async () => {
    const path = fresh();
    plant(path, holder({ pid: await deadPid() }));
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => acquireLock(path, { program: `taker-${i}` }, { ttlMs: TTL })));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const winner = won[0].value;
    for (const r of results.filter((x) => x.status === 'rejected')) {
      const reason = r.reason as LockHeldError;
      expect(reason).toBeInstanceOf(LockHeldError);
      // Each was refused by a live holder or a takeover under way: never left holding.
      if (reason.holder) expect([winner.holder.token, 'someone-else']).toContain(reason.holder.token);
    }
    expect(read(path).token).toBe(winner.holder.token);
    await winner.release();
  });

  it('leaves a stale lock to a takeover under way, and clears a takeover its taker left behind', async () => {
    const path = fresh();
    const stale = holder({ pid: await deadPid() });
    plant(path, stale);
    writeFileSync(`${path}.takeover`, '1');
    expect((await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }))).holder).toEqual(stale);
    expect(read(path)).toEqual(stale);
    // Older than ten seconds: a taker that crashed mid-takeover.
    const old = (Date.now() - 10_001) / 1000;
    utimesSync(`${path}.takeover`, old, old);
    const lock = await acquireLock(path, { program: 'cli' }, { ttlMs: TTL });
    expect(existsSync(`${path}.takeover`)).toBe(false);
    await lock.release();
  });

  it('clears at once a guard whose taker died on this host (killed mid-refresh), but not one a live taker holds', async () => {
    const path = fresh();
    const stale = holder({ pid: await deadPid() });
    plant(path, stale);
    // A live taker (this process): the stale lock is left to it.
    writeFileSync(`${path}.takeover`, JSON.stringify({ host: hostname(), pid: process.pid }));
    expect((await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }))).holder).toEqual(stale);
    // The same guard, its taker gone: a fresh one, yet no wait for the grace.
    writeFileSync(`${path}.takeover`, JSON.stringify({ host: hostname(), pid: await deadPid() }));
    const lock = await acquireLock(path, { program: 'cli' }, { ttlMs: TTL });
    expect(existsSync(`${path}.takeover`)).toBe(false);
    await lock.release();
  });
});

describe('whatever else is at the lock path', () => {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** Settles within `ms`, or says it hung (a FIFO opened for reading waits for a writer for ever). */
  const settled = <T>(p: Promise<T>, ms = 3_000) =>
    Promise.race([
      p.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms).unref()),
    ]);

  it('a directory, a FIFO or a symbolic link (dangling, or to a lock) is refused at once by name, and left where it is', async () => {
    const cases: Array<{ make: (path: string) => void; what: string; kind: (path: string) => boolean }> = [
      { make: (p) => mkdirSync(p), what: 'a directory', kind: (p) => lstatSync(p).isDirectory() },
      { make: (p) => symlinkSync('/nonexistent/x', p), what: 'a symbolic link (to /nonexistent/x)', kind: (p) => lstatSync(p).isSymbolicLink() },
      {
        make: (p) => {
          writeFileSync(`${p}.target`, JSON.stringify(holder()));
          symlinkSync(`${p}.target`, p);
        },
        what: 'a symbolic link (to ',
        kind: (p) => lstatSync(p).isSymbolicLink(),
      },
    ];
    if (process.platform !== 'win32') cases.push({ make: (p) => execFileSync('mkfifo', [p]), what: 'a FIFO', kind: (p) => lstatSync(p).isFIFO() });
    const outcomes: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const c of cases) {
      const path = fresh();
      c.make(path);
      const outcome = await settled(acquireLock(path, { program: 'cli' }, { ttlMs: 1000 }));
      const error = outcome === 'hung' ? null : (outcome as { error?: unknown }).error;
      outcomes[c.what] = outcome === 'hung' ? 'hung' : error instanceof Error ? `${error.name}: ${error.message}` : 'taken';
      expected[c.what] = expect.stringMatching(
        new RegExp(`^NotALockFileError: ${escape(`${path} is ${c.what}`)}.*, not a lock file, so the lock cannot be taken: move it away`),
      );
      expect(c.kind(path), `${c.what} left where it is`).toBe(true);
      if (error instanceof NotALockFileError) expect(error.path).toBe(path);
    }
    expect(outcomes).toEqual(expected);
  });
});

describe('a held lock', () => {
  it('refresh moves the expiry on from now', async () => {
    const path = fresh();
    const now = Date.parse('2026-06-01T12:00:00.000Z');
    vi.useFakeTimers({ toFake: ['Date'], now });
    const lock = await acquireLock(path, { program: 'app' }, { ttlMs: TTL });
    vi.setSystemTime(now + 5000);
    await lock.refresh();
    expect(read(path)).toEqual({ ...lock.holder, expiresAt: new Date(now + 5000 + TTL).toISOString(), startedAt: new Date(now).toISOString() });
    await lock.release();
    // After release, a refresh puts nothing back.
    await lock.refresh();
    expect(existsSync(path)).toBe(false);
  });

  it('refresh says when the lock was taken over or removed; release leaves another holder’s lock alone', async () => {
    const path = fresh();
    const lock = await acquireLock(path, { program: 'app' }, { ttlMs: TTL });
    const thief = holder({ program: 'cli', token: 'thief' });
    plant(path, thief);
    const err = await lock.refresh().then(
      () => null,
      (e: unknown) => e as LockLostError,
    );
    expect(err).toBeInstanceOf(LockLostError);
    expect(err).toMatchObject({ path, holder: thief, message: `${path} was taken over by ${describeHolder(thief)}.` });
    await lock.release();
    expect(read(path)).toEqual(thief);
    rmSync(path);
    const other = await acquireLock(path, { program: 'app' }, { ttlMs: TTL });
    rmSync(path);
    await expect(other.refresh()).rejects.toMatchObject({ name: 'LockLostError', holder: null, message: `${path} was removed while held.` });
    expect(existsSync(path)).toBe(false);
  });

  /** Another runner taking the lock over as the protocol says: under the takeover guard, else not at all. */
  const thief = holder({ program: 'other', token: 'thief' });
  function takeOverAsAnotherRunner(path: string): boolean {
    try {
      writeFileSync(`${path}.takeover`, 'other', { flag: 'wx' });
    } catch {
      return false; // the guard is held: someone is looking at the lock, so it waits
    }
    try {
      rmSync(path, { force: true });
      writeFileSync(path, JSON.stringify(thief), { flag: 'wx' });
      return true;
    } finally {
      rmSync(`${path}.takeover`, { force: true });
    }
  }

  it('a takeover while refresh() writes: never two holders (refresh holds the guard, so the takeover waits)', async () => {
    const path = fresh();
    const lock = await acquireLock(path, { program: 'app' }, { ttlMs: TTL });
    let stolen: boolean | null = null;
    fsHooks.beforeRename = (to) => {
      if (to === path && stolen === null) stolen = takeOverAsAnotherRunner(path);
    };
    const outcome = await lock.refresh().then(
      () => 'refreshed',
      (e: unknown) => e,
    );
    // Before: the other runner took it over, then the refresh's rename put this holder back over it (both held it).
    expect({ stolen, outcome, token: read(path).token }).toEqual({ stolen: false, outcome: 'refreshed', token: lock.holder.token });
    // Once the refresh is done, a takeover goes ahead, and the next refresh says so and writes nothing.
    fsHooks.beforeRename = null;
    expect(takeOverAsAnotherRunner(path)).toBe(true);
    await expect(lock.refresh()).rejects.toBeInstanceOf(LockLostError);
    expect(read(path)).toEqual(thief);
  });

  it('a takeover while release() removes: the new holder’s lock is never removed', async () => {
    const path = fresh();
    const lock = await acquireLock(path, { program: 'app' }, { ttlMs: TTL });
    let stolen: boolean | null = null;
    fsHooks.beforeRm = (p) => {
      if (p === path && stolen === null) stolen = takeOverAsAnotherRunner(path);
    };
    await lock.release();
    // Before: the other runner took it over between the release's read and its remove, and lost its lock to that remove.
    expect({ stolen, exists: existsSync(path) }).toEqual({ stolen: false, exists: false });
    expect(existsSync(`${path}.takeover`)).toBe(false);
  });

  it('a refresh still writing when release() runs never puts the lock back', async () => {
    const path = fresh();
    const lock = await acquireLock(path, { program: 'app' }, { ttlMs: TTL });
    await Promise.all([lock.refresh(), lock.release(), lock.refresh()]);
    expect(existsSync(path)).toBe(false);
  });
});

describe('inTurn: one read-change-write of a shared file at a time', () => {
  it('twenty changes at once each see the one before: none is lost', async () => {
    const path = fresh();
    const file = `${path}.json`;
    writeFileSync(file, '[]');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        inTurn(path, 'test', async () => {
          const seen = JSON.parse(readFileSync(file, 'utf8')) as number[];
          await new Promise((r) => setTimeout(r, 1));
          writeFileSync(file, JSON.stringify([...seen, i]));
        }),
      ),
    );
    expect((JSON.parse(readFileSync(file, 'utf8')) as number[]).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(existsSync(path)).toBe(false);
  });

  it('waits for another holder only so long, then names it; a failed change does not stop the next', async () => {
    const path = fresh();
    const other = await acquireLock(path, { program: 'the other' }, { ttlMs: TTL });
    const err = await inTurn(path, 'test', async () => 'ran', { waitMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockWaitError);
    expect((err as LockWaitError).message).toMatch(/held by the other .*It has been held for over 0\.05 s\.$/);
    await other.release();
    await expect(inTurn(path, 'test', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await inTurn(path, 'test', async () => 'next')).toBe('next');
  });
});
