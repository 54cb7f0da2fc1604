// The rough edges a newcomer met in the first hour, gone: the explorer follows
// the workspace and the sandbox without a Refresh, the accounts page says what
// it reads (and what is not there), the sandbox starts, stops and resets only
// when asked twice, and toasts neither repeat nor follow you around.
import { test, expect } from '@playwright/test';
import { startAppServer, type AppServer } from './support/app-server';
import { ShellPage } from './support/shell-page';
import { ExplorerPage } from './support/explorer-page';
import { awsConfigSnippet } from '../src/main/cli/sandbox-command';
import { SandboxConfig } from '../src/sandbox/config';

let app: AppServer | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

test('the explorer follows workspace changes and a reset sandbox without a Refresh', async ({ page }) => {
  test.setTimeout(120_000);
  app = await startAppServer();
  const shell = new ShellPage(page);
  await shell.open(app.url);
  const explorer = new ExplorerPage(page);
  await shell.clickSection('explorer');
  await explorer.waitLoaded();
  await expect(explorer.row('data-ingest')).toHaveCount(1); // eu-west-1
  const all = await explorer.rows.count();

  await shell.clickSection('accounts');
  await expect(page.getByTestId('workspace-summary')).toContainText('3 regions, us-east-1, eu-west-1, ap-southeast-2');
  await page.getByTestId('region-picker').getByLabel('eu-west-1').uncheck();
  await page.getByTestId('workspace-save').click();
  await expect(page.getByTestId('toast-info').filter({ hasText: 'Settings saved.' })).toHaveCount(1);
  await shell.clickSection('explorer');
  await expect(explorer.row('data-ingest')).toHaveCount(0);
  await expect.poll(() => explorer.rows.count()).toBeLessThan(all);

  await shell.clickSection('accounts');
  await page.getByTestId('workspace-defaults').click();
  await shell.clickSection('explorer');
  await expect(explorer.row('data-ingest')).toHaveCount(1);

  // Reset to demo data asks first; once confirmed, the grid is listed again.
  await shell.clickSection('accounts');
  await page.getByTestId('sandbox-reseed').click();
  await expect(page.getByTestId('reset-dialog')).toContainText('Everything in the sandbox is replaced by the demo data');
  await page.getByTestId('reset-dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('reseed-status')).toHaveCount(0);
  await page.getByTestId('sandbox-reseed').click();
  await page.getByTestId('reset-confirm').click();
  await expect(page.getByTestId('reseed-status')).toContainText('Last reset: succeeded', { timeout: 60_000 });
  await shell.clickSection('explorer');
  await expect.poll(() => explorer.rows.count(), { timeout: 30_000 }).toBe(all);
});

test('accounts: no AWS files is said with how to add a profile; the sandbox stops and starts from its card', async ({ page }) => {
  app = await startAppServer();
  const shell = new ShellPage(page);
  await shell.open(app.url);
  await shell.clickSection('accounts');
  await expect(page.getByTestId('profiles-source')).toContainText('There is no');
  await expect(page.getByTestId('profiles-source')).toContainText('aws configure --profile NAME');
  await expect(page.getByTestId('profiles-source')).not.toContainText('From ');

  await page.getByTestId('sandbox-stop').click();
  await expect(page.getByTestId('sandbox-off')).toBeVisible();
  await page.getByTestId('sandbox-start').click();
  await expect(page.getByTestId('sandbox-endpoint')).toContainText('Running at');
});

test('toasts: one save says so once; an error does not follow you to another section', async ({ page }) => {
  app = await startAppServer();
  const shell = new ShellPage(page);
  await shell.open(app.url);
  await shell.clickSection('accounts');
  await shell.themeSelect.selectOption('dark');
  await expect(page.getByTestId('toast-info').filter({ hasText: 'Settings saved.' })).toHaveCount(1);
  await shell.clickSection('designer');
  await page
    .getByTestId('designer-file')
    .setInputFiles({ name: 'broken.yaml', mimeType: 'text/yaml', buffer: Buffer.from('Resources:\n  P:\n    Type: [oops\n') });
  await expect(page.getByTestId('toast-error')).toHaveCount(1);
  await shell.clickSection('explorer');
  await expect(page.getByTestId('toast-error')).toHaveCount(0);
});

test('explorer at 1440 px: one row for a pipeline two profiles reach, and Latest and Stages stay in view with the details open', async ({ page }) => {
  test.setTimeout(90_000);
  // The role-chained sandbox-prod-admin reaches the same account as sandbox-prod.
  app = await startAppServer({ awsConfig: (endpoint) => awsConfigSnippet(endpoint, SandboxConfig.parse({})) });
  await page.setViewportSize({ width: 1440, height: 900 });
  const shell = new ShellPage(page);
  await shell.open(app.url);
  const explorer = new ExplorerPage(page);
  await shell.clickSection('explorer');
  await explorer.waitLoaded();
  const prodWeb = explorer.page.locator('[data-testid=pipeline-row][data-pipeline=web-frontend]').filter({ hasText: '333333333333' });
  await expect(prodWeb).toHaveCount(1);
  await expect(prodWeb.getByTestId('row-profiles')).toHaveText('2 profiles');

  const grid = (await page.getByTestId('explorer-grid').boundingBox())!;
  const inView = async (column: string) => {
    const cell = (await prodWeb.locator(`[data-column=${column}]`).boundingBox())!;
    return cell.x >= grid.x && cell.x + cell.width <= grid.x + grid.width + 1;
  };
  expect(await inView('stages')).toBe(true);
  expect(await inView('revision')).toBe(true);
  await prodWeb.click();
  await expect(page.getByTestId('pipeline-details')).toBeVisible();
  await expect.poll(() => inView('stages')).toBe(true);
  await expect.poll(() => inView('status')).toBe(true);
});
