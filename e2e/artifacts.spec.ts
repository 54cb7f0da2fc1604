// Artifact cleanup as a user meets it: audit the demo, see the charts, the
// orphans pre-selected, a dry run, typed confirmations, the progress bar,
// cancel and resume, the audit log, and the bucket listing that confirms it.
import { readFileSync } from 'node:fs';
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

/** Clicks a download button and parses the JSON file it saves. */
async function downloaded(page: Page, testId: string) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return JSON.parse(readFileSync(await file.path(), 'utf8'));
}

const audit = (page: Page) => new ArtifactsPage(page).audit();

test('audit, select orphans, dry run, confirm, watch, cancel and resume, then check the log and the bucket', async ({ app, page }) => {
  test.setTimeout(120_000);
  const s3 = sandboxS3(app);
  // A big orphan prefix, so the cleanup takes several batches.
  await plantArtifacts(s3, BUCKET, 'many-old-pipeline', 2200);
  const versions = async (prefix: string) => (await allVersions(s3, BUCKET, prefix)).versions.length;

  await openArtifacts(app, page);
  await audit(page);

  // Charts.
  for (const id of ['chart-classes', 'chart-ages', 'chart-top']) await expect(page.getByTestId(id)).toBeVisible();
  // Costs read as money: cents, or "< $0.01", never $0.0000; the lifecycle threshold with its separators.
  await expect(page.locator('body')).not.toContainText('0.0000');
  await expect(page.locator('body')).toContainText('< $0.01');
  await expect(page.getByTestId('huge-prefix-versions')).toHaveValue('1,000,000');
  await expect(page.getByTestId('chart-classes')).toContainText('orphan');

  // Orphans are pre-selected; live and shared prefixes cannot be selected.
  const row = (prefix: string) => page.locator(`[data-testid=prefix-row][data-prefix="${prefix}"]`).first();
  await expect(row('legacy-monolith-pipe').getByTestId('select-prefix')).toBeChecked();
  // The demo's orphan holds a year of build outputs: tens of GB, a real monthly cost, and an S3 lifecycle rule offered.
  await expect(row('legacy-monolith-pipe')).toContainText(/\$\d+\.\d\d/);
  await expect(row('legacy-monolith-pipe').getByTestId('lifecycle-start')).toBeVisible();
  await expect(row('many-old-pipeline').getByTestId('select-prefix')).toBeChecked();
  await expect(row('payments-service-api')).toHaveAttribute('data-class', 'shared');
  await expect(row('payments-service-api').getByTestId('select-prefix')).toHaveCount(0);
  await expect(row('web-frontend').getByTestId('select-prefix')).toHaveCount(0);

  // Dry run: counts per prefix, deletes nothing, and is logged as a dry run.
  const beforeDryRun = await allVersions(s3, BUCKET, '');
  expect(beforeDryRun.versions.filter((v) => v.startsWith('many-old-pipeline/'))).toHaveLength(2200);
  await page.getByTestId('dry-run').click();
  await expect(page.getByTestId('clean-result')).toContainText(
    /Dry run: would delete \d+ versions and delete markers \(.+\) in \d+ prefixes\. Nothing was deleted\./,
  );
  await expect(page.getByTestId('clean-item').filter({ hasText: 'many-old-pipeline' })).toContainText('2200 versions and delete markers');
  await expect(page.getByTestId('clean-item').filter({ hasText: 'legacy-monolith-pipe' })).toHaveCount(1);
  await expect(page.locator('[data-testid=log-row][data-event=dry-run-finished]')).toContainText(/dry run: finished.*would delete \d+ versions/);
  await expect(page.locator('[data-testid=log-row][data-event=finished]')).toHaveCount(0);
  // Every page of the listing, not only the first 1,000: every version and delete marker is still there.
  expect(await allVersions(s3, BUCKET, '')).toEqual(beforeDryRun);

  // Slow the deletes down so there is time to watch and cancel.
  await app.sandbox('PUT', 'faults', [{ service: 's3', operation: 'DeleteObjects', latencyMs: 1200 }]);
  await page.getByTestId('clean-start').click();
  await expect(page.getByTestId('clean-execute')).toBeDisabled();
  // Each confirmation box is wide enough for what is to be typed in it.
  for (const id of ['111111111111', '222222222222'])
    expect(
      await page.getByTestId(`confirm-${id}`).evaluate((el) => {
        const input = el as unknown as { placeholder: string; clientWidth: number };
        const ctx = el.ownerDocument.createElement('canvas').getContext('2d')!;
        ctx.font = el.ownerDocument.defaultView!.getComputedStyle(el).font;
        return ctx.measureText(input.placeholder).width <= input.clientWidth;
      }),
    ).toBe(true);
  await page.getByTestId('confirm-111111111111').fill('sandbox-dev');
  await page.getByTestId('confirm-222222222222').fill('222222222222');
  await page.getByTestId('clean-execute').click();
  await expect(page.getByTestId('clean-progress')).toBeVisible();
  await expect(page.getByTestId('clean-progress').locator('progress')).toBeVisible();
  await page.getByTestId('clean-cancel').click();
  await expect(page.getByTestId('clean-result')).toContainText('Cancelled');

  // Resume: confirm again; it finishes what is left.
  await app.sandbox('DELETE', 'faults');
  await page.getByTestId('clean-resume').click();
  await page.getByTestId('confirm-111111111111').fill('111111111111');
  await page.getByTestId('confirm-222222222222').fill('sandbox-staging');
  await page.getByTestId('clean-execute').click();
  await expect(page.getByTestId('clean-result')).toContainText(/(Resumed; d|D)eleted \d+ versions/, { timeout: 60_000 });
  await expect(page.getByTestId('clean-result')).not.toContainText('Cancelled');
  // Audited again: the deleted orphans are gone from the table and nothing stays selected.
  await expect(row('many-old-pipeline')).toHaveCount(0, { timeout: 30_000 });
  await expect(row('legacy-monolith-pipe')).toHaveCount(0);
  await expect(page.getByTestId('plan-summary')).toContainText('0 prefixes selected');

  // The unused staging bucket is empty now: the app offers to delete it, behind its typed name.
  const unused = 'codepipeline-eu-west-1-5f3c9a12b7';
  await page.getByTestId('bucket-offer').filter({ hasText: unused }).getByRole('button').click();
  await expect(page.getByTestId('bucket-delete')).toBeDisabled();
  await page.getByTestId('bucket-confirm-name').fill(unused);
  await page.getByTestId('bucket-delete').click();
  await expect(page.getByTestId('bucket-confirm')).toBeHidden();
  await expect(page.locator(`[data-testid="bucket-group"][data-bucket="${unused}"]`)).toHaveCount(0);
  await expect(page.getByTestId('log-row').filter({ hasText: 'bucket-deleted' })).toBeVisible();

  // The audit log shows the batches; the bucket listing confirms the result.
  await expect(page.getByTestId('log-row').filter({ hasText: 'batch' }).first()).toBeVisible();
  expect(await versions('many-old-pipeline/')).toBe(0);
  expect(await versions('legacy-monolith-pipe/')).toBe(0);
  expect(await versions('web-frontend/')).toBeGreaterThan(0);
  expect(await versions('payments-service-api/')).toBeGreaterThan(0);
});

test('a blocklisted bucket is protected: never pre-selected, never selectable; bad ids are refused before saving', async ({ app, page }) => {
  test.setTimeout(90_000);
  await openArtifacts(app, page);
  await page.getByTestId('blocked-accounts').fill('12345');
  await expect(page.getByTestId('protection-error')).toContainText('12 digits');
  await expect(page.getByTestId('protection-save')).toBeDisabled();
  await page.getByTestId('blocked-accounts').fill('');
  await page.getByTestId('blocked-buckets').fill(BUCKET);
  await page.getByTestId('protection-save').click();
  await expect(page.getByText('Settings saved.')).toBeVisible();

  await audit(page);
  const group = page.locator(`[data-testid=bucket-group][data-bucket="${BUCKET}"]`);
  await expect(group).toContainText('protected');
  await expect(group.locator('[data-class=orphan]').first()).toBeVisible();
  await expect(group.getByTestId('select-prefix')).toHaveCount(0);
});

test('a huge orphan prefix is offered S3 lifecycle expiry: rules shown first, applied on the typed bucket name, logged', async ({ app, page }) => {
  test.setTimeout(90_000);
  await openArtifacts(app, page);
  // Every demo prefix counts as huge at this threshold.
  await page.getByTestId('huge-prefix-versions').fill('1');
  await page.getByTestId('protection-save').click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await audit(page);

  const group = page.locator(`[data-testid=bucket-group][data-bucket="${BUCKET}"]`);
  await expect(group.locator('[data-testid=prefix-row][data-prefix="web-frontend"]').getByTestId('lifecycle-start')).toHaveCount(0); // live: never
  await group.locator('[data-testid=prefix-row][data-prefix="legacy-monolith-pipe"]').getByTestId('lifecycle-start').click();
  await expect(page.getByTestId('lifecycle-rules')).toContainText('"Prefix": "legacy-monolith-pipe/"');
  await expect(page.getByTestId('lifecycle-rules')).toContainText('ExpiredObjectDeleteMarker');
  await expect(page.getByTestId('lifecycle-apply')).toBeDisabled();
  await page.getByTestId('lifecycle-confirm-name').fill(BUCKET);
  await page.getByTestId('lifecycle-apply').click();
  await expect(page.getByTestId('lifecycle-dialog')).toBeHidden();
  await expect(page.getByTestId('log-row').filter({ hasText: 'lifecycle-applied' })).toBeVisible();
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
  await openArtifacts(app, page);
  await audit(page);

  // The default policy (last 3 successes, 30 days) keeps all of the demo's weeks of history.
  await expect(page.getByTestId('retention-summary')).toContainText('In 0 live prefixes');
  await page.getByTestId('retention-keep-last').fill('1');
  await page.getByTestId('retention-keep-days').fill('5');
  const ingest = page.locator(`[data-testid=bucket-group][data-bucket="${EU}"] [data-testid=prefix-row][data-prefix="data-ingest"]`);
  await expect(ingest.getByTestId('retention-note')).toContainText(/retention lets go of \d+ artifacts/);
  await expect(ingest.getByTestId('select-retention')).not.toBeChecked(); // never pre-selected

  // The age-only lifecycle form says what it cannot do, and needs that acknowledged.
  await ingest.getByTestId('lifecycle-retention-start').click();
  await expect(page.getByTestId('lifecycle-age-only')).toContainText('cannot keep the last successful executions');
  await expect(page.getByTestId('lifecycle-rules')).toContainText('"Days": 5');
  await page.getByTestId('lifecycle-confirm-name').fill(EU);
  await expect(page.getByTestId('lifecycle-apply')).toBeDisabled();
  await page.getByTestId('lifecycle-age-only-ok').check();
  await page.getByTestId('lifecycle-apply').click();
  await expect(page.getByTestId('lifecycle-dialog')).toBeHidden();
  const stored = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: EU }));
  expect(stored.Rules?.map((r) => [r.ID, r.Expiration?.Days ?? null])).toEqual([
    ['pipewright-retain-data-ingest/', 5],
    ['pipewright-retain-data-ingest/markers', null],
  ]);

  // The one-off plan: only this live prefix (the pre-selected orphans are let go of).
  for (const box of await page.getByTestId('select-prefix').all()) if (await box.isChecked()) await box.uncheck();
  await ingest.getByTestId('select-retention').check();
  await expect(page.getByTestId('plan-summary')).toContainText('1 prefix selected (1 by retention)');
  // The page shows counts; "Save plan" and the JSON report carry every key, from the main process.
  const letGo = Number(/lets go of (\d+) artifacts/.exec((await ingest.getByTestId('retention-note').textContent()) ?? '')![1]);
  const saved = await downloaded(page, 'save-plan');
  expect(saved.items.map((i: { class: string; keys: string[] }) => [i.class, i.keys.length])).toEqual([['retention', letGo]]);
  const report = await downloaded(page, 'audit-json');
  expect(
    report.buckets.find((b: { name: string }) => b.name === EU).prefixes.find((x: { prefix: string }) => x.prefix === 'data-ingest').keys.length,
  ).toBeGreaterThan(letGo);
  const beforeDryRun = await allVersions(s3, EU, '');
  await page.getByTestId('dry-run').click();
  await expect(page.getByTestId('clean-result')).toContainText(/Dry run: would delete (\d+) versions/);
  const wouldDelete = Number(/would delete (\d+)/.exec((await page.getByTestId('clean-result').textContent()) ?? '')![1]);
  expect(wouldDelete).toBeGreaterThan(0);
  // The dry run deleted nothing, on any page of the listing.
  expect(await allVersions(s3, EU, '')).toEqual(beforeDryRun);
  const before = await keys();
  await page.getByTestId('clean-start').click();
  await page.getByTestId('confirm-111111111111').fill('111111111111');
  await page.getByTestId('clean-execute').click();
  await expect(page.getByTestId('clean-result')).toContainText(new RegExp(`deleted ${wouldDelete} versions`, 'i'));
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
  await expect(ingest.getByTestId('retention-note')).toHaveCount(0, { timeout: 30_000 });
  await expect(ingest).toBeVisible();

  // A reload keeps the audit (the main process still has it) and the policy (a setting).
  await new ShellPage(page).reload();
  await expect(page.getByTestId('artifacts-table')).toBeVisible();
  await expect(page.getByTestId('retention-keep-last')).toHaveValue('1');
  await expect(page.getByTestId('retention-keep-days')).toHaveValue('5');
  await expect(ingest).toBeVisible();
  await expect(ingest.getByTestId('retention-note')).toHaveCount(0);
});
