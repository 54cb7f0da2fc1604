// Artifacts as the service keeps them: an action's inputs must be in the store
// where earlier actions wrote them, and each output is written to the artifact
// bucket of the action's region in the sandbox S3 with the service's key layout,
// <pipeline[:20]>/<artifact[:10]>/<7 random chars>[.zip] (what the audit classifies).
import type { Rng } from '../../random';
import type { S3Store } from '../s3/store';
import type { ActionExecutionRecord, ExecutionRecord, PipelineRecord, S3Location } from './records';
import { artifactStoresByRegion, type ActionDeclaration, type PipelineDeclaration } from '../../../shared/pipeline/model';

/** The key of an output artifact; a source action's output is a zip. */
export const artifactKey = (pipeline: string, artifact: string, chars: string, isSource: boolean): string =>
  `${pipeline.slice(0, 20)}/${artifact.slice(0, 10)}/${chars}${isSource ? '.zip' : ''}`;

/** The first input artifact with no live object where it should be, or null when all are there. */
export function missingInput(s3: S3Store, inputs: ActionExecutionRecord['input']['inputArtifacts']): string | null {
  for (const input of inputs) {
    const loc = input.s3location;
    if (
      !loc ||
      !s3.buckets
        .get(loc.bucket)
        ?.objects.get(loc.key)
        ?.some((v) => !v.deleteMarker)
    )
      return input.name;
  }
  return null;
}

/**
 * Writes an action's outputs to its region's artifact store and records where
 * (on the execution, for later inputs, and on the action's output). Returns why
 * it could not, or null.
 */
export function writeOutputArtifacts(
  deps: { rng: Rng; s3: S3Store },
  where: { p: PipelineRecord; decl: PipelineDeclaration; e: ExecutionRecord; stageName: string; region: string },
  a: ActionDeclaration,
  rec: ActionExecutionRecord,
): string | null {
  const { p, decl, e, stageName, region } = where;
  const stores = artifactStoresByRegion(decl, p.region);
  const store = stores[region];
  const isSource = a.actionTypeId.category === 'Source';
  for (const out of a.outputArtifacts ?? []) {
    if (!store) return `No artifact store is declared for region ${region}.`;
    const bucket = deps.s3.buckets.get(store.location);
    if (!bucket) return `The artifact bucket ${store.location} does not exist.`;
    const key = artifactKey(p.name, out.name, deps.rng.chars(7), isSource);
    const body = Buffer.from(
      JSON.stringify({ pipeline: p.name, execution: e.pipelineExecutionId, stage: stageName, action: a.name, artifact: out.name }) + '\n',
    );
    // Believable sizes, declared rather than stored: a source zip of a few MB, a build output of tens to hundreds.
    const MiB = 1024 * 1024;
    const size = isSource ? MiB + deps.rng.int(23 * MiB) : 30 * MiB + deps.rng.int(320 * MiB);
    deps.s3.putObject(bucket, key, body, isSource ? 'application/zip' : 'binary/octet-stream', Date.now(), size);
    const loc: S3Location = { bucket: bucket.name, key };
    e.artifacts[out.name] = loc;
    rec.output.outputArtifacts.push({ name: out.name, s3location: loc });
  }
  return null;
}
