// A structural diff between two pipeline declarations (live vs design, or a
// template vs live for drift): stages and actions added, removed, moved or
// changed, configuration keys one by one, and a V1 -> V2 switch flagged.
import { z } from 'zod';
import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from './model';

export const ChangeKind = z.enum(['added', 'removed', 'changed', 'moved']);
export type ChangeKind = z.infer<typeof ChangeKind>;

/** One change, as the diff makes it and the contract carries it. */
export const PipelineChange = z.object({
  kind: ChangeKind,
  /** Human path: "Build / UnitTests / configuration.ProjectName". */
  path: z.string(),
  message: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type PipelineChange = z.infer<typeof PipelineChange>;

export interface PipelineDiff {
  creates: boolean;
  v1ToV2: boolean;
  changes: PipelineChange[];
}

const canon = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as object).sort(([a], [b]) => (a < b ? -1 : 1))) : (x as unknown),
  );
const same = (a: unknown, b: unknown) => canon(a) === canon(b);

function typeOf(p: PipelineDeclaration): string {
  return p.pipelineType ?? 'V1';
}

const TOP_LEVEL: Array<keyof PipelineDeclaration> = ['roleArn', 'artifactStore', 'artifactStores', 'executionMode', 'variables', 'triggers'];
const ACTION_FIELDS: Array<keyof ActionDeclaration> = [
  'actionTypeId',
  'runOrder',
  'inputArtifacts',
  'outputArtifacts',
  'region',
  'roleArn',
  'namespace',
  'timeoutInMinutes',
  'commands',
  'outputVariables',
  'environmentVariables',
];
const STAGE_FIELDS: Array<keyof StageDeclaration> = ['beforeEntry', 'onSuccess', 'onFailure', 'blockers'];

function normaliseAction(a: ActionDeclaration): ActionDeclaration {
  return { ...a, runOrder: a.runOrder ?? 1, inputArtifacts: a.inputArtifacts ?? [], outputArtifacts: a.outputArtifacts ?? [] };
}

/** The longest sequence of names in the same order on both sides (small inputs: stages). */
function longestCommonSubsequence(a: string[], b: string[]): string[] {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const out: string[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;)
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) i++;
    else j++;
  return out;
}

export function diffPipelines(before: PipelineDeclaration | null, after: PipelineDeclaration): PipelineDiff {
  if (!before)
    return {
      creates: true,
      v1ToV2: false,
      changes: [{ kind: 'added', path: after.name, message: `Create pipeline ${after.name} (${typeOf(after)}, ${after.stages.length} stages).` }],
    };
  const changes: PipelineChange[] = [];
  const v1ToV2 = typeOf(before) === 'V1' && typeOf(after) === 'V2';
  if (typeOf(before) !== typeOf(after))
    changes.push({
      kind: 'changed',
      path: 'pipelineType',
      message: `Pipeline type ${typeOf(before)} → ${typeOf(after)}${v1ToV2 ? ' (V2 is priced per action-minute)' : ''}.`,
      before: typeOf(before),
      after: typeOf(after),
    });
  for (const key of TOP_LEVEL) {
    const b = key === 'executionMode' ? (before[key] ?? 'SUPERSEDED') : before[key];
    const a = key === 'executionMode' ? (after[key] ?? 'SUPERSEDED') : after[key];
    if (!same(b ?? null, a ?? null))
      changes.push({
        kind: b === undefined ? 'added' : a === undefined ? 'removed' : 'changed',
        path: String(key),
        message: `${String(key)} changed.`,
        before: b,
        after: a,
      });
  }

  const beforeStages = new Map(before.stages.map((s, i) => [s.name, { s, i }]));
  const afterStages = new Map(after.stages.map((s, i) => [s.name, { s, i }]));
  for (const [name, { i }] of afterStages)
    if (!beforeStages.has(name)) changes.push({ kind: 'added', path: name, message: `Stage ${name} added (position ${i + 1}).` });
  for (const [name] of beforeStages) if (!afterStages.has(name)) changes.push({ kind: 'removed', path: name, message: `Stage ${name} removed.` });
  // A stage moved when its order among the stages both sides have changed: the
  // longest run kept in order stays put, the others are named one by one.
  // An added or removed stage shifts positions, and is never called a move.
  const commonBefore = before.stages.filter((s) => afterStages.has(s.name)).map((s) => s.name);
  const commonAfter = after.stages.filter((s) => beforeStages.has(s.name)).map((s) => s.name);
  const kept = new Set(longestCommonSubsequence(commonBefore, commonAfter));
  for (const name of commonAfter)
    if (!kept.has(name))
      changes.push({
        kind: 'moved',
        path: name,
        message: `Stage ${name} moved from position ${beforeStages.get(name)!.i + 1} to ${afterStages.get(name)!.i + 1}.`,
        before: beforeStages.get(name)!.i,
        after: afterStages.get(name)!.i,
      });

  // Actions are matched by name across the pipeline, so a move between stages reads as a move.
  const actionsOf = (p: PipelineDeclaration) =>
    new Map(p.stages.flatMap((s) => s.actions.map((a) => [a.name + '\u0000' + s.name, { a: normaliseAction(a), stage: s.name }] as const)));
  const ba = actionsOf(before);
  const aa = actionsOf(after);
  const byName = (m: typeof ba) => {
    const out = new Map<string, Array<{ a: ActionDeclaration; stage: string }>>();
    for (const v of m.values()) out.set(v.a.name, [...(out.get(v.a.name) ?? []), v]);
    return out;
  };
  const bn = byName(ba);
  const an = byName(aa);
  for (const [key, { a, stage }] of aa) {
    const prev = ba.get(key);
    if (!prev) {
      const elsewhere = (bn.get(a.name) ?? []).find((x) => !aa.has(x.a.name + '\u0000' + x.stage));
      if (elsewhere) changes.push({ kind: 'moved', path: `${stage} / ${a.name}`, message: `Action ${a.name} moved from ${elsewhere.stage} to ${stage}.` });
      else changes.push({ kind: 'added', path: `${stage} / ${a.name}`, message: `Action ${a.name} (${a.actionTypeId.provider}) added to ${stage}.` });
      continue;
    }
    for (const f of ACTION_FIELDS) {
      if (!same(prev.a[f] ?? null, a[f] ?? null))
        changes.push({
          kind: 'changed',
          path: `${stage} / ${a.name} / ${String(f)}`,
          message: `${a.name}: ${String(f)} changed.`,
          before: prev.a[f],
          after: a[f],
        });
    }
    const bc = prev.a.configuration ?? {};
    const ac = a.configuration ?? {};
    for (const k of new Set([...Object.keys(bc), ...Object.keys(ac)])) {
      if (bc[k] === ac[k]) continue;
      const kind: ChangeKind = !(k in bc) ? 'added' : !(k in ac) ? 'removed' : 'changed';
      changes.push({ kind, path: `${stage} / ${a.name} / configuration.${k}`, message: `${a.name}: ${k} ${kind}.`, before: bc[k], after: ac[k] });
    }
  }
  for (const [key, { a, stage }] of ba) {
    if (aa.has(key)) continue;
    const moved = (an.get(a.name) ?? []).some((x) => !ba.has(x.a.name + '\u0000' + x.stage));
    if (!moved) changes.push({ kind: 'removed', path: `${stage} / ${a.name}`, message: `Action ${a.name} removed from ${stage}.` });
  }
  for (const [name, { s }] of afterStages) {
    const prev = beforeStages.get(name)?.s;
    if (!prev) continue;
    for (const f of STAGE_FIELDS)
      if (!same(prev[f] ?? null, s[f] ?? null))
        changes.push({ kind: 'changed', path: `${name} / ${String(f)}`, message: `Stage ${name}: ${String(f)} changed.`, before: prev[f], after: s[f] });
  }
  return { creates: false, v1ToV2, changes };
}

export function formatDiff(d: PipelineDiff): string {
  if (!d.changes.length) return 'No changes.';
  const sign: Record<ChangeKind, string> = { added: '+', removed: '-', changed: '~', moved: '>' };
  return d.changes
    .map((c) => {
      const detail =
        c.kind === 'changed' && (typeof c.before === 'string' || typeof c.after === 'string')
          ? `: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`
          : '';
      return `${sign[c.kind]} ${c.message}${detail}`;
    })
    .join('\n');
}
