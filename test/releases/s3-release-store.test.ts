// Issue 26, phase A: a release shared through S3 (S3ReleaseStore), against the sandbox's S3 with the real SDK
// client. Every write is conditional, so what these check is what S3's answers make of two writers at once:
// no lost update, a finished promotion stays finished, a log with no gap and no overwritten entry, and an object
// that cannot be read named and left as it is.
import { describe, expect, it } from 'vitest';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3ReleaseStore } from '../../src/main/releases/s3-release-store';
import type { ReleaseStorage } from '../../src/main/releases/ports';
import { ReleaseStore } from '../../src/main/releases/release-store';
import type { Promotion } from '../../src/shared/api/releases';
import type { ReleaseFile } from '../../src/shared/releases/release-file';
import { logKey } from '../../src/shared/releases/s3-layout';
import { APP, BUCKET, withBucketSandbox, type BucketSandbox, exampleRelease, failure, pendingTarget, S3_LOCATION } from '../helpers/shared-releases';

const location = S3_LOCATION;

let env: BucketSandbox['env'], s3: S3Client, alice: string, bob: string;
withBucketSandbox((b) => ({ env, s3, alice, bob } = b));

const release: ReleaseFile = exampleRelease();
/** The release with prod's soak changed: another valid release file. */
const soaking = (minutes: number): ReleaseFile => ({ ...release, gates: { ...release.gates, prod: { ...release.gates!.prod, soakMinutes: minutes } } });

function store(arn = alice, o: { client?: S3Client; host?: string; application?: string } = {}): S3ReleaseStore {
  return new S3ReleaseStore({
    s3: o.client ?? s3,
    location,
    identity: { arn },
    host: o.host ?? (arn === alice ? 'alice-laptop' : 'ci-runner'),
    application: o.application ?? APP,
  });
}

/** An S3 client that runs `before` ahead of each command it sends (a writer paused at a chosen moment). */
function hookedClient(before: (command: string, input: { Key?: string }) => Promise<void>): S3Client {
  const c = env.s3('dev', 'us-east-1', { maxAttempts: 5 });
  c.middlewareStack.add(
    (next, context) => async (args) => {
      await before(context.commandName ?? '', args.input as { Key?: string });
      return next(args);
    },
    { step: 'initialize', name: 'testPause' },
  );
  return c;
}

function promotion(id: string, targets = 2): Promotion {
  return {
    id,
    application: APP,
    environment: 'prod',
    from: 'staging',
    revision: 'abc123',
    status: 'running',
    reason: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    targets: Array.from({ length: targets }, (_, i) => pendingTarget('sandbox-prod', `web-frontend-${i}`, `token-${i}`)),
  };
}

const text = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `web/${key}` }))).Body!.transformToString();
const keys = async (prefix = 'web/') => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `web/${key}`, Body: body }));

describe('S3ReleaseStore: the ReleaseStorage the local store is', () => {
  it('both stores are ReleaseStorage (the journal, runner and service take either)', () => {
    const storages: ReleaseStorage[] = [store(), new ReleaseStore('/nonexistent')];
    expect(storages).toHaveLength(2);
  });

  it('round trips: the release file (with its revision and writer), promotions, the log with who wrote each entry, in the documented layout', async () => {
    const a = store();
    await a.saveDefinition(release);
    const read = await store(bob).definition(APP);
    expect(read.release).toEqual(release);
    expect(read.text.startsWith(`# pipewright revision 1, saved by ${alice} on alice-laptop at `)).toBe(true);
    expect(read.version).toMatch(/^"[0-9a-f]{32}"$/);
    await a.saveDefinition(soaking(45));
    expect((await a.definition(APP)).text).toMatch(/^# pipewright revision 2,/);

    expect(await a.promotions(APP)).toEqual([]);
    const p = promotion('prod-1');
    expect(await a.savePromotion(p)).toEqual({ promotion: p, written: true });
    const changed = await store(bob).changePromotion(APP, 'prod-1', (saved) =>
      saved ? { ...saved, targets: saved.targets.map((t) => ({ ...t, executionId: 'e-1' })) } : null,
    );
    expect(changed.written).toBe(true);
    expect((await a.promotions(APP))[0].targets.map((t) => t.executionId)).toEqual(['e-1', 'e-1']);
    expect(JSON.parse(await text('promotions/prod-1.json'))).toMatchObject({ version: 1, revision: 2, writtenBy: { arn: bob, host: 'ci-runner' } });

    const logged = await a.log(APP, { promotionId: 'prod-1', environment: 'prod', event: 'promotion-started', message: 'Promoting prod.' });
    expect(logged.by).toEqual({ arn: alice, host: 'alice-laptop' });
    await store(bob).log(APP, { promotionId: 'prod-1', environment: 'prod', event: 'promotion-stopped', message: 'Stopped.' });
    const history = await a.history(APP);
    expect(history.map((e) => [e.event, e.by?.arn])).toEqual([
      ['promotion-started', alice],
      ['promotion-stopped', bob],
    ]);
    expect(history[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await keys()).sort()).toEqual([
      'web/log/00000000000000000001.json',
      'web/log/00000000000000000002.json',
      'web/promotions/prod-1.json',
      'web/release.yaml',
    ]);
  });

  it('one location holds one release: another application is refused by name, and so is a location with none', async () => {
    await store().saveDefinition(release);
    expect((await failure(store().promotions('other-app'))).message).toMatch(/s3:\/\/team-releases\/web\/ holds the release of web-frontend, not other-app/);
    const unbound = new S3ReleaseStore({ s3, location: { bucket: BUCKET, prefix: 'nothing/' }, identity: { arn: alice } });
    const none = await failure(unbound.history('web-frontend'));
    expect(none.code).toBe('NOT_FOUND');
    expect(none.message).toMatch(/No release is saved at s3:\/\/team-releases\/nothing\//);
  });
});

describe('S3ReleaseStore: the release file is written only over the version read', () => {
  it("a save over a version another writer has replaced is a conflict naming that writer; the other writer's file stays", async () => {
    await store().saveDefinition(release);
    const [a, b] = [store(), store(bob)];
    await a.definition(APP);
    await b.definition(APP);
    await b.saveDefinition({ ...release, gates: {} });
    const err = await failure(a.saveDefinition(soaking(90)));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('s3://team-releases/web/release.yaml was changed since it was read (revision 2, saved by');
    expect(err.message).toContain(bob);
    expect((await store().definition(APP)).release.gates).toEqual({});
    expect(a.retries.definition).toBe(1);
    // Read again, the same save goes through.
    await a.definition(APP);
    await a.saveDefinition(soaking(90));
    expect((await b.definition(APP)).text).toMatch(/^# pipewright revision 3,/);
  });

  it('a save based on an explicit version (the app passes the one it showed) is refused once that version is gone', async () => {
    const a = store();
    await a.saveDefinition(release);
    const shown = (await a.definition(APP)).version;
    await store(bob).saveDefinition({ ...release, gates: {} }, { basedOn: shown });
    expect((await failure(a.saveDefinition(release, { basedOn: shown }))).code).toBe('CONFLICT');
  });

  it('creating where a release already is refuses, unless it already says the same', async () => {
    await store().saveDefinition(release);
    await store(bob).saveDefinition(release);
    const err = await failure(store(bob).saveDefinition({ ...release, gates: {} }));
    expect(err.message).toMatch(
      /already holds a release \(web-frontend, revision 1, saved by .* on alice-laptop at .*\); it was not written over: open it instead/,
    );
  });
});

describe('S3ReleaseStore: promotions are changed read-change-write, conditionally', () => {
  it('two writers changing one promotion at once both land, 20 times (no lost update)', async () => {
    await store().saveDefinition(release);
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', latencyMs: 15, jitterMs: 30 }]);
    const [a, b] = [store(), store(bob)];
    for (let round = 0; round < 20; round++) {
      const id = `prod-${round}`;
      await a.savePromotion(promotion(id));
      const set = (i: number, value: string) => (saved: Promotion | undefined) =>
        saved ? { ...saved, targets: saved.targets.map((t, j) => (j === i ? { ...t, executionId: value } : t)) } : null;
      const [ra, rb] = await Promise.all([a.changePromotion(APP, id, set(0, `a-${round}`)), b.changePromotion(APP, id, set(1, `b-${round}`))]);
      expect([ra.written, rb.written]).toEqual([true, true]);
      expect((await a.promotions(APP)).find((p) => p.id === id)!.targets.map((t) => t.executionId)).toEqual([`a-${round}`, `b-${round}`]);
    }
    const retries = a.retries.promotion + b.retries.promotion;
    console.info(`two writers x 20 rounds: ${retries} refused writes re-read and retried`);
    expect(retries).toBeGreaterThan(0);
  }, 120_000);

  it('with 412 and 409 injected on a third of conditional writes, 4 writers x 10 changes of one promotion all land', async () => {
    await store().saveDefinition(release);
    await store().savePromotion(promotion('prod-1', 4));
    await env.control('PUT', 'faults', [
      { service: 's3', operation: 'PutObject', preconditionFailedRate: 0.2, conditionalConflictRate: 0.1, latencyMs: 5, jitterMs: 10 },
    ]);
    const writers = [store(), store(bob), store(alice, { host: 'alice-desktop' }), store(bob, { host: 'ci-2' })];
    await Promise.all(
      writers.map(async (w, i) => {
        for (let n = 1; n <= 10; n++)
          await w.changePromotion(APP, 'prod-1', (saved) =>
            saved ? { ...saved, targets: saved.targets.map((t, j) => (j === i ? { ...t, message: `${Number(t.message ?? 0) + 1}` } : t)) } : null,
          );
      }),
    );
    const [p] = await store().promotions(APP);
    expect(p.targets.map((t) => t.message)).toEqual(['10', '10', '10', '10']);
    const retries = writers.reduce((n, w) => n + w.retries.promotion, 0);
    console.info(`4 writers x 10 changes under 412/409 faults: ${retries} refused writes retried`);
    expect(retries).toBeGreaterThan(0);
    expect(JSON.parse(await text('promotions/prod-1.json')).revision).toBe(41);
  }, 120_000);

  it('a stale writer never sets a finished promotion running again: the stop lands between its read and its write', async () => {
    await store().saveDefinition(release);
    const stopper = store(bob);
    await stopper.savePromotion(promotion('prod-1'));
    let paused = false;
    // The follower reads the promotion (running), then, just before its write, another process stops it.
    const follower = store(alice, {
      client: hookedClient(async (command, input) => {
        if (command === 'PutObjectCommand' && input.Key === 'web/promotions/prod-1.json' && !paused) {
          paused = true;
          await stopper.changePromotion(APP, 'prod-1', (s) =>
            s ? { ...s, status: 'stopped', reason: 'Stopped by Bob.', finishedAt: new Date().toISOString() } : null,
          );
        }
      }),
    });
    const older = { ...promotion('prod-1'), targets: promotion('prod-1').targets.map((t) => ({ ...t, status: 'InProgress' })) };
    const r = await follower.savePromotion(older);
    expect(paused).toBe(true);
    expect(r.written).toBe(false);
    expect(r.promotion.status).toBe('stopped');
    expect(follower.retries.promotion).toBe(1);
    const [stored] = await store().promotions(APP);
    expect([stored.status, stored.reason]).toEqual(['stopped', 'Stopped by Bob.']);
    // And a plain stale copy, written later, is refused the same way.
    expect((await follower.savePromotion({ ...older, status: 'succeeded' })).written).toBe(false);
    expect((await store().promotions(APP))[0].status).toBe('stopped');
  });

  it('gives up after a bounded number of refusals, naming the object, with nothing of the change written', async () => {
    await store().saveDefinition(release);
    await store().savePromotion(promotion('prod-1'));
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', preconditionFailedRate: 1 }]);
    const err = await failure(store().changePromotion(APP, 'prod-1', (s) => (s ? { ...s, reason: 'changed' } : null)));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(
      /^The promotion s3:\/\/team-releases\/web\/promotions\/prod-1\.json was not saved: 10 conditional writes in a row were refused/,
    );
    await env.control('DELETE', 'faults');
    expect((await store().promotions(APP))[0].reason).toBeNull();
  });
});

describe('S3ReleaseStore: the log only grows', () => {
  it('2 writers x 50 entries at once: 100 entries numbered 1..100, none overwritten, each naming its writer', async () => {
    await store().saveDefinition(release);
    await env.control('PUT', 'faults', [{ service: 's3', latencyMs: 2, jitterMs: 10 }]);
    const [a, b] = [store(), store(bob)];
    await Promise.all(
      [a, b].map(async (w, i) => {
        for (let n = 1; n <= 50; n++) await w.log(APP, { promotionId: null, environment: 'prod', event: 'status', message: `${'ab'[i]}-${n}` });
      }),
    );
    const listed = (await keys('web/log/')).sort();
    expect(listed).toEqual(Array.from({ length: 100 }, (_, i) => `web/${logKey(i + 1)}`));
    const history = await store().history(APP);
    expect(history).toHaveLength(100);
    const messages = history.map((e) => e.message);
    for (const w of ['a', 'b']) {
      const own = messages.filter((m) => m.startsWith(`${w}-`));
      // Each writer's 50, exactly once each, in the order it wrote them.
      expect(own).toEqual(Array.from({ length: 50 }, (_, i) => `${w}-${i + 1}`));
    }
    for (const e of history) expect(e.by?.arn).toBe(e.message.startsWith('a-') ? alice : bob);
    console.info(`2 writers x 50 log entries: ${a.retries.logTaken + b.retries.logTaken} numbers found taken and moved past`);
    expect(a.retries.logTaken + b.retries.logTaken).toBeGreaterThan(0);
  }, 120_000);

  it('a create refused with nothing there (injected 412/409) retries the same number: still no gap', async () => {
    await store().saveDefinition(release);
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', preconditionFailedRate: 0.3, conditionalConflictRate: 0.1 }]);
    const [a, b] = [store(), store(bob)];
    await Promise.all(
      [a, b].map(async (w, i) =>
        Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => w.log(APP, { promotionId: null, environment: null, event: 'status', message: `${i}-${n}` }))),
      ),
    );
    expect((await keys('web/log/')).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `web/${logKey(i + 1)}`));
    expect(new Set((await store().history(APP)).map((e) => e.message)).size).toBe(20);
    console.info(`log under 412/409 faults: ${a.retries.logRefused + b.retries.logRefused} refusals with the number free, retried`);
    expect(a.retries.logRefused + b.retries.logRefused).toBeGreaterThan(0);
  }, 60_000);

  it('dropped connections: retried by the SDK, and when they persist, an error naming the object; nothing half-written', async () => {
    await store().saveDefinition(release);
    await env.control('PUT', 'faults', [{ service: 's3', resetRate: 0.2 }]);
    const a = store();
    for (let n = 1; n <= 10; n++) await a.log(APP, { promotionId: null, environment: null, event: 'status', message: `${n}` });
    await env.control('PUT', 'faults', [{ service: 's3', operation: 'PutObject', resetRate: 1 }]);
    const err = await failure(a.log(APP, { promotionId: null, environment: null, event: 'status', message: 'lost' }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(/^Could not write s3:\/\/team-releases\/web\/log\/00000000000000000011\.json: /);
    await env.control('DELETE', 'faults');
    expect((await store().history(APP)).map((e) => e.message)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  }, 60_000);
});

describe('S3ReleaseStore: what cannot be read is named and left as it is', () => {
  it('a damaged promotion object: promotions and changes fail naming it, and it is not written over', async () => {
    await store().saveDefinition(release);
    await store().savePromotion(promotion('prod-1'));
    await put('promotions/prod-2.json', '{"version":1,"promotion":');
    const err = await failure(store().promotions(APP));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(/^s3:\/\/team-releases\/web\/promotions\/prod-2\.json is damaged \(not JSON: .*\); it was left as it is/);
    expect(err.details).toEqual({ object: 's3://team-releases/web/promotions/prod-2.json' });
    const change = await failure(store().savePromotion(promotion('prod-2')));
    expect(change.message).toMatch(/prod-2\.json is damaged/);
    expect(await text('promotions/prod-2.json')).toBe('{"version":1,"promotion":');
    await put(
      'promotions/prod-3.json',
      JSON.stringify({ version: 1, revision: 1, writtenAt: 'x', writtenBy: { arn: 'a', host: 'h' }, write: 'w', promotion: promotion('prod-4') }),
    );
    await put('promotions/prod-2.json', '{}');
    expect((await failure(store().promotions(APP))).message).toMatch(/prod-(2|3)\.json is damaged/);
  });

  it('a damaged release file: the error names it and its line; a save does not write over it', async () => {
    await put('release.yaml', 'version: 1\napplication: web-frontend\nenvironments: [\n');
    const err = await failure(store().definition(APP));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain('s3://team-releases/web/release.yaml');
    expect(err.message).toMatch(/left as it is/);
    expect((err.details as { file: string }).file).toBe('s3://team-releases/web/release.yaml');
    expect((await failure(store().saveDefinition(release))).code).toBe('CONFLICT');
    expect(await text('release.yaml')).toBe('version: 1\napplication: web-frontend\nenvironments: [\n');
  });

  it('a log object that is not an entry is an unreadable entry naming the object, in place; appends go on after it', async () => {
    const a = store();
    await a.saveDefinition(release);
    for (const m of ['one', 'two', 'three']) await a.log(APP, { promotionId: null, environment: null, event: 'status', message: m });
    await put(logKey(2), 'not json {');
    await put(logKey(3), JSON.stringify({ hello: 'world' }));
    await put('log/notes.txt', 'a person left this here');
    await store(bob).log(APP, { promotionId: null, environment: null, event: 'status', message: 'four' });
    const history = await store().history(APP);
    expect(history.map((e) => (e.event === 'unreadable' ? e.message : `${e.event}: ${e.message}`))).toEqual([
      'status: one',
      's3://team-releases/web/log/00000000000000000002.json is not a log entry (not JSON); it is kept as it is.',
      's3://team-releases/web/log/00000000000000000003.json is not a log entry (not the shape of one); it is kept as it is.',
      'status: four',
      's3://team-releases/web/log/notes.txt is not a log entry (not the name of one); it is kept as it is.',
    ]);
    expect(await text(logKey(2))).toBe('not json {');
  });

  it('a gap in the numbers (an entry removed by hand) is said where it stands', async () => {
    const a = store();
    await a.saveDefinition(release);
    for (const m of ['one', 'two', 'three']) await a.log(APP, { promotionId: null, environment: null, event: 'status', message: m });
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `web/${logKey(2)}` }));
    const history = await store().history(APP);
    expect(history.map((e) => e.message)).toEqual([
      'one',
      's3://team-releases/web/log/00000000000000000002.json is missing: the log has a gap there (removed since it was written?).',
      'three',
    ]);
  });
});

describe('S3ReleaseStore: a release file that would not read back is not shared', () => {
  it('a save of an invalid release is refused before anything is written', async () => {
    const err = await failure(store().saveDefinition({ ...release, waves: [['dev'], ['staging', 'prod']] }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(/s3:\/\/team-releases\/web\/release\.yaml.*gate "prod" comes after "staging", which is not in an earlier wave/s);
    expect(await keys()).toEqual([]);
  });
});

describe('S3ReleaseStore: a write that landed, its answer lost', () => {
  /** A client whose first PutObject of a matching key reaches S3, then loses its answer: the SDK sends it again. */
  function losingFirstAnswer(keyPart: string): { client: S3Client; lost: () => number } {
    let lost = 0;
    const client = env.s3('dev', 'us-east-1', { maxAttempts: 5 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const key = (args as { request?: { path?: string } }).request?.path ?? '';
        if (context.commandName === 'PutObjectCommand' && key.includes(keyPart) && lost === 0) {
          lost++;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return result;
      },
      { step: 'deserialize', priority: 'low', name: 'testLoseAnswer' },
    );
    return { client, lost: () => lost };
  }

  it('the log: the retry is refused (412), the store finds its own entry there and writes it nowhere else', async () => {
    await store().saveDefinition(release);
    const { client, lost } = losingFirstAnswer('/log/');
    const a = store(alice, { client });
    await a.log(APP, { promotionId: null, environment: null, event: 'status', message: 'once' });
    await a.log(APP, { promotionId: null, environment: null, event: 'status', message: 'twice' });
    expect(lost()).toBe(1);
    expect((await store().history(APP)).map((e) => e.message)).toEqual(['once', 'twice']);
  });

  it('a promotion: the retry is refused (412), the store finds its own write and reports it written, once', async () => {
    await store().saveDefinition(release);
    await store().savePromotion(promotion('prod-1'));
    const { client, lost } = losingFirstAnswer('/promotions/');
    const r = await store(alice, { client }).changePromotion(APP, 'prod-1', (s) => (s ? { ...s, reason: 'set once' } : null));
    expect(lost()).toBe(1);
    expect(r).toMatchObject({ written: true, promotion: { reason: 'set once' } });
    expect(JSON.parse(await text('promotions/prod-1.json')).revision).toBe(2);
  });
});
