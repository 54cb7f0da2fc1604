// @vitest-environment jsdom
// The live view when its watcher cannot reach the pipeline (issue 23, item 6): a
// profile unknown, or removed from the config while watched, is said in full, not
// only as a chip cut at 80 characters, whether or not a state was read before.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { createApiClient } from '../../../../shared/api/client';
import type { PipelineLiveState } from '../../../../shared/api/executions';
import { fakeTransport } from '../../test-support/fake-transport';
import { setApi } from '../../api/current';
import { resetAllStores } from '../../store/reset';
import { openPipeline, subscribeExecutionsEvents } from './executions-actions';
import { PipelineLiveView } from './PipelineLiveView';

const ref = { profile: 'release-bot', region: 'us-east-1', name: 'web' };
const removed =
  'The profile release-bot was removed while this pipeline was watched (No profile named release-bot in ~/.aws/config or ~/.aws/credentials.) What is shown was read before; watching resumes if the profile comes back.';
const stage = {
  name: 'Build',
  status: 'Succeeded',
  executionId: 'e-1',
  waitingExecutionIds: [],
  inbound: { enabled: true, reason: null, lastChangedBy: null, lastChangedAt: null },
  beforeEntry: null,
  actions: [],
};
const state = (over: Partial<PipelineLiveState>): PipelineLiveState => ({
  ref,
  pipelineVersion: null,
  pipelineType: null,
  stages: [],
  latest: null,
  observedAt: new Date().toISOString(),
  error: null,
  throttled: false,
  ...over,
});

beforeEach(() => resetAllStores());
afterEach(cleanup);

describe('the live view of a pipeline whose profile is unknown or removed', () => {
  it('says why in full: nothing read (unknown profile), then stale (removed profile)', async () => {
    const f = fakeTransport({
      'executions.watch': () => ({ ok: true, result: { state: null } }),
      'executions.list': () => ({ ok: true, result: { executions: [], nextToken: null } }),
    });
    const client = createApiClient(f.transport);
    setApi(client);
    const offs = subscribeExecutionsEvents(client);
    await openPipeline(ref, { navigate: false });
    render(<PipelineLiveView />);

    const unknown = 'No profile named release-bot in ~/.aws/config or ~/.aws/credentials. This pipeline cannot be watched until a profile of that name exists.';
    act(() => f.emit('execution.updated', state({ error: { kind: 'not-found', code: 'ProfileNotFound', message: unknown } })));
    expect(screen.getByTestId('live-error-detail').textContent).toBe(`Cannot be read. ${unknown}`);

    act(() =>
      f.emit('execution.updated', state({ pipelineVersion: 1, stages: [stage], error: { kind: 'not-found', code: 'ProfileRemoved', message: removed } })),
    );
    expect(screen.getByTestId('live-error-detail').textContent).toBe(`Not updated; what is shown was read before. ${removed}`);

    // Read again once the profile is back: the message goes.
    act(() => f.emit('execution.updated', state({ pipelineVersion: 1, stages: [stage] })));
    expect(screen.queryByTestId('live-error-detail')).toBeNull();
    offs.forEach((off) => off());
  });
});
