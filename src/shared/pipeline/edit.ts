// Pure edits of a pipeline declaration, as the designer makes them. Each
// returns a new declaration; names stay unique and artifacts stay wired.
import { effectiveRunOrder, type ActionDeclaration, type PipelineDeclaration, type StageDeclaration } from './model';
import type { ProviderSpec } from './providers';

const clone = <T>(v: T): T => structuredClone(v);

export function uniqueName(base: string, taken: Iterable<string>): string {
  const set = new Set(taken);
  const clean = base.replace(/[^A-Za-z0-9.@\-_]/g, '') || 'Item';
  if (!set.has(clean)) return clean;
  for (let i = 2; ; i++) if (!set.has(`${clean}${i}`)) return `${clean}${i}`;
}

export function allArtifacts(p: PipelineDeclaration): string[] {
  return p.stages.flatMap((s) => s.actions.flatMap((a) => (a.outputArtifacts ?? []).map((o) => o.name)));
}

/** Artifacts an action at (stage, runOrder) may consume: from earlier stages or lower runOrders. */
export function upstreamArtifacts(p: PipelineDeclaration, si: number, runOrder: number): string[] {
  return p.stages.flatMap((s, i) =>
    i > si ? [] : s.actions.filter((a) => i < si || effectiveRunOrder(a) < runOrder).flatMap((a) => (a.outputArtifacts ?? []).map((o) => o.name)),
  );
}

export function emptyPipeline(name = 'my-pipeline'): PipelineDeclaration {
  return {
    name,
    roleArn: 'arn:aws:iam::123456789012:role/CodePipelineServiceRole',
    artifactStore: { type: 'S3', location: 'my-artifact-bucket' },
    pipelineType: 'V2',
    executionMode: 'SUPERSEDED',
    stages: [
      { name: 'Source', actions: [] },
      { name: 'Build', actions: [] },
    ],
  };
}

export function addStage(p: PipelineDeclaration, index = p.stages.length, name?: string): PipelineDeclaration {
  const next = clone(p);
  next.stages.splice(index, 0, {
    name: uniqueName(
      name ?? `Stage${p.stages.length + 1}`,
      p.stages.map((s) => s.name),
    ),
    actions: [],
  });
  return next;
}

export function renameStage(p: PipelineDeclaration, si: number, name: string): PipelineDeclaration {
  const next = clone(p);
  next.stages[si].name = name;
  return next;
}

export function moveStage(p: PipelineDeclaration, si: number, to: number): PipelineDeclaration {
  if (to < 0 || to >= p.stages.length || to === si) return p;
  const next = clone(p);
  const [s] = next.stages.splice(si, 1);
  next.stages.splice(to, 0, s);
  return next;
}

export function removeStage(p: PipelineDeclaration, si: number): PipelineDeclaration {
  const next = clone(p);
  next.stages.splice(si, 1);
  return next;
}

export function addAction(p: PipelineDeclaration, si: number, spec: ProviderSpec, runOrder?: number): { pipeline: PipelineDeclaration; index: number } {
  const next = clone(p);
  const stage = next.stages[si];
  const order = runOrder ?? Math.max(0, ...stage.actions.map(effectiveRunOrder)) + 1;
  const name = uniqueName(
    spec.provider === 'Manual' ? 'Approve' : spec.category === 'Source' ? 'Source' : spec.provider,
    stage.actions.map((a) => a.name),
  );
  const action: ActionDeclaration = {
    name,
    actionTypeId: { category: spec.category, owner: spec.owner, provider: spec.provider, version: spec.version },
    runOrder: order,
    configuration: Object.fromEntries(spec.config.filter((f) => f.required === true).map((f) => [f.name, f.enumValues?.[0] ?? ''])),
  };
  if (spec.inputs.min > 0 || (spec.inputs.max > 0 && spec.category !== 'Invoke')) {
    const upstream = upstreamArtifacts(next, si, order);
    if (upstream.length) action.inputArtifacts = [{ name: upstream[upstream.length - 1] }];
  }
  if (spec.outputs.min > 0 || (spec.category === 'Build' && spec.outputs.max > 0)) {
    action.outputArtifacts = [{ name: uniqueName(`${name}Output`, allArtifacts(next)) }];
  }
  if (!Object.keys(action.configuration ?? {}).length) delete action.configuration;
  stage.actions.push(action);
  return { pipeline: next, index: stage.actions.length - 1 };
}

export function updateAction(p: PipelineDeclaration, si: number, ai: number, patch: Partial<ActionDeclaration>): PipelineDeclaration {
  const next = clone(p);
  const a = { ...next.stages[si].actions[ai], ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete (a as Record<string, unknown>)[k];
  next.stages[si].actions[ai] = a;
  return next;
}

/** A configuration with one key set, or removed (`undefined`); none left is `undefined`, so no empty object is written. */
export function withConfigValue(config: Record<string, string> | undefined, key: string, value: string | undefined): Record<string, string> | undefined {
  const next = { ...(config ?? {}) };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return Object.keys(next).length ? next : undefined;
}

export function updateStage(p: PipelineDeclaration, si: number, patch: Partial<StageDeclaration>): PipelineDeclaration {
  const next = clone(p);
  next.stages[si] = { ...next.stages[si], ...patch };
  return next;
}

export function removeAction(p: PipelineDeclaration, si: number, ai: number): PipelineDeclaration {
  const next = clone(p);
  next.stages[si].actions.splice(ai, 1);
  return next;
}

/** Moves an action to a stage (the same or another) and a runOrder. */
export function moveAction(
  p: PipelineDeclaration,
  from: { si: number; ai: number },
  to: { si: number; runOrder: number },
): { pipeline: PipelineDeclaration; index: number } {
  const next = clone(p);
  const [a] = next.stages[from.si].actions.splice(from.ai, 1);
  const target = next.stages[to.si];
  if (to.si !== from.si)
    a.name = uniqueName(
      a.name,
      target.actions.map((x) => x.name),
    );
  a.runOrder = Math.max(1, Math.min(999, to.runOrder));
  target.actions.push(a);
  return { pipeline: next, index: target.actions.length - 1 };
}

export function duplicateAction(p: PipelineDeclaration, si: number, ai: number): { pipeline: PipelineDeclaration; index: number } {
  return pasteAction(p, si, clone(p.stages[si].actions[ai]));
}

/** Pastes a copied action into a stage with fresh names for it and its outputs. */
export function pasteAction(p: PipelineDeclaration, si: number, action: ActionDeclaration): { pipeline: PipelineDeclaration; index: number } {
  const next = clone(p);
  const a = clone(action);
  a.name = uniqueName(
    a.name,
    next.stages[si].actions.map((x) => x.name),
  );
  const taken = allArtifacts(next);
  a.outputArtifacts = a.outputArtifacts?.map((o) => {
    const name = uniqueName(o.name, taken);
    taken.push(name);
    return { ...o, name };
  });
  next.stages[si].actions.push(a);
  return { pipeline: next, index: next.stages[si].actions.length - 1 };
}

export function pasteStage(p: PipelineDeclaration, index: number, stage: StageDeclaration): PipelineDeclaration {
  let next = clone(p);
  next.stages.splice(index, 0, {
    ...clone(stage),
    name: uniqueName(
      stage.name,
      p.stages.map((s) => s.name),
    ),
    actions: [],
  });
  for (const a of stage.actions) next = pasteAction(next, index, a).pipeline;
  return next;
}

/**
 * The fix for a cross-region pipeline written with artifactStore: artifactStores
 * with that bucket for the pipeline's region and an entry for each action region
 * (its bucket left for the user to name: each region needs its own bucket).
 */
export function convertToArtifactStores(p: PipelineDeclaration, pipelineRegion: string): PipelineDeclaration {
  if (!p.artifactStore) return p;
  const { artifactStore, ...rest } = p;
  const regions = new Set(p.stages.flatMap((s) => s.actions.map((a) => a.region).filter((r): r is string => typeof r === 'string' && r !== pipelineRegion)));
  return {
    ...rest,
    artifactStores: {
      [pipelineRegion]: artifactStore,
      ...Object.fromEntries([...regions].map((r) => [r, { type: 'S3' as const, location: '' }])),
    },
  };
}
