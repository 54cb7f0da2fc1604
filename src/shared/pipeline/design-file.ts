// The design file (*.pipewright.json): the pipeline as the API spells it, plus
// what travels beside it (disabled transitions, tags, the rest of an imported
// template), layout and notes. Validated on open; newer formats are refused.
import { z } from 'zod';
import { PipelineDeclaration } from './model';
import type { CfnProperties, Json, PipelineExtras } from './cloudformation';
import { checkJsonWith, JsonFileError, parseJsonValue } from '../json-file';

export const DESIGN_FORMAT_VERSION = 1;

const JsonValue: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonValue), z.record(z.string(), JsonValue)]));

export const DesignFile = z.object({
  formatVersion: z.literal(DESIGN_FORMAT_VERSION),
  pipeline: PipelineDeclaration,
  extras: z
    .object({
      disabledTransitions: z.array(z.object({ stageName: z.string(), reason: z.string() })).optional(),
      tags: z.array(z.looseObject({ key: z.string(), value: z.string() })).optional(),
      templateOnly: z.record(z.string(), JsonValue).optional(),
      /** Imported template values kept verbatim, by the token that stands for them. */
      opaque: z.record(z.string(), JsonValue).optional(),
      /** The template gave no Name (CloudFormation generates one): export none. */
      omitName: z.boolean().optional(),
    })
    .optional(),
  /** Where the design came from, so deploys can catch a pipeline changed since. */
  origin: z
    .object({
      kind: z.enum(['live', 'cli-json', 'cfn', 'new']),
      profile: z.string().optional(),
      region: z.string().optional(),
      accountId: z.string().optional(),
      /** The live pipeline's version when imported. */
      version: z.number().int().optional(),
    })
    .optional(),
  /** An imported template, minus the pipeline's Properties: re-emitted around it on export. */
  template: z.object({ document: z.record(z.string(), JsonValue), logicalId: z.string(), format: z.enum(['yaml', 'json']) }).optional(),
  layout: z.record(z.string(), z.object({ x: z.number(), y: z.number() })).optional(),
  notes: z.string().max(100_000).optional(),
});
export type DesignFile = z.infer<typeof DesignFile>;

export class DesignFileError extends Error {
  override name = 'DesignFileError';
}

export function newDesign(pipeline: PipelineDeclaration, extras?: PipelineExtras, origin?: DesignFile['origin']): DesignFile {
  return { formatVersion: DESIGN_FORMAT_VERSION, pipeline, ...(extras && Object.keys(extras).length ? { extras } : {}), ...(origin ? { origin } : {}) };
}

export function parseDesignFile(text: string): DesignFile {
  const opts = { source: 'the design file', maxIssues: 5 };
  try {
    const raw = parseJsonValue(text, opts);
    // A newer format is named as such before the schema would call it malformed.
    const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
    if (typeof version === 'number' && version > DESIGN_FORMAT_VERSION)
      throw new DesignFileError(
        `This design file is format ${version}, made by a newer Pipewright; this one reads format ${DESIGN_FORMAT_VERSION}. Update Pipewright to open it.`,
      );
    return checkJsonWith(DesignFile, raw, opts);
  } catch (err) {
    if (!(err instanceof JsonFileError)) throw err;
    throw new DesignFileError(err.kind === 'syntax' ? `The design file is ${err.detail}` : `Not a Pipewright design file: ${err.detail}`);
  }
}

export function serializeDesign(d: DesignFile): string {
  return JSON.stringify(d, null, 2) + '\n';
}

export type { CfnProperties };
