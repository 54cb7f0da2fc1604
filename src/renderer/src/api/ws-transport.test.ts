// The browser-mode transport against a scripted socket: it says "connected" only
// once the session is whole (after starting over when the server said it expired
// or lost events), drops events it saw twice, asks for what followed its last
// event, fails calls an expired session can no longer answer, and says "lost"
// when it could not start over.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ServerMessage } from '../../../shared/api/envelope';
import { createWsTransport, LOST_CALL_MESSAGE, type ConnectionState } from './ws-transport';

class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(m: string) {
    this.sent.push(m);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
  }
  receive(msg: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

const latest = () => FakeSocket.all[FakeSocket.all.length - 1];

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', FakeSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function setUp(resync: () => Promise<void> = () => Promise.resolve()) {
  const t = createWsTransport('ws://127.0.0.1:1/rpc');
  const states: ConnectionState[] = [];
  t.onConnectionChange((s) => states.push(s));
  const reasons: string[] = [];
  t.setResync((reason) => (reasons.push(reason), resync()));
  const heard: unknown[] = [];
  t.subscribe('app.notice', (p) => heard.push((p as { message: string }).message));
  return { t, states, reasons, heard };
}

it('is connected only once the server said the session is whole, replays and drops duplicates', async () => {
  const { states, heard } = setUp();
  latest().open();
  expect(states.at(-1)).toBe('connecting');
  latest().receive({ session: { state: 'new', seq: 0 } });
  expect(states.at(-1)).toBe('connected');
  latest().receive({ event: 'app.notice', payload: { message: 'one' }, seq: 1 });
  latest().receive({ event: 'app.notice', payload: { message: 'two' }, seq: 2 });
  latest().drop();
  expect(states.at(-1)).toBe('disconnected');
  await vi.advanceTimersByTimeAsync(300);
  expect(latest().url).toMatch(/\?session=[0-9a-f]{32}&lastSeq=2$/);
  latest().open();
  latest().receive({ session: { state: 'resumed', seq: 2 } });
  latest().receive({ event: 'app.notice', payload: { message: 'two' }, seq: 2 }); // seen already
  latest().receive({ event: 'app.notice', payload: { message: 'three' }, seq: 3 });
  expect(heard).toEqual(['one', 'two', 'three']);
  expect(states.at(-1)).toBe('connected');
});

it('after an expired session: fails the calls it had sent, sends the others, and is connected only after starting over', async () => {
  let finish!: () => void;
  const { t, states, reasons } = setUp(() => new Promise<void>((r) => (finish = r)));
  latest().open();
  latest().receive({ session: { state: 'new', seq: 0 } });
  latest().receive({ event: 'app.notice', payload: { message: 'one' }, seq: 1 });
  const inFlight = t.call('artifacts.clean', {});
  latest().drop();
  const queued = t.call('app.info', {});
  await vi.advanceTimersByTimeAsync(300);
  const back = latest();
  back.open();
  back.receive({ session: { state: 'expired', seq: 0 } });
  await expect(inFlight).resolves.toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: LOST_CALL_MESSAGE } });
  expect(back.sent.map((m) => JSON.parse(m).method)).toEqual(['app.info']);
  expect(reasons).toEqual(['expired']);
  expect(states.at(-1)).toBe('resyncing');
  finish();
  await vi.advanceTimersByTimeAsync(0);
  expect(states.at(-1)).toBe('connected');
  back.receive({ id: 2, ok: true, result: {} });
  await expect(queued).resolves.toEqual({ id: 2, ok: true, result: {} });
});

it('says the page is lost when it could not start over', async () => {
  const { states, reasons } = setUp(() => Promise.reject(new Error('no')));
  latest().open();
  latest().receive({ session: { state: 'events-lost', seq: 40 } });
  await vi.advanceTimersByTimeAsync(0);
  expect(reasons).toEqual(['events-lost']);
  expect(states.at(-1)).toBe('lost');
  expect(states).not.toContain('connected');
});
