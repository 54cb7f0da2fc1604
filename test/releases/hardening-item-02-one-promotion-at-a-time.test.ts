// Issue 23, item 2: the same environment promoted twice at once started its pipelines
// twice. `promote` read the running promotions, made several AWS calls, then saved, with
// no lock: two `releases.promote` calls in that window both started, and so did the app
// and the CLI sharing a home. Now one promote per application holds an in-process lock
// and a lock file (O_EXCL, holder and expiry) around the check, the save and the starts;
// the second attempt is refused, told who holds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices } from '../helpers/services';
import { assertBuilt, runCli } from '../helpers/cli';
import { EXAMPLE } from '../helpers/releases';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { FaultRule } from '../../src/sandbox/faults';
import { parseReleaseFile, type ReleaseFile } from '../../src/shared/releases/release-file';
import type { PromoteOutcome } from '../../src/main/releases/service';

let h: Awaited<ReturnType<typeof startServices>>;
let dir: string;
const DEV = '111111111111';

function release(): ReleaseFile {
  const r = parseReleaseFile(EXAMPLE);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.release;
}

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
      new RegExp(`^web-frontend is being promoted by the Pipewright app \\(pid ${process.pid} on ${hostname()}, since \\S+\\); try again when it finishes\\.$`),
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
      new RegExp(`^web-frontend is being promoted by pipewright cli \\(pid ${child.pid} on ${hostname()}, since \\S+\\); try again when it finishes\\.$`),
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
    expect(startsSince(since)).toHaveLength(1);
  }, 60_000);
});
