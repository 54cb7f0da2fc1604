// Page object for the app shell: sections, status bar, toasts and settings.
import { expect, type Page } from '@playwright/test';

export const SECTION_IDS = ['explorer', 'designer', 'executions', 'artifacts', 'releases', 'accounts'] as const;
export type Section = (typeof SECTION_IDS)[number];

export class ShellPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await expect(this.page.getByTestId('app-ready')).toBeVisible();
    await expect(this.page.getByTestId('status-connection')).toContainText('Connected');
  }

  navItem(section: Section) {
    return this.page.getByTestId(`nav-${section}`);
  }

  async clickSection(section: Section): Promise<void> {
    await this.navItem(section).click();
    await this.expectSection(section);
  }

  async expectSection(section: Section): Promise<void> {
    await expect(this.page.getByTestId(`section-${section}`)).toBeVisible();
    await expect(this.navItem(section)).toHaveAttribute('aria-selected', 'true');
  }

  get themeSelect() {
    return this.page.getByTestId('theme-select');
  }

  get statusBar() {
    return this.page.getByTestId('status-bar');
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitReady();
  }
}
