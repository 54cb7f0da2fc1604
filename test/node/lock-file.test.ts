// The cross-process lock (src/node/lock-file.ts) on its own: one holder at a time, a refused
// attempt told who holds it, and a holder that crashed taken over (expired, or its pid dead on
// this host) while a live one elsewhere is not. Issue 23 items 2 (promotions) and 11 (cleanups).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, describeHolder, LockHeldError, LockLostError, type LockHolder } from '../../src/node/lock-file';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pw-lock-'));
  path = join(dir, 'sub', 'promote.lock');
  mkdirSync(join(dir, 'sub'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const TTL = { ttlMs: 60_000 };

function plant(h: Partial<LockHolder>): LockHolder {
  const holder: LockHolder = {
    name: 'someone else',
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    token: 'planted',
    ...h,
  };
  writeFileSync(path, JSON.stringify(holder));
  return holder;
}

/** A pid that was alive a moment ago and is not now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

async function refusal(p: Promise<unknown>): Promise<LockHeldError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof LockHeldError)) throw new Error(`expected LockHeldError, got ${String(err)}`);
  return err;
}

describe('acquireLock', () => {
  it('one holder at a time: the second is refused with the holder named (who, pid, host, since)', async () => {
    const lock = await acquireLock(path, 'pipewright cli', TTL);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    expect(saved).toMatchObject({ name: 'pipewright cli', pid: process.pid, host: hostname() });
    expect(Date.parse(saved.expiresAt) - Date.parse(saved.since)).toBe(60_000);

    const err = await refusal(acquireLock(path, 'the Pipewright app', TTL));
    expect(err.holder).toMatchObject({ name: 'pipewright cli', pid: process.pid, host: hostname(), since: saved.since });
    expect(err.message).toMatch(new RegExp(`held by pipewright cli \\(pid ${process.pid} on ${hostname()}\\) since \\d\\d:\\d\\d:\\d\\d`));

    await lock.release();
    expect(existsSync(path)).toBe(false);
    await lock.release(); // twice is fine
    const again = await acquireLock(path, 'the Pipewright app', TTL);
    expect(again.holder.name).toBe('the Pipewright app');
    await again.release();
  });

  it('many attempts at once: exactly one gets it', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => acquireLock(path, `attempt ${i}`, TTL)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(LockHeldError);
  });

  it('an expired lock is taken over, even from a live holder on another host', async () => {
    plant({ host: 'elsewhere', pid: 1, expiresAt: new Date(Date.now() - 1000).toISOString() });
    const lock = await acquireLock(path, 'pipewright cli', TTL);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ name: 'pipewright cli', token: lock.holder.token });
    await lock.release();
  });

  it('a holder on this host whose pid is dead is taken over before its expiry; a live one is not, nor one on another host', async () => {
    plant({ pid: deadPid() });
    const lock = await acquireLock(path, 'pipewright cli', TTL);
    expect(lock.holder.name).toBe('pipewright cli');
    await lock.release();

    plant({ name: 'live here', pid: process.pid });
    expect((await refusal(acquireLock(path, 'pipewright cli', TTL))).holder.name).toBe('live here');
    // Another host's pid means nothing here: only its expiry frees it.
    plant({ name: 'live elsewhere', host: 'elsewhere', pid: deadPid() });
    expect((await refusal(acquireLock(path, 'pipewright cli', TTL))).holder.name).toBe('live elsewhere');
  });

  it('a stale lock seen by many at once is taken over by exactly one', async () => {
    plant({ pid: deadPid() });
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => acquireLock(path, `attempt ${i}`, TTL)));
    const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(won).toHaveLength(1);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ token: won[0].holder.token });
  });

  it('a torn lock file (its writer killed) is held while fresh, and taken over once a ttl has passed', async () => {
    writeFileSync(path, '{"name":"pipewr');
    const err = await refusal(acquireLock(path, 'pipewright cli', { ttlMs: 60_000 }));
    expect(err.holder.name).toBe('an unknown process');
    const old = new Date(Date.now() - 120_000);
    utimesSync(path, old, old);
    const lock = await acquireLock(path, 'pipewright cli', { ttlMs: 60_000 });
    expect(lock.holder.name).toBe('pipewright cli');
    await lock.release();
  });

  it('refresh pushes the expiry ahead; a holder whose lock was taken over learns it, and its release leaves the new one', async () => {
    const lock = await acquireLock(path, 'pipewright cli', { ttlMs: 5_000 });
    const first = Date.parse(lock.holder.expiresAt);
    await new Promise((r) => setTimeout(r, 20));
    await lock.refresh();
    expect(Date.parse((JSON.parse(readFileSync(path, 'utf8')) as LockHolder).expiresAt)).toBeGreaterThan(first);

    const other = plant({ name: 'the Pipewright app', token: 'theirs' });
    await expect(lock.refresh()).rejects.toBeInstanceOf(LockLostError);
    await lock.release();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ token: other.token });
  });

  it('describeHolder says who, where and since when', () => {
    expect(describeHolder({ name: 'pipewright cli', pid: 1234, host: 'build-7', since: '2025-01-01T12:01:09.000Z', expiresAt: '', token: '' })).toMatch(
      /^pipewright cli \(pid 1234 on build-7\) since \d\d:\d\d:\d\d$/,
    );
  });
});
