import { describe, expect, it } from 'vitest';
import { EventHub } from '../rpc/event-hub';
import { JobManager } from './job-manager';

function recordingHub() {
  const hub = new EventHub();
  const events: Array<[string, unknown]> = [];
  hub.attach({ clientId: 'c1', send: (e, p) => events.push([e, p]) });
  hub.markReady('c1');
  return { hub, events };
}

describe('JobManager', () => {
  it('returns an id at once and tags progress and the finish with it', async () => {
    const { hub, events } = recordingHub();
    const jobs = new JobManager(hub);
    const id = jobs.start('demo', 'c1', async (ctx) => {
      ctx.progress(1, 2, 'half');
      ctx.progress(2, 2, 'all');
    });
    expect(id).toMatch(/^job-/);
    expect(events).toEqual([]); // nothing before the caller has the id
    expect((await jobs.wait(id))?.status).toBe('succeeded');
    expect(events.map(([e]) => e)).toEqual(['job.progress', 'job.progress', 'job.finished']);
    expect(events.every(([, p]) => (p as { jobId: string }).jobId === id)).toBe(true);
  });

  it('cancels through the AbortSignal', async () => {
    const { hub, events } = recordingHub();
    const jobs = new JobManager(hub);
    const id = jobs.start('slow', 'c1', (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))));
    await new Promise((r) => setImmediate(r));
    expect(jobs.cancel(id)).toBe(true);
    expect((await jobs.wait(id))?.status).toBe('cancelled');
    expect(events.at(-1)).toEqual(['job.finished', { jobId: id, kind: 'slow', status: 'cancelled', error: null }]);
    expect(jobs.cancel(id)).toBe(false);
  });

  it('reports failures with their message', async () => {
    const { hub } = recordingHub();
    const jobs = new JobManager(hub);
    const id = jobs.start('bad', null, async () => {
      throw new Error('disk full');
    });
    const info = await jobs.wait(id);
    expect(info?.status).toBe('failed');
  });

  it('cancels the jobs of a client that departs, but not detached ones', async () => {
    const hub = new EventHub();
    hub.attach({ clientId: 'gone', send: () => {} });
    const jobs = new JobManager(hub);
    const forever = (ctx: { signal: AbortSignal }) => new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
    const owned = jobs.start('watch', 'gone', forever);
    const detached = jobs.start('cleanup', null, forever);
    await new Promise((r) => setImmediate(r));
    hub.detach('gone');
    expect((await jobs.wait(owned))?.status).toBe('cancelled');
    expect(jobs.list().find((j) => j.jobId === detached)?.status).toBe('running');
    await jobs.shutdown();
  });
});

describe('EventHub', () => {
  it('queues events per client until it is ready, then flushes in order', () => {
    const hub = new EventHub();
    const got: string[] = [];
    hub.attach({ clientId: 'a', send: (_e, p) => got.push((p as { message: string }).message) });
    hub.emit('app.notice', { level: 'info', message: 'one' });
    hub.emit('app.notice', { level: 'info', message: 'two' });
    expect(got).toEqual([]);
    expect(hub.markReady('a')).toEqual({ flushed: 2, dropped: 0 });
    hub.emit('app.notice', { level: 'info', message: 'three' });
    expect(got).toEqual(['one', 'two', 'three']);
  });

  it('counts what a full queue dropped before the client was ready, and says so once', () => {
    const hub = new EventHub(3);
    const got: string[] = [];
    hub.attach({ clientId: 'a', send: (_e, p) => got.push((p as { message: string }).message) });
    for (const m of ['1', '2', '3', '4', '5']) hub.emit('app.notice', { level: 'info', message: m });
    expect(hub.markReady('a')).toEqual({ flushed: 3, dropped: 2 });
    expect(got).toEqual(['3', '4', '5']);
    hub.attach({ clientId: 'b', send: () => {} });
    expect(hub.markReady('b')).toEqual({ flushed: 0, dropped: 0 });
  });

  it('refuses payloads that break the contract', () => {
    const hub = new EventHub();
    expect(() => hub.emit('app.notice', { level: 'loud', message: 1 } as never)).toThrow();
  });
});
