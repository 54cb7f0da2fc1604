// CloudFormation templates in YAML (with the short-form intrinsic tags) and
// JSON: parse with positions for errors (`yaml`), and emit deterministically (`js-yaml`). Short
// forms become the long form in memory ({ "Fn::Sub": … }) and go back to the
// short form in YAML, so templates round-trip.
import YAML, { isMap, isSeq, type ScalarTag, type CollectionTag, type YAMLMap, type YAMLSeq } from 'yaml';
import jsyaml from 'js-yaml';
import { isIntrinsic, type Json } from './cloudformation';

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length'];

function longName(short: string): string {
  return short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`;
}

function tagsFor(short: string): Array<ScalarTag | CollectionTag> {
  const name = longName(short);
  const wrap = (value: unknown): Record<string, Json> => {
    // `!GetAtt Resource.Attribute` is the short form of ["Resource", "Attribute"].
    if (short === 'GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      return { [name]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { [name]: value as Json };
  };
  return [
    { tag: `!${short}`, resolve: (str: string) => wrap(str) } as ScalarTag,
    { tag: `!${short}`, collection: 'seq', resolve: (seq: YAMLSeq) => wrap(seq.toJSON()) } as unknown as CollectionTag,
    { tag: `!${short}`, collection: 'map', resolve: (map: YAMLMap) => wrap(map.toJSON()) } as unknown as CollectionTag,
  ];
}

const CUSTOM_TAGS = ['Ref', 'Condition', ...FUNCTIONS].flatMap(tagsFor);

export class TemplateParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} (line ${line}, column ${column})`);
    this.name = 'TemplateParseError';
  }
}

/**
 * Where invalid JSON breaks. JSON.parse does not always say, so the YAML parser
 * (in JSON mode, which reports line and column) locates it; JSON's own position is the fallback.
 */
export function jsonErrorPosition(text: string, message: string): { line: number; column: number } {
  const located = YAML.parseDocument(text, { schema: 'json', prettyErrors: true }).errors.find((e) => e.linePos);
  if (located?.linePos) return { line: located.linePos[0].line, column: located.linePos[0].col };
  const m = /position (\d+)/.exec(message);
  const pos = m ? Number(m[1]) : text.length;
  const before = text.slice(0, pos).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Parses YAML or JSON; errors say where. */
export function parseTemplateText(text: string): { doc: Json; format: 'yaml' | 'json' } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { doc: JSON.parse(text) as Json, format: 'json' };
    } catch (err) {
      const msg = (err as Error).message;
      const { line, column } = jsonErrorPosition(text, msg);
      throw new TemplateParseError(`Invalid JSON: ${msg.split('\n')[0].replace(/ in JSON at position \d+.*$/, '').replace(/, \.\.\.".*$/, '')}`, line, column);
    }
  }
  const doc = YAML.parseDocument(text, { customTags: CUSTOM_TAGS, prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? { line: 1, col: 1 };
    throw new TemplateParseError(`Invalid YAML: ${err.message.split('\n')[0]}`, pos.line, pos.col);
  }
  const warning = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (warning) {
    const pos = warning.linePos?.[0] ?? { line: 1, col: 1 };
    throw new TemplateParseError(`Unknown tag: ${warning.message.split('\n')[0]}`, pos.line, pos.col);
  }
  return { doc: doc.toJS({ maxAliasCount: 100 }) as Json, format: 'yaml' };
}

/** The short-form tag of an intrinsic ({ "Fn::Sub": … } -> "!Sub"). */
function shortTag(value: Record<string, Json>): string {
  const name = Object.keys(value)[0];
  return `!${name.startsWith('Fn::') ? name.slice(4) : name}`;
}

/** `!GetAtt Resource.Attribute` is written in its scalar form when it can be. */
function isScalarGetAtt(arg: Json): arg is [string, string] {
  return Array.isArray(arg) && arg.length === 2 && arg.every((a) => typeof a === 'string');
}

function intrinsicArgument(value: Record<string, Json>): Json {
  const arg = Object.values(value)[0];
  return shortTag(value) === '!GetAtt' && isScalarGetAtt(arg) ? arg.join('.') : arg;
}

function argumentKind(value: Record<string, Json>): 'scalar' | 'sequence' | 'mapping' {
  const arg = intrinsicArgument(value);
  return Array.isArray(arg) ? 'sequence' : arg !== null && typeof arg === 'object' ? 'mapping' : 'scalar';
}

// Emitting uses js-yaml: about twice as fast as building a `yaml` Document for a
// 500-action template (bench/designer). One multi-tag type per node kind names the
// tag from the value, so each node is tested three times, not once per function.
const INTRINSIC_TYPES = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) =>
    new jsyaml.Type('!', {
      kind,
      multi: true,
      predicate: (v: unknown) => isIntrinsic(v) && argumentKind(v) === kind,
      representName: (v: object) => shortTag(v as Record<string, Json>),
      represent: (v: object) => intrinsicArgument(v as Record<string, Json>) as object,
    }),
);
// The default (YAML 1.1) schema and compat mode quote strings such as 'yes' or
// '2010-09-09' that an older YAML reader would turn into other types.
const EMIT_SCHEMA = jsyaml.DEFAULT_SCHEMA.extend(INTRINSIC_TYPES);

export function stringifyYaml(value: Json): string {
  const text = jsyaml.dump(value, { schema: EMIT_SCHEMA, lineWidth: -1, noRefs: true });
  // js-yaml leaves a space after a tag that opens a block collection ("!If \n").
  return text.replace(/(![A-Za-z]+) $/gm, '$1');
}

export function stringifyJson(value: Json): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export { isMap, isSeq };
