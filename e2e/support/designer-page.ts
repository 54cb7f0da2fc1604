// Page object for the designer: palette drags, canvas nodes, properties, problems.
import { expect, type Page } from '@playwright/test';

export class DesignerPage {
  constructor(readonly page: Page) {}

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
    const canvas = this.page.getByTestId('designer-canvas');
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
    await expect(this.page.getByTestId('designer-canvas')).toHaveAttribute('data-laid-out', 'yes');
    await this.fitView();
    await this.action(name).click();
    await expect(this.action(name)).toHaveClass(/\bselected\b/);
  }

  /** Selects a stage by its header, with the whole design in view. */
  async selectStage(name: string): Promise<void> {
    await expect(this.page.getByTestId('designer-canvas')).toHaveAttribute('data-laid-out', 'yes');
    await this.fitView();
    await this.stage(name).locator('.stage-header').click();
    await expect(this.stage(name)).toHaveClass(/\bselected\b/);
  }

  async fitView(): Promise<void> {
    await this.page.getByTestId('designer-canvas').click({ position: { x: 5, y: 5 } });
    await this.page.keyboard.press('f');
  }

  async setField(testId: string, value: string): Promise<void> {
    const el = this.page.getByTestId(testId);
    await el.fill(value);
  }
}
