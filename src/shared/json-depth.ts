// A bound on nesting, checked before any recursive parser (zod, a walker) sees a
// value: thousands of levels would overflow the stack instead of failing clearly.

/** The deepest a call's input or a file may nest: far beyond any real design, template, plan or report. */
export const MAX_NESTING = 100;

/** Whether a value nests arrays or objects deeper than `max`, walked without recursion. */
export function nestedDeeperThan(value: unknown, max: number = MAX_NESTING): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
