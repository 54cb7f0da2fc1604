// Issue 23, item 5: "Departed clients' watches starve everyone else. A socket
// opened 3,000 watches and left. Their queued calls ran at the full budget for
// 12.5 minutes, and another client's opened pipeline got no update for 120 s."
// A stopped watcher left its call waiting in the (account, region) budget, which
// then ran it anyway (3,000 calls at 4/s is 12.5 minutes); any client could call
// every watch "open" and so go first; and a pipeline opened while its background
// call waited stayed behind the flood. Now a client names at most
// MAX_WATCHES_PER_CLIENT pipelines (a clear CONFLICT beyond), has one pipeline open
// at a time (its live view), a departed client's watchers stop with their queued
// calls withdrawn at once, and the budget asks, when a turn comes, whether someone
// has the pipeline open: open pipelines are served first, across clients.
//
// Through the real browser-mode server (sessions, their grace period, departure)
// and the app's own core, against the sandbox, at the app's default budget (4 calls/s).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { startBrowserServer, tokenCookieName, type BrowserServer } from '../../src/main/rpc/browser-server';
import { createCore, type Core } from '../../src/main/app-core';
import { generatePipelines } from '../../src/sandbox/seed';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import { CallBudget } from '../../src/main/aws/call-budget';
import { MAX_WATCHES_PER_CLIENT, WatchEngine } from '../../src/main/executions/watch-engine';
import { AppError } from '../../src/shared/api/errors';
import type { PipelineLiveState } from '../../src/shared/api/executions';

/** The cap this test was written against (MAX_WATCHES_PER_CLIENT). */
const CAP = 100;
const DEV = DEFAULT_ACCOUNTS[0].id;
/** A region of its own, so every call counted here is one of these watchers'. */
const REGION = 'ap-southeast-2';
const GRACE_MS = 300;

let core: Core;
let server: BrowserServer;
let home: string;
let staticDir: string;
const logged: string[] = [];
const saved = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE };

const floodName = (i: number) => `flood-${String(i).padStart(3, '0')}`;
const ref = (name: string) => ({ profile: 'sandbox-dev', region: REGION, name });
/** The calls the sandbox served in the flood's account and region since `seq`. */
const floodCalls = (seq: number) => core.sandbox.instance!.logEntries(seq).filter((e) => e.account === DEV && e.region === REGION);
const lastSeq = () => core.sandbox.instance!.logEntries().at(-1)?.seq ?? 0;

/** A page's socket: a session of its own, calls answered by id, execution events collected. */
class Page {
  readonly session = randomUUID().replace(/-/g, '');
  readonly updates: Array<{ at: number; state: PipelineLiveState }> = [];
  private ws!: WebSocket;
  private nextId = 1;
  private waiting = new Map<number, (msg: Record<string, unknown>) => void>();

  async open(): Promise<this> {
    this.ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?session=${this.session}`, {
      headers: { cookie: `${tokenCookieName(server.port)}=${server.token}`, origin: `http://127.0.0.1:${server.port}` },
    });
    this.ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if (typeof msg.id === 'number') this.waiting.get(msg.id)?.(msg);
      else if (msg.event === 'execution.updated') this.updates.push({ at: Date.now(), state: msg.payload as PipelineLiveState });
    });
    await new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
    expect(await this.call('app.ready', {})).toMatchObject({ ok: true });
    return this;
  }

  call(method: string, input: unknown): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, input }));
    });
  }

  watch(name: string, opened: boolean) {
    return this.call('executions.watch', { ...ref(name), opened });
  }

  /** The page goes (a closed tab): its session waits GRACE_MS for it, then its client departs. */
  async leave(): Promise<void> {
    const expired = logged.length;
    this.ws.terminate();
    await vi.waitFor(
      () => {
        if (!logged.slice(expired).some((l) => l.includes(this.session.slice(0, 6)) && l.includes('expired'))) throw new Error('session not expired yet');
      },
      { timeout: 5_000, interval: 10 },
    );
  }
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pw-item05-'));
  staticDir = mkdtempSync(join(tmpdir(), 'pw-item05-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Pipewright</title>');
  Object.assign(process.env, { AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') });
  core = await createCore({ home, mode: 'browser', version: '0.0.0-test', sandbox: 'on', sandboxTimeScale: 0.001, log: (l) => logged.push(l) });
  await core.ready;
  // Three clients' worth of distinct pipelines (watchers are shared per pipeline), and the one a fourth opens.
  await generatePipelines(core.sandbox.instance!, {
    accounts: [DEV],
    regions: [REGION],
    pipelinesPerTarget: 3 * CAP + 1,
    executionsPerPipeline: 0,
    namePrefix: 'flood',
  });
  server = await startBrowserServer({ dispatch: core.dispatch, hub: core.hub, staticDir, sessionGraceMs: GRACE_MS, log: (l) => logged.push(l) });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await core?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(home, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});

describe('hardening item 5: departed clients cannot starve the others (browser-mode server, default budget)', () => {
  it(`a client names at most ${CAP} pipelines: the next watch is refused with a clear error`, async () => {
    const page = await new Page().open();
    for (let i = 0; i < CAP; i++) expect(await page.watch(floodName(i), false)).toMatchObject({ ok: true });
    // Watching one of them again is not another watch.
    expect(await page.watch(floodName(0), true)).toMatchObject({ ok: true });
    const refused = await page.watch(floodName(CAP), false);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((refused.error as { message: string }).message).toMatch(/already watches 100 pipelines, the most one window may/);
    expect((refused.error as { message: string }).message).toContain(floodName(CAP));
    // Letting one go makes room.
    expect(await page.call('executions.unwatch', ref(floodName(1)))).toMatchObject({ ok: true });
    expect(await page.watch(floodName(CAP), false)).toMatchObject({ ok: true });
    expect(MAX_WATCHES_PER_CLIENT).toBe(CAP);
    await page.leave();
  }, 30_000);

  it('a session gone past its grace period: its watches and the calls they queued are dropped at once', async () => {
    const page = await new Page().open();
    const before = lastSeq();
    for (let i = 0; i < CAP; i++) expect(await page.watch(floodName(i), false)).toMatchObject({ ok: true });
    // A first read of 100 pipelines is 300 calls; 4 a second are served and the rest wait in the budget.
    await vi.waitFor(() => expect(floodCalls(before).length).toBeGreaterThanOrEqual(8), { timeout: 10_000 });
    await page.leave();
    // Calls already on the wire when it departed may land; give them a moment, then count.
    await new Promise((r) => setTimeout(r, 300));
    const departed = lastSeq();
    await new Promise((r) => setTimeout(r, 3_000));
    // At the budget's 4 calls/s, the queue left behind would have made about 12 calls by now (and gone on for a minute).
    expect(floodCalls(departed).length, 'calls made for the departed session').toBe(0);
  }, 30_000);

  it("another client's open pipeline is read within seconds while three clients flood the budget, calling every watch open", async () => {
    const flooders = await Promise.all([new Page().open(), new Page().open(), new Page().open()]);
    const before = lastSeq();
    await Promise.all(
      flooders.map(async (page, k) => {
        for (let i = 0; i < CAP; i++) expect(await page.watch(floodName(k * CAP + i), true)).toMatchObject({ ok: true });
      }),
    );
    await vi.waitFor(() => expect(floodCalls(before).length).toBeGreaterThanOrEqual(8), { timeout: 10_000 });

    // The victim's page watches its pipeline in the background first (as the workspace watch does),
    // so its first call waits behind the flood, then opens it in its live view.
    const victim = await new Page().open();
    const name = floodName(3 * CAP);
    expect(await victim.watch(name, false)).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(victim.updates.filter((u) => u.state.ref.name === name)).toEqual([]); // still queued behind the flood
    const openedAt = Date.now();
    expect(await victim.watch(name, true)).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(victim.updates.filter((u) => u.state.ref.name === name).length).toBeGreaterThan(0), { timeout: 8_000, interval: 20 });
    const first = victim.updates.find((u) => u.state.ref.name === name)!;
    expect(first.state.error).toBeNull();
    expect(first.state.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Deploy']);
    // Three calls (probe, state, declaration), each after at most one open call per other client.
    expect(first.at - openedAt).toBeLessThan(5_000);

    // The flooders leave: every call they queued goes with them; only the victim's open pipeline is read.
    await Promise.all(flooders.map((p) => p.leave()));
    await new Promise((r) => setTimeout(r, 300));
    const departed = lastSeq();
    await new Promise((r) => setTimeout(r, 3_000));
    // Its own probes only (an open, idle pipeline: one every 4 s), not the flood's 4 a second.
    expect(floodCalls(departed).length).toBeLessThanOrEqual(2);
    await victim.leave();
  }, 60_000);
});

describe('hardening item 5: the budget and the engine underneath', () => {
  it('a waiting call withdrawn by its signal leaves the queue at once and spends nothing', async () => {
    const budget = new CallBudget({ ratePerSec: 1, burst: 1 });
    await budget.take('k'); // the one token
    const stop = new AbortController();
    const waiting = budget.take('k', 'low', stop.signal);
    expect(budget.queued('k')).toBe(1);
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(budget.queued('k')).toBe(0);
    expect(budget.granted('k')).toBe(1);
    // Already withdrawn: never queued.
    await expect(budget.take('k', 'high', stop.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(budget.queued('k')).toBe(0);
  });

  it('priority is asked when the turn comes: a call opened while it waits goes before the older background ones', async () => {
    const budget = new CallBudget({ ratePerSec: 50, burst: 1 });
    await budget.take('k');
    const order: string[] = [];
    let opened = false;
    const calls = [
      budget.take('k', 'low').then(() => order.push('background 1')),
      budget.take('k', 'low').then(() => order.push('background 2')),
      budget.take('k', () => (opened ? 'high' : 'low')).then(() => order.push('opened meanwhile')),
    ];
    opened = true;
    await Promise.all(calls);
    expect(order).toEqual(['opened meanwhile', 'background 1', 'background 2']);
  });

  it('the workspace watch is not counted against the cap, and each client has a count of its own', async () => {
    // Watchers whose profile is unknown make no call: the engine's bookkeeping alone.
    const engine = new WatchEngine({
      access: () => {
        throw new AppError('NOT_FOUND', 'No profile named nobody.');
      },
      budget: new CallBudget({ ratePerSec: 1, burst: 1 }),
      onUpdate: () => {},
    });
    const p = (i: number) => ({ profile: 'nobody', region: 'us-east-1', name: `p-${i}` });
    for (let i = 0; i < 150; i++) engine.watch(p(i), 'window', { opened: false, workspace: true });
    for (let i = 150; i < 150 + CAP; i++) engine.watch(p(i), 'window', { opened: false });
    expect(() => engine.watch(p(999), 'window', { opened: false })).toThrow(/already watches 100 pipelines/);
    // Naming one the workspace already watches counts it.
    expect(() => engine.watch(p(0), 'window', { opened: true })).toThrow(/already watches 100 pipelines/);
    // Another client has its own count.
    expect(engine.watch(p(999), 'other', { opened: false })).toBeNull();
    expect(engine.stats()).toMatchObject({ watchers: 150 + CAP + 1, subscriptions: 150 + CAP + 1 });
    engine.dropSubscriber('window');
    expect(engine.stats()).toMatchObject({ watchers: 1, subscriptions: 1 });
    engine.close();
  });
});
