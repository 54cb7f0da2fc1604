// Rows streaming in: batches are gathered and applied at most every 150 ms (the
// first at once), the last on the job's end; the grid's sort and grouping.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createApiClient } from '../../../../shared/api/client';
import type { PipelineRow } from '../../../../shared/api/pipelines';
import { fakeTransport } from '../../test-support/fake-transport';
import { setApi } from '../../api/current';
import { loadPipelines, subscribeExplorerEvents } from './explorer-actions';
import { gridItems } from './explorer-model';
import { resetExplorerStore, useExplorerStore } from './explorer-store';

const row = (name: string, accountId = '111111111111'): PipelineRow => ({
  id: `${accountId}/us-east-1/${name}`,
  profile: 'p',
  profiles: ['p'],
  accountId,
  accountAlias: null,
  region: 'us-east-1',
  name,
  pipelineType: 'V2',
  executionMode: 'QUEUED',
  version: 1,
  updated: null,
  latest: null,
  latestError: null,
  stages: [],
  stagesError: null,
});

beforeEach(() => {
  vi.useFakeTimers();
  resetExplorerStore();
});
afterEach(() => vi.useRealTimers());

it('applies the first batch at once, gathers the next ones, and flushes when the listing ends', () => {
  const f = fakeTransport({});
  const off = subscribeExplorerEvents(createApiClient(f.transport));
  let updates = 0;
  const unsub = useExplorerStore.subscribe(() => updates++);
  vi.advanceTimersByTime(1000);
  f.emit('pipelines.batch', { jobId: 'j', target: { profile: 'p', region: 'us-east-1', accountId: null, alias: null }, rows: [row('a')] });
  expect(Object.keys(useExplorerStore.getState().rows)).toHaveLength(1);
  for (let i = 0; i < 20; i++)
    f.emit('pipelines.batch', { jobId: 'j', target: { profile: 'p', region: 'us-east-1', accountId: null, alias: null }, rows: [row(`b${i}`)] });
  expect(Object.keys(useExplorerStore.getState().rows)).toHaveLength(1); // gathered, not applied 20 times
  vi.advanceTimersByTime(150);
  expect(Object.keys(useExplorerStore.getState().rows)).toHaveLength(21);
  expect(updates).toBe(2);
  f.emit('pipelines.batch', { jobId: 'j', target: { profile: 'p', region: 'us-east-1', accountId: null, alias: null }, rows: [row('last')] });
  f.emit('job.finished', { jobId: 'j', kind: 'pipelines.list', status: 'succeeded' });
  expect(useExplorerStore.getState().rows['111111111111/us-east-1/last']).toBeDefined();
  unsub();
  off.forEach((o) => o());
});

it('sorts by a value computed once per row, ties by id, and groups without losing order', () => {
  const rows = [row('beta'), row('Alpha'), row('alpha', '222222222222'), row('gamma', '222222222222')];
  const view = { search: '', status: '', sort: { key: 'name' as const, dir: 1 as const }, groupBy: 'none' as const };
  expect(gridItems(rows, view).map((i) => (i.type === 'row' ? i.row.id : i.key))).toEqual([
    '111111111111/us-east-1/Alpha',
    '222222222222/us-east-1/alpha',
    '111111111111/us-east-1/beta',
    '222222222222/us-east-1/gamma',
  ]);
  expect(gridItems(rows, { ...view, sort: { key: 'name', dir: -1 } })[0]).toMatchObject({ row: { name: 'gamma' } });
  const grouped = gridItems(rows, { ...view, groupBy: 'account' });
  expect(grouped.map((i) => (i.type === 'group' ? `${i.label}:${i.count}` : i.row.name))).toEqual([
    '111111111111:2',
    'Alpha',
    'beta',
    '222222222222:2',
    'alpha',
    'gamma',
  ]);
});

it('a listing replaced by a full reload is cancelled, and its late rows and errors are dropped', async () => {
  let n = 0;
  const f = fakeTransport({
    'pipelines.list': () => ({ ok: true, result: { jobId: `job-${++n}`, targets: 1 } }),
    'jobs.cancel': () => ({ ok: true, result: { cancelled: true } }),
  });
  const api = createApiClient(f.transport);
  setApi(api);
  const off = subscribeExplorerEvents(api);
  const target = { profile: 'p', region: 'eu-west-1', accountId: null, alias: null };
  await loadPipelines(); // job-1: the old workspace
  await loadPipelines(); // job-2: the workspace changed
  expect(f.calls.filter(([m]) => m === 'jobs.cancel').map(([, i]) => i)).toEqual([{ jobId: 'job-1' }]);
  vi.advanceTimersByTime(1000);
  f.emit('pipelines.batch', { jobId: 'job-1', target, rows: [row('old-region')] });
  f.emit('pipelines.targetError', { jobId: 'job-1', target, error: { kind: 'denied', code: 'AccessDenied', message: 'no' } });
  f.emit('pipelines.batch', { jobId: 'job-2', target, rows: [row('new')] });
  vi.runOnlyPendingTimers();
  expect(Object.values(useExplorerStore.getState().rows).map((r) => r.name)).toEqual(['new']);
  expect(useExplorerStore.getState().errors).toEqual([]);
  off.forEach((o) => o());
});
