// Imports a pipeline losslessly: from `aws codepipeline get-pipeline` JSON (or
// a bare declaration), or from a CloudFormation template, keeping intrinsic
// functions as opaque values and the rest of the template for re-export.
import { fromCfnProperties, type Json } from './cloudformation';
import { DESIGN_FORMAT_VERSION, type DesignFile } from './design-file';
import { PipelineDeclaration } from './model';
import { extractOpaque } from './opaque';
import { parseTemplateText } from './template';

export class ImportError extends Error {
  override name = 'ImportError';
}

function checked(raw: unknown, where: string): PipelineDeclaration {
  const parsed = PipelineDeclaration.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ImportError(`${where}: ${i.path.join('.') || 'pipeline'}: ${i.message}`);
  }
  return parsed.data;
}

/** A template or JSON document, parsed once (`parseTemplateText`) and imported from as often as needed. */
export type ParsedTemplate = ReturnType<typeof parseTemplateText>;

/** `get-pipeline` output ({ pipeline, metadata }), create-pipeline input, or a bare declaration. */
export function importCliJson(text: string): DesignFile {
  return importCliDocument(parseTemplateText(text));
}

export function importCliDocument({ doc, format }: ParsedTemplate): DesignFile {
  if (format !== 'json' || doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new ImportError('Expected a JSON object from `aws codepipeline get-pipeline`.');
  const raw = ('pipeline' in doc ? doc.pipeline : doc) as Record<string, Json> | null;
  if (!raw || typeof raw !== 'object' || !('stages' in raw)) throw new ImportError('No pipeline declaration found (expected "pipeline" with "stages").');
  const { version, ...rest } = raw;
  const pipeline = checked(rest, 'get-pipeline JSON');
  const tags = Array.isArray((doc as Record<string, Json>).tags) ? ((doc as Record<string, Json>).tags as Array<{ key: string; value: string }>) : undefined;
  return {
    formatVersion: DESIGN_FORMAT_VERSION,
    pipeline,
    ...(tags?.length ? { extras: { tags } } : {}),
    origin: { kind: 'cli-json', ...(typeof version === 'number' ? { version } : {}) },
  };
}

export function pipelineResources(doc: Json): string[] {
  const resources = (doc as Record<string, Json> | null)?.Resources;
  if (!resources || typeof resources !== 'object' || Array.isArray(resources)) return [];
  return Object.entries(resources as Record<string, Json>)
    .filter(([, r]) => (r as Record<string, Json> | null)?.Type === 'AWS::CodePipeline::Pipeline')
    .map(([id]) => id);
}

export function importCfnTemplate(text: string, logicalId?: string): DesignFile {
  return importCfnDocument(parseTemplateText(text), logicalId);
}

export function importCfnDocument({ doc, format }: ParsedTemplate, logicalId?: string): DesignFile {
  const ids = pipelineResources(doc);
  if (!ids.length) throw new ImportError('The template has no AWS::CodePipeline::Pipeline resource.');
  const id = logicalId ?? (ids.length === 1 ? ids[0] : undefined);
  if (!id) throw new ImportError(`The template has ${ids.length} pipelines (${ids.join(', ')}): choose one with --resource.`);
  if (!ids.includes(id)) throw new ImportError(`No AWS::CodePipeline::Pipeline named ${id}; the template has ${ids.join(', ')}.`);
  const document = structuredClone(doc) as Record<string, Json>;
  const resource = (document.Resources as Record<string, Record<string, Json>>)[id];
  const props = resource.Properties;
  if (!props || typeof props !== 'object' || Array.isArray(props)) throw new ImportError(`${id} has no Properties.`);
  delete resource.Properties;
  const { value, opaque } = extractOpaque(props);
  const { pipeline: raw, extras } = fromCfnProperties(value as Record<string, Json>);
  if (!('name' in raw) || raw.name === undefined) {
    // CloudFormation names it at deploy time; the logical id stands in meanwhile.
    (raw as { name: string }).name = id.replace(/[^A-Za-z0-9.@\-_]/g, '-').slice(0, 100);
    extras.omitName = true;
  }
  const pipeline = checked(raw, `${id}.Properties`);
  if (Object.keys(opaque).length) extras.opaque = opaque;
  return {
    formatVersion: DESIGN_FORMAT_VERSION,
    pipeline,
    ...(Object.keys(extras).length ? { extras } : {}),
    origin: { kind: 'cfn' },
    template: { document, logicalId: id, format },
  };
}
