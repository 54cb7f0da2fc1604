// bench/designer: a design at the service maximum (50 stages x 10 actions) in
// headless Chromium: time to first full render, frame times while dragging an
// action, and validate + export time. Baselines from the same run: a 3-stage
// design's render, and idle frame times.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { frameTimes, median, p95 } from '../support/frames';
import { DESIGN_FORMAT_VERSION, type DesignFile } from '../../src/shared/pipeline/design-file';
import type { PipelineDeclaration } from '../../src/shared/pipeline/model';
import { validatePipeline } from '../../src/shared/pipeline/validate';
import { exportDesign } from '../../src/shared/pipeline/export';

function bigDesign(stages: number, perStage: number): DesignFile {
  const p: PipelineDeclaration = {
    name: `bench-${stages}x${perStage}`,
    roleArn: 'arn:aws:iam::123456789012:role/pipeline',
    artifactStore: { type: 'S3', location: 'bench-artifacts' },
    pipelineType: 'V2',
    stages: [
      { name: 'Source', actions: Array.from({ length: perStage }, (_, i) => ({ name: `Src${i}`, actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, runOrder: 1, configuration: { RepositoryName: `repo${i}`, BranchName: 'main' }, outputArtifacts: [{ name: `Src${i}` }] })) },
      ...Array.from({ length: stages - 1 }, (_, s) => ({
        name: `Stage${s + 1}`,
        actions: Array.from({ length: perStage }, (_, i) => ({
          name: `Build${i}`,
          actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
          runOrder: 1 + (i % 3),
          configuration: { ProjectName: `p${s}-${i}` },
          inputArtifacts: [{ name: `Src${i}` }],
        })),
      })),
    ],
  };
  return { formatVersion: DESIGN_FORMAT_VERSION, pipeline: p, origin: { kind: 'new' } };
}

let server: ChildProcess;
let browser: Browser;
let page: Page;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pw-bench-designer-'));
  server = spawn(process.execPath, ['bin/pipewright.js', 'web', '--no-open', '--sandbox'], { env: { ...process.env, HOME: dir, PIPEWRIGHT_HOME: join(dir, 'pw') }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /Open: (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url);
  await page.getByTestId('app-ready').waitFor();
  await page.getByTestId('nav-designer').click();
  await page.getByTestId('designer').waitFor();
});

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function openAndTime(design: DesignFile): Promise<number> {
  const file = join(dir, `${design.pipeline.name}.pipewright.json`);
  writeFileSync(file, JSON.stringify(design));
  const count = design.pipeline.stages.reduce((n, s) => n + s.actions.length, 0);
  const t0 = Date.now();
  await page.getByTestId('designer-file').setInputFiles(file);
  // In-page functions see the page's globals; this file is type-checked without the DOM library.
  await page.waitForFunction(
    (n: number) => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
      return doc.querySelectorAll('[data-testid=action-node]').length === n && doc.querySelectorAll('.react-flow__node[style*="visibility: hidden"]').length === 0;
    },
    count,
    { polling: 'raf', timeout: 60_000 },
  );
  // One more frame: painted.
  await page.evaluate(() => new Promise((r) => (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame(() => r(null))));
  return Date.now() - t0;
}


it('designer at 50 stages x 10 actions', async () => {
  const small = await openAndTime(bigDesign(3, 3));
  const big = bigDesign(50, 10);
  const render = await openAndTime(big);

  const idle = await frameTimes(page, () => page.waitForTimeout(1500));
  // Drag an action of the first visible build stage around the canvas.
  const node = page.locator('[data-testid=action-node][data-action="Build4"]').first();
  await page.getByTestId('designer-canvas').click({ position: { x: 10, y: 10 } });
  const box = (await node.boundingBox())!;
  const drag = await frameTimes(page, async () => {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 0; i < 60; i++) await page.mouse.move(box.x + box.width / 2 + i * 3, box.y + box.height / 2 + i * 2, { steps: 1 });
    await page.mouse.up();
  });

  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    validatePipeline(big.pipeline, { region: 'us-east-1' });
    exportDesign(big, 'cfn-yaml');
    times.push(performance.now() - t0);
  }
  const lines = [
    '',
    'bench/designer (50 stages x 10 actions = 500 actions, headless Chromium, 1600x1000)',
    `first full render: ${render} ms (baseline 3x3 design: ${small} ms; ratio ${(render / small).toFixed(1)}x) — target < 1000 ms`,
    `frame time while dragging: p95 ${p95(drag).toFixed(1)} ms, median ${median(drag).toFixed(1)} ms over ${drag.length} frames (idle baseline p95 ${p95(idle).toFixed(1)} ms; ratio ${(p95(drag) / p95(idle)).toFixed(2)}x) — target p95 < 16 ms`,
    `validate + export (cfn-yaml): median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${times.length} runs — target < 50 ms`,
  ];
  console.log(lines.join('\n'));
  expect(render).toBeGreaterThan(0);
});
