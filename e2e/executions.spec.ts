// Executions as a user drives them, in Chromium against the sandbox: a run
// followed live on the graph and approved from the inbox; a failure seen on its
// action, notified, retried; a stop with abandon, and one in production behind its
// word; a disabled transition holding
// the next run; and the timeline of a finished execution.
import { test, expect } from '@playwright/test';
import { startAppServer, type AppServer } from './support/app-server';
import { ShellPage } from './support/shell-page';
import { ExecutionsPage } from './support/executions-page';

const staging = { profile: 'sandbox-staging', region: 'us-east-1', name: 'web-frontend' };
const dev = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
const prod = { profile: 'sandbox-prod', region: 'us-east-1', name: 'web-frontend' };

let app: AppServer | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

test('start a run and watch it on the graph; approve it in the inbox; see it succeed', async ({ page }) => {
  test.setTimeout(150_000);
  app = await startAppServer({ timeScale: 0.12 }); // a 5 s build: visible while it runs
  await new ShellPage(page).open(app.url);
  const ex = new ExecutionsPage(page);
  const approveInInbox = async (summary: string) => {
    await ex.openInbox(app!.url);
    const row = ex.inboxRow('sandbox-staging', 'web-frontend');
    await expect(row).toContainText('Check the staging dashboard first.');
    await ex.answerFromInbox(row, 'approve');
    await ex.answer('approve', summary);
    await expect(row).toHaveCount(0);
  };
  // The seeded run waits for approval: the graph says so; it is let through first.
  await ex.openLive(app.url, staging);
  await expect(ex.action('Deploy', 'ReleaseApproval')).toHaveAttribute('data-status', 'Waiting');
  await approveInInbox('The seeded release');
  await ex.openLive(app.url, staging);
  await expect(ex.latestStatus).toHaveText('Succeeded', { timeout: 30_000 });

  // A new run moves through the graph, live.
  await ex.releaseChange();
  await expect(ex.action('Build', 'Build')).toHaveAttribute('data-status', 'InProgress', { timeout: 30_000 });
  await expect(ex.stage('Build')).toHaveAttribute('data-status', 'InProgress');
  await expect(ex.action('Deploy', 'ReleaseApproval')).toHaveAttribute('data-status', 'Waiting', { timeout: 30_000 });
  await approveInInbox('Staging dashboard is green');
  await ex.openLive(app.url, staging);
  await expect(ex.latestStatus).toHaveText('Succeeded', { timeout: 30_000 });
  await expect(ex.action('Deploy', 'ReleaseApproval')).toHaveAttribute('data-status', 'Succeeded');
});

test('an approval in production needs the alias typed in the inbox', async ({ page }) => {
  test.setTimeout(90_000);
  app = await startAppServer();
  await new ShellPage(page).open(app.url);
  const ex = new ExecutionsPage(page);
  await ex.openInbox(app.url);
  const row = ex.inboxRow('sandbox-prod', 'web-frontend');
  await expect(row).toContainText('production');
  await ex.answerFromInbox(row, 'reject');
  await ex.approvalSummary.fill('Not during the sale');
  const confirm = ex.approvalConfirm;
  await expect(confirm).toBeDisabled();
  const word = (await ex.approvalProdConfirm.getAttribute('placeholder')) ?? '';
  await ex.approvalProdConfirm.fill('prod?');
  await expect(confirm).toBeDisabled();
  await ex.answer('reject', 'Not during the sale', word);
  await expect(row).toHaveCount(0);
});

test('an injected failure shows on its action with the error and a toast; retry the stage; see success', async ({ page }) => {
  test.setTimeout(120_000);
  app = await startAppServer({ timeScale: 0.05 });
  await app.sandbox('POST', 'failures', { pipeline: 'web-frontend', stage: 'Build', action: 'Build', mode: 'once', account: '111111111111' });
  const shell = new ShellPage(page);
  await shell.open(app.url);
  const ex = new ExecutionsPage(page);
  await ex.openLive(app.url, dev);
  await ex.releaseChange();
  await expect(ex.action('Build', 'Build')).toHaveAttribute('data-status', 'Failed', { timeout: 30_000 });
  await expect(ex.actionError('Build', 'Build')).toContainText('Injected failure of Build');
  await expect(shell.toasts('error', 'web-frontend: execution failed')).toBeVisible({ timeout: 20_000 });
  const dialog = await ex.stageControls('Build');
  await dialog.retryFailed();
  await expect(ex.latestStatus).toHaveText('Succeeded', { timeout: 30_000 });
  await expect(ex.action('Build', 'Build')).toHaveAttribute('data-status', 'Succeeded');
});

test('stop with abandon', async ({ page }) => {
  test.setTimeout(90_000);
  app = await startAppServer({ timeScale: 0.5 });
  await new ShellPage(page).open(app.url);
  const ex = new ExecutionsPage(page);
  await ex.openLive(app.url, dev);
  await ex.releaseChange();
  await expect(ex.latestStatus).toHaveText('InProgress', { timeout: 20_000 });
  await ex.stop('Wrong branch', true);
  await expect(ex.latestStatus).toHaveText(/Stopped|Stopping/, { timeout: 20_000 });
  await expect(ex.latestStatus).toHaveText('Stopped', { timeout: 20_000 });
  await expect(ex.liveActions('Abandoned').first()).toBeVisible();
});

test("stopping in production asks for the account's word first", async ({ page }) => {
  test.setTimeout(90_000);
  app = await startAppServer({ timeScale: 0.5 });
  await new ShellPage(page).open(app.url);
  const ex = new ExecutionsPage(page);
  // The seeded prod run waits at its approval: it is running, so it can be stopped.
  await ex.openLive(app.url, prod);
  await expect(ex.latestStatus).toHaveText('InProgress', { timeout: 20_000 });
  await ex.openStop('Bad release', false);
  await expect(ex.stopProdConfirm).toHaveAttribute('placeholder', 'sandbox-prod');
  await expect(ex.stopConfirm).toBeDisabled();
  await ex.stopProdConfirm.fill('sandbox-pro');
  await expect(ex.stopConfirm).toBeDisabled();
  await ex.stopProdConfirm.fill('sandbox-prod');
  await ex.stopConfirm.click();
  await expect(ex.latestStatus).toHaveText(/Stopped|Stopping/, { timeout: 20_000 });
});

test('a disabled transition holds the next run before that stage, with its reason', async ({ page }) => {
  test.setTimeout(90_000);
  app = await startAppServer({ timeScale: 0.05 });
  await new ShellPage(page).open(app.url);
  const ex = new ExecutionsPage(page);
  await ex.openLive(app.url, dev);
  const dialog = await ex.stageControls('Deploy');
  await expect(dialog.transitionDisable).toBeDisabled(); // a reason first
  await dialog.transitionReason.fill('Change freeze');
  await dialog.transitionDisable.click();
  await expect(ex.transitionDisabled('Deploy')).toContainText('Change freeze');
  await ex.releaseChange();
  await expect(ex.transitionDisabled('Deploy')).toContainText('1 waiting', { timeout: 30_000 });
  await expect(ex.stage('Build')).toHaveAttribute('data-status', 'Succeeded');
  await expect(ex.latestStatus).toHaveText('InProgress');
});

test('the timeline shows every action of a finished execution, with artifacts and details', async ({ page }) => {
  test.setTimeout(90_000);
  app = await startAppServer();
  await new ShellPage(page).open(app.url);
  const ex = new ExecutionsPage(page);
  await ex.openLive(app.url, dev);
  const actions = await ex.liveActions().count();
  await ex.historyRow('Succeeded').first().click();
  const rows = ex.timelineRows;
  await expect(rows).toHaveCount(actions);
  await rows.filter({ hasText: 'Build / Build' }).click();
  const details = ex.actionDetails;
  await expect(details).toContainText('Output artifacts');
  await expect(details).toContainText('s3://codepipeline-us-east-1-111111111111/web-frontend/');
});
