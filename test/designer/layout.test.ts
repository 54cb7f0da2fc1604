// The canvas layout (elkjs, in plain Node): stages left to right, runOrder rows
// top to bottom with parallel actions side by side, and per-stage caching that
// lays out only the shapes it has not seen.
import { describe, expect, it } from 'vitest';
import type { ActionDeclaration, PipelineDeclaration } from '../../src/shared/pipeline/model';
import { layoutPipeline, layoutStats, MIN_READABLE_ZOOM, openingViewport, runOrderAt } from '../../src/renderer/src/lib/pipeline-layout';

const action = (name: string, runOrder: number): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  runOrder,
  configuration: { ProjectName: name },
});

function pipeline(stageRunOrders: number[][]): PipelineDeclaration {
  return {
    name: 'layout',
    roleArn: 'arn:aws:iam::123456789012:role/p',
    artifactStore: { type: 'S3', location: 'b' },
    stages: stageRunOrders.map((orders, si) => ({ name: `S${si}`, actions: orders.map((o, ai) => action(`A${si}-${ai}`, o)) })),
  };
}

describe('layoutPipeline', () => {
  it('puts stages left to right and runOrder rows top to bottom, parallel actions side by side', async () => {
    const l = await layoutPipeline(pipeline([[1], [1, 1, 2], [3, 1, 2]]));
    expect(l.stages.map((s) => s.x)).toEqual([...l.stages.map((s) => s.x)].sort((a, b) => a - b));
    for (let i = 1; i < l.stages.length; i++) expect(l.stages[i].x).toBeGreaterThanOrEqual(l.stages[i - 1].x + l.stages[i - 1].w);
    expect(new Set(l.stages.map((s) => s.h)).size).toBe(1);
    const [a, b, c] = l.actions[1];
    expect(a.y).toBe(b.y);
    expect(b.x).toBeGreaterThanOrEqual(a.x + a.w);
    expect(c.y).toBeGreaterThanOrEqual(a.y + a.h);
    const [r3, r1, r2] = l.actions[2];
    expect(r1.y).toBeLessThan(r2.y);
    expect(r2.y).toBeLessThan(r3.y);
    expect(l.rows[2].map((r) => r.runOrder)).toEqual([1, 2, 3]);
    // Ten parallel actions keep their declared order, left to right.
    const wide = await layoutPipeline(pipeline([Array.from({ length: 10 }, () => 1), [2, 1, 2, 1, 1, 2]]));
    const xs = wide.actions[0].map((b) => b.x);
    expect(xs).toEqual([...xs].sort((p, q) => p - q));
    const row1 = [1, 3, 4].map((i) => wide.actions[1][i].x);
    expect(row1).toEqual([...row1].sort((p, q) => p - q));
    expect(runOrderAt(l.rows[2], r2.y + 5)).toBe(2);
    expect(runOrderAt(l.rows[2], r3.y + r3.h + 200)).toBe(4);
  });

  it('lays out each stage shape once: repeated and unchanged stages come from the cache, with the same boxes', async () => {
    const orders = Array.from({ length: 30 }, (_, s) => Array.from({ length: 6 }, (_, i) => 1 + ((i + s) % 3)));
    const p = pipeline(orders);
    const before = layoutStats().shapesLaidOut;
    const first = await layoutPipeline(p);
    // Three distinct runOrder sequences among the 30 stages.
    expect(layoutStats().shapesLaidOut - before).toBe(3);
    const again = await layoutPipeline(p);
    expect(layoutStats().shapesLaidOut - before).toBe(3);
    expect(again).toEqual(first);
    // Editing one stage lays out only its new shape; the others keep their boxes.
    const edited = pipeline(orders.map((o, s) => (s === 7 ? [...o, 4] : o)));
    const third = await layoutPipeline(edited);
    expect(layoutStats().shapesLaidOut - before).toBe(4);
    expect(third.actions[6]).toEqual(first.actions[6]);
    expect(third.actions[7]).toHaveLength(7);
    expect(third.actions[7][6].y).toBeGreaterThan(Math.max(...first.actions[7].map((b) => b.y)));
    // Boxes are copies: changing one layout does not reach the cache.
    third.actions[0][0].x = -999;
    expect((await layoutPipeline(p)).actions[0][0].x).toBe(first.actions[0][0].x);
  });

  it('handles an empty stage', async () => {
    const l = await layoutPipeline(pipeline([[1], []]));
    expect(l.actions[1]).toEqual([]);
    expect(l.stages[1].w).toBeGreaterThan(0);
    expect(runOrderAt(l.rows[1], 100)).toBe(1);
  });
});

describe('openingViewport', () => {
  it('shows a small design whole and centred, at most at 100%', async () => {
    const l = await layoutPipeline(pipeline([[1], [1, 1], [1]]));
    const v = openingViewport(l, 1600, 1000);
    expect(v.zoom).toBe(1);
    const right = l.stages[2].x + l.stages[2].w;
    expect(v.x).toBeCloseTo((1600 - right) / 2);
  });

  it('opens a design too wide to read whole at its start, at a readable zoom', async () => {
    const l = await layoutPipeline(pipeline(Array.from({ length: 50 }, () => [1, 2, 3])));
    const v = openingViewport(l, 1600, 1000);
    expect(v.zoom).toBe(MIN_READABLE_ZOOM);
    expect(v.x).toBe(24);
    // The first stage is in view.
    expect(l.stages[0].x * v.zoom + v.x).toBeLessThan(1600);
  });
});
