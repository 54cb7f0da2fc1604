// Live updates set up anywhere else (red team, issue 24, finding 8). The watch engine
// used events only for targets listed in this home's events/setup-state.json
// (EventsService.setUpTargets), i.e. set up by this Pipewright home. A setup made any
// other way (the CloudFormation/StackSet export the issue offers for organisations, a
// colleague's or another machine's Pipewright, a reinstalled laptop, or the same account
// reached through another profile name) was event-driven by `events status`, yet never
// consumed: every pipeline stayed polled ("polled: not set up"). Now the file is a
// cache: every watched target's rule is read when it is first watched, and then at a
// slow rate (10 minutes by default) while no setup is known for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServices } from '../helpers/services';
import { applyLiveUpdates, lastSeq, STAGING, type Env } from '../helpers/live-updates';
import { EventsService } from '../../src/main/events';

const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
const staging = { profile: 'sandbox-staging', region: 'us-east-1', name: 'web-frontend' };
const DISCOVERY_MS = 2_000;

let env: Env;
let adminHome: string;
beforeAll(async () => {
  env = await startServices({ seed: 'demo', timeScale: 0.002, executions: { events: { statusRefreshMs: 300, setupDiscoveryMs: DISCOVERY_MS } } });
  adminHome = mkdtempSync(join(tmpdir(), 'pw-admin-'));
}, 60_000);
afterAll(async () => {
  await env?.stop();
  rmSync(adminHome, { recursive: true, force: true });
});

describe('live updates set up by someone else (an administrator, a StackSet, another machine)', () => {
  // The red team's test, its assertions kept.
  it('status says event-driven, and the watch engine follows the events', { timeout: 60_000 }, async () => {
    // The same resources, created from another Pipewright home (as the CloudFormation export would create them).
    const admin = new EventsService(env.accounts, adminHome);
    expect((await applyLiveUpdates(admin, { targets: [{ profile: ref.profile, regions: [ref.region] }] })).ok).toBe(true);

    const [status] = await env.liveUpdates.status([{ profile: ref.profile, region: ref.region }]);
    expect(status).toMatchObject({ mode: 'event-driven', reason: null });
    expect(await admin.test(ref.profile, ref.region)).toMatchObject({ ok: true });

    env.executions.engine.watch(ref, 'win', { opened: false });
    // Ten status refreshes (300 ms each) later.
    await new Promise((r) => setTimeout(r, 3_000));
    const s = env.executions.engine.state(ref);
    console.log(`events status: ${status.mode}; the live view: ${s?.watchMode} (${s?.watchModeReason}); queue readers: ${env.coverage.stats().consumers}`);
    expect(s?.watchMode, `the live view says "${s?.watchMode}: ${s?.watchModeReason}" while status says event-driven`).toBe('event-driven');
  });

  it('a target with no setup costs one DescribeRule per slow period, and a setup made later is found within one', { timeout: 60_000 }, async () => {
    const describes = (since: number) =>
      env.sb.logEntries(since).filter((e) => e.service === 'events' && e.operation === 'DescribeRule' && e.account === STAGING).length;
    const seq = lastSeq(env);
    env.executions.engine.watch(staging, 'win', { opened: false });
    await vi.waitFor(() => expect(describes(seq)).toBe(1), { timeout: 5_000, interval: 50 });
    // Several minute-rate refreshes (300 ms here) within the slow period: no more reads of its rule.
    await new Promise((r) => setTimeout(r, DISCOVERY_MS / 2));
    const withinPeriod = describes(seq);
    expect(env.executions.engine.state(staging)?.watchMode).toBe('polled');

    // Set up from elsewhere (staging into dev's hub, as an organisation's hub).
    const admin = new EventsService(env.accounts, adminHome);
    expect((await applyLiveUpdates(admin, { targets: [{ profile: staging.profile, regions: [staging.region] }], hubProfile: 'sandbox-dev' })).ok).toBe(true);
    const since = Date.now();
    await vi.waitFor(() => expect(env.executions.engine.state(staging)?.watchMode).toBe('event-driven'), { timeout: DISCOVERY_MS + 3_000, interval: 50 });
    console.log(
      `a target with no setup: ${withinPeriod} DescribeRule in the first ${DISCOVERY_MS / 2} ms (3 refreshes); a setup made elsewhere followed after ${Date.now() - since} ms`,
    );
    expect(withinPeriod).toBe(1);
  });
});
