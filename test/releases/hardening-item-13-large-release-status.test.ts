// Issue 23, item 13: `release status` on a large release file (20 environments x 50
// targets) ran 748 s in silence. It made one identity check per target (50
// GetCallerIdentity and 50 ListAccountAliases calls for one profile), queued with the
// reads themselves. Now each profile's identity is checked once per run, each target is
// read in three calls, progress goes to standard error, and the reads stay within the
// (account, region) call budget. Run as a user runs it: the built CLI against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { generatePipelines } from '../../src/sandbox/seed';
import { DEFAULT_BUDGET } from '../../src/main/executions';
import { targetProgress } from '../../src/main/cli/release-command';

// Three accounts in ten regions: thirty (account, region) budgets, so the budget's floor is about 25 s.
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
];
const PROFILES = ['sandbox-dev', 'sandbox-staging', 'sandbox-prod'];
const COMBOS = PROFILES.length * REGIONS.length;
const ENVIRONMENTS = 20;
const TARGETS = 50;

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
let file: string;

beforeAll(async () => {
  h = await cliWithSandbox('item13', { config: { timeScale: 0.001, regions: REGIONS } });
  // Every pipeline has run once, so each target has a deployed revision to show.
  await generatePipelines(h.env.sb, { pipelinesPerTarget: Math.ceil((ENVIRONMENTS * TARGETS) / COMBOS), executionsPerPipeline: 1, namePrefix: 'svc' });
  const environments = Array.from({ length: ENVIRONMENTS }, (_, k) => ({
    name: `env${String(k).padStart(2, '0')}`,
    targets: Array.from({ length: TARGETS }, (_, j) => {
      const g = k * TARGETS + j;
      const combo = g % COMBOS;
      return {
        profile: PROFILES[combo % PROFILES.length],
        region: REGIONS[Math.floor(combo / PROFILES.length)],
        pipeline: `svc-${String(Math.floor(g / COMBOS)).padStart(3, '0')}`,
      };
    }),
  }));
  file = join(h.dir, 'large.release.json');
  writeFileSync(file, JSON.stringify({ version: 1, application: 'large', environments }));
}, 120_000);
afterAll(() => h?.stop());

describe('hardening item 13: release status on a large release file', () => {
  it('20 x 50 targets: one identity check per profile, three reads per target within the budget, progress on stderr, JSON alone on stdout', async () => {
    const since = h.env.sb.logEntries(0).at(-1)?.seq ?? 0;
    const started = Date.now();
    const r = await runCli(['release', 'status', file, '--json'], h.cliEnv, 170_000);
    const seconds = (Date.now() - started) / 1000;
    const log = h.env.sb.logEntries(since);
    const count = (operation: string) => {
      const by: Record<string, number> = {};
      for (const e of log.filter((x) => x.operation === operation)) by[e.account] = (by[e.account] ?? 0) + 1;
      return by;
    };
    console.log(`release status, ${ENVIRONMENTS * TARGETS} targets: ${seconds.toFixed(1)} s, ${log.length} calls`);

    const one = { '111111111111': 1, '222222222222': 1, '333333333333': 1 };
    expect(count('GetCallerIdentity')).toEqual(one);
    expect(count('ListAccountAliases')).toEqual(one);
    // GetPipelineState, GetPipeline and one page of history: the latest run is on the page that finds the deployed one.
    expect(log.filter((e) => e.service === 'codepipeline')).toHaveLength(ENVIRONMENTS * TARGETS * 3);

    expect(r.code, r.err).toBe(0);
    const board = JSON.parse(r.out) as { environments: Array<{ targets: Array<{ status: string | null; problem: unknown; revisionId: string | null }> }> };
    const cells = board.environments.flatMap((e) => e.targets);
    expect(cells).toHaveLength(ENVIRONMENTS * TARGETS);
    expect(cells.every((c) => c.status === 'Succeeded' && c.problem === null && !!c.revisionId)).toBe(true);

    const progress = r.err.split('\n').filter(Boolean);
    expect(progress.length).toBeGreaterThan(1);
    for (const line of progress) expect(line).toMatch(/^checked \d+\/1000 targets$/);
    expect(progress.at(-1)).toBe('checked 1000/1000 targets');

    // Within the budget: no (account, region) got more than a burst plus a second's rate in any second.
    const perSecond = new Map<string, number>();
    for (const e of log.filter((x) => x.service === 'codepipeline')) {
      const key = `${e.account}|${e.region}|${Math.floor(e.time / 1000)}`;
      perSecond.set(key, (perSecond.get(key) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(DEFAULT_BUDGET.burst + DEFAULT_BUDGET.ratePerSec);
    // The budget's floor here is ~25 s (3,000 calls over 30 budgets of 4/s); 748 s was the report.
    expect(seconds).toBeLessThan(90);
  }, 180_000);

  it('on a terminal the count is rewritten in place at most ten times a second, and cleared at the end', () => {
    let t = 0;
    let written = '';
    const tty = Object.assign({ write: (s: string) => ((written += s), true) }, { isTTY: true }) as unknown as NodeJS.WritableStream & { isTTY: boolean };
    const p = targetProgress(tty, () => t);
    for (let done = 1; done <= 1000; done++) {
      t += 5;
      p.onProgress(done, 1000);
    }
    p.end();
    const updates = written.split('\r').filter(Boolean);
    expect(updates.length).toBeLessThanOrEqual(52);
    expect(updates.at(-2)).toBe('checked 1000/1000 targets');
    expect(updates.at(-1)).toBe('\x1b[K');
    expect(written).not.toContain('\n');
  });
});
