// The renderer's state: one zustand store made of slices. Actions that call the
// API live at module level (see actions.ts), so components stay declarative.
import { create } from 'zustand';
import type { AppInfo, JobInfo, SandboxStatus } from '../../../shared/api/contract';
import type { SettingsView, SectionId } from '../../../shared/api/settings';
import type { AccountsView } from '../../../shared/api/accounts';
import type { PipelineDetails, PipelineRow, TargetRef } from '../../../shared/api/pipelines';
import type { ConnectionState } from '../api';

export interface Toast {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

interface SessionSlice {
  info: AppInfo | null;
  connection: ConnectionState;
  sandbox: SandboxStatus | null;
}
interface SettingsSlice {
  settingsView: SettingsView | null;
}
interface NavSlice {
  section: SectionId;
}
interface ToastSlice {
  toasts: Toast[];
}
interface JobsSlice {
  jobs: Record<string, JobInfo>;
}
export interface MfaPromptState {
  promptId: string;
  profile: string;
  serial: string;
}
interface AccountsSlice {
  accounts: AccountsView | null;
  checking: boolean;
  mfaPrompts: MfaPromptState[];
  ssoPrompt: { profile: string; verificationUri: string; userCode: string } | null;
}
export type SortKey = 'name' | 'account' | 'region' | 'type' | 'mode' | 'status' | 'started' | 'duration';
export interface ExplorerSlice {
  explorer: {
    rows: Record<string, PipelineRow>;
    errors: Array<{ target: TargetRef; error: { kind: string; code: string; message: string } }>;
    jobId: string | null;
    loadedOnce: boolean;
    search: string;
    status: string;
    groupBy: 'none' | 'account' | 'region';
    sort: { key: SortKey; dir: 1 | -1 };
    selectedId: string | null;
    details: PipelineDetails | null;
    detailsLoading: boolean;
  };
}

export type AppState = SessionSlice & SettingsSlice & NavSlice & ToastSlice & JobsSlice & AccountsSlice & ExplorerSlice;

export const initialExplorer: ExplorerSlice['explorer'] = {
  rows: {},
  errors: [],
  jobId: null,
  loadedOnce: false,
  search: '',
  status: '',
  groupBy: 'none',
  sort: { key: 'name', dir: 1 },
  selectedId: null,
  details: null,
  detailsLoading: false,
};

export const initialState: AppState = {
  info: null,
  connection: 'connecting',
  sandbox: null,
  settingsView: null,
  section: 'explorer',
  toasts: [],
  jobs: {},
  accounts: null,
  checking: false,
  mfaPrompts: [],
  ssoPrompt: null,
  explorer: initialExplorer,
};

export const useAppStore = create<AppState>()(() => ({ ...initialState }));

/** For tests: back to a clean store. */
export function resetStore(): void {
  useAppStore.setState({ ...initialState }, true);
}
