// The releases' state: the saved releases, the one open with its board (kept
// live by `execution.updated` for its targets and `release.updated` for its
// promotions), its release log, the drift shown, and the editor's text.
import { create } from 'zustand';
import type { DriftView, ReleaseBoard, ReleaseLogEntry, ReleaseSummary } from '../../../../shared/api/releases';
import type { ReleaseFileError } from '../../../../shared/releases/release-file';

export type ReleaseTab = 'board' | 'history' | 'drift' | 'definition';

export interface ReleasesState {
  list: ReleaseSummary[] | null;
  /** The application open, and its board (null while it is read). */
  opened: string | null;
  board: ReleaseBoard | null;
  boardLoading: boolean;
  /** Targets the main process refused to watch (a window's watch cap, an unknown profile): the board says so, not silently stale. */
  unwatched: { count: number; of: number; reason: string } | null;
  tab: ReleaseTab;
  history: ReleaseLogEntry[];
  drift: DriftView | null;
  driftLoading: boolean;
  /** The editor: a new release, or the open one's file. */
  editing: { text: string; errors: ReleaseFileError[]; isNew: boolean } | null;
}

const initial = (): ReleasesState => ({
  list: null,
  opened: null,
  board: null,
  boardLoading: false,
  unwatched: null,
  tab: 'board',
  history: [],
  drift: null,
  driftLoading: false,
  editing: null,
});

export const useReleasesStore = create<ReleasesState>()(initial);

export function resetReleasesStore(): void {
  useReleasesStore.setState(initial(), true);
}
