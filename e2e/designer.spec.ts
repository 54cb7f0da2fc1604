// The designer as a user meets it: build a pipeline from the palette, fix what
// the problems panel points to, undo and redo, export YAML that passes the
// official schema, deploy to a sandbox account and find it in the explorer,
// and round-trip the demo's cross-region pipeline.
import { readFileSync } from 'node:fs';
import { CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { test, expect } from './support/fixtures';
import { DesignerPage } from './support/designer-page';
import { parseTemplateText } from '../src/shared/pipeline/template';
import { schemaErrors } from '../test/helpers/cfn-schema';
import { DEFAULT_ACCOUNTS } from '../src/sandbox/config';

// Three stages fit a 1600 px window at a readable zoom with both side panels open (the readability test below uses 1440).
test.use({ viewport: { width: 1600, height: 900 } });

test('build, fix, undo and redo, export, deploy, and see it in the explorer', async ({ shell, page, explorer }) => {
  const d = new DesignerPage(page);
  // Layout runs in its Web Worker here, not in the main-thread fallback.
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await shell.clickSection('designer');
  await d.newDesign();
  await expect(d.stage('Source')).toBeVisible();

  // 1. Source; Build with two parallel CodeBuild actions; Deploy with an approval, then CloudFormation.
  await d.drop('Source/CodeCommit', 'Source');
  await d.drop('Build/CodeBuild', 'Build', 80);
  await d.drop('Build/CodeBuild', 'Build', 80); // same row: runOrder 1, side by side
  await expect(d.runOrder('CodeBuild')).toHaveText('1');
  await expect(d.runOrder('CodeBuild2')).toHaveText('1');
  await d.addStage();
  await d.props.stageName.fill('Deploy');
  await d.fitView();
  await d.drop('Approval/Manual', 'Deploy', 80);
  const deployBox = (await d.stage('Deploy').boundingBox())!;
  await d.drop('Deploy/CloudFormation', 'Deploy', deployBox.height - 10); // below: runOrder 2
  await expect(d.runOrder('CloudFormation')).toHaveText('2');
  // Dragging an action within its stage changes its runOrder: below the row is a new row.
  await d.moveAction('CodeBuild2', 'Build', 'bottom');
  await expect(d.runOrder('CodeBuild2')).toHaveText('2');
  await d.moveAction('CodeBuild2', 'Build', { beside: 'CodeBuild' });
  await expect(d.runOrder('CodeBuild2')).toHaveText('1');
  // Artifact flow: the source's output feeds both builds, as labelled edges from producer to consumer.
  const flow = d.artifactEdges('SourceOutput');
  await expect(flow).toHaveCount(2);
  await expect(d.edgeLabel(flow.first())).toHaveText('SourceOutput');
  const producer = (await d.action('Source').boundingBox())!;
  const consumers = await Promise.all(['CodeBuild', 'CodeBuild2'].map(async (n) => (await d.action(n).boundingBox())!));
  const ends = await Promise.all([0, 1].map(async (i) => (await d.edgePath(flow.nth(i)).boundingBox())!));
  for (const end of ends) expect(Math.abs(end.x - (producer.x + producer.width))).toBeLessThan(4);
  const arrowTips = ends.map((e) => e.x + e.width).sort((a, b) => a - b);
  const consumerLefts = consumers.map((c) => c.x).sort((a, b) => a - b);
  arrowTips.forEach((tip, i) => expect(Math.abs(tip - consumerLefts[i])).toBeLessThan(4));

  // 2. The problems panel points at what is missing; fix it from there.
  const missingRepo = d.issues.filter({ hasText: 'CodeCommit needs RepositoryName' });
  await expect(missingRepo).toHaveCount(1);
  await missingRepo.click();
  await expect(d.props.config('RepositoryName')).toBeFocused();
  await page.keyboard.type('web-app');
  await expect(missingRepo).toHaveCount(0);
  // Fill the rest the same way, through the issues.
  for (const [text, value] of [
    ['CodeCommit needs BranchName', 'main'],
    ['CodeBuild needs ProjectName', 'build'],
    ['CodeBuild needs ProjectName', 'unit-tests'],
    ['CloudFormation needs StackName', 'web-app'],
  ] as const) {
    await d.issues.filter({ hasText: text }).first().click();
    await page.keyboard.type(value);
  }
  await expect(d.issueCounts).toHaveText(/^0 errors/);
  await d.selectAction('CloudFormation');
  await d.props.config('ActionMode').selectOption('CREATE_UPDATE');

  // 3. Undo and redo.
  await d.selectAction('CodeBuild2');
  await page.keyboard.press('Delete');
  await expect(d.actions).toHaveCount(4);
  await page.keyboard.press('Control+z');
  await expect(d.actions).toHaveCount(5);
  await page.keyboard.press('Control+Shift+z');
  await expect(d.actions).toHaveCount(4);
  await page.keyboard.press('Control+z');
  await expect(d.action('CodeBuild2')).toBeVisible();

  // 4. Export YAML and check it against the official schema.
  await d.exportAs('cfn-yaml');
  const yaml = await d.exportDialog.text.textContent();
  const doc = parseTemplateText(yaml ?? '').doc as Record<string, never>;
  expect(schemaErrors(doc)).toEqual([]);
  expect(yaml).toContain('Provider: CodeBuild');
  const download = page.waitForEvent('download');
  await d.exportDialog.download.click();
  expect(readFileSync(await (await download).path(), 'utf8')).toBe(yaml);
  await d.exportDialog.close();

  // 5. Deploy to a sandbox account, then find it in the explorer.
  await d.clearSelection();
  await d.props.pipelineName.fill('e2e-designed');
  await d.props.artifactBucket.fill('codepipeline-us-east-1-111111111111');
  await d.deployButton.click();
  const deploy = d.deployDialog;
  await deploy.profile.selectOption('sandbox-dev');
  await deploy.region.selectOption('us-east-1');
  await deploy.review();
  await expect(deploy.diff).toContainText('Create pipeline e2e-designed');
  await deploy.confirm();
  await expect(deploy.result).toContainText('Created arn:aws:codepipeline:us-east-1:111111111111:e2e-designed');
  await deploy.close();
  await shell.clickSection('explorer');
  await explorer.refresh();
  await expect(explorer.row('e2e-designed')).toBeVisible();
  expect(warnings.filter((w) => /layout worker/.test(w))).toEqual([]);
});

test('the demo cross-region pipeline imports and exports back identically', async ({ shell, page, explorer, app }) => {
  await shell.clickSection('explorer');
  await explorer.waitLoaded();
  await explorer.row('global-api').click();
  await explorer.details.openInDesigner();
  await shell.expectSection('designer');
  const d = new DesignerPage(page);
  await expect(d.action('DeployEU')).toContainText('eu-west-1');
  await expect(d.issueCounts).toHaveText(/^0 errors/);
  await d.exportAs('cli-json');
  const exported = JSON.parse((await d.exportDialog.text.textContent()) ?? '{}');
  const prod = DEFAULT_ACCOUNTS[2];
  const cp = new CodePipelineClient({
    endpoint: app.sandboxEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: prod.accessKeyId, secretAccessKey: prod.secretAccessKey },
  });
  const { version: _v, ...live } = (await cp.send(new GetPipelineCommand({ name: 'global-api' }))).pipeline as unknown as Record<string, unknown>;
  expect(exported.pipeline).toEqual(live);
  expect(Object.keys(exported.pipeline.artifactStores)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
});

test('opening a template with several pipelines asks which; a malformed file loses nothing', async ({ shell, page }) => {
  const d = new DesignerPage(page);
  await shell.clickSection('designer');
  await d.openFile('test/fixtures/cfn/multi-pipeline.yaml');
  await expect(d.resourceChooser).toContainText('2 AWS::CodePipeline::Pipeline resources');
  await d.chooseResource('AppPipeline');
  await expect(d.stage('Deploy')).toBeVisible();
  await d.selectAction('Approve');
  // Intrinsics show read-only, as they are.
  await expect(d.props.root).toContainText('!If');
  await d.clearSelection();
  await expect(d.props.root).toContainText('!Sub ${AWS::StackName}-app');
  // A variable whose default is an intrinsic shows it read-only, never the internal token.
  const deployEnv = d.props.variables.first();
  await expect(d.props.variableName(deployEnv)).toHaveValue('DeployEnv');
  await expect(deployEnv).toContainText('!Ref Env');
  await expect(d.props.variableDescription(deployEnv)).toHaveValue('Target');
  await expect(d.props.root).not.toContainText('\u27E6');
  // V2 stage behaviour as imported: a retry on failure, a deployment window on entry, an alarm on success.
  await d.selectStage('Build');
  await expect(d.props.onFailure).toHaveValue('RETRY');
  await expect(d.props.retryMode).toHaveValue('FAILED_ACTIONS');
  await d.selectStage('Deploy');
  await expect(d.props.condition('beforeEntry').ruleConfig('Cron')).toHaveValue('0 9-17 ? * MON-FRI *');
  await expect(d.props.condition('onSuccess').ruleConfig('AlarmName')).toHaveValue('app-errors');
  await expect(d.props.condition('onSuccess').result).toHaveValue('ROLLBACK');
  await d.openFile({ name: 'broken.yaml', mimeType: 'text/yaml', buffer: Buffer.from('Resources:\n  P:\n    Type: [oops\n') });
  await expect(shell.toasts('error').last()).toContainText(/line \d+, column \d+/);
  await expect(d.stage('Deploy')).toBeVisible();
  await expect(d.fileName).toContainText('AppPipeline');
});

test('a template with conditional elements opens: badges on the canvas, both branches in the panel, both validated', async ({ shell, page }) => {
  const d = new DesignerPage(page);
  await shell.clickSection('designer');
  await d.openFile('test/fixtures/cfn/conditional-elements.yaml');
  await expect(d.stage('Approve')).toBeVisible();
  await expect(d.conditionBadge(d.stage('Approve'))).toHaveText('if IsProd');
  await expect(d.conditionBadge(d.action('SecurityScan'))).toHaveText('if IsProd');
  await d.selectAction('SecurityScan');
  await expect(d.props.conditionalBranches).toContainText('used when IsProd is true');
  await expect(d.props.conditionalOther).toContainText('left out');
  // The way without the scan is checked too: the report it produces is read later.
  await expect(d.issues.filter({ hasText: 'when IsProd is false (SecurityScan left out)' })).toHaveCount(1);
});
