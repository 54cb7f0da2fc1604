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
  'src/shared/artifacts/**/*.ts', // key layout and claims, evidence, classify, report, plan, retention, lifecycle, eligibility
  'src/shared/safety/**/*.ts', // production and its word; confirmations as capabilities
  'src/shared/executions/approvals.ts', // "an approval is waiting"
  'src/main/artifacts/deletion-guard.ts', // re-checks at the moment of deletion
  'src/main/artifacts/cleanup-executor.ts', // the cleanup executor
  'src/node/lock-file.ts', // one runner per cleanup plan
  // Where the services enforce them: the plan against its audit and the confirmation
  // (ArtifactsService.clean, deleteBucket, expireByLifecycle). Line ranges: update with the code.
  'src/main/artifacts/service.ts:89-111',
  'src/main/artifacts/service.ts:120-175',
  // Who an account is at the moment of confirming or acting (cleanups and live updates alike).
  'src/main/aws/accounts-now.ts',
  // Live updates: the confirmation request, and apply / remove acting only on what was confirmed.
  // (and each resource acted on only with a profile checked to sign in to its account: wrongAccount).
  'src/main/events/service.ts:193-224',
  'src/main/events/service.ts:399-411',
  'src/main/events/service.ts:422-457',
  'src/main/events/service.ts:863-890',
  // Approvals: the live view's `waitingForApproval`, and `answerApproval` (the token read at
  // that moment, for the execution reviewed, only from an approval action).
  'src/main/executions/execution-calls.ts:107-107',
  'src/main/executions/execution-calls.ts:335-359',
  // The inbox's list (ExecutionsService.approvals) and the production target of an answer or a stop.
  'src/main/executions/service.ts:192-196',
  'src/main/executions/service.ts:228-328',
  'src/main/executions/service.ts:329-401',
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
