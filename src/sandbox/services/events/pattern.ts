// EventBridge event patterns: checked once when a rule is put (so a bad pattern is
// refused with the service's InvalidEventPatternException, never at delivery), then
// matched against events. Pure: no I/O, no clock.
//
// The rules are EventBridge's documented ones (the user guide's "Event patterns",
// "Content filtering", "Arrays" and "Null values and empty strings" pages, and the
// open-source Event Ruler the service runs):
//   - fields at one level are AND, the values in a field's array are OR;
//   - a field in the pattern must be in the event with the same nesting; fields the
//     pattern does not name are ignored;
//   - an array in the event matches if any of its elements matches; objects inside
//     an array are matched element by element (every field of a nested pattern must
//     match within the same element);
//   - null and "" are values, and different ones;
//   - exists, like every comparison, works on leaf values only: a field whose value is
//     an object does not "exist" for it;
//   - `$or` (an array of two or more patterns) at any level is OR across patterns.
// Known difference: EventBridge compares exact numbers by their text (300 and 300.0
// differ); the sandbox parses JSON, so it compares them as numbers.
//
// Nesting is capped at MAX_JSON_DEPTH, checked without recursion before anything
// recurses: a pattern or event nested thousands deep gets a reason, not a blown stack.
import { BlockList, isIP } from 'node:net';
import { matchGlob, STAR, type GlobToken } from '../../glob';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type Matcher =
  | { kind: 'exact'; value: string | number | boolean | null }
  | { kind: 'prefix' | 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; tokens: GlobToken[] }
  | { kind: 'numeric'; test: (n: number) => boolean }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; contains: (ip: string) => boolean }
  | { kind: 'anything-but'; excludes: (v: Leaf) => boolean };

type Leaf = string | number | boolean | null;

/** A checked pattern: each field holds a nested pattern or a list of matchers (OR). */
export interface CompiledPattern {
  fields: Array<{ name: string; nested: CompiledPattern } | { name: string; matchers: Matcher[] }>;
  /** Each `$or` at this level: at least one of its patterns must match. */
  ors: CompiledPattern[][];
}

export class InvalidPatternError extends Error {}

const fail = (reason: string): never => {
  throw new InvalidPatternError(reason);
};

const isObject = (v: unknown): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

// Event Ruler's keywords: a `$or` whose alternatives use them at their top level is
// a field named "$or", not an OR (Ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP).
const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'];
const NUMERIC_LIMIT = 5e9;

/**
 * "PutEvents will only process nested JSON up to 1100 levels deep" (EventBridge API
 * reference, PutEvents). A pattern nested deeper could never match such an event, and
 * the matcher never follows an event deeper than this: beyond it, nothing matches.
 */
export const MAX_JSON_DEPTH = 1100;

/** Whether a parsed JSON value has objects or arrays nested more than `limit` deep (the outermost is level 1). Iterative. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length) {
    const [v, depth] = pending.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
  }
  return false;
}

/** Parses and checks a pattern's JSON text; throws InvalidPatternError with the reason. */
export function compilePattern(text: string): CompiledPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail(`The pattern is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(parsed)) return fail('Filter is not an object');
  if (nestsDeeperThan(parsed, MAX_JSON_DEPTH)) return fail(`The pattern nests deeper than ${MAX_JSON_DEPTH} levels`);
  return compileObject(parsed, '');
}

function isOrArray(value: Json): value is Array<{ [key: string]: Json }> {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((alt) => isObject(alt) && Object.keys(alt).length > 0 && !Object.keys(alt).some((k) => OPERATORS.includes(k)))
  );
}

function compileObject(obj: { [key: string]: Json }, path: string): CompiledPattern {
  const keys = Object.keys(obj);
  if (!keys.length) return fail(path ? `Empty objects are not allowed (at "${path}")` : 'Empty objects are not allowed');
  const out: CompiledPattern = { fields: [], ors: [] };
  for (const name of keys) {
    const value = obj[name];
    const at = path ? `${path}.${name}` : name;
    if (name === '$or' && isOrArray(value)) {
      out.ors.push(value.map((alt) => compileObject(alt, at)));
    } else if (isObject(value)) {
      out.fields.push({ name, nested: compileObject(value, at) });
    } else if (Array.isArray(value)) {
      if (!value.length) fail(`Empty arrays are not allowed (at "${at}")`);
      out.fields.push({ name, matchers: value.map((v) => compileMatcher(v, at)) });
    } else {
      fail(`"${at}" must be an object or an array`);
    }
  }
  return out;
}

function compileMatcher(v: Json, at: string): Matcher {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { kind: 'exact', value: v };
  if (typeof v === 'number') return { kind: 'exact', value: v };
  if (Array.isArray(v)) return fail(`Match value must be a string, number, true, false, null or an object (at "${at}")`);
  const ops = Object.keys(v);
  if (ops.length !== 1) return fail(`A match object holds exactly one operator (at "${at}")`);
  const op = ops[0];
  const arg = v[op];
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (typeof arg === 'string') return { kind: op, value: arg, ignoreCase: false };
      const folded = ignoreCaseArg(arg);
      if (folded !== undefined) return { kind: op, value: folded, ignoreCase: true };
      return fail(`${op} match pattern must be a string or {"equals-ignore-case": string} (at "${at}")`);
    }
    case 'equals-ignore-case':
      if (typeof arg !== 'string') fail(`equals-ignore-case match pattern must be a string (at "${at}")`);
      return { kind: 'equals-ignore-case', value: arg as string };
    case 'wildcard':
      if (typeof arg !== 'string') fail(`wildcard match pattern must be a string (at "${at}")`);
      return { kind: 'wildcard', tokens: wildcardTokens(arg as string, at) };
    case 'exists':
      if (typeof arg !== 'boolean') fail(`exists match pattern must be either true or false (at "${at}")`);
      return { kind: 'exists', value: arg as boolean };
    case 'numeric':
      return { kind: 'numeric', test: numericTest(arg, at) };
    case 'cidr':
      return { kind: 'cidr', contains: cidrTest(arg, at) };
    case 'anything-but':
      return { kind: 'anything-but', excludes: anythingBut(arg, at) };
    default:
      return fail(`Unrecognized match type ${op} (at "${at}")`);
  }
}

function ignoreCaseArg(arg: Json): string | undefined {
  if (!isObject(arg)) return undefined;
  const keys = Object.keys(arg);
  return keys.length === 1 && keys[0] === 'equals-ignore-case' && typeof arg[keys[0]] === 'string' ? (arg[keys[0]] as string) : undefined;
}

// Ruler folds case with Unicode rules; lower-casing both sides is the same for the
// characters a pipeline's names use.
const fold = (s: string) => s.toLowerCase();

/**
 * `*` matches any run of characters (none included); `\*` is a literal asterisk and
 * `\\` a literal backslash. Two wildcards in a row, or a backslash before anything
 * else, are refused, as Ruler refuses them.
 */
function wildcardTokens(pattern: string, at: string): GlobToken[] {
  // Tokens for matchGlob, not a regex: "*a*a*…*b" would backtrack exponentially on every event.
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') fail(`Invalid escape character at pos ${i} of wildcard pattern (at "${at}")`);
      tokens.push(next);
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') fail(`Consecutive wildcard characters at pos ${i + 1} of wildcard pattern (at "${at}")`);
      tokens.push(STAR);
    } else tokens.push(c);
  }
  return tokens;
}

function numericTest(arg: Json, at: string): (n: number) => boolean {
  if (!Array.isArray(arg) || !arg.length || arg.length % 2) return fail(`Value of numeric must be an array of operator and number pairs (at "${at}")`);
  const checks: Array<(n: number) => boolean> = [];
  let lower: number | undefined;
  let upper: number | undefined;
  let equals = false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const bound = arg[i + 1];
    if (typeof bound !== 'number') return fail(`Value of ${JSON.stringify(op)} must be a number (at "${at}")`);
    if (bound < -NUMERIC_LIMIT || bound > NUMERIC_LIMIT) return fail(`Value of ${JSON.stringify(op)} must be between -5.0E9 and 5.0E9 inclusive (at "${at}")`);
    switch (op) {
      case '=':
        if (arg.length !== 2) fail(`"=" must be the only operator of a numeric match (at "${at}")`);
        equals = true;
        checks.push((n) => n === bound);
        break;
      case '>':
      case '>=':
        if (lower !== undefined) fail(`A numeric match has at most one lower bound (at "${at}")`);
        lower = bound;
        checks.push(op === '>' ? (n) => n > bound : (n) => n >= bound);
        break;
      case '<':
      case '<=':
        if (upper !== undefined) fail(`A numeric match has at most one upper bound (at "${at}")`);
        upper = bound;
        checks.push(op === '<' ? (n) => n < bound : (n) => n <= bound);
        break;
      default:
        return fail(`Unrecognized numeric range operator: ${JSON.stringify(op)} (at "${at}")`);
    }
  }
  if (!equals && lower !== undefined && upper !== undefined && lower >= upper) fail(`Bottom must be less than top (at "${at}")`);
  return (n) => checks.every((c) => c(n));
}

function cidrTest(arg: Json, at: string): (ip: string) => boolean {
  const m = typeof arg === 'string' ? /^([^/]+)\/(\d{1,3})$/.exec(arg) : null;
  const family = m ? isIP(m[1]) : 0;
  const bits = m ? Number(m[2]) : NaN;
  if (!m || !family || bits > (family === 4 ? 32 : 128)) return fail(`Malformed CIDR, one "/" required (at "${at}")`);
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(m[1], bits, type);
  return (ip) => isIP(ip) === family && list.check(ip, type);
}

function anythingBut(arg: Json, at: string): (v: Leaf) => boolean {
  if (typeof arg === 'string' || typeof arg === 'number') return (v) => v === arg;
  if (Array.isArray(arg)) {
    const allStrings = arg.every((x) => typeof x === 'string');
    const allNumbers = arg.every((x) => typeof x === 'number');
    if (!arg.length || (!allStrings && !allNumbers)) return fail(`Inside anything but list, start|null|boolean is not supported (at "${at}")`);
    const set = new Set<Leaf>(arg as Leaf[]);
    return (v) => set.has(v);
  }
  if (isObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1) return fail(`anything-but holds exactly one operator (at "${at}")`);
    const [op] = keys;
    const inner = arg[op];
    const strings = typeof inner === 'string' ? [inner] : Array.isArray(inner) && inner.length && inner.every((x) => typeof x === 'string') ? inner : null;
    const str = (v: Leaf): v is string => typeof v === 'string';
    switch (op) {
      case 'prefix':
        if (typeof inner !== 'string') fail(`prefix match pattern must be a string (at "${at}")`);
        return (v) => str(v) && v.startsWith(inner as string);
      case 'suffix':
        if (typeof inner !== 'string') fail(`suffix match pattern must be a string (at "${at}")`);
        return (v) => str(v) && v.endsWith(inner as string);
      case 'equals-ignore-case': {
        if (!strings) return fail(`equals-ignore-case must be a string or a list of strings (at "${at}")`);
        const folded = new Set(strings.map(fold));
        return (v) => str(v) && folded.has(fold(v));
      }
      case 'wildcard': {
        if (!strings) return fail(`wildcard must be a string or a list of strings (at "${at}")`);
        const globs = strings.map((s) => wildcardTokens(s, at));
        return (v) => str(v) && globs.some((g) => matchGlob(g, v));
      }
      default:
        return fail(`Unsupported anything-but pattern: ${op} (at "${at}")`);
    }
  }
  return fail(`Value of anything-but must be an array, a string, a number or an object (at "${at}")`);
}

/** The leaf values under a field: arrays flattened, objects left out (they are not leaves); nothing past MAX_JSON_DEPTH. */
function leaves(value: Json | undefined, depth: number): Leaf[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return depth > MAX_JSON_DEPTH ? [] : value.flatMap((v) => leaves(v, depth + 1));
  return isObject(value) ? [] : [value];
}

function leafMatches(m: Matcher, v: Leaf): boolean {
  switch (m.kind) {
    case 'exact':
      return v === m.value;
    case 'prefix':
      return typeof v === 'string' && (m.ignoreCase ? fold(v).startsWith(fold(m.value)) : v.startsWith(m.value));
    case 'suffix':
      return typeof v === 'string' && (m.ignoreCase ? fold(v).endsWith(fold(m.value)) : v.endsWith(m.value));
    case 'equals-ignore-case':
      return typeof v === 'string' && fold(v) === fold(m.value);
    case 'wildcard':
      return typeof v === 'string' && matchGlob(m.tokens, v);
    case 'numeric':
      return typeof v === 'number' && m.test(v);
    case 'cidr':
      return typeof v === 'string' && m.contains(v);
    case 'anything-but':
      return !m.excludes(v);
    case 'exists':
      return false; // decided on the whole field, in fieldMatches
  }
}

function fieldMatches(matchers: Matcher[], value: Json | undefined, depth: number): boolean {
  const values = leaves(value, depth);
  return matchers.some((m) => (m.kind === 'exists' ? m.value === values.length > 0 : values.some((v) => leafMatches(m, v))));
}

/** The objects in an array, nested arrays flattened, each with its depth; none past MAX_JSON_DEPTH. */
function objectsIn(list: Json[], depth: number): Array<[{ [key: string]: Json }, number]> {
  if (depth > MAX_JSON_DEPTH) return [];
  return list.flatMap((v) => (Array.isArray(v) ? objectsIn(v, depth + 1) : isObject(v) ? [[v, depth + 1] as [{ [key: string]: Json }, number]] : []));
}

/** `depth`: how deep `node` sits in the event (the event itself is level 1). */
function objectMatches(p: CompiledPattern, node: Json | undefined, depth: number): boolean {
  // Objects in an array are tried one by one: a nested pattern must match inside one element.
  if (Array.isArray(node)) {
    const objects = objectsIn(node, depth);
    return objects.length ? objects.some(([o, at]) => objectMatches(p, o, at)) : objectMatches(p, undefined, depth);
  }
  const obj = isObject(node) && depth <= MAX_JSON_DEPTH ? node : undefined;
  for (const f of p.fields) {
    const value = obj && Object.hasOwn(obj, f.name) ? obj[f.name] : undefined;
    if ('nested' in f ? !objectMatches(f.nested, value, depth + 1) : !fieldMatches(f.matchers, value, depth + 1)) return false;
  }
  return p.ors.every((alternatives) => alternatives.some((alt) => objectMatches(alt, obj, depth)));
}

/** Whether the event (parsed JSON) matches the compiled pattern. */
export function matchesPattern(pattern: CompiledPattern, event: Json): boolean {
  return objectMatches(pattern, event, 1);
}

/** Convenience for tests and TestEventPattern: both as JSON text. */
export function testEventPattern(patternText: string, eventText: string): boolean {
  return matchesPattern(compilePattern(patternText), JSON.parse(eventText) as Json);
}
