// A pipeline's graph layout with elkjs, shared by the designer's canvas and the
// executions' live graph: stages left to right, and inside each stage the
// actions in runOrder rows (equal runOrder side by side, higher lower down).
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { PipelineDeclaration, StageDeclaration } from '../../../shared/pipeline/model';
import { effectiveRunOrder } from '../../../shared/pipeline/model';

export const ACTION_W = 210;
export const ACTION_H = 64;
const STAGE_HEADER = 44;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Layout {
  stages: Box[];
  /** Relative to the stage. */
  actions: Box[][];
  /** Per stage: the runOrder rows, top to bottom, with their vertical bands (relative). */
  rows: Array<Array<{ runOrder: number; y0: number; y1: number }>>;
}

/** Something that runs elk layouts: elk's in-thread build, or a Web Worker (`elk-workers.ts`). */
export interface LayoutEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

/** elk on the calling thread (Node tests, or where a worker cannot start); loaded on first use. */
export async function inThreadEngine(): Promise<LayoutEngine> {
  const { default: BundledElk } = await import('elkjs/lib/elk.bundled.js');
  return new BundledElk();
}

let startEngine = inThreadEngine;
let engine: Promise<LayoutEngine> | null = null;

/** Chooses how the engine starts (the canvas passes its worker); it starts at the first layout. */
export function setLayoutEngine(start: () => Promise<LayoutEngine>): void {
  startEngine = start;
}

const layoutEngine = () => (engine ??= startEngine());

/** A stage laid out on its own: its size and its actions' boxes (relative). */
interface StageShape {
  w: number;
  h: number;
  actions: Box[];
}

/**
 * A stage's layout depends only on its actions' runOrders, in order (every action
 * box has the same size). Shapes are cached, so an edit re-lays out only the stage
 * it changed, and stages of the same shape (common in real pipelines) cost one.
 */
const shapeCache = new Map<string, StageShape>();
const SHAPE_CACHE_MAX = 512;
let shapesLaidOut = 0;

/** How many stage shapes elk has laid out since the page loaded (for tests). */
export const layoutStats = () => ({ shapesLaidOut, cached: shapeCache.size });

const shapeKey = (s: StageDeclaration) => s.actions.map(effectiveRunOrder).join(',');

function stageGraph(id: string, runOrders: number[]) {
  const orders = [...new Set(runOrders)].sort((a, b) => a - b);
  // One edge into each action from the first action of the previous runOrder group is
  // enough to put each group on its own layer (and keeps large stages cheap to lay out).
  const edges = orders.slice(1).flatMap((o, i) => {
    const anchor = runOrders.indexOf(orders[i]);
    return runOrders.flatMap((r, ai) => (r === o ? [{ id: `${id}-e-${anchor}-${ai}`, sources: [`${id}-a-${anchor}`], targets: [`${id}-a-${ai}`] }] : []));
  });
  return {
    id,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.padding': `[top=${STAGE_HEADER + 10},left=16,bottom=16,right=16]`,
      'elk.layered.spacing.nodeNodeBetweenLayers': '24',
      'elk.spacing.nodeNode': '16',
      'elk.nodeSize.minimum': `(${ACTION_W + 32}, 140)`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
      'elk.layered.thoroughness': '1',
      // One runOrder group is one layer: keep unconnected actions side by side, not stacked.
      'elk.separateConnectedComponents': 'false',
      // Parallel actions read left to right in the order they are declared.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: runOrders.map((_, ai) => ({ id: `${id}-a-${ai}`, width: ACTION_W, height: ACTION_H })),
    edges,
  };
}

function remember<V>(cache: Map<string, V>, max: number, key: string, value: V): void {
  if (cache.size >= max) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}

/**
 * Stage graphs of assorted shapes, for warming an engine up in the background: elk's
 * first layouts run cold (class set-up, then the JIT), several times slower than later ones.
 */
export function warmUpGraph(part: number): ElkNode {
  const shapes = Array.from({ length: 6 }, (_, j) => Array.from({ length: 2 + ((part + j) % 9) }, (_, i) => 1 + ((i * (j + 1) + part) % (1 + (j % 4)))));
  return { id: 'warm-up', layoutOptions: { 'elk.algorithm': 'org.eclipse.elk.fixed' }, children: shapes.map((ro, j) => stageGraph(`w${j}`, ro)) };
}

/** Lays out the shapes not in the cache, all in one elk call (each stage is its own child graph). */
async function layOutShapes(keys: string[]): Promise<void> {
  const missing = [...new Set(keys)].filter((k) => !shapeCache.has(k));
  if (!missing.length) return;
  const out = await (
    await layoutEngine()
  ).layout({
    id: 'shapes',
    // The root's own arrangement is irrelevant: only each stage's inside is read.
    layoutOptions: { 'elk.algorithm': 'org.eclipse.elk.fixed' },
    children: missing.map((k, j) => stageGraph(`k${j}`, k ? k.split(',').map(Number) : [])),
  });
  (out.children ?? []).forEach((sn, j) => {
    const actions = (sn.children ?? []).map((an) => ({ x: an.x ?? 0, y: an.y ?? 0, w: an.width ?? ACTION_W, h: an.height ?? ACTION_H }));
    // elk gives a stage without actions no size: it gets the minimum.
    remember(shapeCache, SHAPE_CACHE_MAX, missing[j], { w: Math.max(sn.width ?? 0, ACTION_W + 32), h: Math.max(sn.height ?? 0, 140), actions });
    shapesLaidOut++;
  });
}

/** Stage x positions, by the stages' sizes (cached: most edits do not change them). */
const columnCache = new Map<string, number[]>();

async function layOutColumns(shapes: StageShape[]): Promise<number[]> {
  const key = shapes.map((sh) => `${sh.w}x${sh.h}`).join(';');
  const known = columnCache.get(key);
  if (known) return known;
  // Stages left to right, as fixed-size boxes joined by their transitions.
  const top = await (
    await layoutEngine()
  ).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
      'elk.layered.thoroughness': '1',
      'elk.alignment': 'TOP',
    },
    children: shapes.map((sh, si) => ({ id: `s-${si}`, width: sh.w, height: sh.h })),
    edges: shapes.slice(1).map((_, i) => ({ id: `t-${i}`, sources: [`s-${i}`], targets: [`s-${i + 1}`] })),
  });
  const xs = (top.children ?? []).map((sn) => sn.x ?? 0);
  remember(columnCache, 64, key, xs);
  return xs;
}

export async function layoutPipeline(p: PipelineDeclaration): Promise<Layout> {
  const keys = p.stages.map(shapeKey);
  await layOutShapes(keys);
  const shapes = keys.map((k) => shapeCache.get(k)!);
  const xs = await layOutColumns(shapes);
  const stages: Box[] = [];
  const actions: Box[][] = [];
  const rows: Layout['rows'] = [];
  shapes.forEach((shape, si) => {
    stages.push({ x: xs[si], y: 0, w: shape.w, h: shape.h });
    const boxes = shape.actions.map((b) => ({ ...b }));
    actions.push(boxes);
    const byOrder = new Map<number, { y0: number; y1: number }>();
    p.stages[si].actions.forEach((a, ai) => {
      const b = boxes[ai];
      const o = effectiveRunOrder(a);
      const r = byOrder.get(o);
      byOrder.set(o, r ? { y0: Math.min(r.y0, b.y), y1: Math.max(r.y1, b.y + b.h) } : { y0: b.y, y1: b.y + b.h });
    });
    rows.push([...byOrder.entries()].sort((a, b) => a[0] - b[0]).map(([runOrder, r]) => ({ runOrder, ...r })));
  });
  // Stages share one height, so the columns read as a row of lanes.
  const h = Math.max(160, ...stages.map((s) => s.h));
  for (const s of stages) s.h = h;
  return { stages, actions, rows };
}

/** Below this zoom, action names are too small to read. */
/** Below this, action labels are unreadable: the view frames the first stages instead and the minimap navigates. */
export const MIN_READABLE_ZOOM = 0.75;

/**
 * Where to look when a design opens: all of it if it fits at a readable zoom,
 * otherwise its start (the source stage at the left), at a readable zoom.
 */
export function openingViewport(layout: Layout, width: number, height: number, pad = 24): { x: number; y: number; zoom: number } {
  const w = Math.max(1, ...layout.stages.map((s) => s.x + s.w));
  const h = Math.max(1, ...layout.stages.map((s) => s.y + s.h));
  const fit = Math.min((width - 2 * pad) / w, (height - 2 * pad) / h);
  const zoom = Math.min(1, Math.max(MIN_READABLE_ZOOM, fit));
  const x = w * zoom <= width - 2 * pad ? (width - w * zoom) / 2 : pad;
  const y = h * zoom <= height - 2 * pad ? (height - h * zoom) / 2 : pad;
  return { x, y, zoom };
}

/** The runOrder for a drop at height y (relative to the stage): an existing row, or a new one below. */
export function runOrderAt(rows: Layout['rows'][number], y: number): number {
  if (!rows.length) return 1;
  for (const r of rows) if (y < r.y1 + 12) return y < r.y0 - 12 && r === rows[0] ? Math.max(1, r.runOrder - 1) : r.runOrder;
  return rows[rows.length - 1].runOrder + 1;
}
