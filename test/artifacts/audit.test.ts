// The artifact audit against the demo seed finds exactly what the seed planted;
// the planner never reaches outside orphan and stale prefixes, and retention
// inside live prefixes keeps the latest successful executions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices } from '../helpers/services';
import { auditArtifacts } from '../../src/main/artifacts/audit-calls';
import { auditedPrefixes, buildPlan, type AuditReport } from '../../src/shared/artifacts/report';
import { checkPlanAgainstAudit, parsePlan, PlanError } from '../../src/shared/artifacts/plan';

let services: Awaited<ReturnType<typeof startServices>>;
let report: AuditReport;

beforeAll(async () => {
  services = await startServices({ seed: 'demo' });
  const { accounts, pipelines } = services;
  report = await auditArtifacts(accounts.clients, accounts.fanout, pipelines.targets(), { signal: new AbortController().signal });
});
afterAll(() => services.stop());

const bucket = (name: string) => report.buckets.find((b) => b.name === name)!;
const prefix = (b: string, p: string) => bucket(b).prefixes.find((x) => x.prefix === p)!;

describe('audit of the demo seed', () => {
  it('finds every artifact bucket, and nothing else', () => {
    expect(report.errors).toEqual([]);
    const names = report.buckets.map((b) => b.name);
    expect(names).toContain('codepipeline-us-east-1-111111111111');
    expect(names).toContain('acme-staging-shared-artifacts'); // declared by orders-service
    expect(names).toContain('codepipeline-eu-west-1-5f3c9a12b7'); // shaped like a default
    expect(names).not.toContain('acme-reporting-source'); // a source bucket, not an artifact store
  });

  it('classifies the planted cases', () => {
    const dev = 'codepipeline-us-east-1-111111111111';
    expect(prefix(dev, 'legacy-monolith-pipe')).toMatchObject({ class: 'orphan', claimedBy: [] });
    expect(prefix(dev, 'payments-service-api')).toMatchObject({ class: 'shared' });
    expect(
      prefix(dev, 'payments-service-api')
        .claimedBy.map((c) => c.name)
        .sort(),
    ).toEqual(['payments-service-api-blue', 'payments-service-api-green']);
    const wf = prefix(dev, 'web-frontend');
    expect(wf.class).toBe('live');
    expect(wf.folders.filter((f) => f.stale).map((f) => f.folder)).toEqual(['OldBuildOu']);
    expect(wf.keep.length).toBeGreaterThan(0); // the latest successful execution's artifacts
    expect(bucket(dev).versioning).toBe('Enabled');
    expect(wf.deleteMarkers).toBeGreaterThan(0);
    expect(wf.versions).toBeGreaterThan(wf.objects);

    const unused = bucket('codepipeline-eu-west-1-5f3c9a12b7');
    expect(unused.unused).toBe(true);
    expect(unused.prefixes.map((p) => [p.prefix, p.class])).toEqual([['retired-batch-jobs', 'orphan']]);

    const shared = bucket('acme-staging-shared-artifacts');
    expect(shared.unused).toBe(false);
    expect(shared.foreign.objects).toBe(3);
    expect(shared.foreign.sample.sort()).toEqual(['README.txt', 'logs/app.log', 'reports/2024/summary.csv']);
    expect(bucket('codepipeline-us-east-1-333333333333').protected).toBe(true);
    expect(report.buckets.every((b) => b.totals.monthlyCost >= 0)).toBe(true);
  });

  it('plans orphans and stale folders only, keeping the latest successful artifacts', () => {
    const plan = buildPlan(report, { include: ['orphan', 'stale'] });
    const where = plan.items.map((i) => `${i.bucket}/${i.prefix}:${i.class}`).sort();
    expect(where).toEqual([
      'codepipeline-eu-west-1-5f3c9a12b7/retired-batch-jobs/:orphan',
      'codepipeline-us-east-1-111111111111/legacy-monolith-pipe/:orphan',
      'codepipeline-us-east-1-111111111111/web-frontend/OldBuildOu/:stale',
    ]);
    expect(() => checkPlanAgainstAudit(plan, auditedPrefixes(report))).not.toThrow();
    expect(parsePlan(JSON.stringify(plan))).toEqual(plan);
  });

  it('refuses tampered plans', () => {
    const plan = buildPlan(report, { include: ['orphan'] });
    const tampered = structuredClone(plan);
    tampered.items[0].prefix = 'web-frontend/';
    expect(() => checkPlanAgainstAudit(tampered, auditedPrefixes(report))).toThrow(/not an orphan prefix/);
    const outside = structuredClone(plan);
    outside.items[0].prefix = 'reports/';
    expect(() => checkPlanAgainstAudit(outside, auditedPrefixes(report))).toThrow(PlanError);
    const badKeep = structuredClone(plan);
    badKeep.items[0].keep = ['web-frontend/BuildOutpu/AAAAAAA'];
    expect(() => checkPlanAgainstAudit(badKeep, auditedPrefixes(report))).toThrow(/not an artifact key under it/);
    expect(() => parsePlan('{"version": 1, "items": [{"bucket": "x"}]}')).toThrow(/Not a cleanup plan/);
    expect(() => parsePlan('{ nope')).toThrow(/not valid JSON/);
  });

  it('maps recent successful executions to keys, and plans retention that keeps the latest success', () => {
    const wf = prefix('codepipeline-us-east-1-111111111111', 'web-frontend');
    expect(wf.successes?.length).toBeGreaterThan(0);
    expect(wf.successes![0].keys.sort()).toEqual(wf.keep);
    // Newest first, by start time too (the seed's back-dated history keeps the service's order).
    const times = wf.successes!.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(wf.keys!.length).toBeGreaterThan(wf.keep.length);
    // Forty days on, only the last success and what is younger than 30 days stay.
    const later = Date.now() + 40 * 86_400_000;
    const plan = buildPlan(report, { include: ['retention'], retention: { keepLast: 1, keepDays: 30 }, now: later });
    const item = plan.items.find((i) => i.bucket === 'codepipeline-us-east-1-111111111111' && i.prefix === 'web-frontend/')!;
    expect(item.class).toBe('retention');
    expect(item.keys!.length).toBe(wf.keys!.length - wf.keep.length);
    for (const k of wf.keep) expect(item.keys).not.toContain(k);
    expect(item.expected.versions + item.expected.deleteMarkers).toBeGreaterThan(0);
    // Only live and shared prefixes, never a protected bucket, and never an orphan.
    for (const i of plan.items) expect(['live', 'shared']).toContain(prefix(i.bucket, i.prefix.slice(0, -1)).class);
    expect(plan.items.some((i) => i.bucket === 'codepipeline-us-east-1-333333333333')).toBe(false);
    expect(() => checkPlanAgainstAudit(plan, auditedPrefixes(report))).not.toThrow();
    expect(parsePlan(JSON.stringify(plan))).toEqual(plan);
    // Today, everything in the demo is younger than 30 days: retention lets nothing go.
    expect(buildPlan(report, { include: ['retention'] }).items).toEqual([]);
  });

  it('refuses tampered retention plans', () => {
    const plan = buildPlan(report, { include: ['retention'], retention: { keepLast: 1, keepDays: 30 }, now: Date.now() + 40 * 86_400_000 });
    const audited = auditedPrefixes(report);
    const kept = structuredClone(plan);
    const wf = kept.items.find((i) => i.prefix === 'web-frontend/')!;
    wf.keys!.push(prefix('codepipeline-us-east-1-111111111111', 'web-frontend').keep[0]);
    expect(() => checkPlanAgainstAudit(kept, audited)).toThrow(/latest successful execution, which is always kept/);
    const orphan = structuredClone(plan);
    Object.assign(orphan.items[0], {
      prefix: 'legacy-monolith-pipe/',
      bucket: 'codepipeline-us-east-1-111111111111',
      keys: ['legacy-monolith-pipe/BuildOutpu/AAAAAAA'],
      keep: [],
    });
    expect(() => checkPlanAgainstAudit(orphan, audited)).toThrow(/retention applies inside live prefixes/);
    const outside = structuredClone(plan);
    outside.items[0].keys = [`${outside.items[0].prefix}notes.txt`];
    expect(() => checkPlanAgainstAudit(outside, audited)).toThrow(/not an artifact key under it/);
    // Thirty-one days after the audit, a 30-day retention plan is stale.
    expect(() => checkPlanAgainstAudit(plan, audited, Date.parse(plan.auditedAt) + 31 * 86_400_000)).toThrow(/audit again/);
    const noKeys = structuredClone(plan) as { items: Array<Record<string, unknown>> };
    delete noKeys.items[0].keys;
    expect(() => parsePlan(JSON.stringify(noKeys))).toThrow(/retention item names its keys/);
  });
});
