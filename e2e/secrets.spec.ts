// Secrets never reach the renderer. A whole session with real sandbox
// credentials from the user's ~/.aws (static keys, a role chain, an MFA role)
// records every payload crossing the browser-mode transport (WebSocket frames
// both ways, and every HTTP response), and no key, secret or session token
// appears in any of them. The IPC transport carries the same envelopes; its
// recording is test/integration/secrets-ipc.test.ts.
import { test as base, expect } from '@playwright/test';
import { startAppServer, type AppServer } from './support/app-server';
import { ShellPage } from './support/shell-page';
import { ExplorerPage } from './support/explorer-page';
import { AccountsPage } from './support/accounts-page';
import { awsConfigForSandbox, SANDBOX_SECRETS } from './support/aws-fixture-config';

const test = base.extend<{ app: AppServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure their dependencies
  app: async ({}, use) => {
    const app = await startAppServer({ awsConfig: awsConfigForSandbox });
    await use(app);
    await app.stop();
  },
});

const SESSION_TOKEN = /SBX[A-Za-z0-9]{100,}/;
const TEMP_KEY = /ASIA[A-Z2-7]{16}/;

test('no access key, secret or session token crosses to the renderer during a full session', async ({ app, page }) => {
  const recorded: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => recorded.push(String(f.payload)));
    ws.on('framereceived', (f) => recorded.push(String(f.payload)));
  });
  page.on('response', async (r) => {
    try {
      recorded.push(await r.text());
    } catch {
      // Redirects have no body.
    }
  });

  const shell = new ShellPage(page);
  await shell.open(app.url);

  // Accounts: the background check, then MFA through the dialog.
  await shell.clickSection('accounts');
  const accounts = new AccountsPage(page);
  await expect(accounts.profile('team-dev').state).toHaveText('OK');
  await expect(accounts.profile('team-prod').state).toHaveText('OK');
  await expect(accounts.profile('team-prod-mfa').state).toHaveText('Needs MFA');
  await accounts.profile('team-prod-mfa').enterMfa.click();
  await expect(accounts.mfa.root).toContainText('arn:aws:iam::111111111111:mfa/sandbox-user');
  await accounts.mfa.submit('123456');
  await expect(accounts.mfa.root).toHaveCount(0);
  await expect(accounts.profile('team-prod-mfa').state).toHaveText('OK');
  await expect(accounts.profile('team-prod-mfa').root).toContainText('333333333333');

  // Explorer over every profile (file and sandbox), and one pipeline's details.
  await shell.clickSection('explorer');
  const explorer = new ExplorerPage(page);
  await explorer.waitLoaded();
  await expect(explorer.rows.first()).toBeVisible();
  await explorer.rows.first().click();
  await expect(explorer.details.stages).toBeVisible();

  // The session really used temporary credentials.
  const log = (await app.sandbox('GET', 'log?operation=AssumeRole')) as { entries: unknown[] };
  expect(log.entries.length).toBeGreaterThanOrEqual(2);

  const all = recorded.join('\n');
  expect(recorded.length).toBeGreaterThan(20);
  expect(all).toContain('team-prod-mfa'); // the recording is real
  for (const secret of SANDBOX_SECRETS) expect(all.includes(secret), `leaked ${secret.slice(0, 8)}…`).toBe(false);
  expect(all).not.toMatch(SESSION_TOKEN);
  expect(all).not.toMatch(TEMP_KEY);
  expect(all).not.toMatch(/secretAccessKey|sessionToken|aws_secret_access_key/i);
});
