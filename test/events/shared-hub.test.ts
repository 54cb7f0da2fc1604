// One hub queue, two people (red team, issue 24, finding 9). The hub is an
// organisation's (a StackSet over the accounts, one hub); every person running Pipewright
// against it reads the same queue and deletes what it takes, so each sees only part of
// the events. The lease (queue-reader.ts) is per home, i.e. per person: it does not help.
// The issue prescribes one queue per region, so this stays a known limit (no queue per
// installation); what changes is that it is said: the miss that the split causes names a
// reader sharing the queue as a likely cause, in the log and in the degraded reason.
// The red team's test asserted that each person sees every event; that is the limit
// itself, so it is not kept: this test checks the limit is told instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { startServices } from '../helpers/services';
import { composeServices } from '../../src/main/compose';
import { applyLiveUpdates, DEV, FAST_EVENTS, runToEnd, sandboxClientConfig, untilWithin, type Env } from '../helpers/live-updates';

const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
const opts = { intervals: { sweep: 1_500, missGrace: 1_500 }, events: FAST_EVENTS };

const until = untilWithin(20_000);

let env: Env;
let otherHome: string;
let other: ReturnType<typeof composeServices>;
const missesA: string[] = [];
const missesB: string[] = [];
beforeAll(async () => {
  env = await startServices({ seed: 'demo', timeScale: 0.002, executions: { ...opts, events: { ...opts.events, log: (l) => missesA.push(l) } } });
  otherHome = mkdtempSync(join(tmpdir(), 'pw-colleague-'));
  other = composeServices({
    home: otherHome,
    settings: () => env.settings,
    sandbox: env.sandbox,
    executions: { ...opts, events: { ...opts.events, log: (l) => missesB.push(l) } },
  });
  await other.accounts.reload();
}, 60_000);
afterAll(async () => {
  await other?.dispose();
  await env?.stop();
  rmSync(otherHome, { recursive: true, force: true });
});

describe('two people on one hub', () => {
  it('each sees part of the events; a miss this causes says another reader may share the queue', { timeout: 90_000 }, async () => {
    const input = { targets: [{ profile: ref.profile, regions: [ref.region] }] };
    expect((await applyLiveUpdates(env.liveUpdates, input)).ok).toBe(true);
    // The colleague sets it up too: everything is there already ("unchanged").
    expect((await applyLiveUpdates(other.liveUpdates, input)).outcomes.every((o) => o.outcome === 'unchanged')).toBe(true);
    env.executions.engine.watch(ref, 'me', { opened: false });
    other.executions.engine.watch(ref, 'colleague', { opened: false });
    await until(
      'both event-driven',
      () => env.executions.engine.state(ref)?.watchMode === 'event-driven' && other.executions.engine.state(ref)?.watchMode === 'event-driven',
    );
    const cp = new CodePipelineClient(sandboxClientConfig(env.sb, DEV));
    const before = { me: env.coverage.counts.events, colleague: other.coverage.counts.events };
    await runToEnd(cp, ref.name);
    await env.sb.events.idle();
    // Whoever did not take the run's end misses it: found by its sweep (1.5 s), told after the grace (1.5 s).
    await until('a miss', () => missesA.length + missesB.length > 0, 10_000);
    const me = env.coverage.counts.events - before.me;
    const colleague = other.coverage.counts.events - before.colleague;
    const views = [
      { who: 'me', misses: missesA, state: env.executions.engine.state(ref) },
      { who: 'colleague', misses: missesB, state: other.executions.engine.state(ref) },
    ];
    console.log(`events of the run taken: me ${me}, colleague ${colleague}`);
    for (const v of views) console.log(`  ${v.who}: ${v.state?.watchMode} (${v.state?.watchModeReason}); misses ${JSON.stringify(v.misses)}`);
    for (const v of views.filter((x) => x.misses.length)) {
      expect(v.misses.every((l) => l.includes('another reader may share it'))).toBe(true);
      expect(v.state?.watchMode).toBe('degraded');
      expect(v.state?.watchModeReason).toMatch(/^events were missed: .*another reader may share it: another Pipewright on another machine/);
    }
  });
});
