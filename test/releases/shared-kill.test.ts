// Issue 26's kill check: the built CLI promotes dev of a shared release and is killed with SIGKILL at a random
// moment of its promotion, 30 times; each time another process (the app's service, in this process) resumes: once
// the dead CLI's lease has expired (a short ttl, PIPEWRIGHT_LEASE_TTL_MS) it takes it over, says so, and goes on
// from the saved tokens. No pipeline is ever started twice (the pipeline's own executions: one new one per round;
// a StartPipelineExecution sent again with its saved token is answered with the same execution), and the log holds
// every step of each round's promotion: its start, the execution started (naming that execution), its finish, and
// the resume and takeover where there was one. Over all rounds the log has no gap and no key written twice.
//
// A step is logged before it is saved (release-journal.ts), so a kill between the two can leave a step logged
// twice (the resumer does it again) or a start logged whose promotion was never saved (nothing of it started):
// both are counted and printed; neither may lose a step.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { leaseHeld } from '../../src/main/releases/s3-leases';
import type { PromoteOutcome } from '../../src/main/releases/service';
import type { SharedHome } from '../../src/main/releases/release-homes';
import { AppError } from '../../src/shared/api/errors';
import type { Promotion } from '../../src/shared/api/releases';
import { FaultRule } from '../../src/sandbox/faults';
import { assertBuilt } from '../helpers/cli';
import { DEV, LOCATION, URL, exampleRelease, sharedReleaseEnv } from '../helpers/shared-releases';

const ROUNDS = Number(process.env.PIPEWRIGHT_KILL_ROUNDS ?? 30);
const SEED = Number(process.env.PIPEWRIGHT_KILL_SEED ?? 26);

let env: Awaited<ReturnType<typeof sharedReleaseEnv>>;
let home: SharedHome;
const release = exampleRelease();
const go = { confirmed: false, allowUnpinned: false };

/** A small seeded generator (mulberry32): the kill moments are the same on every run with one seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  assertBuilt();
  env = await sharedReleaseEnv();
  env.cliEnv.PIPEWRIGHT_LEASE_TTL_MS = '500';
  home = await env.h.releases.sharedHome(LOCATION, { stateProfile: 'sandbox-dev' });
  await home.storage.saveDefinition(release, { basedOn: null });
}, 60_000);
afterAll(() => env?.stop());

/** Launches the CLI's promote; resolves once its first call reaches the sandbox (past Node's start-up). */
async function launch() {
  const seq = env.lastSeq();
  const child = spawn(process.execPath, ['bin/pipewright.js', 'release', 'promote', URL, '--to', 'dev', '--state-profile', 'sandbox-dev'], {
    env: env.cliEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!env.h.sb.logEntries(seq).length && Date.now() < deadline && child.exitCode === null) await delay(2);
  return { child, exited, output: () => out };
}

/** The newest promotion of dev started since `sinceIso` (this round's), as stored. */
async function roundsPromotion(sinceIso: string): Promise<Promotion | undefined> {
  return (await home.storage.promotions('web-frontend')).find((p) => p.environment === 'dev' && p.startedAt >= sinceIso);
}

it(`the CLI killed (SIGKILL) at random points of a promotion ${ROUNDS} times, resumed by another process: no pipeline started twice, every step in the log`, async () => {
  const started = Date.now();
  const next = random(SEED);
  // S3 a little slow, as it is from a laptop: the steps of a promotion spread out, and the kills fall between them.
  env.h.sb.faults.set([FaultRule.parse({ service: 's3', latencyMs: 5, jitterMs: 10 })]);
  // One run to the end first: how long a promotion takes from the CLI's first call to its start call (the lease
  // held: the steps that must not happen twice) and to its exit (following). Two kills in three fall in the first
  // span and a little after (the execution id saved and logged), the third anywhere up to the exit.
  const seq0 = env.lastSeq();
  const calibration = await launch();
  const t = Date.now();
  expect(await calibration.exited, calibration.output()).toBe(0);
  const span = Date.now() - t;
  const calls = env.h.sb.logEntries(seq0);
  const startSpan = Math.min(span, calls.find((e) => e.operation === 'StartPipelineExecution')!.time - calls[0].time + 150);

  const phases = new Map<string, number>();
  const counts = { resumed: 0, takenOver: 0, freshAfterKill: 0, resentStarts: 0, maxNewExecutions: 0 };
  const ids: Array<{ id: string; execution: string; resumed: boolean; tookOver: boolean }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const since = new Date().toISOString();
    const seq = env.lastSeq();
    const before = new Set(env.startedExecutions(DEV));
    const cli = await launch();
    const killAfter = Math.floor(next() * (round % 3 === 2 ? span : startSpan));
    await delay(killAfter);
    const finishedFirst = cli.child.exitCode !== null;
    cli.child.kill('SIGKILL');
    await cli.exited;

    const left = await roundsPromotion(since);
    const phase = !left
      ? 'before its promotion was saved'
      : left.status !== 'running'
        ? 'after it finished'
        : left.targets.every((x) => x.executionId)
          ? 'while following'
          : 'saved, before the start was saved';
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
    const what = `round ${round}: killed ${killAfter} ms after its first call (${finishedFirst ? 'it had exited' : phase}):\n${cli.output()}`;

    let final = left;
    let resumed = false;
    let tookOver = false;
    if (!left || left.status === 'running') {
      // Another process goes on: refused while the dead CLI's lease has not expired, then it takes it over.
      let out: PromoteOutcome | undefined;
      const changes: string[] = [];
      const off = env.h.releases.onChange((c) => c.log && changes.push(c.log.event));
      for (let tries = 0; !out && tries < 100; tries++) {
        out = await env.h.releases.promote(release, 'dev', { ...go, home }).catch(async (err: unknown) => {
          if (!(err instanceof AppError && leaseHeld(err))) throw err;
          await delay(100);
          return undefined;
        });
      }
      off();
      if (out?.kind !== 'started') throw new Error(`${what}\nnot resumed`);
      resumed = out.resumed;
      tookOver = changes.includes('lease-taken-over');
      if (resumed) counts.resumed++;
      else counts.freshAfterKill++;
      if (tookOver) counts.takenOver++;
      // Resumed, it is the promotion the CLI saved; fresh, there was none.
      expect(out.promotion.id === left?.id, what).toBe(!!left);
      final = await env.h.releases.follow(out.promotion, { home });
    }
    expect(final?.status, what).toBe('succeeded');
    const fresh = env.startedExecutions(DEV).filter((id) => !before.has(id));
    // Never started twice: one new execution of the pipeline this round, the one the promotion holds.
    expect(fresh, what).toEqual([final!.targets[0].executionId]);
    counts.maxNewExecutions = Math.max(counts.maxNewExecutions, fresh.length);
    counts.resentStarts += env.startCalls(seq).length - 1;
    ids.push({ id: final!.id, execution: fresh[0], resumed, tookOver });
  }

  env.h.sb.faults.clear();
  const log = await env.h.releases.history('web-frontend', { home, limit: 100_000 });
  expect(log.filter((e) => e.event === 'unreadable')).toEqual([]);
  let repeated = 0;
  for (const r of ids) {
    const mine = log.filter((e) => e.promotionId === r.id);
    const events = mine.map((e) => e.event);
    expect(
      events.filter((e) => e === 'promotion-started'),
      `${r.id}: ${events.join(', ')}`,
    ).toHaveLength(1);
    const startedLines = mine.filter((e) => e.event === 'execution-started');
    expect(startedLines.length, `${r.id}: ${events.join(', ')}`).toBeGreaterThanOrEqual(1);
    for (const e of startedLines) expect(e.message).toContain(`execution ${r.execution}`);
    expect(events.filter((e) => e === 'promotion-finished').length, `${r.id}: ${events.join(', ')}`).toBeGreaterThanOrEqual(1);
    if (r.resumed) expect(events, r.id).toContain('promotion-resumed');
    // A takeover that resumed this promotion names it; one that found none saved (the kill came before) names none.
    if (r.tookOver && r.resumed) expect(events, r.id).toContain('lease-taken-over');
    repeated += startedLines.length - 1 + events.filter((e) => e === 'promotion-finished').length - 1;
    // Every entry of it says who wrote it.
    for (const e of mine) expect(e.by?.arn, `${r.id} ${e.event}`).toMatch(/^arn:aws:/);
  }
  // Each takeover said once, naming the dead CLI.
  const takeovers = log.filter((e) => e.event === 'lease-taken-over');
  expect(takeovers).toHaveLength(counts.takenOver);
  for (const e of takeovers) expect(e.message).toMatch(/^Took over the lease on dev from arn:aws:\S+ \(pipewright cli, pid \d+ on /);
  const promotions = new Set((await home.storage.promotions('web-frontend')).map((p) => p.id));
  const orphans = new Set(log.filter((e) => e.event === 'promotion-started' && e.promotionId && !promotions.has(e.promotionId)).map((e) => e.promotionId));
  const integrity = await env.logIntegrity();
  expect(integrity.gaps).toEqual([]);
  expect(integrity.rewritten).toEqual([]);
  expect(integrity.strays).toEqual([]);
  console.info(
    `shared release kill -9, ${ROUNDS} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}, S3 latency 5-15 ms; kills 0-${startSpan} ms after the CLI's first call in two rounds of three, 0-${span} ms in the third): ` +
      `killed ${[...phases].map(([p, n]) => `${p}: ${n}`).join('; ')}. Starts per pipeline and round: at most ${counts.maxNewExecutions} (one new execution every round); ` +
      `resumed by the other process ${counts.resumed} (lease taken over ${counts.takenOver}), started afresh after the kill ${counts.freshAfterKill}; ` +
      `StartPipelineExecution sent again with its saved token ${counts.resentStarts} time(s), answered with the same execution; ` +
      `steps logged twice after a kill ${repeated}, starts logged whose promotion was never saved ${orphans.size}; log: ${integrity.entries} entries, no gap, none written twice`,
  );
}, 240_000);
