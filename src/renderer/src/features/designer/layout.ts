// Auto-layout with elkjs: stages left to right, and inside each stage the
// actions in runOrder rows (equal runOrder side by side, higher lower down).
import ELK from 'elkjs/lib/elk.bundled.js';
import type { PipelineDeclaration } from '../../../../shared/pipeline/model';
import { effectiveRunOrder } from '../../../../shared/pipeline/model';

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

const elk = new ELK();

export async function layoutPipeline(p: PipelineDeclaration): Promise<Layout> {
  const graph = {
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
    children: p.stages.map((s, si) => {
      const orders = [...new Set(s.actions.map(effectiveRunOrder))].sort((a, b) => a - b);
      // One edge into each action from the first action of the previous runOrder group is
      // enough to put each group on its own layer (and keeps large stages cheap to lay out).
      const edges = orders.slice(1).flatMap((o, i) => {
        const anchor = s.actions.findIndex((a) => effectiveRunOrder(a) === orders[i]);
        return s.actions.flatMap((a, ai) => (effectiveRunOrder(a) === o ? [{ id: `e-${si}-${anchor}-${ai}`, sources: [`a-${si}-${anchor}`], targets: [`a-${si}-${ai}`] }] : []));
      });
      return {
        id: `s-${si}`,
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
        },
        children: s.actions.map((_, ai) => ({ id: `a-${si}-${ai}`, width: ACTION_W, height: ACTION_H })),
        edges,
      };
    }),
    edges: p.stages.slice(1).map((_, i) => ({ id: `t-${i}`, sources: [`s-${i}`], targets: [`s-${i + 1}`] })),
  };
  const out = await elk.layout(graph);
  const stages: Box[] = [];
  const actions: Box[][] = [];
  const rows: Layout['rows'] = [];
  (out.children ?? []).forEach((sn, si) => {
    stages.push({ x: sn.x ?? 0, y: 0, w: sn.width ?? ACTION_W + 32, h: sn.height ?? 140 });
    const boxes = ((sn.children ?? []) as Array<{ x?: number; y?: number; width?: number; height?: number }>).map((an) => ({ x: an.x ?? 0, y: an.y ?? 0, w: an.width ?? ACTION_W, h: an.height ?? ACTION_H }));
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

/** The runOrder for a drop at height y (relative to the stage): an existing row, or a new one below. */
export function runOrderAt(rows: Layout['rows'][number], y: number): number {
  if (!rows.length) return 1;
  for (const r of rows) if (y < r.y1 + 12) return y < r.y0 - 12 && r === rows[0] ? Math.max(1, r.runOrder - 1) : r.runOrder;
  return rows[rows.length - 1].runOrder + 1;
}
