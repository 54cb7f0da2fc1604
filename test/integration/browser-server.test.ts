// The browser-mode server over real HTTP and WebSocket: token, Host and Origin
// checks, loopback-only binding, malformed payloads, and sessions: numbered
// events replayed to a page that comes back, and said out loud when the session
// expired or events were no longer held.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import WebSocket from 'ws';
import { startBrowserServer, tokenCookieName, type BrowserServer } from '../../src/main/rpc/browser-server';
import { createCore, type Core } from '../../src/main/app-core';

let server: BrowserServer;
let core: Core;
let home: string;
let staticDir: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pw-bs-'));
  staticDir = mkdtempSync(join(tmpdir(), 'pw-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Pipewright</title>');
  core = await createCore({ home, mode: 'browser', version: '0.0.0-test', sandbox: 'off' });
  server = await startBrowserServer({ dispatch: core.dispatch, hub: core.hub, staticDir });
});
afterAll(async () => {
  await server.close();
  await core.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookie = () => `${tokenCookieName(server.port)}=${server.token}`;
const origin = () => `http://127.0.0.1:${server.port}`;

function openSocket(headers: Record<string, string>, path = '/rpc', port = server.port): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, payload: string | object): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString());
      if ('id' in msg) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  });
}

describe('browser-mode server', () => {
  it('binds to 127.0.0.1 only', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i!.address);
    for (const address of others) {
      await expect(
        new Promise((resolve, reject) => {
          const s = netConnect({ host: address, port: server.port }, () => resolve(s.end()));
          s.on('error', reject);
        }),
      ).rejects.toThrow(/ECONNREFUSED/);
    }
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });

  it('answers 401 without a token and with a wrong one', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/', { cookie: `${tokenCookieName(server.port)}=wrong` })).status).toBe(401);
    // Another instance's cookie is not this one's.
    expect((await get('/', { cookie: `pipewright_token_1=${server.token}` })).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly SameSite cookie, then serves the app with a strict CSP', async () => {
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(302);
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get('/', { cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Pipewright');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe-eval');
  });

  it('rejects a wrong Host header (DNS rebinding), even with the token', async () => {
    const r = await get('/', { cookie: cookie(), host: `evil.example:${server.port}` });
    expect(r.status).toBe(421);
    await expect(openSocket({ cookie: cookie(), origin: origin(), host: `evil.example:${server.port}` })).rejects.toThrow(/421/);
  });

  it('rejects a foreign Origin, and a socket with no Origin', async () => {
    expect((await get('/', { cookie: cookie(), origin: 'https://evil.example' })).status).toBe(403);
    await expect(openSocket({ cookie: cookie(), origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(openSocket({ cookie: cookie() })).rejects.toThrow(/403/);
    await expect(openSocket({ origin: origin() })).rejects.toThrow(/401/);
  });

  it('does not serve files outside the renderer directory', async () => {
    const r = await get('/../../../etc/passwd.txt', { cookie: cookie() });
    expect(r.body).not.toContain('root:');
  });

  it('answers malformed payloads with structured errors and keeps serving', async () => {
    const ws = await openSocket({ cookie: cookie(), origin: origin() });
    const bad = [
      'not json',
      '{"id": "x", "method": "app.info"}',
      JSON.stringify({ id: 1, method: 'no.such', input: {} }),
      JSON.stringify({ id: 2, method: 'settings.update', input: { theme: 7 } }),
      JSON.stringify({ id: 3, method: 'settings.update', input: { theme: 'dark', extra: 1 } }),
      JSON.stringify({ id: 4, method: 'app.info', input: { pad: 'x'.repeat(1_100_000) } }),
    ];
    const codes: string[] = [];
    for (const p of bad) {
      const r = await call(ws, p);
      expect(r.ok).toBe(false);
      codes.push((r.error as { code: string }).code);
    }
    expect(codes).toEqual(['BAD_REQUEST', 'BAD_REQUEST', 'UNKNOWN_METHOD', 'INVALID_INPUT', 'INVALID_INPUT', 'PAYLOAD_TOO_LARGE']);
    const ok = await call(ws, { id: 9, method: 'app.info', input: {} });
    expect(ok).toMatchObject({ id: 9, ok: true, result: { name: 'Pipewright', mode: 'browser' } });
    ws.close();
  });

  it('delivers events only after app.ready, and cleans up a departed client', async () => {
    const attach = vi.spyOn(core.hub, 'attach');
    const detach = vi.spyOn(core.hub, 'detach');
    const ws = await openSocket({ cookie: cookie(), origin: origin() });
    const clientId = attach.mock.calls.at(-1)![0].clientId;
    const events: unknown[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if ('event' in m) events.push(m);
    });
    // The server attaches the client before it completes the upgrade, so it is counted once the socket is open.
    const before = core.hub.clientCount;
    expect(before).toBeGreaterThan(0);
    core.hub.emit('app.notice', { level: 'info', message: 'hello' });
    // One socket delivers in order: had the event been sent, it would arrive before this answer.
    expect(await call(ws, { id: 0, method: 'app.info', input: {} })).toMatchObject({ ok: true });
    expect(events).toEqual([]);
    const ready = await call(ws, { id: 1, method: 'app.ready', input: {} });
    expect(ready).toMatchObject({ ok: true, result: { flushed: 1, dropped: 0 } });
    await vi.waitFor(() => expect(events).toEqual([{ event: 'app.notice', payload: { level: 'info', message: 'hello' }, seq: 1 }]));
    ws.close();
    await vi.waitFor(() => expect(detach).toHaveBeenCalledWith(clientId));
    expect(core.hub.clientCount).toBeLessThan(before);
    attach.mockRestore();
    detach.mockRestore();
  });
});

/** Waits for a condition, polling: tests synchronise on what happened, never on a fixed delay. */
async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !cond();) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

type Frame = Record<string, unknown> & { seq?: number; event?: string; payload?: { message?: string }; session?: { state: string; seq: number } };

/** A page's socket on a session: every frame it receives, from the first (the session notice). */
async function openPage(srv: BrowserServer, session: string, lastSeq?: number) {
  const frames: Frame[] = [];
  const query = `?session=${session}${lastSeq === undefined ? '' : `&lastSeq=${lastSeq}`}`;
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const s = new WebSocket(`ws://127.0.0.1:${srv.port}/rpc${query}`, {
      headers: { cookie: `${tokenCookieName(srv.port)}=${srv.token}`, origin: `http://127.0.0.1:${srv.port}` },
    });
    s.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
    s.once('open', () => resolve(s));
    s.once('error', reject);
  });
  await until('the session notice', () => frames.length > 0);
  const events = () => frames.filter((f) => 'event' in f).map((f) => [f.seq, f.payload?.message]);
  return { ws, frames, events, notice: frames[0].session };
}

const notice = (message: string) => core.hub.emit('app.notice', { level: 'info', message });
let sessionCount = 0;
const newSessionId = () => `${String(++sessionCount).padStart(6, '0')}-reconnect-test`; // the log names a session by its first 6 characters

describe('browser-mode sessions', () => {
  let logged: string[];
  let srv: BrowserServer;
  beforeAll(async () => {
    logged = [];
    srv = await startBrowserServer({ dispatch: core.dispatch, hub: core.hub, staticDir, sessionGraceMs: 100, replayEvents: 5, log: (l) => logged.push(l) });
  });
  afterAll(() => srv.close());

  it('numbers events; a page back within the grace period gets what it missed after its last, once', async () => {
    const id = newSessionId();
    const first = await openPage(srv, id);
    expect(first.notice).toEqual({ state: 'new', seq: 0 });
    await call(first.ws, { id: 1, method: 'app.ready', input: {} });
    notice('a');
    notice('b');
    await until('two events', () => first.events().length === 2);
    expect(first.events()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    first.ws.terminate();
    notice('c'); // while away (the page saw only "a": "b" was lost in flight)
    const back = await openPage(srv, id, 1);
    expect(back.notice).toEqual({ state: 'resumed', seq: 1 });
    await until('the replay', () => back.events().length === 2);
    notice('d');
    await until('the live event', () => back.events().length === 3);
    expect(back.events()).toEqual([
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
    back.ws.close();
  });

  it('says a session expired: the page gets a fresh, not-ready session, not a silent one', async () => {
    const id = newSessionId();
    const first = await openPage(srv, id);
    await call(first.ws, { id: 1, method: 'app.ready', input: {} });
    notice('before');
    await until('the first event', () => first.events().length === 1);
    first.ws.terminate();
    // Past the grace period: the session's client departs (its watches and owned jobs with it).
    await until('the session to expire', () => logged.some((l) => l.includes(`session ${id.slice(0, 6)}… expired`)));
    notice('while away');
    const back = await openPage(srv, id, 1);
    expect(back.notice).toEqual({ state: 'expired', seq: 0 });
    // The new session holds its events until the page has started over (app.ready), then numbers them from 1.
    notice('after');
    const ready = await call(back.ws, { id: 1, method: 'app.ready', input: {} });
    expect(ready).toMatchObject({ ok: true, result: { flushed: 1, dropped: 0 } });
    notice('live');
    await until('two events', () => back.events().length === 2);
    expect(back.events()).toEqual([
      [1, 'after'],
      [2, 'live'],
    ]);
    back.ws.close();
  });

  it('says events were lost when more came while away than the session keeps, and goes on numbering', async () => {
    const id = newSessionId();
    const first = await openPage(srv, id);
    await call(first.ws, { id: 1, method: 'app.ready', input: {} });
    first.ws.terminate();
    for (let i = 1; i <= 8; i++) notice(`away ${i}`); // the session keeps 5
    const back = await openPage(srv, id, 0);
    expect(back.notice).toEqual({ state: 'events-lost', seq: 8 });
    expect(logged.some((l) => l.includes(`session ${id.slice(0, 6)}… events-lost`))).toBe(true);
    // Same session: a call made before is still answered from memory, and events go on.
    expect(await call(back.ws, { id: 1, method: 'app.ready', input: {} })).toMatchObject({ id: 1, ok: true });
    notice('live');
    await until('the live event', () => back.events().length === 1);
    expect(back.events()).toEqual([[9, 'live']]);
    // Within what is kept, the same gap is replayed instead.
    back.ws.terminate();
    for (let i = 1; i <= 3; i++) notice(`again ${i}`);
    const again = await openPage(srv, id, 9);
    expect(again.notice).toEqual({ state: 'resumed', seq: 9 });
    await until('the replay', () => again.events().length === 3);
    again.ws.close();
  });

  it('refuses a malformed lastSeq', async () => {
    await expect(openPage(srv, newSessionId(), -1)).rejects.toThrow();
  });
});
