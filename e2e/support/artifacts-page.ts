// Page object for the Artifacts section: the audit, the charts, the table of
// buckets and prefixes, selection, the retention and protection cards, the plan
// card (dry run, delete with typed confirmations, cancel and resume), the
// lifecycle and bucket-deletion dialogs, the coverage banner and the audit log.
import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';
import { ShellPage } from './shell-page';

/** One prefix's row in the table. */
export class PrefixRow {
  constructor(readonly root: Locator) {}
  /** The checkbox that puts an orphan or stale prefix in the plan (absent where it cannot be selected). */
  get select() {
    return this.root.getByTestId('select-prefix');
  }
  /** The checkbox that puts a live prefix's retention in the plan. */
  get selectRetention() {
    return this.root.getByTestId('select-retention');
  }
  /** "retention lets go of N artifacts". */
  get retentionNote() {
    return this.root.getByTestId('retention-note');
  }
  get unverifiedReason() {
    return this.root.getByTestId('unverified-reason');
  }
  get heldReason() {
    return this.root.getByTestId('held-reason');
  }
  /** "Expire with a lifecycle rule…" for a huge orphan prefix. */
  get lifecycleStart() {
    return this.root.getByTestId('lifecycle-start');
  }
  /** The age-only lifecycle rule for a live prefix's retention. */
  get lifecycleRetentionStart() {
    return this.root.getByTestId('lifecycle-retention-start');
  }
}

/** One bucket's group of rows. */
export class BucketGroup {
  constructor(readonly root: Locator) {}
  prefix(prefix: string) {
    return new PrefixRow(this.root.locator(`[data-testid=prefix-row][data-prefix="${prefix}"]`));
  }
  /** Rows of one class (orphan, live, shared, unverified…). */
  rowsOfClass(cls: string) {
    return this.root.locator(`[data-class=${cls}]`);
  }
  get selectBoxes() {
    return this.root.getByTestId('select-prefix');
  }
  get deleteStart() {
    return this.root.getByTestId('bucket-delete-start');
  }
  /** The badge saying the bucket's evidence is incomplete. */
  get unverified() {
    return this.root.getByTestId('bucket-unverified');
  }
}

/** The S3 lifecycle dialog: the rules shown first, applied on the typed bucket name. */
export class LifecycleDialog {
  constructor(readonly page: Page) {}
  get root() {
    return this.page.getByTestId('lifecycle-dialog');
  }
  get rules() {
    return this.page.getByTestId('lifecycle-rules');
  }
  /** What an age-only rule cannot do, and the box acknowledging it. */
  get ageOnly() {
    return this.page.getByTestId('lifecycle-age-only');
  }
  get ageOnlyAcknowledged() {
    return this.page.getByTestId('lifecycle-age-only-ok');
  }
  get confirmName() {
    return this.page.getByTestId('lifecycle-confirm-name');
  }
  get apply() {
    return this.page.getByTestId('lifecycle-apply');
  }
}

/** The plan card: what is selected, the dry run, and the cleanup with its typed confirmations. */
export class PlanCard {
  constructor(readonly page: Page) {}
  get summary() {
    return this.page.getByTestId('plan-summary');
  }
  get dryRunButton() {
    return this.page.getByTestId('dry-run');
  }
  async dryRun(): Promise<void> {
    await this.dryRunButton.click();
  }
  get result() {
    return this.page.getByTestId('clean-result');
  }
  /** The result's line for one prefix. */
  item(text: string) {
    return this.page.getByTestId('clean-item').filter({ hasText: text });
  }
  /** "Delete…": opens the confirmations. */
  async start(): Promise<void> {
    await this.page.getByTestId('clean-start').click();
  }
  /** The box where an account is typed (its id or alias) to confirm it. */
  confirmation(account: string) {
    return this.page.getByTestId(`confirm-${account}`);
  }
  get execute() {
    return this.page.getByTestId('clean-execute');
  }
  get progress() {
    return this.page.getByTestId('clean-progress');
  }
  get progressBar() {
    return this.progress.locator('progress');
  }
  async cancel(): Promise<void> {
    await this.page.getByTestId('clean-cancel').click();
  }
  async resume(): Promise<void> {
    await this.page.getByTestId('clean-resume').click();
  }
}

export class ArtifactsPage {
  readonly plan: PlanCard;
  readonly lifecycle: LifecycleDialog;
  constructor(readonly page: Page) {
    this.plan = new PlanCard(page);
    this.lifecycle = new LifecycleDialog(page);
  }

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
  /** Everything on the page (figures are checked wherever they show). */
  get wholePage() {
    return this.page.locator('body');
  }
  chart(name: 'classes' | 'ages' | 'top') {
    return this.page.getByTestId(`chart-${name}`);
  }
  get coverage() {
    return this.page.getByTestId('coverage');
  }
  get result() {
    return this.plan.result;
  }
  get progress() {
    return this.plan.progress;
  }
  /** Every orphan or stale prefix's checkbox, in any bucket. */
  get orphanCheckboxes() {
    return this.page.getByTestId('select-prefix');
  }
  /** Every live prefix's retention checkbox, in any bucket. */
  get retentionCheckboxes() {
    return this.page.getByTestId('select-retention');
  }
  /** Every unverified prefix's reason, in any bucket. */
  get unverifiedReasons() {
    return this.page.getByTestId('unverified-reason');
  }
  bucket(name: string) {
    return new BucketGroup(this.page.locator(`[data-testid=bucket-group][data-bucket="${name}"]`));
  }
  /** A prefix row: in one bucket, or the first anywhere. */
  prefix(prefix: string, bucket?: string) {
    if (bucket) return this.bucket(bucket).prefix(prefix);
    return new PrefixRow(this.page.locator(`[data-testid=prefix-row][data-prefix="${prefix}"]`).first());
  }

  // The audit log.
  logRows(text?: string) {
    const rows = this.page.getByTestId('log-row');
    return text ? rows.filter({ hasText: text }) : rows;
  }
  logEvents(event: string) {
    return this.page.locator(`[data-testid=log-row][data-event="${event}"]`);
  }

  // The retention card.
  get retentionSummary() {
    return this.page.getByTestId('retention-summary');
  }
  get keepLast() {
    return this.page.getByTestId('retention-keep-last');
  }
  get keepDays() {
    return this.page.getByTestId('retention-keep-days');
  }

  // The protection card.
  get blockedAccounts() {
    return this.page.getByTestId('blocked-accounts');
  }
  get blockedBuckets() {
    return this.page.getByTestId('blocked-buckets');
  }
  /** From how many versions a prefix counts as huge (and is offered lifecycle expiry). */
  get hugePrefixVersions() {
    return this.page.getByTestId('huge-prefix-versions');
  }
  get protectionError() {
    return this.page.getByTestId('protection-error');
  }
  get protectionSave() {
    return this.page.getByTestId('protection-save');
  }
  /** Saves the protection card and waits for the app to say so. */
  async saveProtection(): Promise<void> {
    await this.protectionSave.click();
    await expect(this.page.getByText('Settings saved.').first()).toBeVisible();
  }

  // An unused bucket, once emptied: offered for deletion behind its typed name.
  async offerBucketDeletion(bucket: string): Promise<void> {
    await this.page.getByTestId('bucket-offer').filter({ hasText: bucket }).getByRole('button').click();
  }
  get bucketDeleteDialog() {
    return this.page.getByTestId('bucket-confirm');
  }
  get bucketConfirmName() {
    return this.page.getByTestId('bucket-confirm-name');
  }
  get bucketDelete() {
    return this.page.getByTestId('bucket-delete');
  }

  /** "Save plan": the plan file, with every key, as JSON. */
  async savePlan(): Promise<{ items: Array<{ class: string; keys: string[] }> }> {
    return this.downloadJson('save-plan');
  }
  /** The audit report as JSON (with every key, from the main process). */
  async exportAuditJson(): Promise<{ buckets: Array<{ name: string; prefixes: Array<{ prefix: string; keys: string[] }> }> }> {
    return this.downloadJson('audit-json');
  }
  private async downloadJson<T>(button: string): Promise<T> {
    const [file] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId(button).click()]);
    return JSON.parse(readFileSync(await file.path(), 'utf8')) as T;
  }

  /** Leaves only the orphan prefixes whose names match selected. */
  async selectOnly(match: RegExp): Promise<void> {
    for (const box of await this.orphanCheckboxes.all()) if (!match.test((await box.getAttribute('aria-label')) ?? '')) await box.uncheck();
  }

  /** Unchecks every orphan or stale prefix. */
  async selectNone(): Promise<void> {
    for (const box of await this.orphanCheckboxes.all()) if (await box.isChecked()) await box.uncheck();
  }

  /** Saves the bucket blocklist in the Protection card. */
  async blockBuckets(...buckets: string[]): Promise<void> {
    await this.blockedBuckets.fill(buckets.join('\n'));
    await this.saveProtection();
  }

  /** Delete…, type each account (id or alias), and run. */
  async deleteConfirming(typed: Record<string, string>): Promise<void> {
    await this.plan.start();
    await expect(this.plan.execute).toBeDisabled();
    for (const [account, text] of Object.entries(typed)) await this.plan.confirmation(account).fill(text);
    await this.plan.execute.click();
  }
}
