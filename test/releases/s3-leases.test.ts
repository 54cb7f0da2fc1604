// Issue 26, phase A: leases on a shared release's environments (S3Leases), against the sandbox's S3 with the real
// SDK client. S3's conditional writes are the only arbiter: of two contenders exactly one holds the lease, the other
// is told who holds it and since when; an expired lease is taken over by exactly one; a holder whose lease was
// taken over learns it at its next assertHeld and starts nothing more. The last block races two processes.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { leaseHeld, S3Leases } from '../../src/main/releases/s3-leases';
import type { PromotionLease } from '../../src/main/releases/promotion-lock';
import { promotionHeld } from '../../src/main/releases/promotion-lock';
import { AppError } from '../../src/shared/api/errors';
import type { LeaseRecord } from '../../src/shared/releases/lease';
import { APP, BUCKET, withBucketSandbox, type BucketSandbox, S3_LOCATION } from '../helpers/shared-releases';

const location = S3_LOCATION;
const LEASE_KEY = 'web/leases/prod.json';

let env: BucketSandbox['env'], s3: S3Client, alice: string, bob: string;
withBucketSandbox((b) => ({ env, s3, alice, bob } = b));

function leases(arn: string, o: { client?: S3Client; ttlMs?: number; program?: string; host?: string } = {}): S3Leases {
  return new S3Leases({
    s3: o.client ?? s3,
    location,
    identity: { arn },
    program: o.program ?? (arn === alice ? 'the Pipewright app' : 'pipewright cli'),
    host: o.host ?? (arn === alice ? 'alice-laptop' : 'ci-runner'),
    ...(o.ttlMs ? { ttlMs: o.ttlMs } : {}),
  });
}

const stored = async (): Promise<LeaseRecord> =>
  JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: LEASE_KEY }))).Body!.transformToString()) as LeaseRecord;
const refusal = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
};
const holderArn = (e: AppError) => (e.details as { holder?: { arn?: string } | null }).holder?.arn;
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Contenders for the prod lease, each after its delay. A winner holds the lease until every other contender has
 * been answered (or 5 s: two holders at once would both wait here), so each one tries while it is held.
 */
async function contend(contenders: Array<{ name: string; leases: S3Leases; after?: number }>) {
  const settled = contenders.map(() => deferred());
  let held = 0;
  const results = await Promise.allSettled(
    contenders.map((c, i) =>
      delay(c.after ?? 0)
        .then(() =>
          c.leases.hold(APP, 'prod', async (lease) => {
            await lease.assertHeld();
            held++;
            await Promise.race([Promise.all(settled.filter((_, j) => j !== i).map((d) => d.promise)), delay(5000)]);
            return c.name;
          }),
        )
        .finally(() => settled[i].resolve()),
    ),
  );
  return {
    held,
    won: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    lost: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as AppError] : [])),
  };
}

/** A client whose calls wait while `asleep` is set: a laptop gone to sleep, holding its lease but renewing nothing. */
function sleepyClient() {
  let wake: (() => void) | null = null;
  let sleeping: Promise<void> | null = null;
  const client = env.s3('dev', 'us-east-1', { maxAttempts: 5 });
  client.middlewareStack.add(
    (next) => async (args) => {
      if (sleeping) await sleeping;
      return next(args);
    },
    { step: 'initialize', name: 'testSleep' },
  );
  return {
    client,
    sleep: () => {
      sleeping = new Promise<void>((r) => (wake = r));
    },
    wake: () => {
      sleeping = null;
      wake?.();
    },
  };
}

/** A lease as a holder that has since died left it: its last heartbeat, never renewed. */
const deadHolders = (n: number): LeaseRecord => ({
  version: 1,
  state: 'held',
  application: APP,
  environment: 'prod',
  holder: { arn: 'arn:aws:sts::111111111111:assumed-role/release/carol', host: 'carol-laptop', pid: 999_999, program: 'pipewright cli' },
  startedAt: new Date().toISOString(),
  heartbeatAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 1000).toISOString(),
  ttlMs: 1000,
  token: `dead-${n}`,
  beat: 0,
  releasedAt: null,
});

describe('S3Leases: holding', () => {
  it('holds, renews every ttl/3, releases with a marker at the end; a second hold meanwhile is refused naming the holder, since when', async () => {
    const a = leases(alice, { ttlMs: 900 });
    let during: LeaseRecord | null = null;
    const result = await a.hold(APP, 'prod', async (lease) => {
      await lease.assertHeld();
      const inProcess = await refusal(a.hold(APP, 'prod', async () => undefined));
      expect(leaseHeld(inProcess)).toBe(true);
      const other = await refusal(leases(bob).hold(APP, 'prod', async () => undefined));
      expect(leaseHeld(other)).toBe(true);
      // Structured as the local lock's refusal, so the CLI's promotionHeld still sees a holder.
      expect(promotionHeld(other)).toBe(true);
      expect(other.message).toMatch(
        new RegExp(
          `^prod of web-frontend is being promoted by ${alice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(the Pipewright app, pid ${process.pid} on alice-laptop, since \\d{4}-[^)]+\\); wait for it to finish, or cancel\\.`,
        ),
      );
      expect(other.details).toMatchObject({
        kind: 'leased',
        holder: { arn: alice, host: 'alice-laptop', pid: process.pid },
        lease: 's3://team-releases/web/leases/prod.json',
      });
      await delay(1000);
      during = await stored();
      return 'done';
    });
    expect(result).toBe('done');
    expect(during!.state).toBe('held');
    expect(during!.beat).toBeGreaterThanOrEqual(2);
    const after = await stored();
    expect(after).toMatchObject({ state: 'released', token: during!.token, holder: { arn: alice } });
    expect(after.releasedAt).not.toBeNull();
    // Released: the next contender takes it at once.
    expect(await leases(bob).hold(APP, 'prod', async () => (await stored()).holder.arn)).toBe(bob);
  });

  it('a lease object that is not one is named and left as it is', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: LEASE_KEY, Body: '{"holder": "someone"' }));
    const err = await refusal(leases(alice).hold(APP, 'prod', async () => undefined));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(/^s3:\/\/team-releases\/web\/leases\/prod\.json is not a lease Pipewright wrote \(not JSON\); it was left as it is/);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: LEASE_KEY }))).Body!.transformToString()).toBe('{"holder": "someone"');
  });

  it('show: the lease as stored and what a contender would judge of it', async () => {
    expect(await leases(bob).show('prod')).toBeNull();
    await leases(alice).hold(APP, 'prod', async () => {
      const view = await leases(bob).show('prod');
      expect(view).toMatchObject({
        lease: { state: 'held', holder: { arn: alice } },
        verdict: { kind: 'held' },
        object: 's3://team-releases/web/leases/prod.json',
      });
    });
    expect((await leases(bob).show('prod'))!.verdict).toEqual({ kind: 'released' });
  });
});

describe('S3Leases: contenders', () => {
  it('two contenders started together 50 times, 0-200 ms apart, with S3 latency: exactly one holds each time, the other is told who', async () => {
    await env.control('PUT', 'faults', [{ service: 's3', latencyMs: 10, jitterMs: 40 }]);
    const a = leases(alice);
    const b = leases(bob);
    const wins = { a: 0, b: 0 };
    for (let round = 0; round < 50; round++) {
      // Spread over 0-200 ms, either one first.
      const offset = (round * 73) % 201;
      const { held, won, lost } = await contend([
        { name: 'a', leases: a, after: round % 2 ? 0 : offset },
        { name: 'b', leases: b, after: round % 2 ? offset : 0 },
      ]);
      expect(held, `round ${round}`).toBe(1);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(leaseHeld(lost[0]), lost[0].message).toBe(true);
      expect(holderArn(lost[0])).toBe(won[0] === 'a' ? alice : bob);
      expect(lost[0].message).toMatch(/, since \d{4}-\d\d-\d\dT/);
      wins[won[0] as 'a' | 'b']++;
    }
    const retries = [a.retries, b.retries].reduce((n, r) => ({
      refused: n.refused + r.refused,
      lostRaces: n.lostRaces + r.lostRaces,
      rewritten: n.rewritten + r.rewritten,
    }));
    console.info(
      `lease race, 50 rounds: alice won ${wins.a}, bob won ${wins.b}; refusals ${retries.refused}, takeovers lost to the other ${retries.lostRaces}, rewrites ${retries.rewritten}`,
    );
    expect(wins.a + wins.b).toBe(50);
  }, 180_000);

  it('with 412 and 409 injected on conditional writes, still exactly one holder each time (20 rounds)', async () => {
    await env.control('PUT', 'faults', [
      { service: 's3', operation: 'PutObject', preconditionFailedRate: 0.2, conditionalConflictRate: 0.1, latencyMs: 5, jitterMs: 20 },
    ]);
    const [a, b] = [leases(alice), leases(bob)];
    for (let round = 0; round < 20; round++) {
      const { held, lost } = await contend([
        { name: 'a', leases: a },
        { name: 'b', leases: b },
      ]);
      expect(held, `round ${round}`).toBe(1);
      expect(lost).toHaveLength(1);
      expect(leaseHeld(lost[0]), lost[0].message).toBe(true);
    }
    console.info(`lease race under 412/409 faults, 20 rounds: rewrites after a refusal that changed nothing: ${a.retries.rewritten + b.retries.rewritten}`);
  }, 120_000);

  it('an expired lease (its holder stopped renewing) is refused until it expires, then taken over by exactly one of two contenders (5 times)', async () => {
    const [a, b] = [leases(alice), leases(bob)];
    for (let round = 0; round < 5; round++) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: LEASE_KEY, Body: JSON.stringify(deadHolders(round)) }));
      const early = await refusal(a.hold(APP, 'prod', async () => undefined));
      expect(holderArn(early)).toBe('arn:aws:sts::111111111111:assumed-role/release/carol');
      let winners: string[] = [];
      for (let tries = 0; winners.length === 0 && tries < 40; tries++) {
        await delay(250);
        const { won, lost } = await contend([
          { name: alice, leases: a },
          { name: bob, leases: b },
        ]);
        for (const e of lost) expect(leaseHeld(e), e.message).toBe(true);
        winners = won;
        if (won.length === 0) continue;
        expect(won, `round ${round}`).toHaveLength(1);
        // The other was told the dead holder (it read before the takeover) or the winner.
        expect([won[0], 'arn:aws:sts::111111111111:assumed-role/release/carol']).toContain(holderArn(lost[0]));
      }
      expect(winners).toHaveLength(1);
    }
  }, 120_000);

  it('a holder whose lease was taken over (asleep past its expiry) finds out at its next assertHeld, and starts nothing more', async () => {
    const sleepy = sleepyClient();
    const a = leases(alice, { client: sleepy.client, ttlMs: 1500 });
    const b = leases(bob, { ttlMs: 1500 });
    const steps: string[] = [];
    const bHolds = deferred();
    const bDone = deferred();
    let bRun: Promise<unknown> | undefined;
    const aRun = a.hold(APP, 'prod', async (lease: PromotionLease) => {
      await lease.assertHeld();
      steps.push('a: step 1');
      sleepy.sleep();
      // While alice sleeps, bob tries until the lease has expired on S3's clock, then takes it over.
      for (let tries = 0; !bRun && tries < 60; tries++) {
        await delay(200);
        const attempt = b.hold(APP, 'prod', async () => {
          bHolds.resolve();
          await bDone.promise;
        });
        const first = await Promise.race([
          attempt.then(
            () => 'ended' as const,
            (e: unknown) => e as AppError,
          ),
          bHolds.promise.then(() => 'holds' as const),
        ]);
        if (first === 'holds') bRun = attempt;
        else if (first !== 'ended') expect(leaseHeld(first)).toBe(true);
      }
      expect(bRun).toBeDefined();
      sleepy.wake();
      try {
        await lease.assertHeld();
        steps.push('a: step 2');
      } catch (err) {
        steps.push(`a: stopped (${(err as AppError).message})`);
        throw err;
      }
    });
    const err = await refusal(aRun);
    expect(err.code).toBe('CONFLICT');
    expect(err.details).toMatchObject({ kind: 'lease-lost', holder: { arn: bob } });
    expect(leaseHeld(err)).toBe(false);
    expect(err.message).toMatch(
      /^The promotion of prod \(web-frontend\) stopped: its lease s3:\/\/team-releases\/web\/leases\/prod\.json was taken over by .*pipewright cli.* while it ran, so it starts nothing more/,
    );
    expect(steps).toEqual(['a: step 1', expect.stringMatching(/^a: stopped/)]);
    // Alice's end wrote nothing over bob's lease.
    expect(await stored()).toMatchObject({ state: 'held', holder: { arn: bob } });
    bDone.resolve();
    await bRun;
    expect(await stored()).toMatchObject({ state: 'released', holder: { arn: bob } });
  }, 60_000);
});

describe('S3Leases: two processes', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  /** Another Pipewright process (test/releases/fixtures/lease-contender.ts), answering one JSON line per event. */
  function contender(arn: string, program: string, ttlMs = 120_000) {
    const creds = env.credentials('dev');
    const config = { endpoint: env.sb.endpoint, ...creds, ...location, application: APP, environment: 'prod', arn, program, ttlMs };
    const child = spawn(process.execPath, ['node_modules/jiti/lib/jiti-cli.mjs', 'test/releases/fixtures/lease-contender.ts', JSON.stringify(config)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let buffered = '';
    let errors = '';
    const lines: Array<Record<string, unknown>> = [];
    const waiting: Array<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
    child.stderr.on('data', (d) => (errors += d));
    child.stdout.on('data', (d) => {
      buffered += d;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>;
        buffered = buffered.slice(nl + 1);
        const w = waiting.findIndex((x) => x.match(line));
        if (w >= 0) waiting.splice(w, 1)[0].resolve(line);
        else lines.push(line);
      }
    });
    const next = (match: (l: Record<string, unknown>) => boolean) => {
      const i = lines.findIndex(match);
      if (i >= 0) return Promise.resolve(lines.splice(i, 1)[0]);
      return new Promise<Record<string, unknown>>((resolve, reject) => {
        waiting.push({ match, resolve });
        child.once('exit', (code) => reject(new Error(`${program} exited with ${code}:\n${errors}`)));
      });
    };
    return { child, send: (line: string) => child.stdin.write(`${line}\n`), next };
  }

  it('two processes contend for one lease 20 times, 0-200 ms apart: exactly one wins each time, the other is told who', async () => {
    await env.control('PUT', 'faults', [{ service: 's3', latencyMs: 10, jitterMs: 30 }]);
    const app = contender(alice, 'the Pipewright app');
    const cli = contender(bob, 'pipewright cli');
    await Promise.all([app.next((l) => l.ready === true), cli.next((l) => l.ready === true)]);
    const wins = { app: 0, cli: 0 };
    for (let round = 0; round < 20; round++) {
      const offset = (round * 53) % 201;
      app.send(`go ${round} ${round % 2 ? offset : 0}`);
      cli.send(`go ${round} ${round % 2 ? 0 : offset}`);
      const answers = await Promise.all([app.next((l) => l.round === round), cli.next((l) => l.round === round)]);
      const winners = answers.filter((l) => l.won === true);
      expect(winners, `round ${round}: ${JSON.stringify(answers)}`).toHaveLength(1);
      const winner = answers[0].won ? 'app' : 'cli';
      const loser = answers[winner === 'app' ? 1 : 0];
      expect(loser).toMatchObject({ won: false, kind: 'leased', holder: { arn: winner === 'app' ? alice : bob } });
      wins[winner]++;
      (winner === 'app' ? app : cli).send(`release ${round}`);
      await (winner === 'app' ? app : cli).next((l) => l.round === round && l.released === true);
    }
    console.info(`two processes, 20 rounds: the app won ${wins.app}, the CLI won ${wins.cli}`);
    expect(wins.app + wins.cli).toBe(20);
    app.send('exit');
    cli.send('exit');
  }, 120_000);

  it('a holder killed with SIGKILL: its lease expires, and exactly one of two contenders takes it over', async () => {
    const dying = contender('arn:aws:sts::111111111111:assumed-role/release/carol', 'pipewright cli', 1000);
    await dying.next((l) => l.ready === true);
    dying.send('hold');
    await dying.next((l) => l.held === true);
    dying.child.kill('SIGKILL');
    const [a, b] = [leases(alice), leases(bob)];
    expect(holderArn(await refusal(a.hold(APP, 'prod', async () => undefined)))).toBe('arn:aws:sts::111111111111:assumed-role/release/carol');
    let winners: string[] = [];
    for (let tries = 0; winners.length === 0 && tries < 40; tries++) {
      await delay(250);
      winners = (
        await contend([
          { name: alice, leases: a },
          { name: bob, leases: b },
        ])
      ).won;
    }
    expect(winners).toHaveLength(1);
  }, 60_000);
});
