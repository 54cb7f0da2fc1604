// @vitest-environment jsdom
// The explorer's mark of where a pipeline's status comes from: named for screen readers,
// following the watcher's mode as `execution.updated` brings it, nothing before it says.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import type { PipelineLiveState } from '../../../../shared/api/executions';
import { createApiClient } from '../../../../shared/api/client';
import { setApi } from '../../api/current';
import { resetAllStores } from '../../store/reset';
import { fakeTransport } from '../../test-support/fake-transport';
import { subscribeExecutionsEvents } from '../executions';
import { WatchModeMark, WatchModeText } from './WatchModeMark';

const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };
const state = (watchMode: PipelineLiveState['watchMode'], watchModeReason: string | null = null): PipelineLiveState => ({
  ref,
  pipelineVersion: 1,
  pipelineType: 'V2',
  stages: [],
  latest: null,
  observedAt: new Date().toISOString(),
  error: null,
  throttled: false,
  watchMode,
  watchModeReason,
});

beforeEach(resetAllStores);
afterEach(cleanup);

describe('WatchModeMark', () => {
  it('says nothing until the watcher does, then follows its mode, with the reason on hover', () => {
    const f = fakeTransport({});
    const api = createApiClient(f.transport);
    setApi(api);
    const unsubscribe = subscribeExecutionsEvents(api);
    render(
      <>
        <WatchModeMark pipeline={ref} />
        <WatchModeText pipeline={ref} />
      </>,
    );
    expect(screen.queryByTestId('row-watch-mode')).toBeNull();

    act(() => f.emit('execution.updated', state('polled', 'not set up')));
    expect(screen.getByRole('img', { name: 'Status by polling' }).dataset.mode).toBe('polled');
    expect(screen.getByTestId('row-watch-mode').title).toContain('not set up');

    act(() => f.emit('execution.updated', state('event-driven')));
    expect(screen.getByRole('img', { name: 'Status from events' }).dataset.mode).toBe('event-driven');
    expect(screen.getByTestId('details-watch-mode').textContent).toContain('Status from events (event-driven)');

    // Another pipeline's state is not this one's.
    act(() => f.emit('execution.updated', { ...state('degraded', 'the hub rule is disabled'), ref: { ...ref, name: 'other' } }));
    expect(screen.getByTestId('row-watch-mode').dataset.mode).toBe('event-driven');
    unsubscribe.forEach((u) => u());
  });
});
