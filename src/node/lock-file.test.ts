// The lock file on its own: one holder at a time, the holder named to whoever is
// refused, and a crashed holder's lock taken over (on this host when its pid is
// gone, from another host once its heartbeat expired), never a live one's.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, describeHolder, LockHeldError, LockLostError, type LockHolder } from './lock-file';

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pw-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

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
  startedAt: '2026-01-01T00:00:00.000Z',
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

  it('never takes over a lock on this host whose pid lives, however old its heartbeat', async () => {
    const path = fresh();
    // The parent process (the test runner) lives; a year-old heartbeat (a laptop that slept) changes nothing.
    const alive = holder({ pid: process.ppid, expiresAt: '2025-01-01T00:00:00.000Z' });
    plant(path, alive);
    const err = await refused(acquireLock(path, { program: 'cli' }, { ttlMs: TTL }));
    expect(err.holder).toEqual(alive);
    expect(read(path)).toEqual(alive);
  });

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

  it('a refresh still writing when release() runs never puts the lock back', async () => {
    const path = fresh();
    const lock = await acquireLock(path, { program: 'app' }, { ttlMs: TTL });
    await Promise.all([lock.refresh(), lock.release(), lock.refresh()]);
    expect(existsSync(path)).toBe(false);
  });
});
