// The designer's first hour at 1440 px: readable zoom whatever the width (the
// first stages framed, the minimap to navigate), collapsible side panels, the
// palette's single click, + Stage brought into view, undo/redo that follow the
// history, the dark theme on React Flow's own parts, an honest export dialog,
// and Deploy that says why it is disabled.
import { test, expect } from './support/fixtures';
import { DesignerPage } from './support/designer-page';
import type { Page } from '@playwright/test';

test.use({ viewport: { width: 1440, height: 900 } });

async function zoom(page: Page): Promise<number> {
  const t = await page.locator('.react-flow__viewport').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).transform);
  return Number(/matrix\(([-\d.]+)/.exec(t)?.[1] ?? 'NaN');
}

test('fit never goes below a readable zoom; panels collapse for room; + Stage is brought into view', async ({ shell, page }) => {
  const d = new DesignerPage(page);
  await shell.clickSection('designer');
  await page.getByTestId('designer-file').setInputFiles('test/fixtures/cfn/conditional-elements.yaml');
  await expect(d.stage('Deploy')).toHaveCount(1);
  await page.getByTestId('designer-fit').click();
  await expect.poll(() => zoom(page)).toBeGreaterThanOrEqual(0.75);
  // The first stage is framed, in full.
  const canvas = (await page.getByTestId('designer-canvas').boundingBox())!;
  const source = (await d.stage('Source').boundingBox())!;
  expect(source.x).toBeGreaterThanOrEqual(canvas.x);
  expect(source.x + source.width).toBeLessThanOrEqual(canvas.x + canvas.width);
  await expect(page.locator('.react-flow__minimap')).toBeVisible();

  // Both side panels collapse: the canvas gets their room.
  await page.getByTestId('toggle-palette').click();
  await page.getByTestId('toggle-side').click();
  await expect(page.getByTestId('palette')).toHaveCount(0);
  await expect(page.getByTestId('property-panel')).toHaveCount(0);
  const wider = (await page.getByTestId('designer-canvas').boundingBox())!;
  expect(wider.width).toBeGreaterThan(canvas.width + 400);
  await page.getByTestId('toggle-palette').click();
  await page.getByTestId('toggle-side').click();

  // + Stage lands at the end of a wide pipeline: the view moves to it, and it is selected.
  await page.getByTestId('designer-fit').click();
  await page.getByTestId('add-stage').click();
  await expect(page.getByTestId('prop-stage-name')).toHaveValue('Stage5');
  const added = d.stage('Stage5');
  await expect(added).toHaveClass(/\bselected\b/);
  await expect
    .poll(async () => {
      const b = await added.boundingBox();
      const c = (await page.getByTestId('designer-canvas').boundingBox())!;
      return !!b && b.x >= c.x && b.x + b.width <= c.x + c.width;
    })
    .toBe(true);
  expect(await zoom(page)).toBeGreaterThanOrEqual(0.75);
});

test('a fresh design has nothing to undo or redo; a palette click adds to the selected stage', async ({ shell, page }) => {
  const d = new DesignerPage(page);
  await shell.clickSection('designer');
  await page.getByTestId('designer-new').click();
  await expect(page.getByTestId('designer-undo')).toBeDisabled();
  await expect(page.getByTestId('designer-redo')).toBeDisabled();
  await expect(page.getByTestId('palette-hint')).toContainText('Click to add to the selected stage');

  await d.selectStage('Source');
  await d.paletteItem('Source/CodeCommit').click();
  // Action nodes are the stage's children in the flow, not in the page: counted on the canvas.
  await expect(d.actions).toHaveCount(1);
  await expect(d.actions.first()).toHaveClass(/\bselected\b/);
  await expect(page.getByTestId('toast-info').filter({ hasText: 'Added CodeCommit to Source' })).toBeVisible();
  // Nothing selected: the last stage.
  await page.getByTestId('designer-canvas').click({ position: { x: 5, y: 5 } });
  await d.paletteItem('Build/CodeBuild').click();
  await expect(page.getByTestId('toast-info').filter({ hasText: 'Added CodeBuild to Build' })).toBeVisible();
  await expect(d.actions).toHaveCount(2);

  await expect(page.getByTestId('designer-undo')).toBeEnabled();
  await page.getByTestId('designer-undo').click();
  await expect(page.getByTestId('designer-redo')).toBeEnabled();
  await expect(d.actions).toHaveCount(1);
});

test('export names its format and warns with the errors; deploy is disabled with the reason; the dark theme reaches the minimap and controls', async ({
  shell,
  page,
}) => {
  await shell.clickSection('designer');
  await page.getByTestId('designer-new').click();
  // An empty design: stages without actions are errors.
  await expect(page.getByTestId('designer-deploy')).toBeDisabled();
  await expect(page.getByTestId('deploy-blocked')).toContainText(/\d+ errors? to fix before deploying/);
  await expect(page.getByTestId('designer-deploy')).toHaveAttribute('title', /Fix the \d+ errors? under Problems first/);

  await page.getByTestId('designer-export').selectOption('cfn-yaml');
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Export as CloudFormation YAML');
  await expect(dialog.getByTestId('export-errors')).toContainText('The service would refuse this pipeline as it is');
  await expect(dialog.getByTestId('export-download')).toHaveText('Download anyway');
  // Each checkbox sits on the line of its label.
  for (const label of await dialog.locator('.export-options label').all()) {
    const box = (await label.locator('input').boundingBox())!;
    const text = (await label.locator('span').boundingBox())!;
    expect(Math.abs(box.y + box.height / 2 - (text.y + text.height / 2))).toBeLessThan(4);
    expect(text.x).toBeGreaterThan(box.x);
  }
  await dialog.getByRole('button', { name: 'Close' }).click();

  await shell.clickSection('accounts');
  await shell.themeSelect.selectOption('dark');
  await shell.clickSection('designer');
  await expect(page.locator('.react-flow')).toHaveClass(/\bdark\b/);
  const light = (color: string) => {
    const [r, g, b] = (color.match(/\d+/g) ?? []).map(Number);
    return (r + g + b) / 3 > 200;
  };
  const minimap = await page.locator('.react-flow__minimap').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
  const control = await page
    .locator('.react-flow__controls-button')
    .first()
    .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
  expect(light(minimap)).toBe(false);
  expect(light(control)).toBe(false);
});

test("Open… offers the workspace's live pipelines beside a file", async ({ shell, page }) => {
  const d = new DesignerPage(page);
  await shell.clickSection('designer');
  await page.getByTestId('designer-open').click();
  const dialog = page.getByTestId('open-dialog');
  await dialog.getByTestId('open-search').fill('web-frontend');
  await dialog.locator('[data-testid=open-pipeline][data-pipeline=web-frontend][data-profile=sandbox-staging]').click();
  await expect(page.getByTestId('designer-file-name')).toContainText('web-frontend.pipewright.json');
  await expect(d.action('ReleaseApproval')).toHaveCount(1);
  // The file route is still one click away.
  await page.getByTestId('designer-open').click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-file').click();
  await chooser;
});
