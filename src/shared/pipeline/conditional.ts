// Conditional list elements (`!If [Cond, {...}, !Ref AWS::NoValue]`) in a
// design: where they are, and the pipeline as it is when each condition goes
// the other way, so both branches are validated. The markers themselves are
// made and undone by opaque.ts on import and export.
import { fromCfnValue, type Json } from './cloudformation';
import type { DesignFile } from './design-file';
import type { PipelineDeclaration } from './model';
import { CONDITIONAL, conditionalInfo, extractOpaque, type ConditionalInfo } from './opaque';
import { validatePipeline, type IssuePath, type ValidateOptions, type ValidationIssue } from './validate';

export interface ConditionalElement {
  /** Where the element is in the pipeline: ['stages', 2] or ['stages', 1, 'actions', 0]. */
  path: IssuePath;
  /** Its name (stages, actions, variables) or its key (tags), for messages. */
  label: string;
  info: ConditionalInfo;
}

/** Every conditional element of the pipeline, in document order. */
export function conditionalElements(p: PipelineDeclaration, opaque: Record<string, Json> = {}): ConditionalElement[] {
  const out: ConditionalElement[] = [];
  const walk = (v: unknown, path: IssuePath) => {
    if (Array.isArray(v))
      v.forEach((e, i) => {
        if (e && typeof e === 'object') {
          const info = conditionalInfo(e as object, opaque);
          const o = e as Record<string, unknown>;
          const label = typeof o.name === 'string' ? o.name : typeof o.key === 'string' ? o.key : `#${i + 1}`;
          if (info) out.push({ path: [...path, i], label, info });
        }
        walk(e, [...path, i]);
      });
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'configuration') walk(x, [...path, k]);
  };
  walk(p, []);
  return out;
}

/** The pipeline with one conditional element switched to its other branch (removed, for AWS::NoValue). */
export function otherBranch(p: PipelineDeclaration, el: ConditionalElement): PipelineDeclaration {
  const copy = structuredClone(p) as unknown as Record<string | number, unknown>;
  let list: unknown = copy;
  for (const k of el.path.slice(0, -1)) list = (list as Record<string | number, unknown>)[k];
  const index = el.path.at(-1) as number;
  const arr = list as unknown[];
  if (el.info.other === null) arr.splice(index, 1);
  else {
    // The other branch as the model holds values: API casing, intrinsics as tokens (their values do not matter to the rules).
    const { value } = extractOpaque(fromCfnValue(el.info.other));
    arr[index] = value;
  }
  return copy as unknown as PipelineDeclaration;
}

const whenOther = (el: ConditionalElement) =>
  `when ${el.info.condition} is ${el.info.branch === 'then' ? 'false' : 'true'} (${el.label} ${el.info.other === null ? 'left out' : 'as its other branch'})`;

/**
 * The service's rules over a design: its pipeline as shown, then with each
 * conditional element the other way; an error only the other way is reported
 * once, saying when it happens.
 */
export function validateDesign(design: Pick<DesignFile, 'pipeline' | 'extras'>, opts: ValidateOptions = {}): ValidationIssue[] {
  const issues = validatePipeline(design.pipeline, opts);
  const seen = new Set(issues.map((i) => `${i.code}|${i.message}`));
  for (const el of conditionalElements(design.pipeline, design.extras?.opaque)) {
    for (const i of validatePipeline(otherBranch(design.pipeline, el), opts)) {
      const key = `${i.code}|${i.message}`;
      if (seen.has(key) || i.severity !== 'error') continue;
      seen.add(key);
      issues.push({ ...i, message: `${i.message} (${whenOther(el)})`, path: el.path });
    }
  }
  return issues;
}

export { CONDITIONAL };
