// CodePipeline's artifact key layout, and which prefixes a live pipeline claims:
// the one home of the rule the classifier, the deletion guard and the tests use.
// The service writes <pipeline name cut to 20>/<artifact name cut to 10>/<7 chars>[.zip]
// into each of the pipeline's artifact stores.

/** How many characters of a pipeline's name make its prefix. */
export const PIPELINE_PREFIX_LENGTH = 20;
/** How many characters of an output artifact's name make its folder. */
export const ARTIFACT_FOLDER_LENGTH = 10;

/** A key the service wrote: prefix, folder, 7-character id, optional .zip. */
export const ARTIFACT_KEY = /^([^/]{1,20})\/([^/]{1,10})\/([A-Za-z0-9]{7})(\.zip)?$/;

/** The top-level prefix a pipeline writes under. */
export const prefixOf = (pipelineName: string): string => pipelineName.slice(0, PIPELINE_PREFIX_LENGTH);

/** The folder an output artifact is written to, inside its pipeline's prefix. */
export const folderOf = (artifactName: string): string => artifactName.slice(0, ARTIFACT_FOLDER_LENGTH);

/**
 * Whether a live pipeline claims `prefix` of `bucket`: it writes to that bucket
 * (one of its artifact stores) and its name, cut to 20 characters, is the prefix.
 * The same name writing to another bucket claims nothing here.
 */
export function claims(pipeline: { name: string; buckets: readonly string[] }, bucket: string, prefix: string): boolean {
  return pipeline.buckets.includes(bucket) && prefixOf(pipeline.name) === prefix;
}
