// Live updates as a user sets them up (issue 24): in Accounts & Settings a sandbox
// target is polled; the setup shows its plan, creates it, the row turns event-driven
// and its test event comes back; then a run started from the live view is followed
// from CodePipeline's events.
import { test, expect } from '@playwright/test';
import { startAppServer, type AppServer } from './support/app-server';
import { ShellPage } from './support/shell-page';
import { LiveUpdatesCard } from './support/accounts-page';
import { ExecutionsPage } from './support/executions-page';

const dev = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };

let app: AppServer | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

test('set up live updates for sandbox-dev us-east-1, test them, and see a run followed from events', async ({ page }) => {
  test.setTimeout(150_000);
  app = await startAppServer({ timeScale: 0.12 });
  const shell = new ShellPage(page);
  await shell.open(app.url);
  await shell.clickSection('accounts');

  const card = new LiveUpdatesCard(page);
  const row = card.row(dev.profile, dev.region);
  await expect(row.mode).toHaveAttribute('data-mode', 'polled', { timeout: 30_000 });

  // The plan first: what would be created, in which account and region; nothing yet.
  await row.setUp();
  await expect(card.setup.planRows.first()).toBeVisible({ timeout: 30_000 });
  await expect(card.setup.planRowsIn(dev.region).first()).toBeVisible();
  await expect(row.mode).toHaveAttribute('data-mode', 'polled');

  await card.setup.create();
  await expect(card.setup.result).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  await expect(card.setup.outcomes.first()).toBeVisible();
  await card.setup.close();
  await expect(row.mode).toHaveAttribute('data-mode', 'event-driven', { timeout: 30_000 });

  await row.test();
  await expect(row.testResult).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });

  // The live view follows the run from events.
  const ex = new ExecutionsPage(page);
  await ex.openLive(app.url, dev);
  await expect(ex.watchMode).toHaveAttribute('data-mode', 'event-driven', { timeout: 30_000 });
  await ex.releaseChange();
  await expect(ex.action('Build', 'Build')).toHaveAttribute('data-status', 'InProgress', { timeout: 30_000 });
  await expect(ex.watchMode).toHaveAttribute('data-mode', 'event-driven');
});
