// CloudFormation templates in YAML (with the short-form intrinsic tags) and
// JSON: parse with positions in errors, and emit deterministically (both with `js-yaml`). Short
// forms become the long form in memory ({ "Fn::Sub": … }) and go back to the
// short form in YAML, so templates round-trip.
import YAML, { isMap, isSeq } from 'yaml';
import jsyaml from 'js-yaml';
import { isIntrinsic, type Json } from './cloudformation';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'ToJsonString',
  'Length',
];

function longName(short: string): string {
  return short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`;
}

/** The in-memory long form of a short-form intrinsic's argument. */
function wrapIntrinsic(short: string, value: unknown): Record<string, Json> {
  const name = longName(short);
  // `!GetAtt Resource.Attribute` is the short form of ["Resource", "Attribute"].
  if (short === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { [name]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [name]: value as Json };
}

// Parsing uses js-yaml too: about ten times faster than `yaml` on a 1 MB template
// (bench/designer), linear in the text, with duplicate keys found per mapping as
// it goes. Each short form is three types (scalar, sequence, mapping); their
// values arrive already built, with anchors and aliases resolved like any other.
const PARSE_TYPES = ['Ref', 'Condition', ...FUNCTIONS].flatMap((short) =>
  (['scalar', 'sequence', 'mapping'] as const).map(
    (kind) => new jsyaml.Type(`!${short}`, { kind, construct: (data: unknown) => wrapIntrinsic(short, data ?? '') }),
  ),
);
// The core schema: YAML 1.2's plain scalars (an unquoted 2010-09-09 stays a string, as CloudFormation reads it).
const PARSE_SCHEMA = jsyaml.CORE_SCHEMA.extend(PARSE_TYPES);

/**
 * Aliases share one value in memory, so a small document can stand for a huge one
 * ("billion laughs"). Walking it stops once it has met more values than this.
 */
const MAX_EXPANDED_VALUES = 2_000_000;

function expandsBeyond(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  let seen = 0;
  while (stack.length) {
    const v = stack.pop();
    if (++seen > max) return true;
    if (v !== null && typeof v === 'object') for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  return false;
}

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

/**
 * The largest template Pipewright reads: CloudFormation takes at most 1 MB from S3
 * (51,200 bytes inline), so 5 MB leaves room for any real one and bounds the work.
 */
export const MAX_TEMPLATE_BYTES = 5 * 1024 * 1024;

/** Parses YAML or JSON; errors say where. Linear in the size of the text. */
export function parseTemplateText(text: string): { doc: Json; format: 'yaml' | 'json' } {
  if (text.length > MAX_TEMPLATE_BYTES)
    throw new TemplateParseError(
      `The file is ${(text.length / 2 ** 20).toFixed(1)} MB; templates are read up to ${MAX_TEMPLATE_BYTES / 2 ** 20} MB (CloudFormation itself takes at most 1 MB)`,
      1,
      1,
    );
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { doc: JSON.parse(text) as Json, format: 'json' };
    } catch (err) {
      const msg = (err as Error).message;
      const { line, column } = jsonErrorPosition(text, msg);
      throw new TemplateParseError(
        `Invalid JSON: ${msg
          .split('\n')[0]
          .replace(/ in JSON at position \d+.*$/, '')
          .replace(/, \.\.\.".*$/, '')}`,
        line,
        column,
      );
    }
  }
  let doc: Json;
  try {
    doc = jsyaml.load(text, { schema: PARSE_SCHEMA }) as Json;
  } catch (e) {
    const err = e as { reason?: string; message: string; mark?: { line: number; column: number } };
    const reason = err.reason ?? err.message.split('\n')[0];
    const tag = /^unknown tag !<(!?[^>]*)>/.exec(reason);
    throw new TemplateParseError(tag ? `Unknown tag ${tag[1]}` : `Invalid YAML: ${reason}`, (err.mark?.line ?? 0) + 1, (err.mark?.column ?? 0) + 1);
  }
  if (expandsBeyond(doc, MAX_EXPANDED_VALUES))
    throw new TemplateParseError(`Invalid YAML: its aliases expand to more than ${MAX_EXPANDED_VALUES.toLocaleString('en')} values`, 1, 1);
  // An alias is the same object as its anchor: copied apart, an edit in one place never shows in the other.
  if (text.includes('*')) doc = JSON.parse(JSON.stringify(doc)) as Json;
  return { doc, format: 'yaml' };
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
