// Issue 26's third check: the objects of a shared release edited by hand or damaged (the release file, a
// promotion, a log entry, a lease) give a clear error naming the object, through the CLI as a user meets it, and
// nothing is lost: the damaged object is left byte for byte as it was (no version written over it), nothing is
// started on a guess, and what can go on (the log after a damaged entry) goes on around it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { assertBuilt, runCli } from '../helpers/cli';
import { BUCKET, LOCATION, PREFIX, URL, exampleRelease, sharedReleaseEnv } from '../helpers/shared-releases';
import { EXAMPLE } from '../helpers/releases';
import type { SharedHome } from '../../src/main/releases/release-homes';

let env: Awaited<ReturnType<typeof sharedReleaseEnv>>;
let home: SharedHome;
const release = exampleRelease();
const cli = (...args: string[]) => runCli([...args, '--state-profile', 'sandbox-dev'], env.cliEnv, 90_000);

beforeAll(async () => {
  assertBuilt();
  env = await sharedReleaseEnv();
  home = await env.h.releases.sharedHome(LOCATION, { stateProfile: 'sandbox-dev' });
  await home.storage.saveDefinition(release, { basedOn: null });
  // One promotion done, so there is a promotion object and a log to damage.
  expect((await cli('release', 'promote', URL, '--to', 'dev')).code).toBe(0);
}, 60_000);
afterAll(() => env?.stop());

/** An object's bytes and how many versions it has: what "left as it is" is checked against. */
async function snapshot(key: string) {
  return { text: await env.text(key), versions: (await env.versions(key)).get(key) ?? 0 };
}

describe('damaged or hand-edited objects of a shared release', () => {
  it('a release file edited into an invalid one: status and promote exit 2 naming the object and its line; it is left as it is; nothing starts', async () => {
    const good = await env.text('release.yaml');
    // Edited by hand in the console: its header kept, a wave naming an environment the file does not have.
    await env.put('release.yaml', `${good.split('\n')[0]}\n${EXAMPLE.replace('[prod]]', '[qa]]')}`);
    const before = await snapshot('release.yaml');
    const seq = env.lastSeq();
    const status = await cli('release', 'status', URL);
    expect(status.code).toBe(2);
    expect(status.err).toMatch(/^s3:\/\/team-releases\/web\/release\.yaml:15: waves\.2\.0: unknown environment "qa" in wave 3/m);
    expect(status.err).toMatch(/It was left as it is\./);
    const promote = await cli('release', 'promote', URL, '--to', 'dev');
    expect(promote.code).toBe(2);
    expect(promote.err).toContain('s3://team-releases/web/release.yaml:');
    expect(env.startCalls(seq)).toHaveLength(0);
    expect(await snapshot('release.yaml')).toEqual(before);
    // Not YAML at all: named too.
    await env.put('release.yaml', 'version: 1\napplication: [web-frontend\n');
    const broken = await cli('release', 'status', URL);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^s3:\/\/team-releases\/web\/release\.yaml:\d+: /m);
    await env.put('release.yaml', good);
  }, 60_000);

  it('a promotion object damaged: promote and status exit 2 naming it; nothing starts; the object stays as it was; its lease is not left held', async () => {
    const [key] = await env.keys('promotions/');
    const good = await env.text(key);
    for (const damage of ['{"version": 1, "promotion": ', JSON.stringify({ ...JSON.parse(good), promotion: { id: 'x' } })]) {
      await env.put(key, damage);
      const before = await snapshot(key);
      const seq = env.lastSeq();
      const promote = await cli('release', 'promote', URL, '--to', 'dev');
      expect(promote.code).toBe(2);
      expect(promote.err).toMatch(
        new RegExp(
          `^s3://team-releases/web/${key.replace(/[.]/g, '\\.')} is damaged \\((not JSON: .*|promotion\\.\\S+: .*)\\); it was left as it is: repair it, or move it aside`,
        ),
      );
      expect(env.startCalls(seq)).toHaveLength(0);
      const status = await cli('release', 'status', URL);
      expect(status.code).toBe(2);
      expect(status.err).toContain(`s3://team-releases/web/${key} is damaged`);
      expect(await snapshot(key)).toEqual(before);
      expect((await env.h.releases.lease(home, 'dev'))?.state).toBe('released');
    }
    await env.put(key, good);
  }, 60_000);

  it('a log entry damaged, and a stray object in the log: the history names each where it stands; promoting goes on, the next entry after them, nothing written over', async () => {
    const keys = await env.keys('log/');
    const victim = keys[1];
    await env.put(victim, 'this is not JSON');
    await env.put('log/notes.txt', 'hand-written notes');
    const before = { victim: await snapshot(victim), stray: await snapshot('log/notes.txt') };
    const history = await env.h.releases.history('web-frontend', { home });
    const unreadable = history.filter((e) => e.event === 'unreadable').map((e) => e.message);
    expect(unreadable).toEqual([
      `s3://team-releases/web/${victim} is not a log entry (not JSON); it is kept as it is.`,
      's3://team-releases/web/log/notes.txt is not a log entry (not the name of one); it is kept as it is.',
    ]);
    // Where it stands: the damaged entry is second.
    expect(history[1].event).toBe('unreadable');
    expect((await cli('release', 'promote', URL, '--to', 'dev')).code).toBe(0);
    expect(await snapshot(victim)).toEqual(before.victim);
    expect(await snapshot('log/notes.txt')).toEqual(before.stray);
    const integrity = await env.logIntegrity();
    expect(integrity.gaps).toEqual([]);
    expect(integrity.rewritten).toEqual([victim]);
    // The stray sorts after every numbered entry (S3 lists by key), so it is shown last, where it stands.
    expect((await env.h.releases.history('web-frontend', { home })).map((e) => e.event).slice(-2)).toEqual(['promotion-finished', 'unreadable']);
    // A number removed by hand is a gap, said where it is.
    await env.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}${keys[2]}` }));
    const gap = (await env.h.releases.history('web-frontend', { home })).find((e) => e.message.includes('the log has a gap there'));
    expect(gap?.message).toBe(`s3://team-releases/web/${keys[2]} is missing: the log has a gap there (removed since it was written?).`);
  }, 60_000);

  it('a lease object damaged: promote and lease show exit 2 naming it (the environment cannot be promoted until it is repaired); status says it; repaired, promoting goes on', async () => {
    await env.put('leases/dev.json', '{"holder": "someone"');
    const before = await snapshot('leases/dev.json');
    const seq = env.lastSeq();
    const promote = await cli('release', 'promote', URL, '--to', 'dev');
    expect(promote.code).toBe(2);
    expect(promote.err).toMatch(
      /^s3:\/\/team-releases\/web\/leases\/dev\.json is not a lease Pipewright wrote \(not JSON\); it was left as it is, and dev cannot be promoted until it is removed or repaired\./,
    );
    expect(env.startCalls(seq)).toHaveLength(0);
    const show = await cli('release', 'lease', 'show', URL, '--env', 'dev');
    expect(show.code).toBe(2);
    expect(show.err).toContain('s3://team-releases/web/leases/dev.json is not a lease Pipewright wrote');
    const release = await cli('release', 'lease', 'release', URL, '--env', 'dev', '--force', 'someone');
    expect(release.code).toBe(2);
    const status = await cli('release', 'status', URL);
    expect(status.err).toMatch(/^dev: s3:\/\/team-releases\/web\/leases\/dev\.json is not a lease Pipewright wrote/m);
    expect(await snapshot('leases/dev.json')).toEqual(before);
    // A person repairs it (an administrator removes it): promoting goes on.
    await env.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}leases/dev.json` }));
    expect((await cli('release', 'promote', URL, '--to', 'dev')).code).toBe(0);
    expect(env.startCalls(seq)).toHaveLength(1);
  }, 60_000);
});
