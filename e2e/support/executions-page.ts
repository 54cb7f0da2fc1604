// Page object for the Executions section: the activity list, the approval inbox,
// and a pipeline's live view (graph, controls, history, timeline).
import { expect, type Locator, type Page } from '@playwright/test';

export interface Ref {
  profile: string;
  region: string;
  name: string;
}

export class ExecutionsPage {
  constructor(readonly page: Page) {}

  /** Opens a pipeline's live view by its deep link. */
  async openLive(url: string, ref: Ref): Promise<void> {
    await this.page.goto(`${url.split('#')[0]}#/executions/${ref.profile}/${ref.region}/${ref.name}`);
    await expect(this.page.getByTestId('live-view')).toHaveAttribute('data-pipeline', ref.name, { timeout: 30_000 });
    await expect(this.page.getByTestId('live-graph').getByTestId('live-action').first()).toBeVisible({ timeout: 30_000 });
  }

  action(stage: string, name: string) {
    return this.page.locator(`[data-testid=live-action][data-stage="${stage}"][data-action="${name}"]`);
  }
  stage(name: string) {
    return this.page.locator(`[data-testid=live-stage][data-stage="${name}"]`);
  }
  get latestStatus() {
    return this.page.getByTestId('live-latest-status');
  }

  /** Release change with no overrides; returns when the service said it started. */
  async releaseChange(): Promise<void> {
    await this.page.getByTestId('live-start').click();
    await this.page.getByTestId('start-confirm').click();
    await expect(this.page.getByTestId('toast-info').filter({ hasText: /Started .*: execution/ })).toBeVisible();
  }

  async stop(reason: string, abandon: boolean): Promise<void> {
    await this.openStop(reason, abandon);
    await this.stopConfirm.click();
  }

  /** Opens the stop dialog and fills it, without confirming. */
  async openStop(reason: string, abandon: boolean): Promise<void> {
    await this.page.getByTestId('live-stop').click();
    await this.page.getByTestId('stop-reason').fill(reason);
    if (abandon) await this.page.getByTestId('stop-abandon').check();
  }
  get stopConfirm() {
    return this.page.getByTestId('stop-confirm');
  }
  /** In a production account, the word to type before stopping: its placeholder is the word. */
  get stopProdConfirm() {
    return this.page.getByTestId('stop-prod-confirm');
  }

  /** Opens a stage's controls (retry, transitions, rollback…) in their dialog. */
  async stageControls(stage: string): Promise<StageDialog> {
    await this.stage(stage).getByTestId('stage-controls').click();
    const dialog = new StageDialog(this.page.getByTestId('stage-dialog'));
    await expect(dialog.root).toBeVisible();
    return dialog;
  }

  async openInbox(url: string): Promise<void> {
    await this.page.goto(`${url.split('#')[0]}#/executions`);
    await this.page.getByTestId('tab-approvals').click();
    await expect(this.page.getByTestId('inbox-summary')).toContainText('pipelines read', { timeout: 30_000 });
  }

  inboxRow(profile: string, pipeline: string) {
    return this.page.locator(`[data-testid=inbox-row][data-profile="${profile}"][data-pipeline="${pipeline}"]`);
  }

  async answer(status: 'approve' | 'reject', summary: string, prodWord?: string): Promise<void> {
    await this.page.getByTestId('approval-summary').fill(summary);
    if (prodWord) await this.page.getByTestId('approval-prod-confirm').fill(prodWord);
    await this.page.getByTestId('approval-confirm').click();
    await expect(this.page.getByTestId('toast-info').filter({ hasText: status === 'approve' ? /Approved .* \/ / : /Rejected .* \/ / })).toBeVisible();
  }

  /** One execution's row in the open pipeline's history. */
  historyRowFor(executionId: string) {
    return this.page.locator(`[data-testid=history-row][data-execution="${executionId}"]`);
  }

  /** How the open pipeline's watcher learns of changes (event-driven, polled, degraded), when it says. */
  get watchMode() {
    return this.page.getByTestId('live-watch-mode');
  }

  get liveView() {
    return this.page.getByTestId('live-view');
  }
  /** Every action on the live graph, or those with one status. */
  liveActions(status?: string) {
    return this.page.locator(`[data-testid=live-action]${status ? `[data-status="${status}"]` : ''}`);
  }
  actionError(stage: string, name: string) {
    return this.action(stage, name).getByTestId('action-error');
  }
  /** The note on a stage whose inbound transition is disabled (reason, runs waiting). */
  transitionDisabled(stage: string) {
    return this.stage(stage).getByTestId('transition-disabled');
  }

  /** Opens the approval dialog from an inbox row. */
  async answerFromInbox(row: Locator, status: 'approve' | 'reject'): Promise<void> {
    await row.getByTestId(`inbox-${status}`).click();
  }
  get approvalSummary() {
    return this.page.getByTestId('approval-summary');
  }
  /** The production confirmation: its placeholder is the word to type. */
  get approvalProdConfirm() {
    return this.page.getByTestId('approval-prod-confirm');
  }
  get approvalConfirm() {
    return this.page.getByTestId('approval-confirm');
  }

  get timelineRows() {
    return this.page.getByTestId('timeline-row');
  }
  get actionDetails() {
    return this.page.getByTestId('action-details');
  }

  historyRow(status?: string) {
    return this.page.locator(`[data-testid=history-row]${status ? `[data-status="${status}"]` : ''}`);
  }
}

/** A stage's controls dialog. */
export class StageDialog {
  constructor(readonly root: Locator) {}
  async retryFailed(): Promise<void> {
    await this.root.getByTestId('retry-failed').click();
  }
  get transitionReason() {
    return this.root.getByTestId('transition-reason');
  }
  get transitionDisable() {
    return this.root.getByTestId('transition-disable');
  }
}
