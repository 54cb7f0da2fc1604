// API PipelineDeclaration <-> AWS::CodePipeline::Pipeline properties.
// camelCase maps one-to-one to PascalCase, with the service's exceptions:
// artifactStores is a region map in the API and a [{Region, ArtifactStore}]
// list in templates; configuration keys are never re-cased and its values are
// kept as they are; metadata and version are dropped; disabled transitions and
// tags travel beside the declaration. CloudFormation intrinsics ({Ref},
// {Fn::*}) are opaque values: kept in place, never re-cased, re-emitted as is.
// Unknown keys survive both ways.
import type { PipelineDeclaration } from './model';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type CfnProperties = Record<string, Json>;

export interface DisabledTransition {
  stageName: string;
  reason: string;
}

export interface PipelineExtras {
  disabledTransitions?: DisabledTransition[];
  tags?: Array<{ key: string; value: string; [more: string]: unknown }>;
  /** Template-only properties (RestartExecutionOnUpdate) and unknown ones, kept for a lossless round trip. */
  templateOnly?: Record<string, Json>;
  /** Imported template values kept verbatim, by the token that stands for them. */
  opaque?: Record<string, Json>;
  /** The template gave no Name (CloudFormation generates one): export none. */
  omitName?: boolean;
}

const INTRINSIC = /^(Ref|Condition|Fn::[A-Za-z0-9]+)$/;

/** A CloudFormation intrinsic function or reference: one key, Ref / Condition / Fn::*. */
export function isIntrinsic(v: unknown): v is Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && INTRINSIC.test(keys[0]);
}

const upper = (k: string) => (k ? k[0].toUpperCase() + k.slice(1) : k);
const lower = (k: string) => (k ? k[0].toLowerCase() + k.slice(1) : k);

/** Keys whose object values are user data: their keys are never re-cased. */
const VERBATIM_API = new Set(['configuration']);
const VERBATIM_CFN = new Set(['Configuration']);

function recase(value: unknown, rename: (k: string) => string, verbatim: Set<string>): Json {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value as Json;
  if (isIntrinsic(value)) return value;
  if (Array.isArray(value)) return value.map((v) => recase(v, rename, verbatim));
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[rename(k)] = verbatim.has(k) ? (v as Json) : recase(v, rename, verbatim);
  }
  return out;
}

/** One template value (an element of a list, say) in the API's casing. */
export function fromCfnValue(v: Json): Json {
  return recase(v, lower, VERBATIM_CFN);
}

/** CloudFormation rejects empty arrays: drop them (an empty list and an absent one mean the same). */
function dropEmptyArrays(v: Json): Json {
  if (Array.isArray(v)) return v.map(dropEmptyArrays);
  if (v === null || typeof v !== 'object' || isIntrinsic(v)) return v;
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries<Json>(v)) {
    if (Array.isArray(x) && x.length === 0) continue;
    out[k] = k === 'Configuration' ? x : dropEmptyArrays(x);
  }
  return out;
}

export function toCfnProperties(decl: PipelineDeclaration, extras: PipelineExtras = {}): CfnProperties {
  const { artifactStores, version: _version, metadata: _metadata, ...rest } = decl as PipelineDeclaration & { metadata?: unknown };
  const props = recase(rest, upper, VERBATIM_API) as Record<string, Json>;
  if (artifactStores && Object.keys(artifactStores).length) {
    props.ArtifactStores = Object.entries(artifactStores).map(([Region, store]) => ({ Region, ArtifactStore: recase(store, upper, VERBATIM_API) }));
  }
  if (extras.disabledTransitions?.length)
    props.DisableInboundStageTransitions = extras.disabledTransitions.map((t) => ({ StageName: t.stageName, Reason: t.reason }));
  // A tag's other keys (a conditional element's marker) travel with it.
  if (extras.tags?.length) props.Tags = extras.tags.map(({ key, value, ...more }) => ({ Key: key, Value: value, ...(more as Record<string, Json>) }));
  Object.assign(props, extras.templateOnly ?? {});
  if (extras.omitName) delete props.Name;
  return orderKeys(dropEmptyArrays(props)) as CfnProperties;
}

const TEMPLATE_ONLY = new Set(['RestartExecutionOnUpdate']);

export function fromCfnProperties(props: CfnProperties): { pipeline: PipelineDeclaration; extras: PipelineExtras } {
  const { ArtifactStores, DisableInboundStageTransitions, Tags, Version: _version, ...rest } = props;
  const templateOnly: Record<string, Json> = {};
  for (const k of Object.keys(rest))
    if (TEMPLATE_ONLY.has(k)) {
      templateOnly[k] = rest[k];
      delete rest[k];
    }
  // Adapter: a template's pipeline, re-cased; validation (not this mapping) judges it, so an invalid one still opens.
  const pipeline = recase(rest, lower, VERBATIM_CFN) as unknown as PipelineDeclaration;
  if (Array.isArray(ArtifactStores)) {
    const map: Record<string, unknown> = {};
    for (const entry of ArtifactStores as Array<Record<string, Json>>)
      map[typeof entry.Region === 'string' ? entry.Region : JSON.stringify(entry.Region)] = recase(entry.ArtifactStore, lower, VERBATIM_CFN);
    (pipeline as Record<string, unknown>).artifactStores = map;
  }
  const extras: PipelineExtras = {};
  if (Array.isArray(DisableInboundStageTransitions))
    extras.disabledTransitions = (DisableInboundStageTransitions as Array<Record<string, string>>).map((t) => ({ stageName: t.StageName, reason: t.Reason }));
  if (Array.isArray(Tags)) extras.tags = (Tags as Array<Record<string, string>>).map(({ Key, Value, ...more }) => ({ key: Key, value: Value, ...more }));
  if (Object.keys(templateOnly).length) extras.templateOnly = templateOnly;
  return { pipeline, extras };
}

/** The order CloudFormation users expect to read, then the rest alphabetically: stable output. */
const KEY_ORDER = [
  'Name',
  'PipelineType',
  'ExecutionMode',
  'RoleArn',
  'ArtifactStore',
  'ArtifactStores',
  'Variables',
  'Triggers',
  'Stages',
  'DisableInboundStageTransitions',
  'RestartExecutionOnUpdate',
  'Tags',
  'Region',
  'Type',
  'Location',
  'EncryptionKey',
  'Id',
  'Actions',
  'Blockers',
  'BeforeEntry',
  'OnSuccess',
  'OnFailure',
  'ActionTypeId',
  'Category',
  'Owner',
  'Provider',
  'Version',
  'RunOrder',
  'Configuration',
  'Commands',
  'InputArtifacts',
  'OutputArtifacts',
  'OutputVariables',
  'Namespace',
  'TimeoutInMinutes',
  'EnvironmentVariables',
  'Key',
  'Value',
];
const rank = (k: string) => {
  const i = KEY_ORDER.indexOf(k);
  return i < 0 ? KEY_ORDER.length : i;
};

export function orderKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(orderKeys);
  if (v === null || typeof v !== 'object' || isIntrinsic(v)) return v;
  const o = v as Record<string, Json>;
  const keys = Object.keys(o).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, Json> = {};
  for (const k of keys) {
    const x = o[k];
    out[k] = k === 'Configuration' && x && typeof x === 'object' && !Array.isArray(x) && !isIntrinsic(x) ? sortPlain(x) : orderKeys(x);
  }
  return out;
}

function sortPlain(o: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

/** The CLI's create-pipeline / update-pipeline input: API shape, without read-only metadata. */
export function toCliInput(decl: PipelineDeclaration, tags?: Array<{ key: string; value: string }>, forUpdate = false): Record<string, Json> {
  const { metadata: _m, ...pipeline } = decl as PipelineDeclaration & { metadata?: unknown };
  const out: Record<string, Json> = { pipeline: recase(pipeline, (k) => k, VERBATIM_API) };
  if (!forUpdate && tags?.length) out.tags = tags.map((t) => ({ key: t.key, value: t.value }));
  return out;
}
