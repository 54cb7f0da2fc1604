// Page object for the Artifacts section: the audit, the table of buckets and
// prefixes, selection, the plan card (dry run, delete with typed confirmations),
// the coverage banner, protection and the audit log.
import { expect, type Page } from '@playwright/test';
import { ShellPage } from './shell-page';

export class ArtifactsPage {
  constructor(readonly page: Page) {}

  /** Opens the app at its URL, then the Artifacts section. */
  async open(url: string): Promise<void> {
    const shell = new ShellPage(this.page);
    await shell.open(url);
    await shell.clickSection('artifacts');
  }

  /** Runs an audit (again) and waits for the table. */
  async audit(): Promise<void> {
    await this.page.getByTestId('audit-start').click();
    await expect(this.table).toBeVisible({ timeout: 60_000 });
  }

  get table() {
    return this.page.getByTestId('artifacts-table');
  }
  get coverage() {
    return this.page.getByTestId('coverage');
  }
  get result() {
    return this.page.getByTestId('clean-result');
  }
  get progress() {
    return this.page.getByTestId('clean-progress');
  }
  get orphanCheckboxes() {
    return this.page.getByTestId('select-prefix');
  }
  bucket(name: string) {
    return this.page.locator(`[data-testid=bucket-group][data-bucket="${name}"]`);
  }
  /** A prefix row: in one bucket, or the first anywhere. */
  prefix(prefix: string, bucket?: string) {
    const rows = (bucket ? this.bucket(bucket) : this.page).locator(`[data-testid=prefix-row][data-prefix="${prefix}"]`);
    return bucket ? rows : rows.first();
  }
  logRows(event?: string) {
    const rows = this.page.getByTestId('log-row');
    return event ? rows.filter({ hasText: event }) : rows;
  }

  /** Leaves only the orphan prefixes whose names match selected. */
  async selectOnly(match: RegExp): Promise<void> {
    for (const box of await this.orphanCheckboxes.all()) if (!match.test((await box.getAttribute('aria-label')) ?? '')) await box.uncheck();
  }

  /** Saves the bucket blocklist in the Protection card. */
  async blockBuckets(...buckets: string[]): Promise<void> {
    await this.page.getByTestId('blocked-buckets').fill(buckets.join('\n'));
    await this.page.getByTestId('protection-save').click();
    await expect(this.page.getByText('Settings saved.').first()).toBeVisible();
  }

  /** Delete…, type each account (id or alias), and run. */
  async deleteConfirming(typed: Record<string, string>): Promise<void> {
    await this.page.getByTestId('clean-start').click();
    await expect(this.page.getByTestId('clean-execute')).toBeDisabled();
    for (const [account, text] of Object.entries(typed)) await this.page.getByTestId(`confirm-${account}`).fill(text);
    await this.page.getByTestId('clean-execute').click();
  }
}
