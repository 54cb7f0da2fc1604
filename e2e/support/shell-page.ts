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
    await expect(this.connection).toContainText('Connected');
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

  /** The status bar's connection to the main process ("Connected", "Reconnecting…"). */
  get connection() {
    return this.page.getByTestId('status-connection');
  }

  get version() {
    return this.page.getByTestId('status-version');
  }

  /** The page's root element: it carries the theme. */
  get documentElement() {
    return this.page.locator('html');
  }

  /** Toasts of one kind (info or error), optionally only those saying `text`. */
  toasts(kind: 'info' | 'error', text?: string | RegExp) {
    const all = this.page.getByTestId(`toast-${kind}`);
    return text === undefined ? all : all.filter({ hasText: text });
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitReady();
  }
}
