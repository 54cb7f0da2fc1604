// Releases as a user drives them, in Chromium against the sandbox's three
// accounts: define the web-frontend release, promote dev -> staging -> prod
// with one revision pinned, approve across accounts (production typed), see
// the matrix fill, and check through the CodePipeline API that each execution
// ran the pinned revision.
import { test, expect } from '@playwright/test';
import { CodePipelineClient, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { DEFAULT_ACCOUNTS } from '../src/sandbox/config';
import { startAppServer, type AppServer } from './support/app-server';
import { ShellPage } from './support/shell-page';
import { ReleasesPage } from './support/releases-page';
import { EXAMPLE } from '../test/helpers/releases';

let app: AppServer | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** The revision of the newest execution a release started (StartPipelineExecution), read with that account's own credentials. */
async function startedRevision(a: AppServer, accountName: string): Promise<string | undefined> {
  const account = DEFAULT_ACCOUNTS.find((x) => x.name === accountName)!;
  const cp = new CodePipelineClient({
    endpoint: a.sandboxEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
  });
  const r = await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'web-frontend', maxResults: 20 }));
  const started = r.pipelineExecutionSummaries?.find((e) => e.trigger?.triggerType === 'StartPipelineExecution' && e.status === 'Succeeded');
  return started?.sourceRevisions?.[0]?.revisionId;
}

test('define a release, promote dev -> staging -> prod with one revision pinned, approving across accounts', async ({ page }) => {
  test.setTimeout(300_000);
  app = await startAppServer();
  await new ShellPage(page).open(app.url);
  const rel = new ReleasesPage(page);
  await rel.open(app.url);
  await expect(rel.empty).toBeVisible();
  await rel.define(EXAMPLE.replace('soakMinutes: 30, ', ''));

  // The matrix: each environment in its own account; staging's seeded run waits for approval.
  await expect(rel.cell('dev', 'sandbox-dev')).toContainText('111111111111');
  await expect(rel.cell('staging', 'sandbox-staging')).toContainText('approval waiting');
  await expect(rel.gate('prod')).toContainText('staging has not succeeded');
  await expect(rel.drift('staging')).toContainText('difference(s) from dev');

  await rel.promote('dev');
  await rel.approveUntilDone('dev');
  await expect(rel.finished('dev')).toHaveAttribute('data-status', 'succeeded');
  const revision = (await rel.cell('dev', 'sandbox-dev').getAttribute('data-revision'))!;
  expect(revision).toMatch(/^[0-9a-f]{40}$/);

  // staging: pinned to dev's revision; the older seeded run holding Deploy is rejected, then ours approved.
  await rel.promote('staging', { expectRevision: revision });
  await rel.approveUntilDone('staging');
  await expect(rel.finished('staging')).toHaveAttribute('data-status', 'succeeded');

  // prod: its gate asks a person, and its approval the environment's name.
  await expect(rel.gate('prod')).toContainText('needs a person to confirm', { timeout: 30_000 });
  await rel.promote('prod', { confirmGate: true, expectRevision: revision });
  await rel.approveUntilDone('prod', 'prod');
  await expect(rel.finished('prod')).toHaveAttribute('data-status', 'succeeded');

  // The matrix filled: one revision everywhere, nothing behind.
  for (const [env, profile] of [
    ['dev', 'sandbox-dev'],
    ['staging', 'sandbox-staging'],
    ['prod', 'sandbox-prod'],
  ])
    await expect(rel.cell(env, profile)).toHaveAttribute('data-revision', revision, { timeout: 30_000 });
  await expect(rel.drift('prod')).toContainText('same revision as staging');

  // Through the API: staging and prod ran exactly the pinned revision.
  expect(await startedRevision(app, 'sandbox-staging')).toBe(revision);
  expect(await startedRevision(app, 'sandbox-prod')).toBe(revision);

  // The history is the release log: the seeded older runs waiting in staging and prod were rejected, one each.
  await rel.openHistory();
  await expect(rel.historyRows('rejected')).toHaveCount(2);
  await expect(rel.historyRows('promotion-finished')).toHaveCount(3);
});

test('the release file editor names bad lines; a failure in staging stops the release and says where', async ({ page }) => {
  test.setTimeout(180_000);
  app = await startAppServer();
  await new ShellPage(page).open(app.url);
  const rel = new ReleasesPage(page);
  await rel.open(app.url);
  await rel.newRelease();
  await rel.editorText.fill(EXAMPLE.replace('[prod]]', '[qa]]'));
  await expect(rel.editorErrors).toContainText('line 14: waves.2.0: unknown environment "qa" in wave 3');
  await expect(rel.save).toBeDisabled();
  await rel.editorText.fill(EXAMPLE.replace('soakMinutes: 30, ', ''));
  await rel.save.click();
  await expect(rel.board).toBeVisible({ timeout: 30_000 });

  await rel.promote('dev');
  await rel.approveUntilDone('dev');
  await app.sandbox('POST', 'failures', { pipeline: 'web-frontend', stage: 'Build', action: 'Build', mode: 'once', account: '222222222222' });
  await rel.promote('staging');
  await rel.approveUntilDone('staging');
  await expect(rel.finished('staging')).toHaveAttribute('data-status', 'failed');
  await expect(rel.finished('staging')).toContainText('Failed at Build / Build');
  await expect(rel.gate('prod')).toContainText('staging has not succeeded', { timeout: 30_000 });
});
