// Issue 23, item 6: "A watcher whose profile is unknown or removed dies with an
// unhandled error: `executions.watch` answers ok and the view stays stale." The
// watcher asked for the profile's client outside its error handling, so the
// first tick rejected unhandled and the watcher never ran again. Now an unknown
// profile, and one removed from the AWS config while watched, are the watcher's
// state: `execution.updated` carries the error (ProfileNotFound, ProfileRemoved)
// with a clear message, nothing is rejected unhandled, and the watcher keeps
// watching (it recovers when the profile comes back).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServices } from '../helpers/services';
import { EventHub } from '../../src/main/rpc/event-hub';
import { executionsFeature } from '../../src/main/executions/handlers';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import type { PipelineLiveState } from '../../src/shared/api/executions';

let env: Awaited<ReturnType<typeof startServices>>;
let hub: EventHub;
let handlers: ReturnType<typeof executionsFeature>['handlers'];
const events: PipelineLiveState[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

const until = <T>(what: string, f: () => T | undefined | null | false, ms = 10_000): Promise<T> =>
  vi.waitFor(
    () => {
      const v = f();
      if (!v) throw new Error(`timed out waiting for ${what}`);
      return v;
    },
    { timeout: ms, interval: 20 },
  );

/** The AWS config the services read (startServices points AWS_CONFIG_FILE there): a profile of the dev account, or none. */
const writeConfig = (withProfile: boolean) =>
  writeFileSync(
    join(env.home, 'none'),
    withProfile
      ? `[profile release-bot]\nregion = us-east-1\nendpoint_url = ${env.sb.endpoint}\naws_access_key_id = ${DEFAULT_ACCOUNTS[0].accessKeyId}\naws_secret_access_key = ${DEFAULT_ACCOUNTS[0].secretAccessKey}\n`
      : '',
  );

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  env = await startServices({
    seed: 'demo',
    executions: { intervals: { openedActive: 100, openedIdle: 150, backgroundActive: 300, backgroundIdle: 300, maxBackoff: 300 } },
  });
  hub = new EventHub();
  ({ handlers } = executionsFeature({
    executions: env.executions,
    targets: () => [],
    jobs: { start: () => 'job' },
    events: hub,
    onDeparture: (l) => hub.onDeparture(l),
  }));
}, 60_000);
beforeEach(() => {
  events.length = 0;
  unhandled.length = 0;
  hub.attach({ clientId: 'window', send: (event, payload) => event === 'execution.updated' && events.push(payload as PipelineLiveState) });
  hub.markReady('window');
});
// The window goes: its watches end.
afterEach(() => hub.detach('window'));
afterAll(async () => {
  await env?.stop();
  process.off('unhandledRejection', onUnhandled);
});

describe('hardening item 6: a watcher whose profile is unknown or removed', () => {
  it('a profile that does not exist: the watch answers ok and its state event says the profile is unknown; nothing is rejected unhandled', async () => {
    const ref = { profile: 'no-such-profile', region: 'us-east-1', name: 'web-frontend' };
    const answer = await handlers['executions.watch']({ ...ref, opened: true }, { clientId: 'window' });
    expect(answer).toEqual({ state: null });
    await until(
      'a state event for the unknown profile (or an unhandled rejection)',
      () => events.some((e) => e.ref.profile === ref.profile) || unhandled.length,
    );
    expect(unhandled.map(String)).toEqual([]);
    const state = events.find((e) => e.ref.profile === ref.profile)!;
    expect(state.error).toMatchObject({ kind: 'not-found', code: 'ProfileNotFound' });
    expect(state.error?.message).toMatch(/No profile named no-such-profile/);
    expect(state.error?.message).toMatch(/cannot be watched until a profile of that name exists/);
    expect(state.stages).toEqual([]);
    // It goes on watching (backed off), and never made a call: there is no client for it.
    await new Promise((r) => setTimeout(r, 500));
    expect(env.executions.engine.stats().watchers).toBe(1);
    expect(env.executions.engine.stats().calls).toEqual({ probe: 0, state: 0, declaration: 0 });
    expect(unhandled.map(String)).toEqual([]);
  });

  it('a profile removed from the config after the watch started: the state keeps what was read, with the error; back when the profile is', async () => {
    writeConfig(true);
    await env.accounts.reload();
    const ref = { profile: 'release-bot', region: 'us-east-1', name: 'web-frontend' };
    await handlers['executions.watch']({ ...ref, opened: true }, { clientId: 'window' });
    const read = await until('a first state read with release-bot', () => events.find((e) => e.ref.profile === 'release-bot' && e.stages.length > 0));
    expect(read.error).toBeNull();

    writeConfig(false);
    await env.accounts.reload();
    await until(
      'the state event saying the profile was removed (or an unhandled rejection)',
      () => events.some((e) => e.ref.profile === 'release-bot' && e.error) || unhandled.length,
    );
    expect(unhandled.map(String)).toEqual([]);
    const removed = events.find((e) => e.ref.profile === 'release-bot' && e.error)!;
    expect(removed.error).toMatchObject({ kind: 'not-found', code: 'ProfileRemoved' });
    expect(removed.error?.message).toMatch(/The profile release-bot was removed while this pipeline was watched/);
    // What was read before is still shown, marked by the error.
    expect(removed.stages.map((s) => s.name)).toEqual(read.stages.map((s) => s.name));

    writeConfig(true);
    await env.accounts.reload();
    await until(
      'a state without the error once the profile is back',
      () => events.at(-1)?.ref.profile === 'release-bot' && events.at(-1)?.error === null,
      15_000,
    );
    expect(unhandled.map(String)).toEqual([]);
  }, 30_000);
});
