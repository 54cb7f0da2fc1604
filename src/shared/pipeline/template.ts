// CloudFormation templates in YAML (with the short-form intrinsic tags) and
// JSON: parse with positions for errors, and emit deterministically. Short
// forms become the long form in memory ({ "Fn::Sub": … }) and go back to the
// short form in YAML, so templates round-trip.
import YAML, { isMap, isSeq, type Document, type Node, type ScalarTag, type CollectionTag, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
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

function toNode(doc: Document, value: Json): Node {
  if (isIntrinsic(value)) {
    const [name, arg] = Object.entries(value)[0] as [string, Json];
    const short = name.startsWith('Fn::') ? name.slice(4) : name;
    const scalarGetAtt = short === 'GetAtt' && Array.isArray(arg) && arg.length === 2 && arg.every((a) => typeof a === 'string');
    const node = scalarGetAtt ? (doc.createNode((arg as string[]).join('.')) as Node) : toNode(doc, arg);
    node.tag = `!${short}`;
    return node;
  }
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    for (const v of value) seq.items.push(toNode(doc, v));
    return seq;
  }
  if (value !== null && typeof value === 'object') {
    const map = new YAMLMap();
    for (const [k, v] of Object.entries(value as Record<string, Json>)) map.items.push(new Pair(new Scalar(k), toNode(doc, v)));
    return map;
  }
  return new Scalar(value);
}

export function stringifyYaml(value: Json): string {
  // One pass over the value: maps, sequences and scalars, intrinsics as tagged nodes.
  // (Building a Document from the value and then re-tagging cost twice as much.)
  const doc = new YAML.Document(null, { aliasDuplicateObjects: false });
  doc.contents = toNode(doc, value);
  return doc.toString({ lineWidth: 0 });
}

export function stringifyJson(value: Json): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export { isMap, isSeq };
