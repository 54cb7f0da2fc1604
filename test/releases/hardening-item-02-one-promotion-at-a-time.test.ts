// Issue 23, item 2: the same environment promoted twice at once started its pipelines
// twice. `promote` read the running promotions, made several AWS calls, then saved, with
// no lock: two `releases.promote` calls in that window both started, and so did the app
// and the CLI sharing a home. Now one promote per application holds an in-process lock
// and a lock file (O_EXCL, holder and expiry) around the check, the save and the starts;
// the second attempt is refused, told who holds it.
//
// Red-team finding 7: "a dead holder whose pid has been reused holds the lock forever:
// lock file with this host, pid 1, expiresAt 2020 → LockHeldError forever. After a
// crash+reboot, promotions stay blocked; the promotion refusal does not name the lock
// file. PromotionLocks swallows LockLostError, so a promotion whose lock was taken
// keeps starting pipelines." Now a holder that started before the last boot is taken
// over, the refusal names the lock file, and a promotion whose lock was taken stops
// before its next start, saying who took it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServices } from '../helpers/services';
import { assertBuilt, runCli } from '../helpers/cli';
import { EXAMPLE } from '../helpers/releases';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { FaultRule } from '../../src/sandbox/faults';
import { parseReleaseFile, type ReleaseFile } from '../../src/shared/releases/release-file';
import type { PromoteOutcome } from '../../src/main/releases/service';
import { AppError } from '../../src/shared/api/errors';

let h: Awaited<ReturnType<typeof startServices>>;
let dir: string;
const DEV = '111111111111';

function release(): ReleaseFile {
  const r = parseReleaseFile(EXAMPLE);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.release;
}

/** The promotion lock of web-frontend, as a refusal names it (escaped for a RegExp). */
const lockFile = (application = 'web-frontend') => h.releases.store.promotionLockPath(application);
const lockFileRe = () => lockFile().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lastSeq = () => h.sb.logEntries(0).at(-1)?.seq ?? 0;
const startsSince = (seq: number) => h.sb.logEntries(seq).filter((e) => e.operation === 'StartPipelineExecution' && e.account === DEV);

/** Reading the environment takes a while, as it does against AWS: the window the two promotes race in. */
function slowReads(ms: number) {
  h.sb.faults.set([FaultRule.parse({ service: 'codepipeline', operation: 'GetPipelineState', account: DEV, latencyMs: ms })]);
}

async function finish(out: PromoteOutcome) {
  if (out.kind !== 'started') throw new Error('blocked');
  return h.releases.follow(out.promotion);
}

beforeAll(async () => {
  assertBuilt();
  h = await startServices({ seed: 'demo', releases: { pollMs: 50, holder: 'the Pipewright app' }, executions: { budget: { ratePerSec: 200, burst: 200 } } });
  dir = mkdtempSync(join(tmpdir(), 'pw-item02-'));
}, 60_000);
afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('hardening item 2: one promotion at a time', () => {
  it('two promotes at once in one process: one starts, the other is refused, told who holds it', async () => {
    slowReads(300);
    const since = lastSeq();
    const [a, b] = await Promise.allSettled([
      h.releases.promote(release(), 'dev', { confirmed: false, allowUnpinned: false }),
      h.releases.promote(release(), 'dev', { confirmed: false, allowUnpinned: false }),
    ]);
    h.sb.faults.clear();
    const started = [a, b].flatMap((x) => (x.status === 'fulfilled' ? [x.value] : []));
    const refused = [a, b].flatMap((x) => (x.status === 'rejected' ? [x.reason as Error] : []));
    for (const s of started) await finish(s);
    expect(startsSince(since)).toHaveLength(1);
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].message).toMatch(
      new RegExp(
        `^web-frontend is being promoted by the Pipewright app \\(pid ${process.pid} on ${hostname()}, since \\S+\\); try again when it finishes \\(lock file: ${lockFileRe()}\\)\\.$`,
      ),
    );
    // Once the first is done, the next promote goes ahead.
    const next = await h.releases.promote(release(), 'dev', { confirmed: false, allowUnpinned: false });
    expect((await finish(next)).status).toBe('succeeded');
  }, 60_000);

  it('the CLI and the app sharing one home: the pipeline starts once, and the app is told the CLI holds the promotion', async () => {
    const config = join(dir, 'config');
    writeFileSync(config, awsConfigSnippet(h.sb.endpoint, h.sb.config));
    const file = join(dir, 'web-frontend.release.yaml');
    writeFileSync(file, EXAMPLE);
    slowReads(1500);
    const since = lastSeq();
    const child = spawn(process.execPath, ['bin/pipewright.js', 'release', 'promote', file, '--to', 'dev'], {
      env: {
        ...process.env,
        HOME: dir,
        PIPEWRIGHT_HOME: h.home,
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
        AWS_PROFILE: '',
        AWS_REGION: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The CLI's first AWS call is made inside its promote: from then on the two overlap.
    const deadline = Date.now() + 20_000;
    while (!h.sb.logEntries(since).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const app = await h.releases.promote(release(), 'dev', { confirmed: false, allowUnpinned: false }).then(
      (out) => ({ out, err: null }),
      (err: Error) => ({ out: null, err }),
    );
    const code = await exited;
    h.sb.faults.clear();
    if (app.out) await finish(app.out);
    expect(startsSince(since)).toHaveLength(1);
    expect(code, output).toBe(0);
    expect(app.err?.message).toMatch(
      new RegExp(
        `^web-frontend is being promoted by pipewright cli \\(pid ${child.pid} on ${hostname()}, since \\S+\\); try again when it finishes \\(lock file: ${lockFileRe()}\\)\\.$`,
      ),
    );
  }, 60_000);

  it('the app holding the promotion: the CLI is refused, told so, and exits 3 (stopped: another got there first), starting nothing', async () => {
    const config = join(dir, 'config');
    writeFileSync(config, awsConfigSnippet(h.sb.endpoint, h.sb.config));
    const file = join(dir, 'web-frontend.release.yaml');
    writeFileSync(file, EXAMPLE);
    slowReads(3_000);
    const since = lastSeq();
    const app = h.releases.promote(release(), 'dev', { confirmed: false, allowUnpinned: false });
    // The app holds the lock once its first read is under way.
    const deadline = Date.now() + 20_000;
    while (!h.sb.logEntries(since).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const cli = await runCli(['release', 'promote', file, '--to', 'dev'], {
      ...process.env,
      HOME: dir,
      PIPEWRIGHT_HOME: h.home,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      AWS_PROFILE: '',
      AWS_REGION: '',
    });
    h.sb.faults.clear();
    await finish(await app);
    expect(cli.code, cli.out + cli.err).toBe(3);
    expect(cli.err).toContain(`web-frontend is being promoted by the Pipewright app (pid ${process.pid} on ${hostname()}, since `);
    expect(cli.err).toContain(`; try again when it finishes (lock file: ${lockFile()}).`);
    expect(startsSince(since)).toHaveLength(1);
  }, 60_000);

  it('a lock left by a promote that died before the machine last booted (its pid now another process’s) is taken over, not obeyed for ever', async () => {
    // Finding 7 as reported: this host, pid 1 (alive: init), expired in 2020.
    const path = lockFile();
    mkdirSync(dirname(path), { recursive: true });
    const dead = { program: 'pipewright cli', pid: 1, host: hostname(), startedAt: '2020-01-01T00:00:00Z', expiresAt: '2020-01-01T00:01:00Z', token: 'x' };
    writeFileSync(path, JSON.stringify(dead));
    const since = lastSeq();
    const out = await h.releases.promote(release(), 'dev', { confirmed: false, allowUnpinned: false }).then(
      (o) => o,
      (e: Error) => e.message,
    );
    expect(out).toMatchObject({ kind: 'started' });
    expect((await finish(out as PromoteOutcome)).status).toBe('succeeded');
    expect(startsSince(since)).toHaveLength(1);
    expect(existsSync(path)).toBe(false);
  }, 60_000);

  it('a promotion whose lock is taken over stops before its next start, saying who took it and where the lock is', async () => {
    // Two pipelines in dev, started one after the other.
    const cp = (target: string, body: unknown) => {
      const res = h.sb.invoke('codepipeline', DEV, 'us-east-1', { target, body });
      if (res.status !== 200) throw new Error(`${target}: ${String(res.body)}`);
      return JSON.parse(String(res.body)) as { pipeline: { name: string } };
    };
    const { pipeline } = cp('GetPipeline', { name: 'web-frontend' });
    cp('CreatePipeline', { pipeline: { ...pipeline, name: 'web-frontend-two' } });
    const two = parseReleaseFile(`version: 1
application: two-cells
environments:
  - name: dev
    targets:
      - { profile: sandbox-dev, region: us-east-1, pipeline: web-frontend }
      - { profile: sandbox-dev, region: us-east-1, pipeline: web-frontend-two }
`);
    if (!two.ok) throw new Error(JSON.stringify(two.errors));
    const path = lockFile('two-cells');
    // Another process took the lock over (it thought this one dead) once the first pipeline started.
    const taker = {
      program: 'pipewright cli',
      pid: 4242,
      host: `not-${hostname()}`,
      startedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
      token: 'taker',
    };
    const stopListening = h.releases.onChange((c) => {
      if (c.application === 'two-cells' && c.log?.event === 'execution-started') {
        rmSync(path, { force: true });
        writeFileSync(path, JSON.stringify(taker));
      }
    });
    const since = lastSeq();
    const outcome = await h.releases.promote(two.release, 'dev', { confirmed: false, allowUnpinned: false }).then(
      () => null,
      (e: AppError) => e,
    );
    stopListening();
    // Before: the lost lock went unnoticed and both started.
    expect({ starts: startsSince(since).length, error: outcome?.message ?? null }).toMatchObject({ starts: 1, error: expect.any(String) });
    expect(outcome).toBeInstanceOf(AppError);
    expect(outcome).toMatchObject({ code: 'CONFLICT', details: { holder: taker, lockFile: path } });
    expect(outcome!.message).toBe(
      `The promotion of two-cells stopped: its lock file ${path} was taken over by pipewright cli (pid 4242 on not-${hostname()}, since ${taker.startedAt}) while it ran, so it starts nothing more. What it started keeps running; promote again to go on (nothing starts twice).`,
    );
    // The taker's lock is left to it.
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(taker);
    rmSync(path);
  }, 60_000);
});
