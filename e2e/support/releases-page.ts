// Page object for the Releases section: the release file editor, the board
// (environments x targets), promotion and approval dialogs, and the history.
import { expect, type Page } from '@playwright/test';

export class ReleasesPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(`${url.split('#')[0]}#/releases`);
    await expect(this.page.getByTestId('releases')).toBeVisible({ timeout: 30_000 });
  }

  /** Writes a release file in the editor and saves it; the board opens. */
  async define(text: string): Promise<void> {
    await this.page.getByTestId('release-new').click();
    await this.page.getByTestId('release-text').fill(text);
    await expect(this.page.getByTestId('release-errors')).toContainText('The file is valid');
    await this.page.getByTestId('release-save').click();
    await expect(this.page.getByTestId('release-board')).toBeVisible({ timeout: 30_000 });
  }

  /** What the section says before any release file is saved. */
  get empty() {
    return this.page.getByTestId('releases-empty');
  }
  get board() {
    return this.page.getByTestId('release-board');
  }

  // The release file editor.
  async newRelease(): Promise<void> {
    await this.page.getByTestId('release-new').click();
  }
  get editorText() {
    return this.page.getByTestId('release-text');
  }
  get editorErrors() {
    return this.page.getByTestId('release-errors');
  }
  get save() {
    return this.page.getByTestId('release-save');
  }

  /** An environment's gate (what it waits for before a promotion may start). */
  gate(env: string) {
    return this.env(env).getByTestId('env-gate');
  }
  /** How an environment differs from the one before it. */
  drift(env: string) {
    return this.env(env).getByTestId('env-drift');
  }

  /** The History tab: the release log, one row per event. */
  async openHistory(): Promise<void> {
    await this.page.getByTestId('release-tab-history').click();
  }
  historyRows(event: string) {
    return this.page.locator(`[data-testid=release-history-row][data-event="${event}"]`);
  }

  env(name: string) {
    return this.page.locator(`[data-testid=release-env][data-env="${name}"]`);
  }
  cell(env: string, profile: string) {
    return this.env(env).locator(`[data-testid=release-cell][data-profile="${profile}"]`);
  }
  finished(env: string) {
    return this.page.locator(`[data-testid=recent-promotion][data-env="${env}"]`).first();
  }

  /** Opens the promote dialog of an environment, confirms its gate if asked, and starts it. */
  async promote(env: string, o: { confirmGate?: boolean; expectRevision?: string } = {}): Promise<void> {
    await this.env(env).getByTestId('env-promote').click();
    const dialog = this.page.getByTestId('promote-dialog');
    await expect(dialog).toBeVisible();
    if (o.expectRevision) await expect(dialog.getByTestId('promote-revision')).toHaveText(o.expectRevision);
    if (o.confirmGate) await dialog.getByTestId('promote-gate-confirm').check();
    await dialog.getByTestId('promote-confirm').click();
    await expect(dialog).toHaveCount(0);
  }

  /**
   * Follows an environment's promotion to its end, answering its approvals
   * together whenever they wait (typing `word` for production).
   */
  async approveUntilDone(env: string, word = '', timeoutMs = 120_000): Promise<void> {
    const approve = this.env(env).getByTestId('promotion-approve');
    const dialog = this.page.getByTestId('release-approve-dialog');
    // Retried (Playwright's toPass) until the promotion has finished, answering its approvals as they come.
    await expect(async () => {
      if ((await this.finished(env).count()) > 0) return;
      // The button can go between the check and the click (the approval answered, the
      // promotion done): a click that does not land in time is simply tried again.
      if (
        (await approve.isVisible()) &&
        (await approve.click({ timeout: 5_000 }).then(
          () => true,
          () => false,
        ))
      ) {
        if (word) await dialog.getByTestId('release-approve-word').fill(word);
        await dialog.getByTestId('release-approve-confirm').click();
        await expect(dialog).toHaveCount(0, { timeout: 15_000 });
      }
      throw new Error(`the promotion of ${env} has not finished yet`);
    }, `the promotion of ${env} finishes`).toPass({ timeout: timeoutMs, intervals: [500] });
  }
}
