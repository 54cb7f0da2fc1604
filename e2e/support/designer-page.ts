// Page object for the designer: the toolbar, palette drags, canvas nodes and
// artifact edges, the property panel, problems, and its dialogs (open, export,
// deploy), each a page object of its own below.
import { expect, type Locator, type Page } from '@playwright/test';

type FileToOpen = string | { name: string; mimeType: string; buffer: Buffer };

export class DesignerPage {
  readonly props: PropertyPanel;
  readonly exportDialog: ExportDialog;
  readonly deployDialog: DeployDialog;
  readonly openDialog: OpenDialog;
  constructor(readonly page: Page) {
    this.props = new PropertyPanel(page);
    this.exportDialog = new ExportDialog(page);
    this.deployDialog = new DeployDialog(page);
    this.openDialog = new OpenDialog(page);
  }

  // The toolbar.
  async newDesign(): Promise<void> {
    await this.page.getByTestId('designer-new').click();
  }
  /** Opens a file (a design, get-pipeline JSON or a template) through the toolbar's file input. */
  async openFile(file: FileToOpen): Promise<void> {
    await this.page.getByTestId('designer-file').setInputFiles(file);
  }
  /** "Open…": the dialog offering the workspace's live pipelines beside a file. */
  async openOpenDialog(): Promise<void> {
    await this.page.getByTestId('designer-open').click();
  }
  get fileName() {
    return this.page.getByTestId('designer-file-name');
  }
  async fit(): Promise<void> {
    await this.page.getByTestId('designer-fit').click();
  }
  get undo() {
    return this.page.getByTestId('designer-undo');
  }
  get redo() {
    return this.page.getByTestId('designer-redo');
  }
  /** Picks an export format: the export dialog opens. */
  async exportAs(format: 'cfn-yaml' | 'cfn-json' | 'cli-json'): Promise<void> {
    await this.page.getByTestId('designer-export').selectOption(format);
  }
  get deployButton() {
    return this.page.getByTestId('designer-deploy');
  }
  /** Why Deploy is disabled. */
  get deployBlocked() {
    return this.page.getByTestId('deploy-blocked');
  }
  async addStage(): Promise<void> {
    await this.page.getByTestId('add-stage').click();
  }
  async togglePalette(): Promise<void> {
    await this.page.getByTestId('toggle-palette').click();
  }
  async toggleSidePanel(): Promise<void> {
    await this.page.getByTestId('toggle-side').click();
  }

  // The palette.
  get palette() {
    return this.page.getByTestId('palette');
  }
  get paletteHint() {
    return this.page.getByTestId('palette-hint');
  }

  // The canvas (React Flow's own parts have no test ids: their class names are React Flow's API).
  get canvas() {
    return this.page.getByTestId('designer-canvas');
  }
  get flow() {
    return this.page.locator('.react-flow');
  }
  get viewport() {
    return this.page.locator('.react-flow__viewport');
  }
  get minimap() {
    return this.page.locator('.react-flow__minimap');
  }
  get controlButtons() {
    return this.page.locator('.react-flow__controls-button');
  }
  /** The canvas's zoom, read from its viewport's transform. */
  async zoom(): Promise<number> {
    const t = await this.viewport.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).transform);
    return Number(/matrix\(([-\d.]+)/.exec(t)?.[1] ?? 'NaN');
  }
  /** A click on an empty spot of the canvas: nothing selected (the pipeline's own properties show). */
  async clearSelection(): Promise<void> {
    await this.canvas.click({ position: { x: 5, y: 5 } });
  }
  /** The runOrder badge of an action. */
  runOrder(action: string) {
    return this.action(action).locator('.run-order');
  }
  /** The "if Condition" badge of a conditional stage or action. */
  conditionBadge(node: Locator) {
    return node.getByTestId('condition-badge');
  }
  /** The artifact edges carrying one artifact, producer to consumer. */
  artifactEdges(artifact: string) {
    return this.page.locator(`[data-testid=artifact-edge][data-artifact="${artifact}"]`);
  }
  edgeLabel(edge: Locator) {
    return edge.locator('text');
  }
  edgePath(edge: Locator) {
    return edge.locator('path');
  }

  // Problems.
  get issueCounts() {
    return this.page.getByTestId('issue-counts');
  }

  // A template with several pipelines asks which to open.
  get resourceChooser() {
    return this.page.getByTestId('resource-chooser');
  }
  async chooseResource(name: string): Promise<void> {
    await this.page.getByTestId('choose-resource').filter({ hasText: name }).click();
  }

  stage(name: string) {
    return this.page.locator(`[data-testid=stage-node][data-stage="${name}"]`);
  }
  action(name: string) {
    return this.page.locator(`[data-testid=action-node][data-action="${name}"]`);
  }
  get actions() {
    return this.page.getByTestId('action-node');
  }
  get issues() {
    return this.page.getByTestId('issue');
  }
  paletteItem(provider: string) {
    return this.page.locator(`[data-testid=palette-item][data-provider="${provider}"]`);
  }

  /** Drags a provider into a stage, at a height inside it (pixels from the stage's top). */
  async drop(provider: string, stage: string, y = 80): Promise<void> {
    const before = await this.actions.count();
    const box = await this.stage(stage).boundingBox();
    const canvas = this.canvas;
    const c = await canvas.boundingBox();
    if (!box || !c) throw new Error(`stage ${stage} is not on screen`);
    // Drop on the canvas at the stage's spot: actions already in the stage may cover it.
    await this.paletteItem(provider).dragTo(canvas, { targetPosition: { x: box.x - c.x + box.width / 2, y: box.y - c.y + Math.min(y, box.height - 5) } });
    await expect(this.actions).toHaveCount(before + 1);
  }

  /** Drags an action on the canvas into a stage: to the bottom (a new row), or level with another action (its row). */
  async moveAction(name: string, stage: string, to: 'bottom' | { beside: string }): Promise<void> {
    await this.fitView();
    const box = await this.stage(stage).boundingBox();
    const from = await this.action(name).boundingBox();
    const beside = typeof to === 'object' ? await this.action(to.beside).boundingBox() : null;
    if (!box || !from) throw new Error('not on screen');
    const y = beside ? beside.y + beside.height / 2 : box.y + box.height - 6;
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + box.width / 2, y, { steps: 12 });
    await this.page.mouse.up();
  }

  /**
   * Selects an action as a user would: with the whole design in view first. A node
   * half under the side panel makes the browser scroll React Flow's clipped
   * wrapper, which React Flow undoes, so a click there can miss.
   */
  async selectAction(name: string): Promise<void> {
    await expect(this.canvas).toHaveAttribute('data-laid-out', 'yes');
    await this.fitView();
    await this.action(name).click();
    await expect(this.action(name)).toHaveClass(/\bselected\b/);
  }

  /** Selects a stage by its header, with the whole design in view. */
  async selectStage(name: string): Promise<void> {
    await expect(this.canvas).toHaveAttribute('data-laid-out', 'yes');
    await this.fitView();
    await this.stage(name).locator('.stage-header').click();
    await expect(this.stage(name)).toHaveClass(/\bselected\b/);
  }

  async fitView(): Promise<void> {
    await this.clearSelection();
    await this.page.keyboard.press('f');
  }

  async setField(testId: string, value: string): Promise<void> {
    const el = this.page.getByTestId(testId);
    await el.fill(value);
  }
}

/** The property panel: the selected action's, stage's or pipeline's properties. */
export class PropertyPanel {
  constructor(readonly page: Page) {}
  get root() {
    return this.page.getByTestId('property-panel');
  }
  get stageName() {
    return this.page.getByTestId('prop-stage-name');
  }
  get pipelineName() {
    return this.page.getByTestId('prop-pipeline-name');
  }
  get artifactBucket() {
    return this.page.getByTestId('prop-bucket');
  }
  /** An action's configuration field, by its key (RepositoryName, ActionMode…). */
  config(key: string) {
    return this.page.getByTestId(`config-${key}`);
  }
  get variables() {
    return this.page.getByTestId('variable-row');
  }
  variableName(row: Locator) {
    return row.getByTestId('variable-name');
  }
  variableDescription(row: Locator) {
    return row.getByTestId('variable-description');
  }
  get onFailure() {
    return this.page.getByTestId('stage-on-failure');
  }
  get retryMode() {
    return this.page.getByTestId('stage-retry-mode');
  }
  /** A stage condition's editor: beforeEntry, onSuccess or onFailure. */
  condition(kind: 'beforeEntry' | 'onSuccess' | 'onFailure') {
    const root = this.page.getByTestId(`conditions-${kind}`);
    return {
      root,
      /** A rule's configuration field, by its key (Cron, AlarmName…). */
      ruleConfig: (key: string) => root.getByTestId(`rule-config-${key}`),
      result: root.getByTestId('condition-result'),
    };
  }
  /** A conditional element's two ways: used when the condition is true, and left out. */
  get conditionalBranches() {
    return this.page.getByTestId('conditional-branches');
  }
  get conditionalOther() {
    return this.page.getByTestId('conditional-other');
  }
}

/** The export dialog: the format named, the errors warned about, the text and its download. */
export class ExportDialog {
  constructor(readonly page: Page) {}
  get root() {
    return this.page.getByTestId('export-dialog');
  }
  get heading() {
    return this.root.getByRole('heading');
  }
  get errors() {
    return this.root.getByTestId('export-errors');
  }
  get text() {
    return this.page.getByTestId('export-text');
  }
  get download() {
    return this.page.getByTestId('export-download');
  }
  /** Each option's label, with its checkbox (input) and text (span). */
  get optionLabels() {
    return this.root.locator('.export-options label');
  }
  optionParts(label: Locator) {
    return { box: label.locator('input'), text: label.locator('span') };
  }
  async close(): Promise<void> {
    await this.page.getByRole('button', { name: 'Close' }).click();
  }
}

/** The deploy dialog: where to, the diff with what is live, the result. */
export class DeployDialog {
  constructor(readonly page: Page) {}
  get profile() {
    return this.page.getByTestId('deploy-profile');
  }
  get region() {
    return this.page.getByTestId('deploy-region');
  }
  async review(): Promise<void> {
    await this.page.getByTestId('deploy-review').click();
  }
  get diff() {
    return this.page.getByTestId('deploy-diff');
  }
  async confirm(): Promise<void> {
    await this.page.getByTestId('deploy-confirm').click();
  }
  get result() {
    return this.page.getByTestId('deploy-result');
  }
  async close(): Promise<void> {
    await this.page.getByRole('button', { name: 'Close' }).click();
  }
}

/** "Open…": the workspace's live pipelines, searchable, and the file route. */
export class OpenDialog {
  constructor(readonly page: Page) {}
  get root() {
    return this.page.getByTestId('open-dialog');
  }
  get search() {
    return this.root.getByTestId('open-search');
  }
  async openPipeline(name: string, profile: string): Promise<void> {
    await this.root.locator(`[data-testid=open-pipeline][data-pipeline="${name}"][data-profile="${profile}"]`).click();
  }
  get openFile() {
    return this.page.getByTestId('open-file');
  }
}
