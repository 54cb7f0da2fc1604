// No request can stop the app: hostile upgrades, deeply nested and random input
// at every method over both transports (WebSocket and IPC), then the server must
// still answer app.info. Two instances side by side keep their own token cookies.
// A dropped socket resumes its session: a re-sent call is answered, not run again,
// and events emitted meanwhile arrive.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startBrowserServer, tokenCookieName, type BrowserServer } from '../../src/main/rpc/browser-server';
import { createCore, type Core } from '../../src/main/app-core';
import { serveOverIpc } from '../../src/main/rpc/ipc';
import { methods } from '../../src/shared/api/contract';
import type { Envelope } from '../../src/shared/api/envelope';

let core: Core;
let server: BrowserServer;
let home: string;
let staticDir: string;
const logged: string[] = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pw-hard-'));
  staticDir = mkdtempSync(join(tmpdir(), 'pw-hard-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Pipewright</title>');
  process.env.AWS_CONFIG_FILE = join(home, 'none');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(home, 'none');
  core = await createCore({ home, mode: 'browser', version: '0.0.0-test', sandbox: 'off', log: (l) => logged.push(l) });
  server = await startBrowserServer({ dispatch: core.dispatch, hub: core.hub, staticDir, log: (l) => logged.push(l) });
});
afterAll(async () => {
  await server.close();
  await core.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});

const headersFor = (s: BrowserServer) => ({ cookie: `${tokenCookieName(s.port)}=${s.token}`, origin: `http://127.0.0.1:${s.port}` });

function open(path = '/rpc', s = server): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}${path}`, { headers: headersFor(s) });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Sends raw text and waits for the answer to `id` (or any id-less error answer). */
function send(ws: WebSocket, text: string, id: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${text.slice(0, 80)}`)), 10_000);
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString());
      if (msg.id === id || msg.id === -1) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(text);
  });
}

/** A raw HTTP request on a fresh TCP connection: the status line, or '' if the server closed without one. */
function raw(text: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = netConnect({ host: '127.0.0.1', port: server.port }, () => sock.write(text));
    let got = '';
    sock.on('data', (d) => (got += d));
    sock.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    sock.on('error', () => resolve(got.split('\r\n')[0] ?? ''));
    setTimeout(() => sock.destroy(), 3000); // a deadline, not a wait: a server that holds the connection open yields what came so far
  });
}

async function stillServing(): Promise<void> {
  const ws = await open();
  expect(await send(ws, JSON.stringify({ id: 424242, method: 'app.info', input: {} }), 424242)).toMatchObject({ ok: true, result: { name: 'Pipewright' } });
  ws.close();
}

const deep = (depth: number) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

const hostile = [
  deep(1500),
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'),
  { design: { extras: { templateOnly: deep(1500) } }, profile: 'p', region: 'us-east-1' },
  [[[[[[[[[[[]]]]]]]]]]],
  'x'.repeat(900_000),
  Number.MAX_VALUE,
  -0,
  null,
];

describe('no request can stop the app', () => {
  it('refuses hostile WebSocket upgrades (an unparseable target, bad sessions) and keeps serving', async () => {
    const upgrade = (target: string, extra = '') =>
      raw(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${server.port}\r\nCookie: ${headersFor(server).cookie}\r\n${extra}\r\n`,
      );
    expect(await upgrade('//[/rpc')).toMatch(/^HTTP\/1\.1 400/);
    expect(await upgrade('/rpc?session=../../x')).toMatch(/^HTTP\/1\.1 400/);
    expect(await upgrade('http://[::1/rpc')).toMatch(/^HTTP\/1\.1 400/);
    expect(await upgrade('/rpc', 'Sec-WebSocket-Version: 99\r\n')).toMatch(/^HTTP\/1\.1 4\d\d/);
    // Plain HTTP with the same target answers too.
    expect(await raw(`GET //[/x HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\nCookie: ${headersFor(server).cookie}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 400/,
    );
    await stillServing();
  });

  it('answers a 3 KB message nested 1,500 deep with INVALID_INPUT, over the socket and over IPC', async () => {
    const text = JSON.stringify({ id: 7, method: 'designs.diff', input: hostile[2] });
    expect(text.length).toBeLessThan(30_000);
    const ws = await open();
    const r = await send(ws, text, 7);
    expect(r).toMatchObject({ id: 7, ok: false, error: { code: 'INVALID_INPUT' } });
    expect((r.error as { message: string }).message).toMatch(/nested deeper than 100 levels/);
    ws.close();
    const ipc = ipcHandler();
    expect(await ipc({ method: 'designs.diff', input: hostile[2] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await ipc({ method: 'app.info', input: { pad: 'x'.repeat(1_100_000) } })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    await stillServing();
  });

  it('answers random and hostile input at every method, over both transports, and still answers app.info', async () => {
    const names = Object.keys(methods);
    const ipc = ipcHandler();
    const ws = await open();
    let id = 1000;
    let answered = 0;
    const input = fc.oneof(fc.anything({ maxDepth: 4, withObjectString: true, withNullPrototype: true }), fc.constantFrom(...hostile));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names, 'no.such', '__proto__', 'constructor'), input, async (method, value) => {
        const n = ++id;
        let text: string;
        try {
          text = JSON.stringify({ id: n, method, input: value });
        } catch {
          return;
        }
        const over = await send(ws, text, n);
        expect(typeof over.ok).toBe('boolean');
        const viaIpc = await ipc({ method, input: value });
        expect(typeof viaIpc.ok).toBe('boolean');
        answered++;
      }),
      { numRuns: 300, seed: 7 },
    );
    // Malformed frames too: not JSON, not an object, no id, binary.
    for (const bad of ['{', '[]', '"x"', '{"method":"app.info"}', '{"id":1e400}']) expect((await send(ws, bad, -1)).ok).toBe(false);
    ws.close();
    expect(answered).toBeGreaterThan(250);
    await stillServing();
    expect(logged.filter((l) => /uncaught|unhandled/.test(l))).toEqual([]);
  }, 120_000);
});

describe('two instances side by side', () => {
  it('each keeps its own token cookie, so signing in to one never signs the other out', async () => {
    const second = await startBrowserServer({ dispatch: core.dispatch, hub: core.hub, staticDir });
    try {
      const signIn = (s: BrowserServer) =>
        new Promise<string>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: s.port, path: `/?token=${s.token}`, headers: { host: `127.0.0.1:${s.port}` } }, (res) => {
            res.resume();
            resolve(String(res.headers['set-cookie']).split(';')[0]);
          });
          req.on('error', reject);
          req.end();
        });
      const [a, b] = [await signIn(server), await signIn(second)];
      expect(a.split('=')[0]).not.toBe(b.split('=')[0]);
      // A browser sends both cookies to 127.0.0.1 whatever the port: each instance reads its own.
      const both = `${a}; ${b}`;
      for (const s of [server, second]) {
        const ws = await new Promise<WebSocket>((resolve, reject) => {
          const w = new WebSocket(`ws://127.0.0.1:${s.port}/rpc`, { headers: { cookie: both, origin: `http://127.0.0.1:${s.port}` } });
          w.once('open', () => resolve(w));
          w.once('unexpected-response', (_q, r) => reject(new Error(`HTTP ${r.statusCode}`)));
        });
        expect(await send(ws, JSON.stringify({ id: 1, method: 'app.info', input: {} }), 1)).toMatchObject({ ok: true });
        ws.close();
      }
    } finally {
      await second.close();
    }
  });
});

describe('a dropped socket resumes its session', () => {
  it('answers a call re-sent after a reconnect from memory (run once), and delivers the events emitted meanwhile', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = await startBrowserServer({
      staticDir,
      hub: core.hub,
      dispatch: async (method, input, ctx) => {
        if (method === 'jobs.list') {
          runs++;
          await gate;
        }
        return core.dispatch(method, input, ctx);
      },
    });
    try {
      const session = 'S'.repeat(20) + Date.now();
      const first = await open(`/rpc?session=${session}`, slow);
      expect(await send(first, JSON.stringify({ id: 1, method: 'app.ready', input: {} }), 1)).toMatchObject({ ok: true });
      const clients = core.hub.clientCount;
      first.send(JSON.stringify({ id: 2, method: 'jobs.list', input: {} }));
      await vi.waitFor(() => expect(runs).toBe(1)); // the call is running (held at the gate)
      first.terminate();
      // While away (whether or not the server has seen the socket go: the session keeps its numbered
      // events, and a page that says no last one gets all it holds): the session is still a client.
      core.hub.emit('app.notice', { level: 'info', message: 'while you were away' });
      expect(core.hub.clientCount).toBe(clients);

      // As the page does: listening before the socket opens, since queued events come at once.
      const events: unknown[] = [];
      const again = new WebSocket(`ws://127.0.0.1:${slow.port}/rpc?session=${session}`, { headers: headersFor(slow) });
      again.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if ('event' in m) events.push(m.payload);
      });
      await new Promise((r) => again.once('open', r));
      const answer = send(again, JSON.stringify({ id: 2, method: 'jobs.list', input: {} }), 2);
      release();
      expect(await answer).toMatchObject({ id: 2, ok: true });
      expect(runs).toBe(1);
      await vi.waitFor(() => expect(events).toContainEqual({ level: 'info', message: 'while you were away' }));
      again.close();
    } finally {
      await slow.close();
    }
  });
});

/** serveOverIpc with Electron faked: the handler it registers, called as our own window. */
function ipcHandler(): (call: unknown) => Promise<Envelope> {
  let handler!: (event: unknown, call: unknown) => Promise<Envelope>;
  const mainFrame = { url: 'app://pipewright/index.html', parent: null };
  serveOverIpc({
    ipcMain: { handle: (_c: string, h: typeof handler) => (handler = h), removeHandler: () => {} } as never,
    webContents: { id: Math.floor(Math.random() * 1e9), send: () => {}, isDestroyed: () => false, on: () => undefined, mainFrame },
    dispatch: core.dispatch,
    hub: core.hub,
    isOurUrl: (u) => u.startsWith('app://pipewright/'),
  });
  return (call) => handler({ senderFrame: mainFrame }, call);
}
