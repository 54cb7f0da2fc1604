// Wildcard matching for the sandbox's policies and event patterns, without regular
// expressions: a pattern such as "*a*a*a*…*b" built into a regex backtracks
// exponentially, and a policy or a rule is anyone's input. This is the two-pointer
// match (back to the last `*` on a mismatch): at most pattern × value steps.

/** `*`: any run of characters (none included); `?`: any one character (where the dialect has it). */
export const STAR = Symbol('*');
export const ONE = Symbol('?');
export type GlobToken = string | typeof STAR | typeof ONE;

export function matchGlob(tokens: readonly GlobToken[], value: string, ignoreCase = false): boolean {
  const t = ignoreCase ? tokens.map((x) => (typeof x === 'string' ? x.toLowerCase() : x)) : tokens;
  const v = ignoreCase ? value.toLowerCase() : value;
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < v.length) {
    const tok = t[p];
    if (p < t.length && (tok === ONE || tok === v[i])) {
      p++;
      i++;
    } else if (p < t.length && tok === STAR) {
      starP = p++;
      starI = i;
    } else if (starP !== -1) {
      p = starP + 1;
      i = ++starI;
    } else return false;
  }
  while (p < t.length && t[p] === STAR) p++;
  return p === t.length;
}

/** IAM's glob (policies' Action, Resource, StringLike, ArnLike): `*` any run, `?` one character. */
export function iamGlobMatches(pattern: string, value: string, ignoreCase = false): boolean {
  return matchGlob(
    [...pattern].map((c) => (c === '*' ? STAR : c === '?' ? ONE : c)),
    value,
    ignoreCase,
  );
}
