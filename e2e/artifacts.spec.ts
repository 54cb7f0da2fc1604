// Artifact cleanup as a user meets it: audit the demo, see the charts, the
// orphans pre-selected, a dry run, typed confirmations, the progress bar,
// cancel and resume, the audit log, and the bucket listing that confirms it.
import { test as base, expect, type Page } from '@playwright/test';
import { GetBucketLifecycleConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CodePipelineClient, ListActionExecutionsCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { startAppServer, type AppServer } from './support/app-server';
import { ArtifactsPage } from './support/artifacts-page';
import { allVersions, plantArtifacts, sandboxS3 } from './support/sandbox-s3';
import { ShellPage } from './support/shell-page';
import { DEFAULT_ACCOUNTS } from '../src/sandbox/config';

const test = base.extend<{ app: AppServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their dependencies
  app: async ({}, use) => {
    const app = await startAppServer();
    await use(app);
    await app.stop();
  },
});

const BUCKET = 'codepipeline-us-east-1-111111111111';

/** The Artifacts section open (a page object: support/artifacts-page.ts). */
async function openArtifacts(app: AppServer, page: Page): Promise<ArtifactsPage> {
  const artifacts = new ArtifactsPage(page);
  await artifacts.open(app.url);
  return artifacts;
}

test('audit, select orphans, dry run, confirm, watch, cancel and resume, then check the log and the bucket', async ({ app, page }) => {
  test.setTimeout(120_000);
  const s3 = sandboxS3(app);
  // A big orphan prefix, so the cleanup takes several batches.
  await plantArtifacts(s3, BUCKET, 'many-old-pipeline', 2200);
  const versions = async (prefix: string) => (await allVersions(s3, BUCKET, prefix)).versions.length;

  const artifacts = await openArtifacts(app, page);
  const plan = artifacts.plan;
  await artifacts.audit();

  // Charts.
  for (const chart of ['classes', 'ages', 'top'] as const) await expect(artifacts.chart(chart)).toBeVisible();
  // Costs read as money: cents, or "< $0.01", never $0.0000; the lifecycle threshold with its separators.
  await expect(artifacts.wholePage).not.toContainText('0.0000');
  await expect(artifacts.wholePage).toContainText('< $0.01');
  await expect(artifacts.hugePrefixVersions).toHaveValue('1,000,000');
  await expect(artifacts.chart('classes')).toContainText('orphan');

  // Orphans are pre-selected; live and shared prefixes cannot be selected.
  const row = (prefix: string) => artifacts.prefix(prefix);
  await expect(row('legacy-monolith-pipe').select).toBeChecked();
  // The demo's orphan holds a year of build outputs: tens of GB, a real monthly cost, and an S3 lifecycle rule offered.
  await expect(row('legacy-monolith-pipe').root).toContainText(/\$\d+\.\d\d/);
  await expect(row('legacy-monolith-pipe').lifecycleStart).toBeVisible();
  await expect(row('many-old-pipeline').select).toBeChecked();
  await expect(row('payments-service-api').root).toHaveAttribute('data-class', 'shared');
  await expect(row('payments-service-api').select).toHaveCount(0);
  await expect(row('web-frontend').select).toHaveCount(0);

  // Dry run: counts per prefix, deletes nothing, and is logged as a dry run.
  const beforeDryRun = await allVersions(s3, BUCKET, '');
  expect(beforeDryRun.versions.filter((v) => v.startsWith('many-old-pipeline/'))).toHaveLength(2200);
  await plan.dryRun();
  await expect(plan.result).toContainText(/Dry run: would delete \d+ versions and delete markers \(.+\) in \d+ prefixes\. Nothing was deleted\./);
  await expect(plan.item('many-old-pipeline')).toContainText('2200 versions and delete markers');
  await expect(plan.item('legacy-monolith-pipe')).toHaveCount(1);
  await expect(artifacts.logEvents('dry-run-finished')).toContainText(/dry run: finished.*would delete \d+ versions/);
  await expect(artifacts.logEvents('finished')).toHaveCount(0);
  // Every page of the listing, not only the first 1,000: every version and delete marker is still there.
  expect(await allVersions(s3, BUCKET, '')).toEqual(beforeDryRun);

  // Slow the deletes down so there is time to watch and cancel.
  await app.sandbox('PUT', 'faults', [{ service: 's3', operation: 'DeleteObjects', latencyMs: 1200 }]);
  await plan.start();
  await expect(plan.execute).toBeDisabled();
  // Each confirmation box is wide enough for what is to be typed in it.
  for (const id of ['111111111111', '222222222222'])
    expect(
      await plan.confirmation(id).evaluate((el) => {
        const input = el as unknown as { placeholder: string; clientWidth: number };
        const ctx = el.ownerDocument.createElement('canvas').getContext('2d')!;
        ctx.font = el.ownerDocument.defaultView!.getComputedStyle(el).font;
        return ctx.measureText(input.placeholder).width <= input.clientWidth;
      }),
    ).toBe(true);
  await plan.confirmation('111111111111').fill('sandbox-dev');
  await plan.confirmation('222222222222').fill('222222222222');
  await plan.execute.click();
  await expect(plan.progress).toBeVisible();
  await expect(plan.progressBar).toBeVisible();
  await plan.cancel();
  await expect(plan.result).toContainText('Cancelled');

  // Resume: confirm again; it finishes what is left.
  await app.sandbox('DELETE', 'faults');
  await plan.resume();
  await plan.confirmation('111111111111').fill('111111111111');
  await plan.confirmation('222222222222').fill('sandbox-staging');
  await plan.execute.click();
  await expect(plan.result).toContainText(/(Resumed; d|D)eleted \d+ versions/, { timeout: 60_000 });
  await expect(plan.result).not.toContainText('Cancelled');
  // Audited again: the deleted orphans are gone from the table and nothing stays selected.
  await expect(row('many-old-pipeline').root).toHaveCount(0, { timeout: 30_000 });
  await expect(row('legacy-monolith-pipe').root).toHaveCount(0);
  await expect(plan.summary).toContainText('0 prefixes selected');

  // The unused staging bucket is empty now: the app offers to delete it, behind its typed name.
  const unused = 'codepipeline-eu-west-1-5f3c9a12b7';
  await artifacts.offerBucketDeletion(unused);
  await expect(artifacts.bucketDelete).toBeDisabled();
  await artifacts.bucketConfirmName.fill(unused);
  await artifacts.bucketDelete.click();
  await expect(artifacts.bucketDeleteDialog).toBeHidden();
  await expect(artifacts.bucket(unused).root).toHaveCount(0);
  await expect(artifacts.logRows('bucket-deleted')).toBeVisible();

  // The audit log shows the batches; the bucket listing confirms the result.
  await expect(artifacts.logRows('batch').first()).toBeVisible();
  expect(await versions('many-old-pipeline/')).toBe(0);
  expect(await versions('legacy-monolith-pipe/')).toBe(0);
  expect(await versions('web-frontend/')).toBeGreaterThan(0);
  expect(await versions('payments-service-api/')).toBeGreaterThan(0);
});

test('a blocklisted bucket is protected: never pre-selected, never selectable; bad ids are refused before saving', async ({ app, page }) => {
  test.setTimeout(90_000);
  const artifacts = await openArtifacts(app, page);
  await artifacts.blockedAccounts.fill('12345');
  await expect(artifacts.protectionError).toContainText('12 digits');
  await expect(artifacts.protectionSave).toBeDisabled();
  await artifacts.blockedAccounts.fill('');
  await artifacts.blockBuckets(BUCKET);

  await artifacts.audit();
  const group = artifacts.bucket(BUCKET);
  await expect(group.root).toContainText('protected');
  await expect(group.rowsOfClass('orphan').first()).toBeVisible();
  await expect(group.selectBoxes).toHaveCount(0);
});

test('a huge orphan prefix is offered S3 lifecycle expiry: rules shown first, applied on the typed bucket name, logged', async ({ app, page }) => {
  test.setTimeout(90_000);
  const artifacts = await openArtifacts(app, page);
  const lifecycle = artifacts.lifecycle;
  // Every demo prefix counts as huge at this threshold.
  await artifacts.hugePrefixVersions.fill('1');
  await artifacts.saveProtection();
  await artifacts.audit();

  const group = artifacts.bucket(BUCKET);
  await expect(group.prefix('web-frontend').lifecycleStart).toHaveCount(0); // live: never
  await group.prefix('legacy-monolith-pipe').lifecycleStart.click();
  await expect(lifecycle.rules).toContainText('"Prefix": "legacy-monolith-pipe/"');
  await expect(lifecycle.rules).toContainText('ExpiredObjectDeleteMarker');
  await expect(lifecycle.apply).toBeDisabled();
  await lifecycle.confirmName.fill(BUCKET);
  await lifecycle.apply.click();
  await expect(lifecycle.root).toBeHidden();
  await expect(artifacts.logRows('lifecycle-applied')).toBeVisible();
  const dev = DEFAULT_ACCOUNTS[0];
  const s3 = new S3Client({
    endpoint: app.sandboxEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: dev.accessKeyId, secretAccessKey: dev.secretAccessKey },
  });
  const stored = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
  expect(stored.Rules?.map((r) => r.ID)).toEqual(['pipewright-expire-legacy-monolith-pipe/', 'pipewright-expire-legacy-monolith-pipe/markers']);
});

test('retention inside a live prefix: a policy, what it lets go, the age-only rule explained, then a one-off clean that keeps the latest success', async ({
  app,
  page,
}) => {
  test.setTimeout(90_000);
  const EU = 'codepipeline-eu-west-1-111111111111';
  const dev = DEFAULT_ACCOUNTS[0];
  const s3 = new S3Client({
    endpoint: app.sandboxEndpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: dev.accessKeyId, secretAccessKey: dev.secretAccessKey },
  });
  const keys = async () => (await allVersions(s3, EU, 'data-ingest/')).versions.map((v) => v.slice(0, v.lastIndexOf('@')));
  const artifacts = await openArtifacts(app, page);
  const { plan, lifecycle } = artifacts;
  await artifacts.audit();

  // The default policy (last 3 successes, 30 days) keeps all of the demo's weeks of history.
  await expect(artifacts.retentionSummary).toContainText('In 0 live prefixes');
  await artifacts.keepLast.fill('1');
  await artifacts.keepDays.fill('5');
  const ingest = artifacts.prefix('data-ingest', EU);
  await expect(ingest.retentionNote).toContainText(/retention lets go of \d+ artifacts/);
  await expect(ingest.selectRetention).not.toBeChecked(); // never pre-selected

  // The age-only lifecycle form says what it cannot do, and needs that acknowledged.
  await ingest.lifecycleRetentionStart.click();
  await expect(lifecycle.ageOnly).toContainText('cannot keep the last successful executions');
  await expect(lifecycle.rules).toContainText('"Days": 5');
  await lifecycle.confirmName.fill(EU);
  await expect(lifecycle.apply).toBeDisabled();
  await lifecycle.ageOnlyAcknowledged.check();
  await lifecycle.apply.click();
  await expect(lifecycle.root).toBeHidden();
  const stored = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: EU }));
  expect(stored.Rules?.map((r) => [r.ID, r.Expiration?.Days ?? null])).toEqual([
    ['pipewright-retain-data-ingest/', 5],
    ['pipewright-retain-data-ingest/markers', null],
  ]);

  // The one-off plan: only this live prefix (the pre-selected orphans are let go of).
  await artifacts.selectNone();
  await ingest.selectRetention.check();
  await expect(plan.summary).toContainText('1 prefix selected (1 by retention)');
  // The page shows counts; "Save plan" and the JSON report carry every key, from the main process.
  const letGo = Number(/lets go of (\d+) artifacts/.exec((await ingest.retentionNote.textContent()) ?? '')![1]);
  const saved = await artifacts.savePlan();
  expect(saved.items.map((i) => [i.class, i.keys.length])).toEqual([['retention', letGo]]);
  const report = await artifacts.exportAuditJson();
  expect(report.buckets.find((b) => b.name === EU)!.prefixes.find((x) => x.prefix === 'data-ingest')!.keys.length).toBeGreaterThan(letGo);
  const beforeDryRun = await allVersions(s3, EU, '');
  await plan.dryRun();
  await expect(plan.result).toContainText(/Dry run: would delete (\d+) versions/);
  const wouldDelete = Number(/would delete (\d+)/.exec((await plan.result.textContent()) ?? '')![1]);
  expect(wouldDelete).toBeGreaterThan(0);
  // The dry run deleted nothing, on any page of the listing.
  expect(await allVersions(s3, EU, '')).toEqual(beforeDryRun);
  const before = await keys();
  await plan.start();
  await plan.confirmation('111111111111').fill('111111111111');
  await plan.execute.click();
  await expect(plan.result).toContainText(new RegExp(`deleted ${wouldDelete} versions`, 'i'));
  const after = await keys();
  expect(after.length).toBe(before.length - wouldDelete);
  // The latest successful execution's artifacts stay.
  const cp = new CodePipelineClient({
    endpoint: app.sandboxEndpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: dev.accessKeyId, secretAccessKey: dev.secretAccessKey },
  });
  const latest = (await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'data-ingest' }))).pipelineExecutionSummaries!.find(
    (e) => e.status === 'Succeeded',
  )!;
  const actions = await cp.send(new ListActionExecutionsCommand({ pipelineName: 'data-ingest', filter: { pipelineExecutionId: latest.pipelineExecutionId } }));
  const latestKeys = actions.actionExecutionDetails!.flatMap((a) => a.output?.outputArtifacts ?? []).map((o) => o.s3location!.key!);
  expect(latestKeys.length).toBeGreaterThan(0);
  for (const k of latestKeys) expect(after).toContain(k);

  // Audited again after the cleanup: the policy has nothing more to let go of there.
  await expect(ingest.retentionNote).toHaveCount(0, { timeout: 30_000 });
  await expect(ingest.root).toBeVisible();

  // A reload keeps the audit (the main process still has it) and the policy (a setting).
  await new ShellPage(page).reload();
  await expect(artifacts.table).toBeVisible();
  await expect(artifacts.keepLast).toHaveValue('1');
  await expect(artifacts.keepDays).toHaveValue('5');
  await expect(ingest.root).toBeVisible();
  await expect(ingest.retentionNote).toHaveCount(0);
});
