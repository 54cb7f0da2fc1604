// Page object for the explorer grid.
import { expect, type Page } from '@playwright/test';

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
}
