// @vitest-environment jsdom
// The shell against a fake transport: loading, keyboard navigation, and error toasts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createApiClient } from '../../../shared/api/client';
import { fakeTransport as fake } from '../test-support/fake-transport';
import type { Envelope } from '../../../shared/api/envelope';
import { Settings } from '../../../shared/api/settings';
import { setApi } from '../api/current';
import { resetAllStores } from '../store/reset';
import { App } from './App';

/** The shell's methods answered, plus any overrides. */
function fakeTransport(overrides: Record<string, (input: unknown) => Envelope> = {}) {
  const view = { settings: Settings.parse({}), warning: null };
  return fake({
    'app.info': () => ({ ok: true, result: { name: 'Pipewright', version: '9.9.9', mode: 'browser', platform: 'linux' } }),
    'app.ready': () => ({ ok: true, result: { flushed: 0, dropped: 0 } }),
    'settings.get': () => ({ ok: true, result: view }),
    'settings.update': () => ({ ok: true, result: view }),
    'sandbox.status': () => ({ ok: true, result: { running: false, endpoint: null, seed: null, accounts: [], regions: [], pipelineCount: 0 } }),
    'jobs.list': () => ({ ok: true, result: { jobs: [] } }),
    'executions.watchWorkspace': () => ({ ok: true, result: { jobId: 'job-watch' } }),
    'pipelines.list': () => ({ ok: true, result: { jobId: 'job-test', targets: 0 } }),
    'accounts.list': () => ({
      ok: true,
      result: {
        profiles: [],
        configProblems: [],
        files: { config: '~/.aws/config', credentials: '~/.aws/credentials' },
        regions: [],
        workspace: { profiles: [], regions: [], isDefault: true },
      },
    }),
    ...overrides,
  });
}

beforeEach(() => {
  resetAllStores();
  history.replaceState(null, '', '#/');
});
afterEach(cleanup);

describe('App shell', () => {
  it('loads, says it is ready, and shows the version', async () => {
    const f = fakeTransport();
    setApi(createApiClient(f.transport));
    render(<App />);
    await screen.findByTestId('app-ready');
    expect(screen.getByTestId('status-version').textContent).toBe('Pipewright 9.9.9');
    expect(f.calls.map(([m]) => m)).toContain('app.ready');
    expect((await screen.findByTestId('explorer-empty')).textContent).toMatch(/Connect an account or start the sandbox/);
    expect(f.calls.map(([m]) => m)).toContain('pipelines.list');
  });

  it('switches sections with Alt+digit and remembers the choice', async () => {
    const f = fakeTransport();
    setApi(createApiClient(f.transport));
    render(<App />);
    await screen.findByTestId('app-ready');
    fireEvent.keyDown(window, { key: '5', altKey: true });
    await screen.findByTestId('section-releases');
    expect(location.hash).toBe('#/releases');
    await waitFor(() => expect(f.calls).toContainEqual(['settings.update', { ui: { lastSection: 'releases' } }]));
  });

  it('turns a failed call into an error toast, and a notice event into a toast', async () => {
    const f = fakeTransport({ 'settings.update': () => ({ ok: false, error: { code: 'INTERNAL', message: 'Disk is full' } }) });
    setApi(createApiClient(f.transport));
    render(<App />);
    await screen.findByTestId('app-ready');
    fireEvent.click(screen.getByTestId('nav-accounts'));
    fireEvent.change(await screen.findByTestId('theme-select'), { target: { value: 'dark' } });
    const errors = await screen.findAllByTestId('toast-error');
    expect(errors.map((e) => e.textContent).join()).toMatch(/Disk is full/);
    act(() => f.emit('app.notice', { level: 'warning', message: 'Settings file was corrupt' }));
    expect((await screen.findByTestId('toast-warning')).textContent).toMatch(/corrupt/);
  });

  it('keeps the Protection card draft when saving is refused', async () => {
    const f = fakeTransport({
      'artifacts.auditLog': () => ({ ok: true, result: { entries: [] } }),
      'artifacts.lastReport': () => ({ ok: true, result: { report: null } }),
      'settings.update': (input) =>
        (input as { artifacts?: unknown }).artifacts
          ? { ok: false, error: { code: 'INTERNAL', message: 'Disk is full' } }
          : { ok: true, result: { settings: Settings.parse({}), warning: null } },
    });
    setApi(createApiClient(f.transport));
    render(<App />);
    await screen.findByTestId('app-ready');
    fireEvent.click(screen.getByTestId('nav-artifacts'));
    const buckets = await screen.findByTestId<HTMLTextAreaElement>('blocked-buckets');
    fireEvent.change(buckets, { target: { value: 'prod-artifacts' } });
    fireEvent.click(screen.getByTestId('protection-save'));
    const errors = await screen.findAllByTestId('toast-error');
    expect(errors.map((e) => e.textContent).join()).toMatch(/Disk is full/);
    expect(f.calls).toContainEqual([
      'settings.update',
      expect.objectContaining({ artifacts: expect.objectContaining({ blockedBuckets: ['prod-artifacts'] }) }),
    ]);
    // Nothing typed is lost, and it can be saved again.
    expect(screen.getByTestId<HTMLTextAreaElement>('blocked-buckets').value).toBe('prod-artifacts');
    expect(screen.getByTestId<HTMLButtonElement>('protection-save').disabled).toBe(false);
  });

  it('restores the last audit after a reload, and says so when the main process cannot preview it', async () => {
    const tally = { objects: 1, versions: 1, deleteMarkers: 0, bytes: 10, oldest: 0, newest: 0 };
    const report = {
      version: 1,
      generatedAt: '2026-11-23T00:00:00.000Z',
      pricePerGbMonth: 0.023,
      errors: [],
      buckets: [
        {
          profile: 'dev',
          accountId: '111111111111',
          accountAlias: null,
          region: 'us-east-1',
          name: 'codepipeline-us-east-1-1',
          versioning: 'Enabled',
          encryption: null,
          tags: {},
          protected: false,
          declaredBy: [],
          shapedLikeDefault: true,
          unused: false,
          sharedWith: [],
          coverage: { complete: true, gaps: [] },
          totals: { ...tally, monthlyCost: 0 },
          foreign: { ...tally, sample: [] },
          prefixes: [{ ...tally, prefix: 'old-pipeline', class: 'orphan', claimedBy: [], folders: [], keep: [], monthlyCost: 0 }],
        },
      ],
    };
    const f = fakeTransport({
      'artifacts.auditLog': () => ({ ok: true, result: { entries: [] } }),
      'artifacts.lastReport': () => ({ ok: true, result: { report } }),
      'artifacts.preview': () => ({
        ok: false,
        error: { code: 'CONFLICT', message: 'Audit first: plans are made from, and checked against, the latest audit.' },
      }),
    });
    setApi(createApiClient(f.transport));
    render(<App />);
    await screen.findByTestId('app-ready');
    fireEvent.click(screen.getByTestId('nav-artifacts'));
    expect(await screen.findByTestId('artifacts-table')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('retention-summary').textContent).toMatch(/Could not count .*Audit first/));
    expect(f.calls).toContainEqual(['artifacts.preview', { retention: { keepLast: 3, keepDays: 30 } }]);
  });
});
