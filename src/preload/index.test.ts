// The preload with Electron faked: only contract names pass, and one IPC
// listener serves every subscription, however many there are.
import { describe, expect, it, vi } from 'vitest';
import { EVENT_NAMES } from '../shared/api/names';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/api/channels';
import type { PreloadBridge } from '../shared/api/names';

const fake = vi.hoisted(() => ({
  exposed: Object.create(null) as Record<string, unknown>,
  listeners: [] as Array<[string, (e: unknown, msg: unknown) => void]>,
  invoked: [] as Array<[string, unknown]>,
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (fake.exposed[key] = api) },
  ipcRenderer: {
    on: (channel: string, l: (e: unknown, msg: unknown) => void) => fake.listeners.push([channel, l]),
    invoke: async (channel: string, call: unknown) => {
      fake.invoked.push([channel, call]);
      return { ok: true, result: null };
    },
  },
}));

describe('preload bridge', () => {
  it('passes contract names only, with one IPC listener for every event', async () => {
    await import('./index');
    const bridge = fake.exposed.pipewright as PreloadBridge;
    expect(await bridge.invoke('no.such', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    await bridge.invoke('app.info', {});
    expect(fake.invoked).toEqual([[IPC_INVOKE_CHANNEL, { method: 'app.info', input: {} }]]);

    const heard: Array<[string, unknown]> = [];
    const offs = EVENT_NAMES.map((name) => bridge.on(name, (p) => heard.push([name, p])));
    expect(bridge.on('not.an.event', () => {})).toBeTypeOf('function');
    expect(fake.listeners.map(([c]) => c)).toEqual([IPC_EVENT_CHANNEL]);
    const deliver = fake.listeners[0][1];
    deliver({}, { event: 'app.notice', payload: { level: 'info', message: 'hi' } });
    deliver({}, { event: 'not.an.event', payload: 1 });
    deliver({}, null);
    expect(heard).toEqual([['app.notice', { level: 'info', message: 'hi' }]]);
    offs.forEach((off) => off());
    deliver({}, { event: 'app.notice', payload: {} });
    expect(heard).toHaveLength(1);
  });
});
