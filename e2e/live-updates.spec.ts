// Live updates as a user sets them up (issue 24): in Accounts & Settings a sandbox
// target is polled; the setup lets the user pick the hub, shows its plan (and the same
// as CloudFormation), creates it, the row turns event-driven and its test event comes
// back; then a run started from the live view is followed from CodePipeline's events,
// and the explorer shows a run started meanwhile change status from events. A second
// flow sets up every polled target at once, by keyboard, focus kept in the dialog.
import { test, expect, type Download, type Page } from '@playwright/test';
import { startAppServer, type AppServer } from './support/app-server';
import { ShellPage } from './support/shell-page';
import { LiveUpdatesCard } from './support/accounts-page';
import { ExecutionsPage } from './support/executions-page';
import { ExplorerPage } from './support/explorer-page';
import { startOutsideThePage } from './support/sandbox-codepipeline';

const dev = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
/** An idle pipeline of the same target, started outside the page while the explorer shows it. */
const idle = 'payments-service-api-blue';
/**
 * The explorer's background watch polls every 45-50 s: a change shown well within that came
 * from an event (the reconciling read it triggers), not from a poll.
 */
const WELL_WITHIN_A_BACKGROUND_POLL = 20_000;

let app: AppServer | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

test('set up live updates for sandbox-dev us-east-1 with a hub in another account, test them, and see runs followed from events in the live view and the explorer', async ({
  page,
}) => {
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
  // By default the hub is the target's own account.
  await expect(card.setup.hub).toHaveAttribute('data-account', '111111111111');
  await expect(row.mode).toHaveAttribute('data-mode', 'polled', { timeout: 60_000 });

  // Another workspace profile as the hub: the plan is read again and names that account.
  await card.setup.hubProfile.selectOption('sandbox-staging');
  await expect(card.setup.hub).toHaveAttribute('data-account', '222222222222', { timeout: 30_000 });
  await expect(card.setup.hub).toHaveAttribute('data-profile', 'sandbox-staging');
  await expect(card.setup.hub).toContainText('222222222222');
  await expect(card.setup.planRowsOfKind('queue', '222222222222')).toHaveCount(1);

  // The same as CloudFormation, for the hub chosen: both templates, saved as two YAML files.
  await card.setup.exportCloudFormation();
  await expect(card.setup.memberTemplate).toHaveValue(/AWSTemplateFormatVersion/, { timeout: 30_000 });
  await expect(card.setup.hubTemplate).toHaveValue(/AWSTemplateFormatVersion/);
  await expect(card.setup.memberTemplate).toHaveValue(/222222222222/);
  const downloads = await twoDownloads(page, () => card.setup.saveBothTemplates());
  expect(downloads.map((d) => d.suggestedFilename())).toEqual(['pipewright-events-member.yaml', 'pipewright-events-hub-222222222222.yaml']);
  await expect(row.mode).toHaveAttribute('data-mode', 'polled', { timeout: 60_000 });

  await card.setup.create();
  await expect(card.setup.result).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  await expect(card.setup.outcomes.first()).toBeVisible();
  await expect(card.setup.summary).toHaveAttribute('data-failed', '0');
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

  // The explorer: the target's pipelines say their status comes from events, and a run
  // started meanwhile, outside the page, shows as it goes.
  await shell.clickSection('explorer');
  const explorer = new ExplorerPage(page);
  const idleRow = explorer.row(idle);
  await expect(explorer.watchMode(idleRow)).toHaveAttribute('data-mode', 'event-driven', { timeout: 30_000 });
  await expect(explorer.watchMode(idleRow)).toHaveAccessibleName('Status from events');
  // The same pipeline in an account without live updates is still polled, and says so. (Background
  // watchers read their first state within the app's call budget, behind what is open: hence the wait.)
  await expect(explorer.watchMode(explorer.row(dev.name).filter({ hasText: '111111111111' }))).toHaveAttribute('data-mode', 'event-driven');
  await expect(explorer.watchMode(explorer.row(dev.name).filter({ hasText: '333333333333' }))).toHaveAttribute('data-mode', 'polled', { timeout: 30_000 });
  await expect(explorer.watchMode(explorer.row(dev.name).filter({ hasText: '333333333333' }))).toHaveAccessibleName('Status by polling');
  const before = await explorer.statusText(idleRow);
  expect(before).not.toBe('InProgress');
  await startOutsideThePage(app, dev.region, idle);
  await expect(explorer.cell(idleRow, 'status')).toContainText('InProgress', { timeout: WELL_WITHIN_A_BACKGROUND_POLL });
  // And on as it goes: its stages move past Source (not waiting for the whole run keeps this fast).
  await expect(explorer.stageStrip(idleRow)).toHaveAccessibleName(/Build: (InProgress|Succeeded)/, {
    timeout: WELL_WITHIN_A_BACKGROUND_POLL,
  });
  await expect(explorer.watchMode(idleRow)).toHaveAttribute('data-mode', 'event-driven');
  await idleRow.click();
  await expect(explorer.details.watchMode).toHaveAttribute('data-mode', 'event-driven');
});

test('set up every polled target at once by keyboard: one plan for all, progress per resource, each target event-driven, focus kept in the dialog', async ({
  page,
}) => {
  test.setTimeout(120_000);
  app = await startAppServer({ timeScale: 0.12 });
  const shell = new ShellPage(page);
  await shell.open(app.url);
  await shell.clickSection('accounts');

  const card = new LiveUpdatesCard(page);
  await expect(card.setUpAllButton).toBeVisible({ timeout: 30_000 });
  const polled = await card.modesOf('polled').count();
  expect(polled).toBeGreaterThan(1);
  await expect(card.setUpAllButton).toContainText(`(${polled})`);

  await card.setUpAllButton.focus();
  await page.keyboard.press('Enter');
  const dialog = card.setup;
  await expect(dialog.root).toBeVisible();
  await expect(dialog.heading).toHaveText(`Set up live updates for ${polled} targets`);
  await expect(dialog.planRows.first()).toBeVisible({ timeout: 30_000 });
  // One plan for all: a forwarding rule per target, all sending to the first target's account.
  await expect(dialog.planRowsOfKind('member-rule')).toHaveCount(polled);
  await expect(dialog.hub).toHaveAttribute('data-account', '111111111111');

  // Focus starts on Cancel; Tab and Shift+Tab go round the dialog's controls, never into the page behind.
  await expect(dialog.closeButton).toBeFocused();
  // sandbox-prod is production (its alias says so): Create waits for its word, typed.
  await expect(dialog.createButton).toBeDisabled();
  await dialog.productionWord('333333333333').focus();
  await page.keyboard.type('sandbox-prod');
  await expect(dialog.createButton).toBeEnabled();
  const seen = new Set<string>();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.hasFocus()).toBe(true);
    seen.add(await dialog.focusedTestId());
  }
  // Round the loop: the hub's choices, Create, Export, Cancel.
  expect([...seen]).toEqual(expect.arrayContaining(['events-hub-profile', 'events-hub-region', 'events-create', 'events-export', 'events-setup-close']));
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await dialog.hasFocus()).toBe(true);
  }

  // To Create by keyboard, and Enter.
  for (let i = 0; i < 8 && (await dialog.focusedTestId()) !== 'events-create'; i++) await page.keyboard.press('Tab');
  await expect(dialog.createButton).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog.result).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  // Each resource's outcome came as it was made: all of the plan's are done.
  const total = await dialog.planRows.count();
  await expect(dialog.progress).toHaveAttribute('data-done', String(total));
  await expect(dialog.progress).toHaveAttribute('data-total', String(total));
  await expect(dialog.planRowsWithOutcome('created')).toHaveCount(total);
  await expect(dialog.summary).toHaveAttribute('data-failed', '0', { timeout: 30_000 });
  await expect(dialog.summary).toContainText(`All ${polled} targets are event-driven`);

  // Escape closes; the button that opened it went with what it set up, so the card's heading has focus.
  await page.keyboard.press('Escape');
  await expect(dialog.root).toHaveCount(0);
  await expect(card.setUpAllButton).toHaveCount(0);
  await expect(card.heading).toBeFocused();
  await expect(card.modesOf('event-driven')).toHaveCount(polled);
});

/** The two downloads one action starts (both templates), in the order they came. */
async function twoDownloads(page: Page, action: () => Promise<void>): Promise<Download[]> {
  const got: Download[] = [];
  const listener = (d: Download) => void got.push(d);
  page.on('download', listener);
  try {
    await action();
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(2);
  } finally {
    page.off('download', listener);
  }
  return got;
}
