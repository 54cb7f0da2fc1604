// Lint rules, including the import guards that keep the architecture honest:
// 'electron' only in the few Electron files, '@aws-sdk/*' and '@smithy/*' only
// in src/main/aws, a main feature's *-calls.ts and src/sandbox (and tests and
// benchmarks that drive them; type imports anywhere in main); src/shared free of
// Node; a main or renderer feature reached from outside only through its index.ts,
// and renderer components never calling the API (the rules are in eslint-rules/).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { mainBoundaries } from './eslint-rules/main-boundaries.js';
import { rendererBoundaries } from './eslint-rules/renderer-boundaries.js';

// Both boundary rule sets under one plugin name.
const pipewright = { rules: { ...mainBoundaries.rules, ...rendererBoundaries.rules } };

const ELECTRON_FILES = ['src/main/index.ts', 'src/main/electron/**/*.ts', 'src/preload/**/*.ts', 'src/main/rpc/ipc.ts'];
const AWS_FILES = ['src/main/aws/**/*.ts', 'src/main/*/*-calls.ts', 'src/sandbox/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'e2e/**/*.ts'];

const electronRule = { name: 'electron', message: "Only the Electron entry, src/main/electron and the preload may import 'electron'." };
const awsPattern = {
  group: ['@aws-sdk/*', '@smithy/*'],
  allowTypeImports: true,
  message: "AWS SDK imports belong in src/main/aws, a feature's *-calls.ts or src/sandbox.",
};

// The layers: shared imports from no other layer; the renderer not from main, the
// sandbox or Node-only code; the sandbox not from main (they share src/node).
const layer = (name, message) => ({ group: [`**/${name}`, `**/${name}/**`, `!**/shared/**`], message });
const noMain = layer('main', 'This layer may not import from src/main.');
const noRenderer = layer('renderer', 'This layer may not import from src/renderer.');
const noSandbox = layer('sandbox', 'This layer may not import from src/sandbox.');
const noNode = layer('node', 'Only src/main and src/sandbox may import Node-only code (src/node).');
// src/shared runs in the renderer too: no Node built-in, with or without the node: prefix.
const NODE_BUILTIN_MESSAGE = 'src/shared is imported by the renderer: no Node built-ins (node:*) here.';
const noNodeBuiltins = { group: ['node:*'], message: NODE_BUILTIN_MESSAGE };
const nodeBuiltinPaths = builtinModules.filter((m) => !m.startsWith('_')).map((name) => ({ name, message: NODE_BUILTIN_MESSAGE }));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'docs/**', 'reports/**', '.stryker-tmp*/**'] },
  js.configs.recommended,
  // The type-checked rules read both TypeScript projects (Node side first, so
  // shared code is checked as the main process sees it).
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { project: ['./tsconfig.node.json', './tsconfig.web.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [electronRule], patterns: [awsPattern] }],
    },
  },
  { files: ['**/*.{js,mjs,cjs}'], ...tseslint.configs.disableTypeChecked },
  {
    // Tests stub async APIs with plain functions, pass methods to expect(), and read
    // raw wire answers (res.json()) untyped on purpose: the no-unsafe-* family
    // guards production code only.
    files: ['**/*.test.{ts,tsx}', 'test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
    },
  },
  {
    // Type-checked twice (the web project, and the Node one through its test) against
    // different globals: a cast one program needs, the other calls unnecessary.
    files: ['src/renderer/src/lib/elk-workers.ts'],
    rules: { '@typescript-eslint/no-unnecessary-type-assertion': 'off' },
  },
  {
    files: ELECTRON_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: [awsPattern] }] },
  },
  {
    files: AWS_FILES,
    rules: { 'no-restricted-imports': ['error', { paths: [electronRule] }] },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: [electronRule], patterns: [awsPattern, noMain, noSandbox, noNode] }],
    },
  },
  {
    // A feature is reached from outside its folder only through its index.ts.
    files: ['src/renderer/src/**/*.{ts,tsx}'],
    plugins: { pipewright },
    rules: { 'pipewright/feature-through-index': 'error' },
  },
  {
    // Components call actions (a feature's *-actions.ts, or store/actions.ts), never the API;
    // main.tsx, which connects the transport, and tests, which fake it, are not components.
    files: ['src/renderer/src/**/*.tsx'],
    ignores: ['src/renderer/src/main.tsx', 'src/renderer/src/**/*.test.tsx'],
    plugins: { pipewright },
    rules: { 'pipewright/component-no-api': 'error' },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronRule, ...nodeBuiltinPaths], patterns: [awsPattern, noMain, noRenderer, noSandbox, noNode, noNodeBuiltins] },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { pipewright },
    rules: { 'pipewright/feature-boundaries': 'error' },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronRule], patterns: [noMain, noRenderer] }] },
  },
);
