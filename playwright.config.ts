// End-to-end tests: the real renderer in Debian's Chromium (never a downloaded
// browser), against `pipewright web --sandbox` started by the fixtures.
import { defineConfig } from '@playwright/test';
// A plain ESM helper shared with scripts/check-chromium.mjs, typed by chromium-path.d.mts.
import { findChromium } from './scripts/chromium-path.mjs';

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: findChromium(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
