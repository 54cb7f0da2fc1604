// Whole-bucket work through the contract, against the demo seed. Deleting an
// unused bucket: refused while it holds anything, without the typed name, or
// for a bucket a pipeline uses; allowed once a cleanup emptied it, and logged.
// Lifecycle expiry of a huge orphan prefix: previewed, merged with the bucket's
// own rules, applied only when confirmed, and logged.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/free-port';
import { createCore, type Core } from '../../src/main/app-core';
import type { Envelope } from '../../src/shared/api/envelope';
import { buildPlan, type AuditReport } from '../../src/shared/artifacts/report';
import { simplePipeline } from '../helpers/pipelines';
import { FaultRule } from '../../src/sandbox/faults';

const UNUSED = 'codepipeline-eu-west-1-5f3c9a12b7';
let core: Core;
let home: string;
// Payloads are checked field by field below; their schemas live in the contract.
const events: Array<{ event: string; payload: unknown }> = [];
const saved = { ...process.env };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pw-bucket-'));
  const port = await freePort();
  // No ~/.aws files: the embedded sandbox's own profiles reach every demo account.
  Object.assign(process.env, { AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') });
  core = await createCore({ home: join(home, 'pw'), mode: 'browser', version: 'test', sandbox: 'on', sandboxPort: port, sandboxTimeScale: 0.01 });
  core.hub.attach({ clientId: 't', send: (event, payload) => void events.push({ event, payload }) });
  core.hub.markReady('t');
}, 60_000);
afterAll(async () => {
  process.env = { ...saved };
  await core?.close();
  rmSync(home, { recursive: true, force: true });
});

const call = (method: string, input: unknown) => core.dispatch(method, input, { clientId: 't' });
async function waitFor<T>(event: string): Promise<T> {
  const hit = await vi.waitFor(
    () => {
      const found = events.find((e) => e.event === event);
      if (!found) throw new Error(`no ${event}; saw ${JSON.stringify(events.map((e) => [e.event, (e.payload as { error?: string })?.error ?? '']))}`);
      return found;
    },
    { timeout: 30_000, interval: 10 },
  );
  return events.splice(events.indexOf(hit), 1)[0].payload as T;
}
const errorOf = (e: Envelope) => (e.ok ? null : e.error);

describe('artifacts.deleteBucket', () => {
  it('deletes an unused bucket only once emptied, with its typed name, and logs it', async () => {
    expect((await call('app.ready', {})).ok).toBe(true);
    expect((await call('artifacts.audit', {})).ok).toBe(true);
    const { report } = await waitFor<{ report: AuditReport }>('artifacts.report');
    const unused = report.buckets.find((b) => b.name === UNUSED)!;
    expect(unused.unused).toBe(true);
    const used = report.buckets.find((b) => !b.unused)!;

    expect(errorOf(await call('artifacts.deleteBucket', { bucket: used.name, confirmation: used.name }))?.message).toMatch(/used by a live pipeline/);
    expect(errorOf(await call('artifacts.deleteBucket', { bucket: UNUSED, confirmation: 'yes' }))?.message).toMatch(/Type the bucket name/);
    const notEmpty = errorOf(await call('artifacts.deleteBucket', { bucket: UNUSED, confirmation: UNUSED }));
    expect(notEmpty?.message).toMatch(/still holds objects/);
    expect(core.sandbox.instance!.s3.buckets.has(UNUSED)).toBe(true);

    const full = buildPlan(report, { include: ['orphan'] });
    const plan = { ...full, items: full.items.filter((i) => i.bucket === UNUSED) };
    expect(plan.items.length).toBeGreaterThan(0);
    const confirmations = [unused.accountId];
    expect((await call('artifacts.clean', { plan, dryRun: false, confirmations, prodConfirmations: [] })).ok).toBe(true);
    const { result } = await waitFor<{ result: { failed: unknown[] } }>('artifacts.cleanResult');
    expect(result.failed).toEqual([]);

    expect(await call('artifacts.deleteBucket', { bucket: UNUSED, confirmation: UNUSED })).toEqual({ ok: true, result: { deleted: true } });
    expect(core.sandbox.instance!.s3.buckets.has(UNUSED)).toBe(false);
    const log = (await call('artifacts.auditLog', {})) as Envelope<{ entries: Array<Record<string, unknown>> }>;
    expect(log.ok && log.result.entries.map((e) => e.event)).toContain('bucket-deleted');
    // Gone from the latest audit too: a second request is refused, not sent.
    expect(errorOf(await call('artifacts.deleteBucket', { bucket: UNUSED, confirmation: UNUSED }))?.message).toMatch(/not in the latest audit/);
  }, 120_000);

  it("expires an orphan prefix with lifecycle rules: preview first, keep the bucket's own rules, confirm, log", async () => {
    const bucket = 'codepipeline-us-east-1-111111111111';
    const sb = core.sandbox.instance!;
    sb.s3.buckets.get(bucket)!.lifecycle = { Rule: [{ ID: 'keep-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: '30' } }] };
    type Rules = { before: Array<{ ID: string }>; after: Array<{ ID: string }>; added: Array<{ ID: string }>; applied: boolean };
    const preview = (await call('artifacts.lifecycle', { bucket, prefix: 'legacy-monolith-pipe/', apply: false })) as Envelope<Rules>;
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.result.before.map((r) => r.ID)).toEqual(['keep-logs']);
    expect(preview.result.after.map((r) => r.ID)).toEqual([
      'keep-logs',
      'pipewright-expire-legacy-monolith-pipe/',
      'pipewright-expire-legacy-monolith-pipe/markers',
    ]);
    expect((sb.s3.buckets.get(bucket)!.lifecycle as { Rule: unknown[] }).Rule).toHaveLength(1); // a preview writes nothing

    expect(errorOf(await call('artifacts.lifecycle', { bucket, prefix: 'legacy-monolith-pipe/', apply: true }))?.message).toMatch(/Type the bucket name/);
    expect(errorOf(await call('artifacts.lifecycle', { bucket, prefix: 'web-frontend/', apply: true, confirmation: bucket }))?.message).toMatch(
      /Only an orphan prefix, or a live one with a retention age/,
    );
    // A live prefix takes only retention's age-only rule, and only once its limits are acknowledged.
    expect(errorOf(await call('artifacts.lifecycle', { bucket, prefix: 'web-frontend/', apply: true, confirmation: bucket, retainDays: 14 }))?.message).toMatch(
      /cannot keep the last successful executions/,
    );
    const ageOnly = (await call('artifacts.lifecycle', { bucket, prefix: 'web-frontend/', apply: false, retainDays: 14 })) as Envelope<Rules>;
    expect(ageOnly.ok && ageOnly.result.added.map((r) => r.ID)).toEqual(['pipewright-retain-web-frontend/', 'pipewright-retain-web-frontend/markers']);
    expect(ageOnly.ok && (ageOnly.result.added[0] as unknown as { Expiration: { Days: number } }).Expiration.Days).toBe(14);

    const applied = (await call('artifacts.lifecycle', { bucket, prefix: 'legacy-monolith-pipe/', apply: true, confirmation: bucket })) as Envelope<Rules>;
    expect(applied.ok && applied.result.applied).toBe(true);
    const stored = (sb.s3.buckets.get(bucket)!.lifecycle as { Rule: Array<{ ID: string; Filter: { Prefix: string } }> }).Rule;
    expect(stored.map((r) => r.ID)).toEqual(['keep-logs', 'pipewright-expire-legacy-monolith-pipe/', 'pipewright-expire-legacy-monolith-pipe/markers']);
    expect(stored.slice(1).every((r) => r.Filter.Prefix === 'legacy-monolith-pipe/')).toBe(true);
    const log = (await call('artifacts.auditLog', {})) as Envelope<{ entries: Array<Record<string, unknown>> }>;
    expect(log.ok && log.result.entries.find((e) => e.event === 'lifecycle-applied')).toMatchObject({ bucket, prefix: 'legacy-monolith-pipe/' });
  });
});

describe('re-checks at the moment of acting', () => {
  it('refuses to delete an emptied bucket that a pipeline in another region uses now, or that is blocklisted now', async () => {
    const sb = core.sandbox.instance!;
    const STAGING = '222222222222';
    const bucket = 'codepipeline-eu-west-1-7a7a7a7a7a';
    sb.s3.createBucket(bucket, STAGING, 'eu-west-1');
    sb.s3.putObject(sb.s3.buckets.get(bucket)!, 'gone-app/BuildOutpu/AbCdEf1', Buffer.from('x'));
    expect((await call('artifacts.audit', {})).ok).toBe(true);
    const { report } = await waitFor<{ report: AuditReport }>('artifacts.report');
    expect(report.buckets.find((b) => b.name === bucket)).toMatchObject({ unused: true, coverage: { complete: true } });
    sb.s3.buckets.get(bucket)!.objects.clear();
    sb.s3.buckets.get(bucket)!.sortedKeys.length = 0;

    // After the audit, a pipeline in a region outside the workspace starts writing there.
    const pipeline = simplePipeline('late-app', bucket, { roleArn: `arn:aws:iam::${STAGING}:role/p` });
    sb.config.startOnCreate = false;
    expect(sb.invoke('codepipeline', STAGING, 'us-west-2', { target: 'CreatePipeline', body: { pipeline } }).status).toBe(200);
    sb.config.startOnCreate = true;
    expect(errorOf(await call('artifacts.deleteBucket', { bucket, confirmation: bucket }))?.message).toMatch(
      /Live pipeline late-app \(account 222222222222, us-west-2\) uses/,
    );
    sb.invoke('codepipeline', STAGING, 'us-west-2', { target: 'DeletePipeline', body: { name: 'late-app' } });

    // A re-check that cannot complete (its bucket policy unreadable) refuses: never deletes on a failed call.
    sb.faults.set([FaultRule.parse({ service: 's3', operation: 'GetBucketPolicy', denyRate: 1 })]);
    expect(errorOf(await call('artifacts.deleteBucket', { bucket, confirmation: bucket }))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/^Could not re-check before deleting: /),
    });
    sb.faults.clear();
    expect(sb.s3.buckets.has(bucket)).toBe(true);

    // Blocklisted after the audit: read from settings at that moment.
    expect((await call('settings.update', { artifacts: { blockedBuckets: [bucket] } })).ok).toBe(true);
    expect(errorOf(await call('artifacts.deleteBucket', { bucket, confirmation: bucket }))?.message).toMatch(/is on the blocklist/);
    expect(sb.s3.buckets.has(bucket)).toBe(true);
    expect((await call('settings.update', { artifacts: { blockedBuckets: [] } })).ok).toBe(true);
    expect(await call('artifacts.deleteBucket', { bucket, confirmation: bucket })).toEqual({ ok: true, result: { deleted: true } });
  }, 60_000);

  it('refuses a lifecycle rule for an orphan prefix whose bucket was tagged protected after the audit', async () => {
    const sb = core.sandbox.instance!;
    const bucket = 'codepipeline-us-east-1-111111111111';
    expect((await call('artifacts.audit', {})).ok).toBe(true);
    await waitFor('artifacts.report');
    sb.s3.buckets.get(bucket)!.tags = { 'pipewright:protect': 'true' };
    sb.s3.putObject(sb.s3.buckets.get(bucket)!, 'legacy-monolith-pipe/BuildArtif/Zz9Zz9Z', Buffer.from('x'));
    const refused = errorOf(await call('artifacts.lifecycle', { bucket, prefix: 'legacy-monolith-pipe/', apply: true, confirmation: bucket }));
    expect(refused?.message).toMatch(/tagged pipewright:protect=true/);
    sb.s3.buckets.get(bucket)!.tags = undefined;
  });
});

describe('artifacts.clean from a selection', () => {
  it("builds the plan from the main process's own audit: the same plan the page shows", async () => {
    const { planForAudit, selectRows, selectionKey } = await import('../../src/shared/artifacts/report');
    const planForSelection = (r: AuditReport, rows: string[], retention: { keepLast: number; keepDays: number }) =>
      selectRows(planForAudit(r, retention), rows);
    expect((await call('artifacts.audit', {})).ok).toBe(true);
    const { report } = await waitFor<{ report: AuditReport }>('artifacts.report');
    const retention = { keepLast: 1, keepDays: 5 };
    expect(planForSelection(report, [], retention).items).toEqual([]);
    const rows = ['codepipeline-us-east-1-111111111111|legacy-monolith-pipe/'];
    const shown = planForSelection(report, rows, retention);
    expect(shown.items.map(selectionKey)).toEqual(rows);
    const started = (await call('artifacts.clean', { selection: { rows, retention }, dryRun: true, confirmations: [], prodConfirmations: [] })) as Envelope<{
      jobId: string;
    }>;
    expect(started.ok).toBe(true);
    const { result } = await waitFor<{ result: { dryRun: boolean; deletedVersions: number } }>('artifacts.cleanResult');
    expect(result.dryRun).toBe(true);
    expect(result.deletedVersions).toBe(shown.items[0].expected.versions + shown.items[0].expected.deleteMarkers);
    // A plan or a selection, not both; and a selection must name something the audit has.
    expect(
      errorOf(await call('artifacts.clean', { plan: shown, selection: { rows, retention }, dryRun: true, confirmations: [], prodConfirmations: [] }))?.code,
    ).toBe('INVALID_INPUT');
    expect(
      errorOf(await call('artifacts.clean', { selection: { rows: ['nope|x/'], retention }, dryRun: true, confirmations: [], prodConfirmations: [] }))?.message,
    ).toMatch(/Nothing selected/);
    expect(
      errorOf(
        await call('artifacts.clean', { selection: { rows, retention: { keepLast: 0, keepDays: 5 } }, dryRun: true, confirmations: [], prodConfirmations: [] }),
      )?.code,
    ).toBe('INVALID_INPUT');
  });
});

describe("the page's view of an audit", () => {
  it('carries no per-key detail: previews count the keys and plan files list them, from the full audit kept in the main process', async () => {
    const { planForAudit, selectionKey } = await import('../../src/shared/artifacts/report');
    const { previewOf } = await import('../../src/shared/artifacts/plan');
    expect((await call('artifacts.audit', {})).ok).toBe(true);
    const { report: shown } = await waitFor<{ report: AuditReport }>('artifacts.report');
    const prefixes = shown.buckets.flatMap((b) => b.prefixes);
    expect(prefixes.some((p) => p.class === 'live')).toBe(true);
    expect(prefixes.every((p) => p.keys === undefined && p.successes === undefined)).toBe(true);

    const last = (await call('artifacts.lastReport', {})) as Envelope<{ report: AuditReport }>;
    expect(last.ok && last.result.report).toEqual(shown);
    const fullEnv = (await call('artifacts.lastReport', { full: true })) as Envelope<{ report: AuditReport }>;
    if (!fullEnv.ok) throw new Error(fullEnv.error.message);
    const full = fullEnv.result.report;
    expect(full.buckets.flatMap((b) => b.prefixes).some((p) => (p.keys?.length ?? 0) > 0)).toBe(true);

    const retention = { keepLast: 1, keepDays: 1 };
    const expected = planForAudit(full, retention);
    const preview = (await call('artifacts.preview', { retention })) as Envelope<ReturnType<typeof previewOf>>;
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.result.items).toEqual(previewOf(expected).items);
    const byRetention = expected.items.filter((i) => i.class === 'retention');
    expect(byRetention.length).toBeGreaterThan(0);
    expect(preview.result.items.filter((i) => i.class === 'retention').map((i) => i.keyCount)).toEqual(byRetention.map((i) => i.keys!.length));
    expect(JSON.stringify(preview.result)).not.toContain(byRetention[0].keys![0]);

    const rows = byRetention.map(selectionKey);
    const file = (await call('artifacts.planFile', { rows, retention })) as Envelope<{ plan: typeof expected }>;
    if (!file.ok) throw new Error(file.error.message);
    expect(file.result.plan.items).toEqual(byRetention);
    expect(errorOf(await call('artifacts.preview', { retention: { keepLast: 11, keepDays: 1 } }))?.code).toBe('INVALID_INPUT');

    // Plans are cached per audit and policy: a new audit is never answered with the old one's plan.
    // The next audit must carry a different time: wait until the clock has moved past this one's.
    await vi.waitFor(() => expect(new Date().toISOString()).not.toBe(shown.generatedAt));
    expect((await call('artifacts.audit', {})).ok).toBe(true);
    const { report: again } = await waitFor<{ report: AuditReport }>('artifacts.report');
    expect(again.generatedAt).not.toBe(shown.generatedAt);
    const fresh = (await call('artifacts.preview', { retention })) as Envelope<ReturnType<typeof previewOf>>;
    expect(fresh.ok && fresh.result.auditedAt).toBe(again.generatedAt);
  });
});
