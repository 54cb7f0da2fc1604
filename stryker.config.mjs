// Mutation testing of the safety core (issue #22): `npm run test:mutation`.
// Not part of `npm test`: it reruns the artifact and executions tests once per
// mutant and takes about an hour on two shared cores. See docs/testing.md.
// @ts-check

/**
 * The safety core: what decides and performs deletion, the typed confirmations,
 * and the "is this an approval waiting" rule. THE one list to edit when these
 * files move (e.g. src/main/aws/artifact-cleanup.ts → src/main/artifacts/…):
 * keep tests out (the `!` globs at the end). A `path:from-to` entry mutates those
 * lines only, for files where the rule is one function among unrelated code.
 */
const SAFETY_CORE = [
  'src/shared/artifacts/**/*.ts', // classify, report, plan, retention, lifecycle, confirm
  'src/shared/executions/confirm.ts', // the approval confirmation word
  'src/main/aws/deletion-guard.ts', // re-checks at the moment of deletion
  'src/main/aws/artifact-cleanup.ts', // the cleanup executor
  // Approvals: `waitingApprovals` (the inbox's list) and `waitingForApproval` (an
  // approval action in progress with a token). Line ranges: update with the code.
  'src/shared/api/executions.ts:175-194',
  'src/main/aws/pipeline-executions.ts:106-106',
  // `answerApproval`: the token read at that moment, for the execution reviewed.
  'src/main/aws/pipeline-executions.ts:334-357',
  '!**/*.test.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', pool: 'forks' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: SAFETY_CORE,
  // Each mutant runs only the tests that reached it.
  coverageAnalysis: 'perTest',
  // Module-level mutants (zod schemas, constants) would each rerun every test:
  // left out to keep a run within the hour; the schemas have their own tests.
  ignoreStatic: true,
  // Two cores, shared with other work.
  concurrency: 2,
  // The sandbox tests take seconds each; a mutant that loops forever hits this.
  timeoutMS: 10_000,
  timeoutFactor: 1.5,
  thresholds: { high: 90, low: 85, break: 85 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: '.stryker-tmp',
  // Not copied into the sandboxes: earlier reports and other runs' temp dirs.
  ignorePatterns: ['/reports', '/.stryker-tmp*'],
  cleanTempDir: true,
};
