// A dropped connection in the middle of a cleanup: the page reconnects to the
// same session, the call it sends again is answered from the server's memory
// (the cleanup runs once), and the progress goes on in the page. And a page away
// longer than its session lives (a sleeping laptop): it is told, starts over,
// and shows what happened meanwhile, live again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { startAppServer, type AppServer } from './support/app-server';
import { ArtifactsPage } from './support/artifacts-page';
import { plantArtifacts, sandboxS3 } from './support/sandbox-s3';
import { PageConnection } from './support/connection';
import { ShellPage } from './support/shell-page';
import { ExecutionsPage } from './support/executions-page';
import { startOutsideThePage } from './support/sandbox-codepipeline';

const BUCKET = 'codepipeline-us-east-1-111111111111';
let app: AppServer | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

test('the socket drops right after a confirmed cleanup is sent: it runs once, and its progress resumes in the page', async ({ page }) => {
  test.setTimeout(120_000);
  app = await startAppServer();
  const s3 = sandboxS3(app);
  await plantArtifacts(s3, BUCKET, 'dropped-pipeline', 3000);

  // Every frame goes through here; the first confirmed clean is passed on, then both sides are cut before its answer.
  let cleanCalls = 0;
  let connections = 0;
  await page.routeWebSocket(/\/rpc/, (ws) => {
    connections++;
    const server = ws.connectToServer();
    let cut = false;
    ws.onMessage((msg) => {
      if (cut) return;
      server.send(msg);
      if (typeof msg === 'string' && msg.includes('"method":"artifacts.clean"') && msg.includes('"dryRun":false') && ++cleanCalls === 1) {
        cut = true;
        void ws.close({ code: 4000, reason: 'dropped by the test' });
        void server.close();
      }
    });
    server.onMessage((msg) => {
      if (!cut) ws.send(msg);
    });
  });

  const artifacts = new ArtifactsPage(page);
  await artifacts.open(app.url);
  await artifacts.audit();
  // Only the dev bucket's orphans.
  await artifacts.selectOnly(/dropped-pipeline|legacy-monolith-pipe/);
  await app.sandbox('PUT', 'faults', [{ service: 's3', operation: 'DeleteObjects', latencyMs: 400 }]);
  await artifacts.deleteConfirming({ '111111111111': '111111111111' });

  // The page reconnects, sends the call again, and follows the one job to its end.
  await expect(artifacts.progress).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => cleanCalls).toBe(2);
  expect(connections).toBeGreaterThanOrEqual(2);
  await app.sandbox('DELETE', 'faults');
  await expect(artifacts.result).toContainText(/deleted 31\d\d versions/i, { timeout: 60_000 });
  await expect(new ShellPage(page).connection).toContainText('Connected');

  const log = readFileSync(join(app.home, 'pipewright', 'artifact-cleanup-audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(log.filter((e) => e.event === 'finished' && !e.dryRun)).toHaveLength(1);
  expect(log.filter((e) => e.event === 'cancelled')).toHaveLength(0);
  const left = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'dropped-pipeline/' }));
  expect(left.Versions ?? []).toHaveLength(0);
});

test('a page away longer than its session lives starts over: it shows the run started meanwhile, and stays live', async ({ page }) => {
  test.setTimeout(120_000);
  app = await startAppServer({ sessionGraceMs: 1500 });
  const connection = new PageConnection(page);
  await connection.install();
  const executions = new ExecutionsPage(page);
  const pipeline = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
  await executions.openLive(app.url, pipeline);
  await expect(connection.status).toContainText('Connected');

  // The laptop sleeps: the page is cut off, and the server lets its session go.
  await connection.goOffline();
  await expect.poll(() => app!.output(), { timeout: 30_000 }).toMatch(/session \S+ expired after 1500 ms away/);
  const meanwhile = await startOutsideThePage(app, pipeline.region, pipeline.name);
  await expect(connection.status).toContainText('Disconnected');

  // Back: the page is told its session expired, starts over, and only then says Connected.
  await connection.goOnline();
  await expect(connection.restartedNotice).toBeVisible({ timeout: 30_000 });
  await expect(connection.status).toContainText('Connected');
  await expect(executions.historyRowFor(meanwhile)).toBeVisible();
  expect(app.output()).toMatch(/session \S+ expired: the page starts over/);

  // Live again: a run started now shows when it finishes (the watch was made again on the new session).
  const after = await startOutsideThePage(app, pipeline.region, pipeline.name);
  await expect(executions.historyRowFor(after)).toHaveAttribute('data-status', 'Succeeded', { timeout: 30_000 });
  await expect(connection.lostBanner).toBeHidden();
});
