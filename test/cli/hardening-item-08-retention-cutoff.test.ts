// Issue 23, item 8, as a user runs it: "A hand-edited retention plan deleted a
// recent successful run's artifacts. Without --report, the executor trusts the
// item's cutoff: keepDays: 1 with a cutoff in 2099 deleted keys minutes old."
// `artifacts audit`, `artifacts plan --include retention`, the plan file edited,
// then `artifacts clean --plan … --yes` without --report, with the built CLI
// against the sandbox. The item is refused and said so; and the last K successes
// a plan's policy keeps are re-checked live, all K (the service-level cases are in
// test/artifacts/hardening-item-08-retention-cutoff.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { simplePipeline } from '../helpers/pipelines';

const DAY = 86_400_000;
const DEV = '111111111111';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
const cli = (...args: string[]) => runCli(['artifacts', ...args], h.cliEnv, 60_000);

beforeAll(async () => {
  h = await cliWithSandbox('item08', { seed: 'empty' });
  h.env.sb.config.startOnCreate = false;
});
afterAll(() => h?.stop());

/** A live pipeline writing to its own bucket, with `n` successful executions: the keys each wrote, oldest first. */
async function pipelineWithSuccesses(name: string, n: number) {
  const sb = h.env.sb;
  const b = sb.s3.createBucket(`${name}-artifacts`, DEV, 'us-east-1');
  b.versioning = 'Enabled';
  sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'CreatePipeline', body: { pipeline: simplePipeline(name, b.name) } });
  const runs: string[][] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Set(b.objects.keys());
    sb.invoke('codepipeline', DEV, 'us-east-1', { target: 'StartPipelineExecution', body: { name } });
    await sb.executor.settled();
    runs.push([...b.objects.keys()].filter((k) => !seen.has(k)));
    await delay(5);
  }
  const age = (keys: string[], days: number) => {
    for (const k of keys) for (const v of b.objects.get(k)!) v.lastModified = Date.now() - days * DAY;
  };
  const present = () => new Set(b.objects.keys());
  return { bucket: b.name, runs, age, present };
}

/** Audit and plan retention as a user would; the plan's item for this pipeline alone. */
async function auditAndPlan(tag: string, prefix: string, keepLast: number) {
  const report = join(h.dir, `report-${tag}.json`);
  const audit = await cli('audit', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--out', report);
  expect(audit.code).toBe(0);
  const out = join(h.dir, `plan-${tag}.json`);
  const plan = await cli('plan', '--from', report, '--include', 'retention', '--keep-last', String(keepLast), '--keep-days', '1', '--out', out);
  expect(plan.code).toBe(0);
  const p = JSON.parse(readFileSync(out, 'utf8')) as { items: Array<{ prefix: string; keys: string[]; retention: { cutoff: string } }> };
  p.items = p.items.filter((i) => i.prefix === prefix);
  expect(p.items).toHaveLength(1);
  return p;
}

const clean = (plan: unknown, tag: string) => {
  const file = join(h.dir, `edited-${tag}.json`);
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return cli('clean', '--plan', file, '--yes', '--confirm-account', DEV);
};

describe('hardening item 08: a hand-edited retention plan', () => {
  it('keepDays 1 with its cutoff edited to 2099 and a recent run’s keys added: refused, the recent keys stay', async () => {
    const p = await pipelineWithSuccesses('item08-cutoff', 3);
    const [first, second] = p.runs;
    p.age(first, 40);
    const plan = await auditAndPlan('cutoff', 'item08-cutoff/', 1);
    // As planned: only the first run's keys (the second is minutes old, the third the latest).
    expect(plan.items[0].keys.sort()).toEqual([...first].sort());
    plan.items[0].retention.cutoff = '2099-01-01T00:00:00.000Z';
    plan.items[0].keys.push(...second);

    const r = await clean(plan, 'cutoff');
    const left = p.present();
    expect(second.filter((k) => !left.has(k))).toEqual([]);
    expect(first.filter((k) => !left.has(k))).toEqual([]);
    expect(r.out).toContain('deleted 0 versions and delete markers');
    expect(r.out).toContain(
      'skipped s3://item08-cutoff-artifacts/item08-cutoff/: Refused, nothing in it deleted: The cutoff 2099-01-01T00:00:00.000Z is in the future: it would delete artifacts of any age. Make the plan again rather than editing it.',
    );
    expect(r.code).toBe(0);
    const log = readFileSync(join(h.dir, 'pw', 'artifact-cleanup-audit.jsonl'), 'utf8');
    expect(log).toContain('"event":"skip"');
    expect(log).toContain('The cutoff 2099-01-01T00:00:00.000Z is in the future');
  });

  it('keepLast 3 with the 2nd and 3rd newest runs’ keys added: refused, they survive; the plan as made deletes only the 4th', async () => {
    const p = await pipelineWithSuccesses('item08-keeplast', 4);
    const [fourth, third, second] = p.runs;
    for (const run of p.runs) p.age(run, 40);
    const plan = await auditAndPlan('keeplast', 'item08-keeplast/', 3);
    expect(plan.items[0].keys.sort()).toEqual([...fourth].sort());
    const asMade = structuredClone(plan);
    plan.items[0].keys.push(...third, ...second);

    const r = await clean(plan, 'keeplast');
    const left = p.present();
    expect([...second, ...third, ...fourth].filter((k) => !left.has(k))).toEqual([]);
    expect(r.out).toContain('deleted 0 versions and delete markers');
    expect(r.out).toMatch(
      /skipped s3:\/\/item08-keeplast-artifacts\/item08-keeplast\/: item08-keeplast\/\S+ belongs to item08-keeplast's successful execution \S+ \(newest but [12]\), one of the last 3 its policy keeps\./,
    );

    const ok = await clean(asMade, 'as-made');
    expect(ok.code).toBe(0);
    const after = p.present();
    expect(fourth.filter((k) => after.has(k))).toEqual([]);
    expect([...second, ...third, ...p.runs[3]].filter((k) => !after.has(k))).toEqual([]);
  });
});
