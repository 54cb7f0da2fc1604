// Page object for the explorer: the grid (search, filters, grouping, sorting),
// the failing targets' chips, and the selected pipeline's details panel.
import { expect, type Locator, type Page } from '@playwright/test';

export class ExplorerPage {
  constructor(readonly page: Page) {}

  get rows() {
    return this.page.getByTestId('pipeline-row');
  }
  get errorChips() {
    return this.page.getByTestId('error-chip');
  }
  get search() {
    return this.page.getByTestId('explorer-search');
  }

  async waitLoaded(): Promise<void> {
    await expect(this.page.getByTestId('explorer-refresh')).toBeVisible({ timeout: 30_000 });
  }

  async refresh(): Promise<void> {
    await this.page.getByTestId('explorer-refresh').click();
    await this.waitLoaded();
  }

  async names(): Promise<string[]> {
    return this.rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-pipeline') ?? ''));
  }

  row(name: string) {
    return this.page.locator(`[data-testid=pipeline-row][data-pipeline="${name}"]`);
  }
  /** A row's cell by its column (status, stages, revision…). */
  cell(row: Locator, column: string) {
    return row.locator(`[data-column=${column}]`);
  }
  /** A row's status badge text (InProgress, Succeeded…). */
  async statusText(row: Locator): Promise<string | undefined> {
    return (await this.cell(row, 'status').locator('.status').textContent())?.trim();
  }
  /** A row's stage strip: one image whose accessible name lists each stage and its status. */
  stageStrip(row: Locator) {
    return this.cell(row, 'stages').getByRole('img');
  }
  /** Where a row's status comes from: data-mode event-driven, polled or degraded (named "Status from events" / "Status by polling"). */
  watchMode(row: Locator) {
    return row.getByTestId('row-watch-mode');
  }
  /** How many profiles reach a row's pipeline ("2 profiles"). */
  rowProfiles(row: Locator) {
    return row.getByTestId('row-profiles');
  }
  /** A row's "unavailable" status, with why in its title. */
  statusUnavailable(row: Locator) {
    return row.getByTestId('status-unavailable');
  }
  get grid() {
    return this.page.getByTestId('explorer-grid');
  }
  get count() {
    return this.page.getByTestId('explorer-count');
  }
  get statusFilter() {
    return this.page.getByTestId('explorer-status');
  }
  get groupBy() {
    return this.page.getByTestId('explorer-group');
  }
  get groupHeaders() {
    return this.page.getByTestId('group-header');
  }
  async sortByName(): Promise<void> {
    await this.page.getByTestId('sort-name').click();
  }
  async retry(chip: Locator): Promise<void> {
    await chip.getByRole('button', { name: 'Retry' }).click();
  }
  get details() {
    return new PipelineDetails(this.page.getByTestId('pipeline-details'));
  }
}

/** The details panel of the selected pipeline. */
export class PipelineDetails {
  constructor(readonly root: Locator) {}
  get title() {
    return this.root.locator('h2');
  }
  get stages() {
    return this.root.getByTestId('details-stages');
  }
  get tags() {
    return this.root.getByTestId('details-tags');
  }
  get consoleLink() {
    return this.root.getByTestId('console-link');
  }
  get failedActions() {
    return this.root.getByTestId('failed-actions');
  }
  /** Where the status comes from, in words (data-mode). */
  get watchMode() {
    return this.root.getByTestId('details-watch-mode');
  }
  /** "Watch live": the pipeline in Executions. */
  async watchLive(): Promise<void> {
    await this.root.getByTestId('open-live').click();
  }
  /** "Open in designer". */
  async openInDesigner(): Promise<void> {
    await this.root.page().getByTestId('open-in-designer').click();
  }
}
