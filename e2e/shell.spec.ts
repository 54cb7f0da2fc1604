// The app shell as a user meets it: every section by mouse and keyboard,
// a setting changed and still there after a reload.
import { test, expect } from './support/fixtures';
import { SECTION_IDS } from './support/shell-page';
import { AccountsPage } from './support/accounts-page';
import { ReleasesPage } from './support/releases-page';

test('every section opens by mouse; one with nothing in it yet says what it is for', async ({ shell, page }) => {
  for (const id of SECTION_IDS) {
    await shell.clickSection(id);
    // Releases starts empty (no release file saved yet) and says what a release is.
    if (id === 'releases') await expect(new ReleasesPage(page).empty).toContainText("one application's pipelines in each environment");
  }
  await expect(shell.statusBar).toContainText('Browser mode');
  await expect(shell.statusBar).toContainText('Sandbox: local');
  await expect(shell.version).toContainText('Pipewright 0.1.0');
});

test('sections are reachable by keyboard: Alt+digit and arrow keys', async ({ shell, page }) => {
  await page.keyboard.press('Alt+4');
  await shell.expectSection('artifacts');
  await expect(shell.navItem('artifacts')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await shell.expectSection('releases');
  await page.keyboard.press('ArrowDown');
  await shell.expectSection('accounts');
  await page.keyboard.press('ArrowDown');
  await shell.expectSection('explorer');
  await page.keyboard.press('End');
  await shell.expectSection('accounts');
  await page.keyboard.press('Alt+2');
  await shell.expectSection('designer');
});

test('a changed setting is kept across a reload, and the theme follows it', async ({ shell }) => {
  await shell.clickSection('accounts');
  await shell.themeSelect.selectOption('dark');
  await expect(shell.toasts('info')).toContainText('Settings saved');
  await expect(shell.documentElement).toHaveAttribute('data-theme', 'dark');
  await shell.reload();
  await shell.expectSection('accounts'); // the last section is remembered too
  await expect(shell.themeSelect).toHaveValue('dark');
  await expect(shell.documentElement).toHaveAttribute('data-theme', 'dark');
  await shell.themeSelect.selectOption('system');
  await expect(shell.documentElement).not.toHaveAttribute('data-theme', /.+/);
});

test('the sandbox accounts are listed and a reset runs as a job with progress', async ({ shell, page }) => {
  await shell.clickSection('accounts');
  const accounts = new AccountsPage(page);
  for (const name of ['sandbox-dev', 'sandbox-staging', 'sandbox-prod']) await expect(accounts.sandboxAccounts).toContainText(name);
  await accounts.askReset();
  await accounts.confirmReset();
  await expect(accounts.reseedStatus).toContainText('Last reset: succeeded');
});
