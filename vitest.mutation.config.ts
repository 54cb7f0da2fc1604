// The tests Stryker runs against mutants of the safety core (stryker.config.mjs):
// only those that exercise it, so a mutant run stays short. Unit tests beside the
// files, the artifact tests (classifier, planner, retention, lifecycle, audit,
// evidence rule, cleanup against the sandbox), the main-process artifact
// integration test, and the executions tests (approvals in the inbox and answered).
// Not the built-CLI tests (test/cli): they run out/main/cli.js, which Stryker's
// instrumented sources never reach.
import { configDefaults, defineConfig } from 'vitest/config';
import type { TestSequencer, TestSpecification } from 'vitest/node';

// Fast files first: Stryker stops a mutant's run at its first failing test, so a
// mutant a unit test kills never waits for the sandbox suites. (Vitest's default
// runs the slowest files first.) Unlisted files go between the two groups.
const ORDER = [
  'src/',
  'test/artifacts/plan-rules',
  'test/artifacts/retention',
  'test/artifacts/lifecycle',
  'test/artifacts/classify.property',
  'test/artifacts/cleanup-executor',
  'test/artifacts/audit',
  '',
  'test/integration/artifact-buckets',
  'test/artifacts/evidence.property',
  'test/artifacts/cleanup.test',
  'test/executions',
];
const rank = (file: string) => {
  const f = file.replaceAll('\\', '/');
  const i = ORDER.findIndex((p) => p && f.includes(`/${p}`));
  return i < 0 ? ORDER.indexOf('') : i;
};
class FastFirst implements TestSequencer {
  shard(files: TestSpecification[]) {
    return files;
  }
  sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId));
  }
}

export default defineConfig({
  test: {
    include: [
      'src/shared/artifacts/**/*.test.ts',
      'src/shared/executions/**/*.test.ts',
      'src/shared/safety/**/*.test.ts',
      'src/main/artifacts/**/*.test.ts',
      'src/node/lock-file.test.ts',
      'src/main/executions/**/*.test.ts',
      'test/artifacts/**/*.test.ts',
      'test/integration/artifact-buckets.test.ts',
      'test/executions/**/*.test.ts',
      'test/events/confirmed-plan.test.ts',
      'test/events/setup.test.ts',
      'test/events/remove-safety.test.ts',
      'test/events/confirmation-hub.test.ts',
    ],
    // It asserts S3's write rate against the wall clock: under instrumentation, on two
    // shared cores, it fails the initial run for reasons no mutant caused. The pacer is
    // not in the mutated set; cleanup.test.ts covers SlowDown through the executor.
    exclude: [...configDefaults.exclude, 'test/artifacts/cleanup-rate-limit.test.ts'],
    // As vitest.config.ts (no React plugin: none of these render).
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    sequence: { sequencer: FastFirst },
  },
});
