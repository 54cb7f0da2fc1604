// Pure view logic for the explorer grid: search, status filter, sort, grouping.
import type { PipelineRow } from '../../../../shared/api/pipelines';
import type { SortKey } from './explorer-store';

export type GridItem = { type: 'group'; key: string; label: string; count: number } | { type: 'row'; row: PipelineRow };

export const STATUS_FILTERS = ['', 'InProgress', 'Succeeded', 'Failed', 'Stopped', 'Superseded', 'none'] as const;

const accountLabel = (r: PipelineRow) => (r.accountAlias ? `${r.accountAlias} (${r.accountId})` : r.accountId);

function sortValue(r: PipelineRow, key: SortKey): string | number {
  switch (key) {
    case 'name':
      return r.name.toLowerCase();
    case 'account':
      return accountLabel(r).toLowerCase();
    case 'region':
      return r.region;
    case 'type':
      return r.pipelineType ?? '';
    case 'mode':
      return r.executionMode ?? '';
    case 'status':
      return r.latest?.status ?? '';
    case 'started':
      return r.latest?.startTime ?? '';
    case 'duration':
      return r.latest?.durationSec ?? -1;
  }
}

export function matches(r: PipelineRow, search: string, status: string): boolean {
  // "No executions" means the history was read and is empty, not that it could not be read.
  if (status === 'none' ? r.latest !== null || r.latestError !== null : status && r.latest?.status !== status) return false;
  if (!search) return true;
  const hay = [
    r.name,
    r.accountId,
    r.accountAlias ?? '',
    r.region,
    r.profile,
    r.latest?.revisionId ?? '',
    r.latest?.revisionSummary ?? '',
    r.pipelineType ?? '',
    r.executionMode ?? '',
  ]
    .join(' ')
    .toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => hay.includes(term));
}

export function gridItems(
  rows: PipelineRow[],
  view: { search: string; status: string; sort: { key: SortKey; dir: 1 | -1 }; groupBy: 'none' | 'account' | 'region' },
): GridItem[] {
  const { key, dir } = view.sort;
  // Each row's sort value is computed once, not at every comparison: this runs each
  // time a batch of rows streams in, over thousands of rows.
  const filtered = rows
    .filter((r) => matches(r, view.search, view.status))
    .map((row) => ({ row, value: sortValue(row, key) }))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) * dir || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0))
    .map((x) => x.row);
  if (view.groupBy === 'none') return filtered.map((row) => ({ type: 'row', row }));
  const groupOf = (r: PipelineRow) => (view.groupBy === 'account' ? accountLabel(r) : r.region);
  const groups = new Map<string, PipelineRow[]>();
  for (const r of filtered) {
    const g = groupOf(r);
    const members = groups.get(g);
    if (members) members.push(r);
    else groups.set(g, [r]);
  }
  return [...groups.keys()]
    .sort()
    .flatMap((g) => [
      { type: 'group' as const, key: g, label: g, count: groups.get(g)!.length },
      ...groups.get(g)!.map((row) => ({ type: 'row' as const, row })),
    ]);
}
