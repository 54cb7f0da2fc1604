// Issue 26, phase B: the service, the runner, the board and the journal over a release shared in S3, with the
// real SDK clients against the sandbox. A promotion holds its environment's lease (not the local lock); every log
// entry says who (the state profile's ARN) and where from; a lease whose holder died is taken over, said, and its
// promotion resumed from the saved tokens with nothing started twice; S3 out of reach promotes nothing; a local
// release moves to S3 with its whole history, once.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { ReleasesService } from '../../src/main/releases/service';
import { releasesFeature } from '../../src/main/releases/handlers';
import { methods } from '../../src/shared/api/contract';
import { ReleaseStore } from '../../src/main/releases/release-store';
import { leaseHeld } from '../../src/main/releases/s3-leases';
import type { SharedHome } from '../../src/main/releases/release-homes';
import { AppError } from '../../src/shared/api/errors';
import type { Promotion } from '../../src/shared/api/releases';
import type { LeaseRecord } from '../../src/shared/releases/lease';
import { FaultRule } from '../../src/sandbox/faults';
import { DEV, LOCATION, exampleRelease, failure, pendingTarget, sharedReleaseEnv } from '../helpers/shared-releases';

let env: Awaited<ReturnType<typeof sharedReleaseEnv>>;
let home: SharedHome;
let arn: string;
const release = exampleRelease();
const go = { confirmed: false, allowUnpinned: false };

/** Another Pipewright on another machine: its own service over the same sandbox, its own name for holders. */
function elsewhere(holder: string, leaseTtlMs?: number) {
  return new ReleasesService(env.h.accounts, env.h.executions, new ReleaseStore(env.h.home), { pollMs: 50, holder, leaseTtlMs });
}

/** A lease as a holder that has since died left it (never renewed), with a short ttl. */
const deadLease = (environment = 'dev'): LeaseRecord => ({
  version: 1,
  state: 'held',
  application: 'web-frontend',
  environment,
  holder: { arn: 'arn:aws:sts::111111111111:assumed-role/release/carol', host: 'carol-laptop', pid: 999_999, program: 'pipewright cli' },
  startedAt: new Date().toISOString(),
  heartbeatAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 300).toISOString(),
  ttlMs: 300,
  token: `dead-${Date.now()}`,
  beat: 0,
  releasedAt: null,
});

beforeAll(async () => {
  env = await sharedReleaseEnv();
  home = await env.h.releases.sharedHome(LOCATION, { stateProfile: 'sandbox-dev' });
  await home.storage.saveDefinition(release, { basedOn: null });
  arn = home.writer.arn;
}, 60_000);
afterAll(() => env?.stop());
beforeEach(() => env.h.sb.faults.clear());

describe('a shared release: promoting through the lease', () => {
  it('promotes dev under its lease; every log entry says who (ARN, host) and when; the change events name the location', async () => {
    const changes: Array<string | null> = [];
    const off = env.h.releases.onChange((c) => changes.push(c.location));
    expect(home.writer).toMatchObject({ profile: 'sandbox-dev', arn: expect.stringMatching(/^arn:aws:/) as string, region: 'us-east-1' });
    // The reads take a while: long enough to see the lease held from elsewhere.
    env.h.sb.faults.set([FaultRule.parse({ service: 'codepipeline', operation: 'GetPipelineState', account: DEV, latencyMs: 600 })]);
    const since = env.lastSeq();
    const promoting = env.h.releases.promote(release, 'dev', { ...go, home });
    let seen = null;
    for (let i = 0; i < 50 && !seen; i++) {
      await delay(50);
      seen = await env.h.releases.lease(home, 'dev');
    }
    expect(seen).toMatchObject({ state: 'held', holder: { arn, program: 'the Pipewright app', pid: process.pid, host: hostname() }, environment: 'dev' });
    const out = await promoting;
    if (out.kind !== 'started') throw new Error('blocked');
    const done = await env.h.releases.follow(out.promotion, { home });
    off();
    expect(done.status).toBe('succeeded');
    expect(env.startCalls(since)).toHaveLength(1);
    expect(await env.h.releases.lease(home, 'dev')).toMatchObject({ state: 'released' });
    const log = (await env.h.releases.history('web-frontend', { home })).filter((e) => e.promotionId === done.id);
    expect(log.map((e) => e.event)).toEqual(['promotion-started', 'execution-starting', 'execution-started', 'status', 'promotion-finished']);
    for (const e of log) {
      expect(e.by).toEqual({ arn, host: hostname() });
      expect(Date.parse(e.at)).not.toBeNaN();
    }
    expect(new Set(changes)).toEqual(new Set([LOCATION]));
    // The local home saw none of it.
    expect(await env.h.releases.store.history('web-frontend')).toEqual([]);
    // The board of the shared release: its promotions, and no lease now that nobody promotes.
    const board = await env.h.releases.board(release, { home });
    expect(board.promotions.map((p) => p.id)).toContain(done.id);
    expect(board.environments.map((e) => e.lease)).toEqual([null, null, null]);
  }, 60_000);

  it('a second promote from elsewhere while the lease is held is refused, told who holds it; one start', async () => {
    const other = elsewhere('pipewright cli');
    const theirs = await other.sharedHome(LOCATION, { stateProfile: 'sandbox-dev' });
    env.h.sb.faults.set([FaultRule.parse({ service: 'codepipeline', operation: 'GetPipelineState', account: DEV, latencyMs: 800 })]);
    const since = env.lastSeq();
    const first = env.h.releases.promote(release, 'dev', { ...go, home });
    await delay(300);
    const refused = await failure(other.promote(release, 'dev', { ...go, home: theirs }));
    expect(leaseHeld(refused)).toBe(true);
    expect(refused.message).toMatch(/^dev of web-frontend is being promoted by arn:aws:.* \(the Pipewright app, pid \d+ on .*, since \d{4}-/);
    expect(refused.details).toMatchObject({ kind: 'leased', holder: { program: 'the Pipewright app', pid: process.pid } });
    const out = await first;
    if (out.kind !== 'started') throw new Error('blocked');
    await env.h.releases.follow(out.promotion, { home });
    expect(env.startCalls(since)).toHaveLength(1);
  }, 60_000);

  it('a lease left by a dead holder is refused until it expires, then taken over: said in the log, the promotion resumed from its tokens, nothing started twice', async () => {
    const other = elsewhere('pipewright cli', 500);
    const theirs = await other.sharedHome(LOCATION, { stateProfile: 'sandbox-dev' });
    // The dead holder had saved its promotion with its token and called StartPipelineExecution, then died before
    // saving the execution id.
    const token = `token-${Date.now()}`;
    const p: Promotion = {
      id: `dev-dead-${Date.now()}`,
      application: 'web-frontend',
      environment: 'dev',
      from: null,
      revision: null,
      status: 'running',
      reason: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      targets: [pendingTarget('sandbox-dev', 'web-frontend', token)],
    };
    await home.storage.savePromotion(p);
    const before = new Set(env.startedExecutions(DEV));
    const started = await env.h.executions.start({ profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' }, { clientRequestToken: token });
    await env.put('leases/dev.json', JSON.stringify(deadLease()));
    const early = await failure(other.promote(release, 'dev', { ...go, home: theirs }));
    expect(leaseHeld(early)).toBe(true);
    expect(early.message).toContain('arn:aws:sts::111111111111:assumed-role/release/carol (pipewright cli, pid 999999 on carol-laptop');
    let out: Awaited<ReturnType<typeof other.promote>> | undefined;
    for (let i = 0; i < 40 && !out; i++) {
      await delay(250);
      out = await other.promote(release, 'dev', { ...go, home: theirs }).catch((err: unknown) => {
        if (err instanceof AppError && leaseHeld(err)) return undefined;
        throw err;
      });
    }
    if (out?.kind !== 'started') throw new Error('not taken over');
    expect(out.resumed).toBe(true);
    expect(out.promotion.id).toBe(p.id);
    expect(out.promotion.targets[0].executionId).toBe(started);
    const done = await other.follow(out.promotion, { home: theirs });
    expect(done.status).toBe('succeeded');
    expect(env.startedExecutions(DEV).filter((id) => !before.has(id))).toEqual([started]);
    const log = (await other.history('web-frontend', { home: theirs })).filter((e) => e.promotionId === p.id);
    expect(log.map((e) => e.event)).toEqual([
      'lease-taken-over',
      'promotion-resumed',
      'execution-starting',
      'execution-started',
      'status',
      'promotion-finished',
    ]);
    expect(log[0].message).toMatch(
      new RegExp(
        `^Took over the lease on dev from arn:aws:sts::111111111111:assumed-role/release/carol \\(pipewright cli, pid 999999 on carol-laptop, since [^)]+\\): it was not renewed after \\S+ and expired; promotion ${p.id} goes on from its saved tokens\\.$`,
      ),
    );
    expect(log[3].message).toContain(`execution ${started}`);
  }, 60_000);

  it('S3 out of reach: the location cannot be opened, or the lease cannot be taken; said, and nothing is promoted', async () => {
    const since = env.lastSeq();
    env.h.sb.faults.set([FaultRule.parse({ service: 's3', resetRate: 1 })]);
    const closed = await failure(env.h.releases.sharedHome('s3://team-releases/other/', { stateProfile: 'sandbox-dev' }));
    expect(closed.code).toBe('UNAVAILABLE');
    expect(closed.message).toMatch(
      /^Could not open the shared release s3:\/\/team-releases\/other\/: S3 cannot be reached \(sandbox-dev: .*\)\. Nothing was read there, and nothing was promoted\.$/,
    );
    // Already open, then S3 goes: the promote stops at its lease.
    const err = await failure(env.h.releases.promote(release, 'dev', { ...go, home }));
    expect(err.message).toMatch(/^Could not (write|read) s3:\/\/team-releases\/web\/leases\/dev\.json/);
    env.h.sb.faults.clear();
    expect(env.startCalls(since)).toHaveLength(0);
  }, 60_000);
});

describe('leases broken by a person', () => {
  it('an expired lease is released; a held one only with --force naming its holder, which is logged and stops that holder at its next step', async () => {
    await env.put('leases/staging.json', JSON.stringify(deadLease('staging')));
    // Not yet expired: held, refused without force.
    expect(leaseHeld(await failure(env.h.releases.breakLease(home, 'staging')))).toBe(true);
    await delay(2600);
    const expired = await env.h.releases.breakLease(home, 'staging');
    expect(expired.outcome).toEqual({ kind: 'break', forced: false });
    expect((await env.h.releases.lease(home, 'staging'))?.state).toBe('released');
    expect((await env.h.releases.breakLease(home, 'staging')).outcome.kind).toBe('nothing');

    // A live holder elsewhere: forced with the wrong name breaks nothing; with its ARN, it is broken and it stops.
    const other = elsewhere('pipewright cli');
    const theirs = await other.sharedHome(LOCATION, { stateProfile: 'sandbox-dev' });
    let release!: () => void;
    const waiting = new Promise<void>((r) => (release = r));
    const holding = theirs.leases.hold('web-frontend', 'staging', async (lease) => {
      await lease.assertHeld();
      await waiting;
      await lease.assertHeld();
    });
    await delay(200);
    const wrong = await failure(env.h.releases.breakLease(home, 'staging', 'arn:aws:sts::111111111111:assumed-role/release/bob'));
    expect(wrong.code).toBe('INVALID_INPUT');
    expect(wrong.message).toContain(`the lease is held by ${arn}, not arn:aws:sts::111111111111:assumed-role/release/bob: nothing was broken`);
    const forced = await env.h.releases.breakLease(home, 'staging', arn);
    expect(forced.outcome).toEqual({ kind: 'break', forced: true });
    release();
    const lost = await failure(holding);
    expect(lost.details).toMatchObject({ kind: 'lease-lost' });
    expect(lost.message).toMatch(/was released by .*the Pipewright app/);
    const log = await env.h.releases.history('web-frontend', { home });
    expect(log.filter((e) => e.environment === 'staging').map((e) => e.event)).toEqual(['lease-released', 'lease-broken']);
    expect(log.at(-1)?.message).toMatch(/^Broke the lease on staging held by arn:aws:.* \(pipewright cli, pid \d+ on .*\) \(--force\)/);
  }, 60_000);
});

describe('sharing a local release', () => {
  it('moves the file, its promotions and its whole log (each entry in order, with its time); a share made again copies nothing twice', async () => {
    const r = exampleRelease();
    await env.h.releases.store.saveDefinition(r);
    const out = await env.h.releases.promote(r, 'dev', go);
    if (out.kind !== 'started') throw new Error('blocked');
    const local = await env.h.releases.follow(out.promotion);
    const localLog = await env.h.releases.store.history('web-frontend');
    const to = 's3://team-releases/moved/';
    const shared = await env.h.releases.share(r, to, { stateProfile: 'sandbox-dev' });
    expect(shared).toEqual({
      location: to,
      application: 'web-frontend',
      created: true,
      promotions: { written: 1, present: 0 },
      entries: { written: localLog.length, present: 0 },
    });
    const there = await env.h.releases.sharedHome(to, { stateProfile: 'sandbox-dev' });
    expect((await there.storage.openRelease()).release).toEqual(r);
    expect(await env.h.releases.promotion('web-frontend', local.id, { home: there })).toEqual(local);
    const history = await env.h.releases.history('web-frontend', { home: there });
    expect(history.slice(0, localLog.length)).toEqual(localLog);
    expect(history.at(-1)).toMatchObject({ event: 'release-shared', by: { arn } });
    expect((await env.h.releases.store.history('web-frontend')).at(-1)).toMatchObject({
      event: 'release-shared',
      message: expect.stringContaining(`Shared to ${to}release.yaml`) as string,
    });

    const again = await env.h.releases.share(r, to, { stateProfile: 'sandbox-dev' });
    expect(again).toMatchObject({ created: false, promotions: { written: 0, present: 1 }, entries: { written: 0, present: localLog.length } });
    expect(await env.h.releases.history('web-frontend', { home: there })).toHaveLength(history.length);
  }, 60_000);

  it('a location holding another release refuses the share before writing anything; a promotion running here refuses it too', async () => {
    const before = (await env.keys()).length;
    const other = exampleRelease().gates!;
    const changed = { ...exampleRelease(), gates: { ...other, prod: { ...other.prod, soakMinutes: 5 } } };
    const refused = await failure(env.h.releases.share(changed, LOCATION, { stateProfile: 'sandbox-dev' }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(
      /^s3:\/\/team-releases\/web\/release\.yaml already holds web-frontend with another release file \(revision 1, saved by .*\): nothing was written/,
    );
    expect((await env.keys()).length).toBe(before);

    env.h.sb.config.timeScale = 0.05;
    try {
      const out = await env.h.releases.promote(exampleRelease(), 'dev', go);
      if (out.kind !== 'started') throw new Error('blocked');
      const running = await failure(env.h.releases.share(exampleRelease(), 's3://team-releases/elsewhere/', { stateProfile: 'sandbox-dev' }));
      expect(running.message).toMatch(/^web-frontend has 1 promotion\(s\) running here \(dev: dev-/);
      expect(await env.keys()).not.toContain('../elsewhere/release.yaml');
      await env.h.releases.stop('web-frontend', out.promotion.id, 'test over');
    } finally {
      env.h.sb.config.timeScale = 0.001;
    }
  }, 60_000);
});

describe('the contract for the app (phase B2): a shared release by its location', () => {
  it('open, board (with its leases), history (with who), lease, promote and save take a location; each answer is what the contract declares', async () => {
    const emitted: Array<{ name: string; payload: { location?: string | null } }> = [];
    const feature = releasesFeature({
      releases: env.h.releases,
      events: { emit: (name: string, payload: unknown) => emitted.push({ name, payload: payload as { location?: string | null } }) } as never,
      log: () => {},
    });
    const call = async <M extends keyof typeof methods & `releases.${string}`>(m: M, input: unknown): Promise<unknown> => {
      const handler = feature.handlers[m] as (i: unknown) => unknown;
      return methods[m].output.parse(await handler(methods[m].input.parse(input)));
    };
    const where = { location: 's3://team-releases/web/release.yaml', stateProfile: 'sandbox-dev' };
    const opened = (await call('releases.open', where)) as { application: string; location: string; identity: string; version: string };
    expect(opened).toMatchObject({ application: 'web-frontend', location: LOCATION, stateProfile: 'sandbox-dev', identity: arn });
    const board = (await call('releases.board', { application: 'web-frontend', ...where })) as { environments: Array<{ lease?: unknown }> };
    expect(board.environments.map((e) => e.lease)).toEqual([null, null, null]);
    const history = (await call('releases.history', { application: 'web-frontend', ...where })) as { entries: Array<{ by?: { arn: string } }> };
    expect(history.entries.at(-1)?.by?.arn).toBe(arn);
    expect(await call('releases.lease', { location: LOCATION, environment: 'dev', stateProfile: 'sandbox-dev' })).toMatchObject({
      lease: { state: 'released' },
    });
    const promoted = (await call('releases.promote', { application: 'web-frontend', environment: 'dev', ...where })) as { promotion: Promotion };
    await vi.waitFor(async () => expect((await env.h.releases.promotion('web-frontend', promoted.promotion.id, { home })).status).toBe('succeeded'), {
      timeout: 20_000,
    });
    expect(emitted.filter((e) => e.name === 'release.updated').every((e) => e.payload.location === LOCATION)).toBe(true);
    // A save over the version shown; a save over an older one is refused, naming who saved it.
    const current = (await call('releases.get', { application: 'web-frontend', ...where })) as { text: string; version: string };
    await call('releases.save', { text: current.text, ...where, version: current.version });
    const stale = await failure(call('releases.save', { text: current.text, ...where, version: current.version }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/^s3:\/\/team-releases\/web\/release\.yaml was changed since it was read \(revision \d+, saved by arn:aws:/);
    // Another application's name for this location is refused.
    expect((await failure(call('releases.board', { application: 'other-app', ...where }))).message).toMatch(/holds the release of web-frontend, not other-app/);
    feature.stop();
  }, 60_000);
});
