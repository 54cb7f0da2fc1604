// Playwright fixtures: one app server per worker, and a page already signed in
// with the per-launch token.
import { test as base, expect } from '@playwright/test';
import { startAppServer, type AppServer } from './app-server';
import { ShellPage } from './shell-page';
import { ExplorerPage } from './explorer-page';

export const test = base.extend<{ shell: ShellPage; explorer: ExplorerPage }, { app: AppServer }>({
  app: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their dependencies
    async ({}, use) => {
      const app = await startAppServer();
      await use(app);
      await app.stop();
    },
    { scope: 'worker' },
  ],
  shell: async ({ page, app }, use) => {
    const shell = new ShellPage(page);
    await shell.open(app.url);
    await use(shell);
  },
  explorer: async ({ page }, use) => {
    await use(new ExplorerPage(page));
  },
});

export { expect };
