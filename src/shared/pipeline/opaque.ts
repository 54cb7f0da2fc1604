// Template values the model cannot hold as plain strings (intrinsic functions,
// references) travel through a design as opaque tokens: "⟦cfn:3⟧" in place of
// the value, the original kept beside it and put back on export, untouched.
import { isIntrinsic, type Json } from './cloudformation';

const TOKEN = /^\u27E6cfn:(\d+)\u27E7$/;

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
    if (Array.isArray(v)) return v.map(walk);
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
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, restoreOpaque(x, opaque)]));
  return value;
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
