// Environment drift: how one environment's pipeline differs in structure from
// the one before it. Values expected to differ per account (account ids, the
// region, artifact buckets, and names that embed the environment's name) are
// normalised first, so what remains is a real difference: a stage prod lacks,
// an action configured differently.
import { diffPipelines, type PipelineChange } from '../pipeline/diff';
import type { PipelineDeclaration } from '../pipeline/model';

export interface DriftSide {
  environment: string;
  region: string;
  accountId: string | null;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces account ids, the region and the environment's name (as a word inside names) with placeholders. */
function normaliseText(text: string, side: DriftSide): string {
  let out = text.replace(/\b\d{12}\b/g, '{account}');
  out = out.replace(new RegExp(`\\b${escape(side.region)}\\b`, 'g'), '{region}');
  // "web-frontend-staging", "staging-deploy-role": the environment's name in an identifier, not its substance.
  // Prose ("Check the staging dashboard") is compared as written: it names environments on purpose.
  if (/\s/.test(out)) return out;
  out = out.replace(new RegExp(`(^|[^a-z0-9])${escape(side.environment)}(?=$|[^a-z0-9])`, 'gi'), '$1{env}');
  return out;
}

function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  return v;
}

/** The declaration with per-account values replaced, ready to compare across environments. */
export function normaliseForDrift(p: PipelineDeclaration, side: DriftSide): PipelineDeclaration {
  const copy = structuredClone(p);
  // Each account has its own artifact bucket(s): where they are is not structure.
  if (copy.artifactStore) copy.artifactStore = { ...copy.artifactStore, location: '{artifact-bucket}' };
  if (copy.artifactStores)
    copy.artifactStores = Object.fromEntries(
      Object.keys(copy.artifactStores).map((r) => [normaliseText(r, side), { type: 'S3' as const, location: '{artifact-bucket}' }]),
    );
  return mapStrings(copy, (s) => normaliseText(s, side)) as PipelineDeclaration;
}

/** The structural changes from one environment's pipeline to the next one's (empty: no drift). */
export function environmentDrift(
  from: { side: DriftSide; pipeline: PipelineDeclaration },
  to: { side: DriftSide; pipeline: PipelineDeclaration },
): PipelineChange[] {
  const a = normaliseForDrift(from.pipeline, from.side);
  const b = normaliseForDrift(to.pipeline, to.side);
  // The names may differ per environment by design (web-frontend-staging / -prod); compare what they run.
  a.name = b.name = '{pipeline}';
  return diffPipelines(a, b).changes;
}
