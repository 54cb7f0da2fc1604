// @vitest-environment jsdom
// The Releases section against a fake transport: a wave promoted whole, the
// board kept live by execution events, promotions by release events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createApiClient } from '../../../../shared/api/client';
import { fakeTransport } from '../../test-support/fake-transport';
import type { Envelope } from '../../../../shared/api/envelope';
import type { BoardCell, Promotion, ReleaseBoard } from '../../../../shared/api/releases';
import { setApi } from '../../api/current';
import { resetAllStores } from '../../store/reset';
import { subscribeReleasesEvents } from './releases-actions';
import { ReleasesPage } from './ReleasesPage';

const cell = (environment: string, profile: string, region: string, revisionId: string): BoardCell => ({
  environment,
  profile,
  region,
  pipeline: 'web',
  account: '111111111111',
  revisionId,
  revisionSummary: '{"ProviderType":"GitHub","CommitMessage":"Fix rounding"}',
  revisions: [{ actionName: 'Source', revisionId, revisionSummary: 'Fix rounding', revisionUrl: null }],
  deployedExecutionId: 'e-0',
  deployedAt: new Date().toISOString(),
  executionId: 'e-0',
  status: 'Succeeded',
  approvalWaiting: false,
  problem: null,
});
const env = (name: string, wave: number, previous: string | null, targets: BoardCell[]): ReleaseBoard['environments'][number] => ({
  name,
  wave,
  targets,
  previous,
  behindPrevious: false,
  driftCount: previous ? 0 : null,
  gate: null,
  confirmationWord: null,
});
const BOARD: ReleaseBoard = {
  application: 'web',
  environments: [
    env('staging', 0, null, [cell('staging', 'stg', 'us-east-1', 'aaaaaaaaaaaa')]),
    env('prod-us', 1, 'staging', [cell('prod-us', 'prod', 'us-east-1', 'aaaaaaaaaaaa')]),
    env('prod-eu', 1, 'staging', [cell('prod-eu', 'prod', 'eu-west-1', 'aaaaaaaaaaaa')]),
  ],
  promotions: [],
  checkedAt: new Date().toISOString(),
};

function fake(watch: (input: unknown) => Envelope = () => ({ ok: true, result: { state: null } })) {
  const promotion = (environment: string): Promotion => ({
    id: `${environment}-1`,
    application: 'web',
    environment,
    from: 'staging',
    revision: 'aaaaaaaaaaaa',
    status: 'running',
    reason: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    targets: [],
  });
  const handlers: Record<string, (input: unknown) => Envelope> = {
    'releases.list': () => ({
      ok: true,
      result: { releases: [{ application: 'web', environments: ['staging', 'prod-us', 'prod-eu'], running: 0, updatedAt: null, damaged: [] }] },
    }),
    'releases.board': () => ({ ok: true, result: BOARD }),
    'releases.history': () => ({ ok: true, result: { entries: [] } }),
    'executions.watch': watch,
    'releases.promote': (input) => ({
      ok: true,
      result: { promotion: promotion((input as { environment: string }).environment), resumed: false, blocked: null },
    }),
  };
  return fakeTransport(handlers);
}

beforeEach(() => resetAllStores());
afterEach(cleanup);

describe('Releases section', () => {
  it('promotes a wave of two environments side by side, and folds live state into the board', async () => {
    const f = fake();
    const client = createApiClient(f.transport);
    setApi(client);
    const offs = subscribeReleasesEvents(client);
    render(<ReleasesPage />);
    await screen.findByTestId('release-board');
    // The connection's JSON summary is read as its commit message.
    expect(screen.getAllByTestId('release-cell')[0].textContent).toContain('Fix rounding');
    // Every target is watched in the background while the board is open.
    await waitFor(() => expect(f.calls.filter(([m]) => m === 'executions.watch')).toHaveLength(3));

    const wave = screen.getByTestId('release-wave');
    expect(wave.textContent).toContain('Wave 2: prod-us, prod-eu');
    fireEvent.click(within(wave).getByTestId('wave-promote'));
    const dialog = await screen.findByTestId('promote-dialog');
    expect(
      within(dialog)
        .getAllByTestId('promote-revision')
        .map((n) => n.textContent),
    ).toEqual(['aaaaaaaaaaaa', 'aaaaaaaaaaaa']);
    fireEvent.click(within(dialog).getByTestId('promote-confirm'));
    await waitFor(() => expect(screen.queryByTestId('promote-dialog')).toBeNull());
    expect(f.calls.filter(([m]) => m === 'releases.promote').map(([, i]) => (i as { environment: string }).environment)).toEqual(['prod-us', 'prod-eu']);
    expect(screen.getAllByTestId('promotion-running')).toHaveLength(2);

    // A new run in staging, seen by its watcher: the cell says so at once.
    act(() =>
      f.emit('execution.updated', {
        ref: { profile: 'stg', region: 'us-east-1', name: 'web' },
        pipelineVersion: 1,
        pipelineType: 'V2',
        stages: [],
        latest: {
          id: 'e-1',
          status: 'Succeeded',
          statusSummary: null,
          startTime: null,
          lastUpdateTime: new Date().toISOString(),
          durationSec: 10,
          trigger: { type: null, detail: null },
          sourceRevisions: [{ actionName: 'Source', revisionId: 'bbbbbbbbbbbb', revisionSummary: 'Next', revisionUrl: null }],
          executionMode: null,
          executionType: null,
          stopReason: null,
          rollbackTargetId: null,
        },
        observedAt: new Date().toISOString(),
        error: null,
        throttled: false,
      }),
    );
    const staging = screen.getAllByTestId('release-cell')[0];
    expect(staging.getAttribute('data-revision')).toBe('bbbbbbbbbbbb');
    expect(screen.getAllByTestId('env-drift')[0].textContent).toContain('behind staging');

    // The main process says a promotion finished.
    act(() => f.emit('release.updated', { application: 'web', promotion: promotionDone('prod-us'), log: null }));
    await waitFor(() => expect(screen.getAllByTestId('promotion-running')).toHaveLength(1));
    offs.forEach((off) => off());
  });

  it('says which targets are not watched when the main process refuses some, instead of looking live', async () => {
    // The window's watch cap (issue 23, item 5) refuses prod's two targets: their cells would go stale in silence.
    const f = fake((input) =>
      (input as { profile: string }).profile === 'prod'
        ? { ok: false, error: { code: 'CONFLICT', message: 'This window already watches 100 pipelines, the most one window may.' } }
        : { ok: true, result: { state: null } },
    );
    setApi(createApiClient(f.transport));
    render(<ReleasesPage />);
    const badge = await screen.findByTestId('release-unwatched');
    expect(badge.textContent).toContain('2 target(s) not watched');
    expect(badge.textContent).toContain('the most one window may');
    expect(screen.getByTestId('release-board').textContent).toContain('live for 1 of 3 targets');
  });

  it('names a file that could not be read, with its line, rather than showing the release with nothing running', async () => {
    const file = '/home/u/.pipewright/releases/web/promotions.json';
    const message = `${file} is damaged (not valid JSON (line 3, column 25): Unexpected token 'x'); it was left as it is: repair it, or move it aside to start afresh.`;
    const f = fakeTransport({
      'releases.list': () => ({
        ok: true,
        result: { releases: [{ application: 'web', environments: ['staging'], running: null, updatedAt: null, damaged: [{ file, line: 3, message }] }] },
      }),
    });
    setApi(createApiClient(f.transport));
    render(<ReleasesPage />);
    expect((await screen.findByTestId('releases-damaged')).textContent).toBe(message);
    expect(screen.getByRole('option', { name: 'web (damaged)' })).toBeTruthy();
  });
});

function promotionDone(environment: string): Promotion {
  return {
    id: `${environment}-1`,
    application: 'web',
    environment,
    from: 'staging',
    revision: 'aaaaaaaaaaaa',
    status: 'succeeded',
    reason: null,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    targets: [],
  };
}
