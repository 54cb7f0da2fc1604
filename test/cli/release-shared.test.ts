// `pipewright release …` on a release shared in S3 (issue 26, phase B), run as a user runs it: the built CLI
// with an AWS config file for the sandbox. Every release command takes a FILE or s3://bucket/prefix/release.yaml
// with --state-profile; share moves a local release there with its history; lease show|release; policy; a
// promotion that finds its environment leased by someone else exits 6 naming the holder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { assertBuilt, runCli } from '../helpers/cli';
import { EXAMPLE } from '../helpers/releases';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { sharedReleaseEnv, URL } from '../helpers/shared-releases';
import { FaultRule } from '../../src/sandbox/faults';
import type { LeaseRecord } from '../../src/shared/releases/lease';

let env: Awaited<ReturnType<typeof sharedReleaseEnv>>;
let file: string;
const cli = (...args: string[]) => runCli(args, env.cliEnv, 90_000);
const CAROL = 'arn:aws:sts::111111111111:assumed-role/release/carol';

const carolsLease = (ttlMs: number): LeaseRecord => ({
  version: 1,
  state: 'held',
  application: 'web-frontend',
  environment: 'dev',
  holder: { arn: CAROL, host: 'carol-laptop', pid: 4242, program: 'the Pipewright app' },
  startedAt: '2026-12-07T12:00:00.000Z',
  heartbeatAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + ttlMs).toISOString(),
  ttlMs,
  token: `carol-${Date.now()}`,
  beat: 1,
  releasedAt: null,
});

beforeAll(async () => {
  assertBuilt();
  env = await sharedReleaseEnv();
  file = join(env.dir, 'web-frontend.release.yaml');
  writeFileSync(file, EXAMPLE);
}, 60_000);
afterAll(() => env?.stop());

describe('pipewright release on a shared release', () => {
  it('share moves a local release with its history; again, nothing is copied twice; another release there is refused (exit 2), nothing written', async () => {
    expect((await cli('release', 'promote', file, '--to', 'dev')).code).toBe(0);
    const shared = await cli('release', 'share', file, '--to', 's3://team-releases/web/', '--state-profile', 'sandbox-dev');
    expect(shared.err).toBe('');
    expect(shared.out).toMatch(/^Shared web-frontend to s3:\/\/team-releases\/web\/release\.yaml: the release file, 1 promotion\(s\), \d+ log entries\.\n/);
    expect(shared.code).toBe(0);
    const again = await cli('release', 'share', file, '--to', 's3://team-releases/web/', '--state-profile', 'sandbox-dev');
    expect(again.out).toMatch(
      /^Already shared: web-frontend to s3:\/\/team-releases\/web\/release\.yaml: the release file \(already there\), 1 promotion\(s\) \(1 already there\)/,
    );
    expect(again.code).toBe(0);
    const keys = await env.keys();
    const other = join(env.dir, 'other.yaml');
    writeFileSync(other, EXAMPLE.replace('soakMinutes: 30', 'soakMinutes: 45'));
    const refused = await cli('release', 'share', other, '--to', 's3://team-releases/web/', '--state-profile', 'sandbox-dev');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /^s3:\/\/team-releases\/web\/release\.yaml already holds web-frontend with another release file \(revision 1, saved by arn:aws:\S+ on /,
    );
    expect(await env.keys()).toEqual(keys);
  }, 120_000);

  it('status and promote take the URL; the state profile defaults to the first workspace profile that can read it; a file with --state-profile is bad input', async () => {
    const status = await cli('release', 'status', URL, '--json');
    expect(status.code).toBe(0);
    const s = JSON.parse(status.out) as { location: string; environments: Array<{ name: string; lease: unknown; leaseProblem: unknown }> };
    expect(s.location).toBe('s3://team-releases/web/');
    expect(s.environments.map((e) => [e.name, e.lease, e.leaseProblem])).toEqual([
      ['dev', null, null],
      ['staging', null, null],
      ['prod', null, null],
    ]);
    const since = env.lastSeq();
    const promoted = await cli('release', 'promote', URL, '--to', 'dev', '--state-profile', 'sandbox-dev');
    expect(promoted.out).toMatch(/^Promoting dev \(latest source revision\): 1 pipeline\(s\)\.$/m);
    expect(promoted.out).toMatch(/^dev succeeded: every pipeline ran/m);
    expect(promoted.code).toBe(0);
    expect(env.startCalls(since)).toHaveLength(1);
    const withProfile = await cli('release', 'status', file, '--state-profile', 'sandbox-dev');
    expect(withProfile.code).toBe(2);
    expect(withProfile.err).toMatch(/--state-profile is for a release shared in S3/);
    const badUrl = await cli('release', 'status', 's3://Not_A_Bucket/x/release.yaml');
    expect(badUrl.code).toBe(2);
    expect(badUrl.err).toMatch(/"Not_A_Bucket" is not an S3 bucket name/);
    const denied = await cli('release', 'status', URL, '--state-profile', 'sandbox-staging');
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(
      /Could not open the shared release s3:\/\/team-releases\/web\/: sandbox-staging: .*Access Denied.*Nothing was read there, and nothing was promoted\./,
    );
  }, 120_000);

  it('an environment leased by someone else: promote exits 6 naming the holder and starts nothing; lease show says who; lease release refuses (6) unless --force names the holder', async () => {
    await env.put('leases/dev.json', JSON.stringify(carolsLease(120_000)));
    const since = env.lastSeq();
    const promote = await cli('release', 'promote', URL, '--to', 'dev', '--state-profile', 'sandbox-dev');
    expect(promote.code).toBe(6);
    expect(promote.err).toMatch(
      /^dev of web-frontend is being promoted by arn:aws:sts::111111111111:assumed-role\/release\/carol \(the Pipewright app, pid 4242 on carol-laptop, since 2026-12-07T12:00:00\.000Z\); wait for it to finish, or cancel\./,
    );
    expect(env.startCalls(since)).toHaveLength(0);
    const status = await cli('release', 'status', URL);
    expect(status.out).toMatch(
      /^dev is being promoted by arn:aws:sts::111111111111:assumed-role\/release\/carol \(the Pipewright app, pid 4242 on carol-laptop/m,
    );

    const show = await cli('release', 'lease', 'show', URL, '--env', 'dev');
    expect(show.out).toMatch(
      /^dev is being promoted by arn:aws:sts::111111111111:assumed-role\/release\/carol \(the Pipewright app, pid 4242 on carol-laptop, since 2026-12-07T12:00:00\.000Z\); its lease expires in \d+s unless renewed \(s3:\/\/team-releases\/web\/leases\/dev\.json\)\.\n$/,
    );
    expect(show.code).toBe(0);
    const held = await cli('release', 'lease', 'release', URL, '--env', 'dev');
    expect(held.code).toBe(6);
    expect(held.err).toMatch(/To break it anyway: --force arn:aws:sts::111111111111:assumed-role\/release\/carol$/m);
    const wrong = await cli('release', 'lease', 'release', URL, '--env', 'dev', '--force', 'arn:aws:sts::111111111111:assumed-role/release/bob');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/the lease is held by arn:aws:sts::111111111111:assumed-role\/release\/carol, not .*bob: nothing was broken/);
    const forced = await cli('release', 'lease', 'release', URL, '--env', 'dev', '--force', CAROL);
    expect(forced.out).toMatch(
      /^Broke the lease on dev held by arn:aws:sts::111111111111:assumed-role\/release\/carol \(the Pipewright app, pid 4242 on carol-laptop/,
    );
    expect(forced.code).toBe(0);
    const json = JSON.parse((await cli('release', 'lease', 'show', URL, '--env', 'dev', '--json')).out) as { lease: { state: string } };
    expect(json.lease.state).toBe('released');
    const nothing = await cli('release', 'lease', 'release', URL, '--env', 'dev');
    expect(nothing.out).toMatch(/^Nothing to release on dev: the lease was released by /);
    expect(nothing.code).toBe(0);
    const unknown = await cli('release', 'lease', 'show', URL, '--env', 'qa');
    expect(unknown.code).toBe(2);
    const onAFile = await cli('release', 'lease', 'show', file, '--env', 'dev');
    expect(onAFile.code).toBe(2);
    expect(onAFile.err).toMatch(/leases are a shared release's/);
    // The break is in the release log, with who broke it.
    const log = await env.h.releases.history('web-frontend', { home: await env.h.releases.sharedHome(URL, { stateProfile: 'sandbox-dev' }) });
    expect(log.at(-1)).toMatchObject({ event: 'lease-broken', environment: 'dev', by: { arn: expect.stringMatching(/^arn:aws:/) as string } });
    // And promoting goes ahead now.
    expect((await cli('release', 'promote', URL, '--to', 'dev', '--state-profile', 'sandbox-dev')).code).toBe(0);
    expect(env.startCalls(since)).toHaveLength(1);
  }, 120_000);

  it('init writes a shared release only where there is none (--force replaces its file over the version read); diff takes the URL', async () => {
    const where = 's3://team-releases/fresh/release.yaml';
    const args = [
      'release',
      'init',
      where,
      '--application',
      'web-frontend',
      '--env',
      'dev=sandbox-dev:us-east-1:web-frontend',
      '--state-profile',
      'sandbox-dev',
    ];
    const made = await cli(...args);
    expect(made.out).toBe('Wrote s3://team-releases/fresh/release.yaml: web-frontend, dev (1).\n');
    expect(made.code).toBe(0);
    const twice = await cli(...args);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/already holds the release of web-frontend: add --force/);
    const forced = await cli(...args, '--env', 'prod=sandbox-prod:us-east-1:web-frontend', '--force');
    expect(forced.code).toBe(0);
    const text = (await env.s3.send(new GetObjectCommand({ Bucket: 'team-releases', Key: 'fresh/release.yaml' }))).Body!;
    expect(await text.transformToString()).toMatch(/^# pipewright revision 2, saved by arn:aws:/);
    const diff = await cli('release', 'diff', URL, '--from', 'staging', '--to', 'prod', '--state-profile', 'sandbox-dev');
    expect(diff.code).toBe(0);
  }, 120_000);

  it('policy prints each role with what it is for; one role alone as JSON; a bad role or URL is bad input', async () => {
    const all = await cli('release', 'policy', 's3://team-releases/web/');
    expect(all.code).toBe(0);
    expect(all.out.match(/^# (reader|releaser|administrator) on s3:\/\/team-releases\/web\//gm)).toHaveLength(3);
    const releaser = await cli('release', 'policy', URL, '--role', 'releaser');
    const doc = JSON.parse(releaser.out) as { Statement: Array<{ Action: string[]; Condition?: unknown }> };
    expect(doc.Statement.filter((s) => s.Action.includes('s3:PutObject')).map((s) => s.Condition)).toEqual([
      { Null: { 's3:if-none-match': 'false' } },
      { Null: { 's3:if-match': 'false' } },
    ]);
    const placeholders = await cli('release', 'policy', '--role', 'reader');
    expect(placeholders.code).toBe(0);
    expect(placeholders.out).toContain('"arn:aws:s3:::BUCKET/PREFIX/*"');
    expect((await cli('release', 'policy', URL, '--role', 'owner')).code).toBe(2);
    expect((await cli('release', 'policy', 'https://team-releases/web/')).code).toBe(2);
  });

  it('a lease broken while the CLI promotes (its holder named with --force): the CLI stops before its start, exit 3 naming who broke it; nothing started', async () => {
    const home = await env.h.releases.sharedHome(URL, { stateProfile: 'sandbox-dev' });
    // The CLI's reads of dev take a while: the window its lease is broken in.
    env.h.sb.faults.set([FaultRule.parse({ service: 'codepipeline', operation: 'GetPipelineState', account: '111111111111', latencyMs: 1500 })]);
    const since = env.lastSeq();
    try {
      const child = runCli(['release', 'promote', URL, '--to', 'dev', '--state-profile', 'sandbox-dev'], env.cliEnv, 90_000);
      let lease = null;
      for (let i = 0; i < 200 && lease?.state !== 'held'; i++) {
        await delay(50);
        lease = await env.h.releases.lease(home, 'dev');
      }
      if (!lease) throw new Error('the CLI never held the lease');
      expect(lease.holder.program).toBe('pipewright cli');
      await env.h.releases.breakLease(home, 'dev', lease.holder.arn);
      const r = await child;
      expect(r.code).toBe(3);
      expect(r.err).toMatch(
        /^The promotion of dev \(web-frontend\) stopped: its lease s3:\/\/team-releases\/web\/leases\/dev\.json was released by arn:aws:\S+ \(the Pipewright app, pid \d+ on .*\) while it ran, so it starts nothing more\./m,
      );
      expect(env.startCalls(since)).toHaveLength(0);
    } finally {
      env.h.sb.faults.clear();
    }
  }, 60_000);
});
