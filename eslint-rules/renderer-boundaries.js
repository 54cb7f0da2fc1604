// The renderer's boundaries, as two ESLint rules over relative imports (static,
// re-exports and import()), resolved against the importing file:
// - feature-through-index: a file outside src/renderer/src/features/X reaches X
//   only through X's index.ts (the folder itself), never its internals;
// - component-no-api: a component (.tsx) imports nothing from src/renderer/src/api
//   and not `call` from store/actions.ts: it calls actions, which call the API.
// The paths are the repository's own, so the rules need no configuration.
import path from 'node:path';

const RENDERER = path.resolve(import.meta.dirname, '../src/renderer/src');
const FEATURES = path.join(RENDERER, 'features');
const API = path.join(RENDERER, 'api');
const STORE_ACTIONS = path.join(RENDERER, 'store', 'actions');

const inside = (dir, p) => {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};
const featureOf = (p) => (inside(FEATURES, p) && p !== FEATURES ? path.relative(FEATURES, p).split(path.sep)[0] : null);
const withoutExtension = (p) => p.replace(/\.(tsx?|jsx?)$/, '');

/** Calls `check(node, absolutePathWithoutExtension, importNode)` for every relative import of the file. */
function eachRelativeImport(context, check) {
  const from = path.dirname(context.filename);
  const visit = (node, source) => {
    if (typeof source === 'string' && source.startsWith('.')) check(node, withoutExtension(path.resolve(from, source)));
  };
  return {
    ImportDeclaration: (node) => visit(node, node.source.value),
    ExportNamedDeclaration: (node) => node.source && visit(node, node.source.value),
    ExportAllDeclaration: (node) => visit(node, node.source.value),
    ImportExpression: (node) => node.source.type === 'Literal' && visit(node, node.source.value),
  };
}

const featureThroughIndex = {
  meta: {
    type: 'problem',
    docs: { description: 'A renderer feature is reached from outside its folder only through its index.ts.' },
    messages: {
      internals: "'{{source}}' is inside the {{feature}} feature: import from its index.ts ('features/{{feature}}') and export what you need there.",
    },
    schema: [],
  },
  create(context) {
    const own = featureOf(path.resolve(context.filename));
    return eachRelativeImport(context, (node, target) => {
      const feature = featureOf(target);
      if (!feature || feature === own) return;
      const rest = path.relative(path.join(FEATURES, feature), target);
      if (rest === '' || rest === 'index') return;
      context.report({ node, messageId: 'internals', data: { source: node.source.value, feature } });
    });
  },
};

const componentNoApi = {
  meta: {
    type: 'problem',
    docs: { description: 'Components call actions, never the API.' },
    messages: {
      api: "A component does not import the API ('{{source}}'): call an action in the feature's *-actions.ts or store/actions.ts.",
      call: "A component does not call the API through call(): put the call in an action in the feature's *-actions.ts.",
    },
    schema: [],
  },
  create(context) {
    return eachRelativeImport(context, (node, target) => {
      // A type (a connection state, say) is not a call: only values reach the API.
      if (node.importKind === 'type') return;
      if (inside(API, target)) return context.report({ node, messageId: 'api', data: { source: node.source.value } });
      if (
        target === STORE_ACTIONS &&
        node.type === 'ImportDeclaration' &&
        node.specifiers.some((s) => s.type === 'ImportSpecifier' && s.imported.name === 'call')
      )
        context.report({ node, messageId: 'call' });
    });
  },
};

export const rendererBoundaries = { rules: { 'feature-through-index': featureThroughIndex, 'component-no-api': componentNoApi } };
