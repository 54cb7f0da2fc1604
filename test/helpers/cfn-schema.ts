// Validates exported Properties against the official AWS::CodePipeline::Pipeline
// resource schema (../shared/schemas) with ajv. Intrinsics are resolved to
// plausible placeholders first, as CloudFormation resolves them before its own check.
import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIntrinsic, type Json } from '../../src/shared/pipeline/cloudformation';

const here = dirname(fileURLToPath(import.meta.url));
// The official schema lives in ../shared beside the repository; a copy in the
// fixtures keeps the tests running where that folder is absent.
const sharedPath = join(here, '../../../shared/schemas/aws-codepipeline-pipeline.json');
const schemaPath = existsSync(sharedPath) ? sharedPath : join(here, '../fixtures/schemas/aws-codepipeline-pipeline.json');
const raw = JSON.parse(readFileSync(schemaPath, 'utf8'));
// The resource schema's document-level keys are not JSON Schema: keep the schema part.
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: raw.additionalProperties,
  properties: raw.properties,
  definitions: raw.definitions,
  required: raw.required,
};
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(schema);

function placeholder(v: Record<string, Json>, params: Record<string, Json>): Json {
  const [name, arg] = Object.entries(v)[0];
  if (name === 'Ref' && typeof arg === 'string') {
    const d = (params[arg] as Record<string, Json> | undefined)?.Default;
    return d ?? (arg.includes('Role') ? 'arn:aws:iam::123456789012:role/placeholder' : 'placeholder');
  }
  if (name === 'Fn::GetAtt') return 'arn:aws:iam::123456789012:role/placeholder';
  // Substitute ${...} the way a deploy would, with plausible values.
  if (name === 'Fn::Sub' && typeof arg === 'string') return arg.replace(/\$\{([^}]+)\}/g, (_m, v: string) => (v.includes('AccountId') ? '123456789012' : 'x'));
  return 'placeholder';
}

export function resolveIntrinsics(v: Json, params: Record<string, Json> = {}): Json {
  if (isIntrinsic(v)) return placeholder(v, params);
  if (Array.isArray(v)) return v.map((x) => resolveIntrinsics(x, params));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, Json>).map(([k, x]) => [k, resolveIntrinsics(x, params)]));
  return v;
}

/** Errors of every AWS::CodePipeline::Pipeline resource in a template (empty when valid). */
export function schemaErrors(template: Record<string, Json>): string[] {
  const params = (template.Parameters as Record<string, Json>) ?? {};
  const out: string[] = [];
  const resources = (template.Resources as Record<string, Record<string, Json>>) ?? {};
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::CodePipeline::Pipeline') continue;
    const props = resolveIntrinsics(r.Properties, params) as Record<string, Json>;
    if (!validate(props)) out.push(...(validate.errors ?? []).map((e) => `${id}${e.instancePath}: ${e.message}`));
    // requiredXor: exactly one of ArtifactStore / ArtifactStores.
    if ('ArtifactStore' in props === 'ArtifactStores' in props) out.push(`${id}: exactly one of ArtifactStore or ArtifactStores`);
  }
  return out;
}
