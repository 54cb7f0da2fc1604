// Issue 23, item 2, red-team finding 6: saving promotions.json read the file, then wrote it back whole, with no
// lock. Two saves at once lost one: a follower of staging re-saving its promotion while a promote of prod saved its
// new one left only staging-1 in the file ("a just-started promotion vanishes, so the next promote starts it
// again"), and a follower's older copy written after a stop from another process set the promotion running again.
// Now each save is one read-change-write of one record (by id), in turn within a process and under a short lock
// file (promotions.lock) across processes; and a finished promotion is final (promotionStatusMayChange): a follower's
// older copy never writes over a stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReleaseStore } from '../../src/main/releases/release-store';
import { promotionStatusMayChange } from '../../src/shared/releases/promotion';
import { awsConfigSnippet } from '../../src/main/cli/sandbox-command';
import { FaultRule } from '../../src/sandbox/faults';
import { startServices } from '../helpers/services';
import { assertBuilt, startCli } from '../helpers/cli';
import { EXAMPLE } from '../helpers/releases';
import { promotion } from '../helpers/promotion-saves';

const dirs: string[] = [];
function home(): string {
  const d = mkdtempSync(join(tmpdir(), 'pw-item02-saves-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const statuses = async (store: ReleaseStore, application: string) => (await store.promotions(application)).map((p) => `${p.id}:${p.status}`).sort();

/** Another process running test/helpers/promotion-saves.ts, held at its start until go() is called. */
function saver(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, ['node_modules/jiti/lib/jiti-cli.mjs', 'test/helpers/promotion-saves.ts', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (out.includes('ready\n') ? resolve() : undefined);
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`exited with ${code} before it was ready:\n${out}`)));
  });
  return {
    ready,
    go: () => child.stdin!.write('go\n'),
    async done() {
      const code = await exited;
      if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}:\n${out}`);
    },
  };
}

describe('hardening item 2: a promotion status, once finished, is final', () => {
  it('running goes on or finishes; nothing follows succeeded, failed or stopped, not even running again', () => {
    for (const to of ['running', 'succeeded', 'failed', 'stopped'] as const) expect(promotionStatusMayChange('running', to)).toBe(true);
    for (const from of ['succeeded', 'failed', 'stopped'] as const)
      for (const to of ['running', 'succeeded', 'failed', 'stopped'] as const) expect(promotionStatusMayChange(from, to), `${from} -> ${to}`).toBe(false);
  });
});

describe('hardening item 2: saves of promotions.json lose nothing', () => {
  it('two saves at once in one process (a follower of staging, a promote of prod) keep both promotions', async () => {
    const store = new ReleaseStore(home());
    await store.savePromotion(promotion('web', 'staging-1'));
    await Promise.all([store.savePromotion(promotion('web', 'staging-1')), store.savePromotion(promotion('web', 'prod-1'))]);
    expect(await statuses(store, 'web')).toEqual(['prod-1:running', 'staging-1:running']);
  });

  it('two stores over one home, 20 saves each at once, keep all 40', async () => {
    const h = home();
    const [a, b] = [new ReleaseStore(h), new ReleaseStore(h)];
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => a.savePromotion(promotion('web', `a-${i + 1}`))),
      ...Array.from({ length: 20 }, (_, i) => b.savePromotion(promotion('web', `b-${i + 1}`))),
    ]);
    expect(await a.promotions('web')).toHaveLength(40);
  });

  it('two processes saving 25 promotions each at once keep all 50, and leave no lock behind', async () => {
    const h = home();
    const children = [saver([h, 'web', 'save', 'a', '25']), saver([h, 'web', 'save', 'b', '25'])];
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    await Promise.all(children.map((c) => c.done()));
    const ids = (await new ReleaseStore(h).promotions('web')).map((p) => p.id);
    expect(ids.length, `kept ${ids.length}: ${ids.sort().join(' ')}`).toBe(50);
    expect(readdirSync(join(h, 'releases', 'web')).sort()).toEqual(['promotions.json']);
  }, 30_000);

  it("a follower's older copy saved after a stop from another process leaves the promotion stopped", async () => {
    const h = home();
    const store = new ReleaseStore(h);
    const followed = { ...promotion('web', 'prod-1'), targets: [] };
    await store.savePromotion(followed);
    const stopper = saver([h, 'web', 'stop', 'prod-1']);
    await stopper.ready;
    stopper.go();
    await stopper.done();
    // The follower read prod-1 running before the stop, and saves what it has seen since.
    const saved = await store.savePromotion({ ...followed, reason: null, finishedAt: null });
    expect(await statuses(store, 'web')).toEqual(['prod-1:stopped']);
    expect(saved.written).toBe(false);
    expect(saved.promotion.reason).toBe('Stopped from another process.');
  }, 30_000);
});

describe('hardening item 2: a follower in the CLI after a stop from the app', () => {
  let h: Awaited<ReturnType<typeof startServices>>;
  let dir: string;
  beforeAll(async () => {
    assertBuilt();
    h = await startServices({ seed: 'demo', releases: { pollMs: 50, holder: 'the Pipewright app' }, executions: { budget: { ratePerSec: 200, burst: 200 } } });
    dir = home();
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('the CLI follower does not write its older copy over the stop: the promotion stays stopped, and the CLI ends with it', async () => {
    writeFileSync(join(dir, 'config'), awsConfigSnippet(h.sb.endpoint, h.sb.config));
    const file = join(dir, 'web-frontend.release.yaml');
    writeFileSync(file, EXAMPLE);
    // Only the follower reads executions one by one: its first read takes 2 s, the window the app stops it in.
    h.sb.faults.set([FaultRule.parse({ service: 'codepipeline', operation: 'GetPipelineExecution', account: '111111111111', latencyMs: 2_000 })]);
    const cli = startCli(['release', 'promote', file, '--to', 'dev'], {
      HOME: dir,
      PIPEWRIGHT_HOME: h.home,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      AWS_PROFILE: '',
      AWS_REGION: '',
    });
    const exited = new Promise<number | null>((resolve) => cli.child.on('exit', resolve));
    try {
      const [, id] = await cli.waitFor(/Promoting dev \((\S+)\)/, 30_000);
      // The CLI's follower has read the promotion running and is reading its execution; the run itself finishes
      // meanwhile, so it will save "succeeded" when the read returns. The app stops the promotion in between.
      await new Promise((r) => setTimeout(r, 300));
      const stopped = await h.releases.stop('web-frontend', id, 'Stopped from the app.');
      expect(stopped.status).toBe('stopped');
      const code = await exited;
      const saved = (await h.releases.store.promotions('web-frontend')).find((p) => p.id === id);
      expect(saved?.status, cli.output()).toBe('stopped');
      expect(saved?.reason).toBe('Stopped from the app.');
      expect(cli.output()).toContain('Release stopped: Stopped from the app.');
      expect(code, cli.output()).toBe(1);
      const finished = (await h.releases.store.history('web-frontend')).filter((e) => e.promotionId === id && e.event === 'promotion-finished');
      expect(finished).toEqual([]);
    } finally {
      h.sb.faults.clear();
      await cli.stop();
    }
  }, 60_000);
});
