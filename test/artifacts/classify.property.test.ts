// The classifier and planner, property-based: random pipelines (with 20-character
// collisions) across accounts, regions and buckets, random keys. A plan never
// holds a prefix a live pipeline claims in that bucket, never a foreign key, and
// never deletes the latest successful execution's artifacts. Retention never
// deletes a key of a pipeline's last K successful executions or one younger
// than N days, and deletes every other artifact key of the prefix.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ARTIFACT_KEY, BucketTally, claimedPrefixes, classifyBucket, type LivePipelineRef } from '../../src/shared/artifacts/classify';
import { buildPlan, auditedPrefixes, type AuditReport, type BucketReport } from '../../src/shared/artifacts/report';
import { checkPlanAgainstAudit } from '../../src/shared/artifacts/plan';

const BUCKETS = ['codepipeline-us-east-1-111111111111', 'custom-artifacts', 'codepipeline-eu-west-1-222222222222'];
const stem = fc.constantFrom('payments-service-api', 'web-frontend', 'legacy', 'data-ingest-pipeline');
const pipelineName = fc.tuple(stem, fc.constantFrom('', '-blue', '-green', '-x')).map(([a, b]) => a + b);
const artifact = fc.constantFrom('SourceArtifact', 'BuildOutput', 'Package', 'TemplateOut');

const live = fc.array(
  fc.record({
    name: pipelineName,
    accountId: fc.constantFrom('111111111111', '222222222222'),
    region: fc.constantFrom('us-east-1', 'eu-west-1'),
    produces: fc.array(artifact, { minLength: 1, maxLength: 3 }),
    buckets: fc.subarray(BUCKETS, { minLength: 1 }),
  }),
  { maxLength: 8 },
);
const key = fc.oneof(
  fc
    .tuple(pipelineName, artifact, fc.stringMatching(/^[A-Za-z0-9]{7}$/), fc.boolean())
    .map(([p, a, id, zip]) => `${p.slice(0, 20)}/${a.slice(0, 10)}/${id}${zip ? '.zip' : ''}`),
  fc.constantFrom('reports/2024.csv', 'logs/app.log', 'README.txt', 'web-frontend/notes.txt', 'legacy/Package/too-long-id'),
);

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;

function report(pipes: LivePipelineRef[], objects: Array<{ bucket: string; key: string; deleted: boolean; ageDays?: number }>): AuditReport {
  const buckets: BucketReport[] = BUCKETS.map((name) => {
    const t = new BucketTally(claimedPrefixes(name, pipes));
    objects
      .filter((o) => o.bucket === name)
      .forEach((o, i) =>
        t.add({
          key: o.key,
          versionId: `v${i}`,
          isLatest: true,
          deleteMarker: o.deleted,
          size: 10,
          lastModified: o.ageDays === undefined ? 1 : NOW - o.ageDays * DAY,
        }),
      );
    const declared = pipes.filter((p) => p.buckets.includes(name));
    return {
      profile: 'p',
      accountId: '111111111111',
      accountAlias: null,
      region: 'us-east-1',
      name,
      versioning: 'Enabled',
      encryption: null,
      tags: {},
      protected: false,
      declaredBy: declared.map((d) => ({ accountId: d.accountId, region: d.region, name: d.name })),
      shapedLikeDefault: name.startsWith('codepipeline-'),
      unused: !declared.length,
      sharedWith: [],
      coverage: { complete: true, gaps: [] },
      totals: { ...t.total, monthlyCost: 0 },
      foreign: { ...t.foreign, sample: t.foreignSample },
      prefixes: classifyBucket(name, t, pipes, declared.length > 0 || name.startsWith('codepipeline-')).map((p) => ({ ...p, monthlyCost: 0 })),
    };
  });
  return {
    version: 1,
    generatedAt: new Date(NOW).toISOString(),
    pricePerGbMonth: 0.023,
    buckets,
    errors: [],
    coverage: { complete: true, scopeRegions: ['us-east-1'], accounts: [], unreachableProfiles: [] },
    unverified: [],
  };
}

describe('classifier and planner (property-based)', () => {
  it('never plans what a live pipeline claims, foreign data, or kept artifacts', () => {
    fc.assert(
      fc.property(live, fc.array(fc.record({ bucket: fc.constantFrom(...BUCKETS), key, deleted: fc.boolean() }), { maxLength: 60 }), (rawPipes, objects) => {
        // Each pipeline keeps (latest success) some of its own keys that exist.
        const pipes: LivePipelineRef[] = rawPipes.map((p) => ({
          ...p,
          keep: objects
            .filter((o) => p.buckets.includes(o.bucket) && o.key.startsWith(`${p.name.slice(0, 20)}/`))
            .slice(0, 2)
            .map((o) => o.key),
        }));
        const r = report(pipes, objects);
        const plan = buildPlan(r, { include: ['orphan', 'stale'] });
        checkPlanAgainstAudit(plan, auditedPrefixes(r));
        for (const item of plan.items) {
          const [prefix, folder] = item.prefix.split('/');
          const claimers = pipes.filter((p) => p.name.slice(0, 20) === prefix && p.buckets.includes(item.bucket));
          if (item.class === 'orphan') expect(claimers).toEqual([]);
          else expect(claimers.some((c) => c.produces.some((a) => a.slice(0, 10) === folder))).toBe(false);
          // What the plan would delete: artifact-shaped keys under the item, minus the keep-list.
          const doomed = objects.filter(
            (o) => o.bucket === item.bucket && o.key.startsWith(item.prefix) && ARTIFACT_KEY.test(o.key) && !item.keep.includes(o.key),
          );
          for (const o of doomed) for (const p of pipes) if (p.buckets.includes(item.bucket)) expect(p.keep).not.toContain(o.key);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('retention keeps the last K successes and everything younger than N days, and lets go of the rest', () => {
    const objectsArb = fc.array(fc.record({ bucket: fc.constantFrom(...BUCKETS), key, deleted: fc.boolean(), ageDays: fc.integer({ min: 0, max: 120 }) }), {
      maxLength: 60,
    });
    const policyArb = fc.record({ keepLast: fc.integer({ min: 1, max: 4 }), keepDays: fc.integer({ min: 1, max: 60 }) });
    fc.assert(
      fc.property(live, objectsArb, policyArb, fc.integer({ min: 0, max: 1000 }), (rawPipes, objects, policy, seed) => {
        // Each pipeline's successes: random groups of its own keys, newest first; the first is its latest.
        // (A name is unique within an account and region.)
        const unique = rawPipes.filter((p, i) => rawPipes.findIndex((q) => q.name === p.name && q.accountId === p.accountId && q.region === p.region) === i);
        const pipes: LivePipelineRef[] = unique.map((p, pi) => {
          const own = objects.filter((o) => p.buckets.includes(o.bucket) && o.key.startsWith(`${p.name.slice(0, 20)}/`)).map((o) => o.key);
          const successes = Array.from({ length: (seed + pi) % 6 }, (_, n) => ({
            id: `e${n}`,
            time: NOW - n * DAY,
            keys: own.filter((_, k) => (k + n + seed) % 3 === 0),
          }));
          return { ...p, successes, keep: successes[0]?.keys ?? [] };
        });
        const r = report(pipes, objects);
        const plan = buildPlan(r, { include: ['retention'], retention: policy, now: NOW });
        checkPlanAgainstAudit(plan, auditedPrefixes(r), NOW);
        for (const b of r.buckets) {
          for (const p of b.prefixes.filter((x) => x.class === 'live' || x.class === 'shared')) {
            const item = plan.items.find((i) => i.bucket === b.name && i.prefix === `${p.prefix}/`);
            const planned = new Set(item?.keys ?? []);
            const claimers = pipes.filter((c) => c.name.slice(0, 20) === p.prefix && c.buckets.includes(b.name));
            const retained = new Set(claimers.flatMap((c) => (c.successes ?? []).slice(0, policy.keepLast).flatMap((e) => e.keys)));
            for (const k of p.keys ?? []) {
              const young = k.newest >= NOW - policy.keepDays * DAY;
              // Never the latest success, never the last K, never the young; every other artifact key goes.
              if (claimers.some((c) => c.keep.includes(k.key)) || retained.has(k.key) || young) expect(planned.has(k.key), k.key).toBe(false);
              else expect(planned.has(k.key), k.key).toBe(true);
            }
            for (const k of planned) expect(k.startsWith(`${p.prefix}/`) && ARTIFACT_KEY.test(k)).toBe(true);
          }
        }
        for (const item of plan.items) expect(item.class).toBe('retention');
      }),
      { numRuns: 500 },
    );
  });

  it('tells collisions apart: two live pipelines sharing 20 characters make a shared prefix', () => {
    const pipes: LivePipelineRef[] = ['payments-service-api-blue', 'payments-service-api-green'].map((name) => ({
      name,
      accountId: '111111111111',
      region: 'us-east-1',
      produces: ['BuildOutput'],
      keep: [],
      buckets: [BUCKETS[0]],
    }));
    const r = report(pipes, [{ bucket: BUCKETS[0], key: 'payments-service-api/BuildOutpu/AAAAAAA', deleted: false }]);
    expect(r.buckets[0].prefixes[0]).toMatchObject({ prefix: 'payments-service-api', class: 'shared' });
    expect(buildPlan(r, { include: ['orphan', 'stale'] }).items).toEqual([]);
  });
});
