// Template values the model cannot hold as plain strings (intrinsic functions,
// references) travel through a design as opaque tokens: "⟦cfn:3⟧" in place of
// the value, the original kept beside it and put back on export, untouched.
//
// A conditional list element (`!If [Cond, {...}, !Ref AWS::NoValue]`, or two
// objects) is kept as the element itself, its branch shown and editable, with
// a marker key (CONDITIONAL) whose token holds the `Fn::If` around it: the
// condition and the other branch verbatim, SELF standing for the element.
import { isIntrinsic, type Json } from './cloudformation';

const TOKEN = /^\u27E6cfn:(\d+)\u27E7$/;
/** The key that marks a conditional list element; its value is a token. */
export const CONDITIONAL = '\u27E6if\u27E7';
/** Where the element itself goes in its `Fn::If` (kept in the opaque values). */
const SELF = '\u27E6self\u27E7';

const isPlainObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v) && !isIntrinsic(v);

/** `Fn::If [cond, a, b]` with an object on at least one side: an element the model can hold. */
function conditionalElement(v: Json): { condition: Json; shown: Record<string, Json>; branch: 'then' | 'else'; other: Json } | null {
  if (!isIntrinsic(v) || !('Fn::If' in v)) return null;
  const args = v['Fn::If'];
  if (!Array.isArray(args) || args.length !== 3) return null;
  const [condition, a, b] = args;
  if (isPlainObject(a)) return { condition, shown: a, branch: 'then', other: b };
  if (isPlainObject(b)) return { condition, shown: b, branch: 'else', other: a };
  return null;
}

export function isOpaqueToken(v: unknown): v is string {
  return typeof v === 'string' && TOKEN.test(v);
}

export function extractOpaque(value: Json, opaque: Record<string, Json> = {}): { value: Json; opaque: Record<string, Json> } {
  const walk = (v: Json): Json => {
    if (isIntrinsic(v)) {
      const token = `\u27E6cfn:${Object.keys(opaque).length}\u27E7`;
      opaque[token] = v;
      return token;
    }
    if (Array.isArray(v))
      return v.map((e) => {
        const c = conditionalElement(e);
        if (!c) return walk(e);
        const token = `\u27E6cfn:${Object.keys(opaque).length}\u27E7`;
        opaque[token] = { 'Fn::If': [c.condition, c.branch === 'then' ? SELF : c.other, c.branch === 'then' ? c.other : SELF] };
        return { ...(walk(c.shown) as Record<string, Json>), [CONDITIONAL]: token };
      });
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, Json>).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value), opaque };
}

export function restoreOpaque(value: Json, opaque: Record<string, Json> = {}): Json {
  if (typeof value === 'string' && TOKEN.test(value)) {
    if (!(value in opaque)) throw new Error(`The design refers to ${value}, an imported template value that is missing from the file.`);
    return opaque[value];
  }
  if (Array.isArray(value)) return value.map((v) => restoreOpaque(v, opaque));
  if (value !== null && typeof value === 'object') {
    const { [CONDITIONAL]: marker, ...rest } = value;
    const restored = Object.fromEntries(Object.entries(rest).map(([k, x]) => [k, restoreOpaque(x, opaque)]));
    if (typeof marker !== 'string') return restored;
    // The element back inside its Fn::If, in the branch it came from.
    const wrapper = restoreOpaque(marker, opaque) as { 'Fn::If': Json[] };
    return { 'Fn::If': wrapper['Fn::If'].map((b) => (b === SELF ? restored : b)) };
  }
  return value;
}

export interface ConditionalInfo {
  condition: string;
  /** Which branch of the `Fn::If` the element is. */
  branch: 'then' | 'else';
  /** The other branch, as the template has it: null for AWS::NoValue (no element). */
  other: Json;
}

/** What a conditional element's marker says: its condition and the other branch. */
export function conditionalInfo(element: object, opaque: Record<string, Json> = {}): ConditionalInfo | null {
  const marker = (element as Record<string, unknown>)[CONDITIONAL];
  if (typeof marker !== 'string') return null;
  const wrapper = opaque[marker] as { 'Fn::If'?: Json[] } | undefined;
  const args = wrapper?.['Fn::If'];
  if (!Array.isArray(args) || args.length !== 3) return null;
  const branch = args[1] === SELF ? 'then' : 'else';
  const other = branch === 'then' ? args[2] : args[1];
  const noValue = isIntrinsic(other) && (other as Record<string, Json>).Ref === 'AWS::NoValue';
  return { condition: typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]), branch, other: noValue ? null : other };
}

/** `restoreOpaque` over a typed value: the same shape comes back, its tokens replaced by what they stood for. */
export function restoreOpaqueIn<T extends object>(value: T, opaque: Record<string, Json> = {}): T {
  // Adapter: restoring walks plain JSON, and a token always stood for a JSON value of the same place.
  return restoreOpaque(JSON.parse(JSON.stringify(value)) as Json, opaque) as T;
}

/** A short read-only label for a token, for the canvas: "!Sub ${AWS::StackName}-pipeline". */
export function describeOpaque(token: string, opaque: Record<string, Json> = {}): string {
  const v = opaque[token];
  if (!isIntrinsic(v)) return token;
  const [name, arg] = Object.entries(v)[0];
  const short = name === 'Ref' || name === 'Condition' ? name : name.slice(4);
  return `!${short} ${typeof arg === 'string' ? arg : JSON.stringify(arg)}`.slice(0, 120);
}
