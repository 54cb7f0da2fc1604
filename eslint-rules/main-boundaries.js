// The main process's feature boundary: code in src/main reaches a feature
// (src/main/<feature>/) from outside its folder only through its index.ts, so a
// feature's service, calls and ports stay its own (tests may reach inside).
import path from 'node:path';

/** The main process's features: handlers, service, calls, ports. */
export const MAIN_FEATURES = ['accounts', 'app', 'artifacts', 'designer', 'executions', 'events', 'explorer', 'org', 'releases'];
const MAIN_DIR = path.join(import.meta.dirname, '..', 'src', 'main');

const featureBoundaries = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { internals: "Reach the {{feature}} feature through src/main/{{feature}}/index.ts, not its internals ('{{source}}')." },
  },
  create(context) {
    const file = context.filename;
    const own = path.relative(MAIN_DIR, file).split(path.sep)[0];
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.relative(MAIN_DIR, path.resolve(path.dirname(file), source));
      const [feature, ...rest] = target.split(path.sep);
      if (target.startsWith('..') || !MAIN_FEATURES.includes(feature) || feature === own) return;
      if (rest.length === 0 || (rest.length === 1 && rest[0] === 'index')) return;
      context.report({ node, messageId: 'internals', data: { feature, source } });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};

export const mainBoundaries = { rules: { 'feature-boundaries': featureBoundaries } };
