// Every file the app or the CLI reads is parsed with its schema: a malformed
// report, plan, checkpoint, sandbox snapshot or design gets a clear error that
// names the file and the path, never a crash deep inside ("b.prefixes is not
// iterable", "Maximum call stack size exceeded") and never a silent acceptance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { Sandbox } from '../../src/sandbox/sandbox';
import { executePlan, planHash } from '../../src/main/artifacts/cleanup-executor';
import { PLAN_VERSION, type CleanupPlan } from '../../src/shared/artifacts/plan';

let ctx: Awaited<ReturnType<typeof cliWithSandbox>>;
beforeAll(async () => {
  ctx = await cliWithSandbox('files', { seed: 'empty' });
});
afterAll(() => ctx?.stop());

const write = (name: string, text: string) => {
  const path = join(ctx.dir, name);
  writeFileSync(path, text);
  return path;
};
const cli = (...args: string[]) => runCli(args, ctx.cliEnv);

/** JSON text of a list nested `depth` deep (written as text: JSON.stringify itself would overflow). */
const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('files are parsed, never trusted by cast', () => {
  it('artifacts plan refuses a malformed report, naming the file and the path', async () => {
    const notIterable = write(
      'r1.json',
      JSON.stringify({ version: 1, generatedAt: 'x', pricePerGbMonth: 0.023, errors: [], buckets: [{ name: 'b', prefixes: 5 }] }),
    );
    const r1 = await cli('artifacts', 'plan', '--from', notIterable, '--out', join(ctx.dir, 'p.json'));
    expect(r1.code).not.toBe(0);
    expect(r1.err).toContain(`${notIterable} is not a Pipewright audit report`);
    expect(r1.err).toMatch(/buckets\.0\.\w+/);
    expect(r1.err).not.toMatch(/is not iterable/);

    const keysNotAList = write(
      'r2.json',
      JSON.stringify({
        version: 1,
        generatedAt: 'x',
        pricePerGbMonth: 0.023,
        errors: [],
        buckets: [
          {
            profile: 'p',
            accountId: '111111111111',
            accountAlias: null,
            region: 'us-east-1',
            name: 'b-1',
            versioning: 'Enabled',
            encryption: null,
            tags: {},
            protected: false,
            declaredBy: [],
            shapedLikeDefault: false,
            unused: false,
            sharedWith: [],
            coverage: { complete: true, gaps: [] },
            totals: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0, oldest: null, newest: null, monthlyCost: 0 },
            foreign: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0, oldest: null, newest: null, sample: [] },
            prefixes: [
              {
                prefix: 'app',
                class: 'live',
                claimedBy: [],
                folders: [],
                keep: [],
                keys: 'notalist',
                objects: 0,
                versions: 0,
                deleteMarkers: 0,
                bytes: 0,
                oldest: null,
                newest: null,
                monthlyCost: 0,
              },
            ],
          },
        ],
      }),
    );
    const r2 = await cli('artifacts', 'plan', '--from', keysNotAList, '--include', 'retention', '--out', join(ctx.dir, 'p.json'));
    expect(r2.code).not.toBe(0);
    expect(r2.err).toMatch(/buckets\.0\.prefixes\.0\.keys: /);

    const tooDeep = write('r3.json', `{"version": 1, "buckets": ${deep(5000)}}`);
    const r3 = await cli('artifacts', 'plan', '--from', tooDeep, '--out', join(ctx.dir, 'p.json'));
    expect(r3.code).not.toBe(0);
    expect(r3.err).toContain('nests deeper than 100 levels');
  });

  it('artifacts clean refuses a malformed plan and a malformed report', async () => {
    const plan = write('bad-plan.json', JSON.stringify({ version: 1, createdAt: 'x', auditedAt: 'x', items: [{ bucket: 'b' }] }));
    const r = await cli('artifacts', 'clean', '--plan', plan);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/Not a cleanup plan: items\.0\.\w+/);
    const good = write('empty-plan.json', JSON.stringify({ version: 1, createdAt: 'x', auditedAt: 'x', items: [] }));
    const report = write('bad-report.json', JSON.stringify({ version: 1, buckets: 'none' }));
    const r2 = await cli('artifacts', 'clean', '--plan', good, '--report', report);
    expect(r2.code).not.toBe(0);
    expect(r2.err).toContain(`${report} is not a Pipewright audit report`);
  });

  it('design validate names a design nested too deep instead of overflowing the stack', async () => {
    const design = write('deep.pipewright.json', `{"formatVersion": 1, "pipeline": {"name": "x", "stages": ${deep(20_000)}}}`);
    const r = await cli('design', 'validate', design);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('nests deeper than 100 levels');
    expect(r.err).not.toMatch(/call stack/);
  });

  it('a cleanup checkpoint that Pipewright did not write is named, not trusted', async () => {
    const plan: CleanupPlan = { version: PLAN_VERSION, createdAt: 'x', auditedAt: 'x', items: [] };
    const stateDir = mkdtempSync(join(tmpdir(), 'pw-ckpt-'));
    try {
      writeFileSync(join(stateDir, `cleanup-${planHash(plan)}.json`), JSON.stringify({ planHash: planHash(plan), done: { x: { deletedVersions: 'lots' } } }));
      const run = executePlan(plan, {
        s3For: () => {
          throw new Error('unused');
        },
        recheck: async () => null,
        dryRun: false,
        signal: new AbortController().signal,
        stateDir,
        auditLog: join(stateDir, 'audit.jsonl'),
      });
      await expect(run).rejects.toThrow(/cleanup checkpoint .* is not one Pipewright wrote: done\.x\.deletedVersions/);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('a sandbox snapshot that is not one is refused with the file and the path', async () => {
    const dataDir = join(ctx.dir, 'sandbox-data');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      join(dataDir, 'sandbox-state.json'),
      JSON.stringify({ formatVersion: 1, seed: 'demo', pipelines: [{ accountId: 'me', name: 'x' }], buckets: [] }),
    );
    await expect(Sandbox.start({ dataDir })).rejects.toThrow(/sandbox-state\.json is not a sandbox snapshot: pipelines\.0\.accountId/);
    writeFileSync(join(dataDir, 'sandbox-state.json'), '{"formatVersion": 1, ');
    await expect(Sandbox.start({ dataDir })).rejects.toThrow(/sandbox-state\.json is not valid JSON/);
  });
});
