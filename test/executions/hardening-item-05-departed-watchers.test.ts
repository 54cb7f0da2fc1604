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
//
// Red-team finding 5: "watch calls in flight when the client departs outlive it.
// GetCallerIdentity slowed to 1.5 s; 50 executions.watch as client 'gone';
// hub.detach('gone') after 100 ms → all 50 answered ok, 20 calls in the following 5 s,
// never stopping. Each concurrent watch on a fresh app also starts its own identity
// checks." The handler awaited the identity checks, then registered the watch after
// dropSubscriber had already run. Now a watch whose client departed while it waited is
// refused (CANCELLED) and registers nothing, and concurrent watches share the identity
// checks in flight: one GetCallerIdentity per profile.
//
// Red-team finding 8: "reloading the window keeps the client id ipc-<webContents.id>;
// nothing detaches it on navigation; the old page's watches keep polling and count
// toward the cap of 100." Now a new document in the window (or a dead renderer) is a
// departure: the old page's watches go, and the new page starts as a client of its own.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
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
import { FaultRule } from '../../src/sandbox/faults';
import { serveOverIpc } from '../../src/main/rpc/ipc';
import { IPC_INVOKE_CHANNEL } from '../../src/shared/api/channels';
import type { Envelope } from '../../src/shared/api/envelope';

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

describe('hardening item 5 (red-team finding 5): watches still waiting for the identity checks when their client departs', () => {
  // A fresh app each time: no identity checked yet, so every watch waits for the checks; slowed, as on a real network.
  let fresh: Core;
  let freshHome: string;
  const WATCHES = 50;
  const name = (i: number) => `w-${String(i).padStart(3, '0')}`;
  const watchAs = (clientId: string, i: number) =>
    fresh.dispatch('executions.watch', { profile: 'sandbox-dev', region: REGION, name: name(i), opened: false }, { clientId });
  const freshSeq = () => fresh.sandbox.instance!.logEntries().at(-1)?.seq ?? 0;

  beforeEach(async () => {
    freshHome = mkdtempSync(join(tmpdir(), 'pw-item05-fresh-'));
    fresh = await createCore({ home: freshHome, mode: 'browser', version: '0.0.0-test', sandbox: 'on', sandboxTimeScale: 0.001, log: () => {} });
    await fresh.ready;
    await generatePipelines(fresh.sandbox.instance!, {
      accounts: [DEV],
      regions: [REGION],
      pipelinesPerTarget: WATCHES,
      executionsPerPipeline: 0,
      namePrefix: 'w',
    });
    fresh.sandbox.instance!.faults.set([FaultRule.parse({ service: 'sts', operation: 'GetCallerIdentity', latencyMs: 1500 })]);
  }, 120_000);
  afterEach(async () => {
    await fresh?.close();
    rmSync(freshHome, { recursive: true, force: true });
  });

  it('a client that departs while its watches wait: none is registered, and nothing is called for it once it has gone', async () => {
    fresh.hub.attach({ clientId: 'gone', send: () => {} });
    const calls = Array.from({ length: WATCHES }, (_, i) => watchAs('gone', i));
    await new Promise((r) => setTimeout(r, 100));
    fresh.hub.detach('gone'); // a socket's grace period ended: its watches are dropped now
    const answers = await Promise.all(calls);
    const departed = freshSeq();
    await new Promise((r) => setTimeout(r, 3_000));
    const calledSince = fresh.sandbox.instance!.logEntries(departed).filter((e) => e.account === DEV && e.region === REGION).length;
    // Before: all 50 answered ok, and their watchers polled on at the budget's 4 calls a second, for ever.
    expect({ watchesRegistered: answers.filter((a) => a.ok).length, callsAfterDeparture: calledSince }).toEqual({
      watchesRegistered: 0,
      callsAfterDeparture: 0,
    });
    expect(answers[0]).toEqual({
      ok: false,
      error: { code: 'CANCELLED', message: `The window that asked to watch ${name(0)} has gone; nothing is watched for it.` },
    });
  }, 30_000);

  it('many watches at once on a fresh app check each profile once, and a client that stays has all its watches', async () => {
    fresh.hub.attach({ clientId: 'page', send: () => {} });
    const since = freshSeq();
    const answers = await Promise.all(Array.from({ length: WATCHES }, (_, i) => watchAs('page', i)));
    expect(answers.filter((a) => !a.ok)).toEqual([]);
    const checks = fresh.sandbox.instance!.logEntries(since).filter((e) => e.operation === 'GetCallerIdentity');
    const checkable = fresh.accounts.profiles().filter((p) => !p.problems.length);
    // Before: every one of the 50 watches checked every profile again while the first checks were on their way.
    expect(checks.length).toBe(checkable.length);
    expect(checkable.map((p) => fresh.accounts.identityOf(p.name)?.state)).toEqual(checkable.map(() => 'ok'));
    fresh.hub.detach('page');
  }, 30_000);
});

describe('hardening item 5 (red-team finding 8): a reloaded Electron window is a new client', () => {
  /** The window's contents, faked as the EventEmitter Electron hands over, served by the app's core over IPC. */
  function electronWindow() {
    let invoke!: (event: unknown, call: unknown) => Promise<Envelope>;
    const mainFrame = { url: 'app://pipewright/index.html', parent: null };
    const contents = Object.assign(new EventEmitter(), {
      id: 4242,
      mainFrame,
      isDestroyed: () => false,
      send: () => undefined,
    });
    serveOverIpc({
      ipcMain: { handle: (channel: string, h: typeof invoke) => channel === IPC_INVOKE_CHANNEL && (invoke = h), removeHandler: () => {} } as never,
      webContents: contents,
      dispatch: core.dispatch,
      hub: core.hub,
      isOurUrl: (u) => u.startsWith('app://pipewright/'),
    });
    const call = (method: string, input: unknown) => invoke({ senderFrame: mainFrame }, { method, input });
    return { contents, call };
  }

  it("the old page's watches go when the window reloads, and the new page has a cap of its own; a dead renderer's too", async () => {
    const win = electronWindow();
    const watchAll = async (from: number, count = CAP) => {
      const answers = [];
      for (let i = from; i < from + count; i++) answers.push(await win.call('executions.watch', { ...ref(floodName(i)), opened: false }));
      return answers;
    };
    const callsOver = async (ms: number) => {
      await new Promise((r) => setTimeout(r, 300)); // calls already on the wire may land
      const since = lastSeq();
      await new Promise((r) => setTimeout(r, ms));
      return floodCalls(since).length;
    };
    expect(await win.call('app.ready', {})).toMatchObject({ ok: true });
    expect((await watchAll(0)).filter((a) => !a.ok)).toEqual([]);
    const before = lastSeq();
    await vi.waitFor(() => expect(floodCalls(before).length).toBeGreaterThanOrEqual(8), { timeout: 10_000 });

    // Reload: the same webContents (and id), a new document.
    win.contents.emit('did-navigate', {}, 'app://pipewright/index.html', -1, '');
    // Before: the old page's 100 watchers kept reading at the budget's 4 calls a second, and the new page, under the
    // same client id, was refused its first watch ("already watches 100 pipelines").
    const afterReload = await callsOver(2_000);
    expect(await win.call('app.ready', {})).toMatchObject({ ok: true });
    const firstWatch = await win.call('executions.watch', { ...ref(floodName(CAP)), opened: true });
    expect({ callsForTheOldPage: afterReload, firstWatchOfTheNewPage: firstWatch.ok }).toEqual({ callsForTheOldPage: 0, firstWatchOfTheNewPage: true });
    expect((await watchAll(CAP + 1, CAP - 1)).filter((a) => !a.ok)).toEqual([]);
    const reloaded = lastSeq();
    await vi.waitFor(() => expect(floodCalls(reloaded).length).toBeGreaterThanOrEqual(8), { timeout: 10_000 });

    // The renderer dies: its page's watches go too. Then the window closes: the client goes.
    win.contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(await callsOver(2_000), 'calls after the renderer died').toBe(0);
    const clients = core.hub.clientCount;
    win.contents.emit('destroyed');
    expect(core.hub.clientCount).toBe(clients - 1);
  }, 30_000);
});
