// Makes the README's screenshot (docs/images/pipewright-browser-mode.png): the
// built app in browser mode with the sandbox, in an isolated home, shown in
// Debian's Chromium at the Accounts & Settings section in the light theme.
// Run with `npm run screenshot`; the test suite never rewrites a tracked file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { findChromium } from './chromium-path.mjs';

const OUT = 'docs/images/pipewright-browser-mode.png';
const home = mkdtempSync(join(tmpdir(), 'pw-screenshot-'));
const env = { ...process.env, HOME: home, PIPEWRIGHT_HOME: join(home, 'pipewright') };
for (const k of ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE', 'AWS_REGION']) delete env[k];
const app = spawn(process.execPath, ['bin/pipewright.js', 'web', '--no-open', '--sandbox'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`pipewright web printed no URL:\n${out}`)), 30_000);
    app.stdout.on('data', (d) => {
      out += d;
      const m = /Open: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    app.once('exit', (code) => reject(new Error(`pipewright web exited with ${code}`)));
  });
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.getByTestId('app-ready').waitFor();
  await page.getByTestId('nav-accounts').click();
  await page.getByTestId('theme-select').selectOption('light');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  await page.screenshot({ path: OUT });
  await browser.close();
  console.log(`Wrote ${OUT}`);
} finally {
  app.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}
