// Promotions left running are resumed only once the app can reach its targets: with
// the embedded sandbox still seeding, a resume would find its profiles missing and
// could fail a target that was only waiting to be started.
import { expect, it, vi } from 'vitest';
import type { ReleasesService } from './service';
import { releasesFeature } from './handlers';

it('resumes promotions only after start-up is ready', async () => {
  let resumed = 0;
  const releases = { onChange: () => {}, resumeAll: () => Promise.resolve({ resumed: ++resumed, notResumed: [] }) } as unknown as ReleasesService;
  let open!: () => void;
  const ready = new Promise<void>((r) => (open = r));
  const slice = releasesFeature({ releases, events: { emit: () => {} } as never, log: () => {}, ready });
  // Not a sleep: one macrotask turn drains every microtask, so a resume not chained on `ready` would have run.
  await new Promise((r) => setImmediate(r));
  expect(resumed).toBe(0);
  open();
  await vi.waitFor(() => expect(resumed).toBe(1));
  slice.stop();
});
