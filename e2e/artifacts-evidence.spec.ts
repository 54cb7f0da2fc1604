// The orphan-evidence rule as a user meets it in the app: a region that cannot be
// listed and a least-privilege profile give `unverified` rows with their reasons,
// never selectable, and no "Delete bucket…" for a live pipeline's bucket; the
// explorer still lists pipelines whose history is denied; protection added after
// the plan is honoured at the moment of deletion.
import { test, expect, type Page } from '@playwright/test';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { startAppServer, type AppServer } from './support/app-server';
import { ShellPage } from './support/shell-page';
import { ExplorerPage } from './support/explorer-page';
import { ArtifactsPage } from './support/artifacts-page';
import { DEFAULT_ACCOUNTS } from '../src/sandbox/config';

const DEV = DEFAULT_ACCOUNTS[0];
const APAC_BUCKET = 'codepipeline-ap-southeast-2-111111111111';
const US_BUCKET = 'codepipeline-us-east-1-111111111111';

let app: AppServer | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function openArtifactsAndAudit(page: Page, url: string): Promise<ArtifactsPage> {
  const artifacts = new ArtifactsPage(page);
  await artifacts.open(url);
  await artifacts.audit();
  return artifacts;
}

test('a region that cannot be listed: its would-be orphans are unverified with the reason, none selectable, no bucket deletion offered', async ({ page }) => {
  test.setTimeout(120_000);
  app = await startAppServer({ settings: { workspace: { profiles: ['sandbox-dev'], regions: ['us-east-1'] } } });
  await app.sandbox('PUT', 'faults', [{ service: 'codepipeline', operation: 'ListPipelines', account: DEV.id, region: 'ap-southeast-2', denyRate: 1 }]);
  const artifacts = await openArtifactsAndAudit(page, app.url);

  const coverage = artifacts.coverage;
  await expect(coverage).toHaveAttribute('data-complete', 'false');
  await expect(coverage).toContainText('ap-southeast-2: not listed (AccessDeniedException');
  // The live pipeline in the region that could not be listed: unverified, never orphan.
  const mobile = artifacts.prefix('mobile-backend', APAC_BUCKET);
  await expect(mobile.root).toHaveAttribute('data-class', 'unverified');
  await expect(mobile.unverifiedReason).toContainText('account 111111111111, ap-southeast-2: AccessDeniedException');
  await expect(artifacts.bucket(APAC_BUCKET).deleteStart).toHaveCount(0);
  await expect(artifacts.bucket(APAC_BUCKET).unverified).toBeVisible();
  // The deleted pipeline's leftovers in the same account cannot be proven orphan either.
  await expect(artifacts.prefix('legacy-monolith-pipe', US_BUCKET).root).toHaveAttribute('data-class', 'unverified');
  await expect(artifacts.orphanCheckboxes).toHaveCount(0);
  await expect(artifacts.plan.dryRunButton).toBeDisabled();

  // Once the region can be listed, the pipeline there claims its prefix and its bucket.
  await app.sandbox('DELETE', 'faults');
  await artifacts.audit();
  await expect(artifacts.coverage).toHaveAttribute('data-complete', 'true', { timeout: 60_000 });
  await expect(artifacts.prefix('mobile-backend', APAC_BUCKET).root).toHaveAttribute('data-class', 'live');
  await expect(artifacts.bucket(APAC_BUCKET).deleteStart).toHaveCount(0);
  await expect(artifacts.prefix('legacy-monolith-pipe', US_BUCKET).select).toBeChecked();
});

test('a least-privilege profile (ListPipelineExecutions denied): pipelines stay live, retention is held back with the reason, the explorer lists every pipeline', async ({
  page,
}) => {
  test.setTimeout(120_000);
  app = await startAppServer({ settings: { workspace: { profiles: ['sandbox-auditor'], regions: [] } } });
  const artifacts = await openArtifactsAndAudit(page, app.url);
  const shell = new ShellPage(page);

  const coverage = artifacts.coverage;
  await expect(coverage).toHaveAttribute('data-complete', 'false');
  await expect(coverage).toContainText('execution history unavailable');
  for (const [bucket, prefix] of [
    [APAC_BUCKET, 'mobile-backend'],
    ['codepipeline-eu-west-1-111111111111', 'data-ingest'],
    [US_BUCKET, 'web-frontend'],
  ]) {
    const live = artifacts.prefix(prefix, bucket);
    await expect(live.root).toHaveAttribute('data-class', 'live');
    await expect(live.heldReason).toContainText('execution history unavailable');
    await expect(live.heldReason).toHaveAttribute('title', /ListPipelineExecutions/);
  }
  await expect(artifacts.retentionCheckboxes).toHaveCount(0);
  await expect(artifacts.unverifiedReasons).toHaveCount(0);
  // The true orphan is still an orphan: listing and reading pipelines was complete.
  await expect(artifacts.prefix('legacy-monolith-pipe', US_BUCKET).root).toHaveAttribute('data-class', 'orphan');

  await shell.clickSection('explorer');
  const explorer = new ExplorerPage(page);
  await explorer.waitLoaded();
  // The dev account's six live pipelines, none lost to the denied history.
  await expect(explorer.rows).toHaveCount(6);
  await expect(explorer.errorChips).toHaveCount(0);
  await expect(explorer.statusUnavailable(explorer.row('mobile-backend'))).toHaveAttribute('title', /ListPipelineExecutions/);
});

test('protection added after the plan: the cleanup skips the prefix at the moment of deletion, and says why', async ({ page }) => {
  test.setTimeout(120_000);
  app = await startAppServer();
  const artifacts = await openArtifactsAndAudit(page, app.url);
  await expect(artifacts.prefix('legacy-monolith-pipe', US_BUCKET).select).toBeChecked();
  // Only the dev orphan stays selected.
  await artifacts.selectOnly(/^Select legacy-monolith-pipe$/);

  // The bucket goes on the blocklist after the audit and the plan.
  await artifacts.blockBuckets(US_BUCKET);

  await artifacts.deleteConfirming({ '111111111111': '111111111111' });
  await expect(artifacts.result).toContainText(`Skipped legacy-monolith-pipe/: s3://${US_BUCKET} is on the blocklist.`, { timeout: 60_000 });
  const s3 = new S3Client({
    endpoint: app.sandboxEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: DEV.accessKeyId, secretAccessKey: DEV.secretAccessKey },
  });
  const left = await s3.send(new ListObjectVersionsCommand({ Bucket: US_BUCKET, Prefix: 'legacy-monolith-pipe/' }));
  expect(left.Versions?.length ?? 0).toBeGreaterThan(0);
});
