// Lint rules, including the import guards that keep the architecture honest:
// 'electron' only in the few Electron files, '@aws-sdk/*' and '@smithy/*' only
// in src/main/aws and src/sandbox (and tests and benchmarks that drive them).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const ELECTRON_FILES = ['src/main/index.ts', 'src/main/electron/**/*.ts', 'src/preload/**/*.ts', 'src/main/rpc/ipc.ts'];
const AWS_FILES = ['src/main/aws/**/*.ts', 'src/sandbox/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'e2e/**/*.ts'];

const electronRule = { name: 'electron', message: "Only the Electron entry, src/main/electron and the preload may import 'electron'." };
const awsPattern = { group: ['@aws-sdk/*', '@smithy/*'], message: 'AWS SDK imports belong in src/main/aws or src/sandbox.' };

// The layers: shared imports from no other layer; the renderer not from main, the
// sandbox or Node-only code; the sandbox not from main (they share src/node).
const layer = (name, message) => ({ group: [`**/${name}`, `**/${name}/**`, `!**/shared/**`], message });
const noMain = layer('main', 'This layer may not import from src/main.');
const noRenderer = layer('renderer', 'This layer may not import from src/renderer.');
const noSandbox = layer('sandbox', 'This layer may not import from src/sandbox.');
const noNode = layer('node', 'Only src/main and src/sandbox may import Node-only code (src/node).');

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
    files: ['src/renderer/src/features/designer/elk-workers.ts'],
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
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronRule], patterns: [awsPattern, noMain, noRenderer, noSandbox, noNode] }] },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronRule], patterns: [noMain, noRenderer] }] },
  },
);
