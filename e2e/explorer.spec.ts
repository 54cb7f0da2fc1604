// The explorer over the sandbox demo: every account and region in one grid,
// filters and search, and a failing region reported while the rest load.
import { test, expect } from './support/fixtures';
import { ExecutionsPage } from './support/executions-page';

test.beforeEach(async ({ app }) => {
  await app.sandbox('DELETE', 'faults');
});

test('shows the demo pipelines from all accounts and regions', async ({ shell, explorer, app }) => {
  await shell.clickSection('explorer');
  await explorer.waitLoaded();
  const state = (await app.sandbox('GET', 'state')) as { pipelines: Array<{ name: string; account: string; region: string }> };
  await expect(explorer.rows).toHaveCount(state.pipelines.length);
  const accounts = await explorer.rows.evaluateAll((els) => [...new Set(els.map((e) => e.children[1].textContent?.match(/\d{12}/)?.[0]))].sort());
  expect(accounts).toEqual(['111111111111', '222222222222', '333333333333']);
  const regions = await explorer.rows.evaluateAll((els) => [...new Set(els.map((e) => e.children[2].textContent))].sort());
  expect(regions).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
  await expect(explorer.count).toHaveText(`${state.pipelines.length} of ${state.pipelines.length} pipelines`);
});

test('search, status filter, grouping and sorting', async ({ shell, explorer }) => {
  await shell.clickSection('explorer');
  await explorer.waitLoaded();
  await explorer.search.fill('payments-service');
  await expect(explorer.rows).toHaveCount(2);
  expect(await explorer.names()).toEqual(['payments-service-api-blue', 'payments-service-api-green']);
  await explorer.search.fill('sandbox-prod us-east-1');
  await expect(explorer.rows).toHaveCount(3);
  expect((await explorer.names()).sort()).toEqual(['billing-service', 'global-api', 'web-frontend']);
  await explorer.search.fill('');
  await explorer.statusFilter.selectOption('Failed');
  await expect(explorer.rows).toHaveCount(2);
  expect((await explorer.names()).sort()).toEqual(['apac-search', 'data-ingest']);
  await explorer.statusFilter.selectOption('');
  await explorer.groupBy.selectOption('region');
  await expect(explorer.groupHeaders).toHaveCount(3);
  await explorer.groupBy.selectOption('none');
  await explorer.sortByName(); // descending
  await expect(explorer.rows.first()).toHaveAttribute('data-pipeline', 'web-frontend');
});

test('a region with injected access denied shows its chip while the rest load, and retry recovers it', async ({ shell, explorer, app }) => {
  await shell.clickSection('explorer');
  await explorer.waitLoaded();
  const total = await explorer.rows.count();
  await app.sandbox('PUT', 'faults', [{ service: 'codepipeline', account: '222222222222', region: 'eu-west-1', denyRate: 1 }]);
  await explorer.refresh();
  await expect(explorer.errorChips).toHaveCount(1);
  await expect(explorer.errorChips.first()).toContainText('sandbox-staging');
  await expect(explorer.errorChips.first()).toContainText('eu-west-1');
  await expect(explorer.errorChips.first()).toContainText('Access denied');
  await expect(explorer.rows).toHaveCount(total - 1); // reporting-etl lives there
  await expect(explorer.row('reporting-etl')).toHaveCount(0);
  await app.sandbox('DELETE', 'faults');
  await explorer.retry(explorer.errorChips.first());
  await expect(explorer.errorChips).toHaveCount(0);
  await expect(explorer.row('reporting-etl')).toHaveCount(1);
  await expect(explorer.count).toHaveText(`${total} of ${total} pipelines`);
});

test('selecting a pipeline shows its structure and tags, and the keyboard moves the selection', async ({ shell, explorer }) => {
  await shell.clickSection('explorer');
  await explorer.waitLoaded();
  await explorer.row('global-api').click();
  const details = explorer.details;
  await expect(details.stages).toContainText('DeployEU');
  await expect(details.stages).toContainText('eu-west-1');
  await expect(details.tags).toContainText('app');
  await expect(details.consoleLink).toHaveCount(0); // sandbox pipelines have no console
  await explorer.grid.press('ArrowDown');
  await expect(details.title).toHaveText('infra-network');
  await explorer.grid.press('Escape');
  await expect(details.root).toHaveCount(0);
});

test('a failed pipeline shows its failed action and error, and "Watch live" opens it in Executions', async ({ shell, explorer, page }) => {
  await shell.clickSection('explorer');
  await explorer.waitLoaded();
  await explorer.row('apac-search').click();
  const details = explorer.details;
  await expect(details.failedActions).toContainText('Build / Build');
  await expect(details.failedActions).toContainText('Injected failure of Build');
  await details.watchLive();
  await shell.expectSection('executions');
  const live = new ExecutionsPage(page);
  await expect(live.liveView).toHaveAttribute('data-pipeline', 'apac-search');
  await expect(live.action('Build', 'Build')).toHaveAttribute('data-status', 'Failed', { timeout: 20_000 });
  expect(page.url()).toMatch(/#\/executions\/sandbox-prod\/ap-southeast-2\/apac-search$/);
});
