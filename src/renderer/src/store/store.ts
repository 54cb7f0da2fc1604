// The renderer's state: one zustand store made of slices. Actions that call the
// API live at module level (see actions.ts), so components stay declarative.
import { create } from 'zustand';
import type { AppInfo, JobInfo, SandboxStatus } from '../../../shared/api/contract';
import type { SettingsView, SectionId } from '../../../shared/api/settings';
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

export type AppState = SessionSlice & SettingsSlice & NavSlice & ToastSlice & JobsSlice;

export const initialState: AppState = {
  info: null,
  connection: 'connecting',
  sandbox: null,
  settingsView: null,
  section: 'explorer',
  toasts: [],
  jobs: {},
};

export const useAppStore = create<AppState>()(() => ({ ...initialState }));

/** For tests: back to a clean store. */
export function resetStore(): void {
  useAppStore.setState({ ...initialState }, true);
}
