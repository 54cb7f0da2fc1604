// The rough edges a newcomer met in the first hour, gone: the explorer follows
// the workspace and the sandbox without a Refresh, the accounts page says what
// it reads (and what is not there), the sandbox starts, stops and resets only
// when asked twice, and toasts neither repeat nor follow you around.
import { test, expect } from '@playwright/test';
import { startAppServer, type AppServer } from './support/app-server';
import { ShellPage } from './support/shell-page';
import { ExplorerPage } from './support/explorer-page';
import { AccountsPage } from './support/accounts-page';
import { DesignerPage } from './support/designer-page';
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

  const accounts = new AccountsPage(page);
  await shell.clickSection('accounts');
  await expect(accounts.workspaceSummary).toContainText('3 regions, us-east-1, eu-west-1, ap-southeast-2');
  await accounts.region('eu-west-1').uncheck();
  await accounts.saveWorkspace();
  await expect(shell.toasts('info', 'Settings saved.')).toHaveCount(1);
  await shell.clickSection('explorer');
  await expect(explorer.row('data-ingest')).toHaveCount(0);
  await expect.poll(() => explorer.rows.count()).toBeLessThan(all);

  await shell.clickSection('accounts');
  await accounts.workspaceDefaults();
  await shell.clickSection('explorer');
  await expect(explorer.row('data-ingest')).toHaveCount(1);

  // Reset to demo data asks first; once confirmed, the grid is listed again.
  await shell.clickSection('accounts');
  await accounts.askReset();
  await expect(accounts.resetDialog).toContainText('Everything in the sandbox is replaced by the demo data');
  await accounts.cancelReset();
  await expect(accounts.reseedStatus).toHaveCount(0);
  await accounts.askReset();
  await accounts.confirmReset();
  await expect(accounts.reseedStatus).toContainText('Last reset: succeeded', { timeout: 60_000 });
  await shell.clickSection('explorer');
  await expect.poll(() => explorer.rows.count(), { timeout: 30_000 }).toBe(all);
});

test('accounts: no AWS files is said with how to add a profile; the sandbox stops and starts from its card', async ({ page }) => {
  app = await startAppServer();
  const shell = new ShellPage(page);
  await shell.open(app.url);
  await shell.clickSection('accounts');
  const accounts = new AccountsPage(page);
  await expect(accounts.profilesSource).toContainText('There is no');
  await expect(accounts.profilesSource).toContainText('aws configure --profile NAME');
  await expect(accounts.profilesSource).not.toContainText('From ');

  await accounts.stopSandbox();
  await expect(accounts.sandboxOff).toBeVisible();
  await accounts.startSandbox();
  await expect(accounts.sandboxEndpoint).toContainText('Running at');
});

test('toasts: one save says so once; an error does not follow you to another section', async ({ page }) => {
  app = await startAppServer();
  const shell = new ShellPage(page);
  await shell.open(app.url);
  await shell.clickSection('accounts');
  await shell.themeSelect.selectOption('dark');
  await expect(shell.toasts('info', 'Settings saved.')).toHaveCount(1);
  await shell.clickSection('designer');
  await new DesignerPage(page).openFile({ name: 'broken.yaml', mimeType: 'text/yaml', buffer: Buffer.from('Resources:\n  P:\n    Type: [oops\n') });
  await expect(shell.toasts('error')).toHaveCount(1);
  await shell.clickSection('explorer');
  await expect(shell.toasts('error')).toHaveCount(0);
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
  const prodWeb = explorer.row('web-frontend').filter({ hasText: '333333333333' });
  await expect(prodWeb).toHaveCount(1);
  await expect(explorer.rowProfiles(prodWeb)).toHaveText('2 profiles');

  const grid = (await explorer.grid.boundingBox())!;
  const inView = async (column: string) => {
    const cell = (await explorer.cell(prodWeb, column).boundingBox())!;
    return cell.x >= grid.x && cell.x + cell.width <= grid.x + grid.width + 1;
  };
  expect(await inView('stages')).toBe(true);
  expect(await inView('revision')).toBe(true);
  await prodWeb.click();
  await expect(explorer.details.root).toBeVisible();
  await expect.poll(() => inView('stages')).toBe(true);
  await expect.poll(() => inView('status')).toBe(true);
});
