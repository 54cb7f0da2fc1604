// The designer's first hour at 1440 px: readable zoom whatever the width (the
// first stages framed, the minimap to navigate), collapsible side panels, the
// palette's single click, + Stage brought into view, undo/redo that follow the
// history, the dark theme on React Flow's own parts, an honest export dialog,
// and Deploy that says why it is disabled.
import { test, expect } from './support/fixtures';
import { DesignerPage } from './support/designer-page';

test.use({ viewport: { width: 1440, height: 900 } });

test('fit never goes below a readable zoom; panels collapse for room; + Stage is brought into view', async ({ shell, page }) => {
  const d = new DesignerPage(page);
  await shell.clickSection('designer');
  await d.openFile('test/fixtures/cfn/conditional-elements.yaml');
  await expect(d.stage('Deploy')).toHaveCount(1);
  await d.fit();
  await expect.poll(() => d.zoom()).toBeGreaterThanOrEqual(0.75);
  // The first stage is framed, in full.
  const canvas = (await d.canvas.boundingBox())!;
  const source = (await d.stage('Source').boundingBox())!;
  expect(source.x).toBeGreaterThanOrEqual(canvas.x);
  expect(source.x + source.width).toBeLessThanOrEqual(canvas.x + canvas.width);
  await expect(d.minimap).toBeVisible();

  // Both side panels collapse: the canvas gets their room.
  await d.togglePalette();
  await d.toggleSidePanel();
  await expect(d.palette).toHaveCount(0);
  await expect(d.props.root).toHaveCount(0);
  const wider = (await d.canvas.boundingBox())!;
  expect(wider.width).toBeGreaterThan(canvas.width + 400);
  await d.togglePalette();
  await d.toggleSidePanel();

  // + Stage lands at the end of a wide pipeline: the view moves to it, and it is selected.
  await d.fit();
  await d.addStage();
  await expect(d.props.stageName).toHaveValue('Stage5');
  const added = d.stage('Stage5');
  await expect(added).toHaveClass(/\bselected\b/);
  await expect
    .poll(async () => {
      const b = await added.boundingBox();
      const c = (await d.canvas.boundingBox())!;
      return !!b && b.x >= c.x && b.x + b.width <= c.x + c.width;
    })
    .toBe(true);
  expect(await d.zoom()).toBeGreaterThanOrEqual(0.75);
});

test('a fresh design has nothing to undo or redo; a palette click adds to the selected stage', async ({ shell, page }) => {
  const d = new DesignerPage(page);
  await shell.clickSection('designer');
  await d.newDesign();
  await expect(d.undo).toBeDisabled();
  await expect(d.redo).toBeDisabled();
  await expect(d.paletteHint).toContainText('Click to add to the selected stage');

  await d.selectStage('Source');
  await d.paletteItem('Source/CodeCommit').click();
  // Action nodes are the stage's children in the flow, not in the page: counted on the canvas.
  await expect(d.actions).toHaveCount(1);
  await expect(d.actions.first()).toHaveClass(/\bselected\b/);
  await expect(shell.toasts('info', 'Added CodeCommit to Source')).toBeVisible();
  // Nothing selected: the last stage.
  await d.clearSelection();
  await d.paletteItem('Build/CodeBuild').click();
  await expect(shell.toasts('info', 'Added CodeBuild to Build')).toBeVisible();
  await expect(d.actions).toHaveCount(2);

  await expect(d.undo).toBeEnabled();
  await d.undo.click();
  await expect(d.redo).toBeEnabled();
  await expect(d.actions).toHaveCount(1);
});

test('export names its format and warns with the errors; deploy is disabled with the reason; the dark theme reaches the minimap and controls', async ({
  shell,
  page,
}) => {
  const d = new DesignerPage(page);
  await shell.clickSection('designer');
  await d.newDesign();
  // An empty design: stages without actions are errors.
  await expect(d.deployButton).toBeDisabled();
  await expect(d.deployBlocked).toContainText(/\d+ errors? to fix before deploying/);
  await expect(d.deployButton).toHaveAttribute('title', /Fix the \d+ errors? under Problems first/);

  await d.exportAs('cfn-yaml');
  const dialog = d.exportDialog;
  await expect(dialog.heading).toHaveText('Export as CloudFormation YAML');
  await expect(dialog.errors).toContainText('The service would refuse this pipeline as it is');
  await expect(dialog.download).toHaveText('Download anyway');
  // Each checkbox sits on the line of its label.
  for (const label of await dialog.optionLabels.all()) {
    const parts = dialog.optionParts(label);
    const box = (await parts.box.boundingBox())!;
    const text = (await parts.text.boundingBox())!;
    expect(Math.abs(box.y + box.height / 2 - (text.y + text.height / 2))).toBeLessThan(4);
    expect(text.x).toBeGreaterThan(box.x);
  }
  await dialog.close();

  await shell.clickSection('accounts');
  await shell.themeSelect.selectOption('dark');
  await shell.clickSection('designer');
  await expect(d.flow).toHaveClass(/\bdark\b/);
  const light = (color: string) => {
    const [r, g, b] = (color.match(/\d+/g) ?? []).map(Number);
    return (r + g + b) / 3 > 200;
  };
  const minimap = await d.minimap.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
  const control = await d.controlButtons.first().evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
  expect(light(minimap)).toBe(false);
  expect(light(control)).toBe(false);
});

test("Open… offers the workspace's live pipelines beside a file", async ({ shell, page }) => {
  const d = new DesignerPage(page);
  await shell.clickSection('designer');
  await d.openOpenDialog();
  const dialog = d.openDialog;
  await dialog.search.fill('web-frontend');
  await dialog.openPipeline('web-frontend', 'sandbox-staging');
  await expect(d.fileName).toContainText('web-frontend.pipewright.json');
  await expect(d.action('ReleaseApproval')).toHaveCount(1);
  // The file route is still one click away.
  await d.openOpenDialog();
  const chooser = page.waitForEvent('filechooser');
  await dialog.openFile.click();
  await chooser;
});
