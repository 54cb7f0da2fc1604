// The app shell's state: session, settings, navigation, toasts and jobs. Each
// feature keeps its own store beside its pages (features/*/…-store.ts) with its
// actions and event routing in …-actions.ts; actions that call the API live at
// module level, so components stay declarative.
import { create } from 'zustand';
import type { AppInfo, JobInfo, SandboxStatus } from '../../../shared/api/contract';
import type { SettingsView, SectionId } from '../../../shared/api/settings';
import type { PipelineRef } from '../../../shared/api/executions';
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
  /** A live pipeline another section asked the designer to open (the designer takes it when it shows). */
  designerRequest: PipelineRef | null;
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
  designerRequest: null,
  toasts: [],
  jobs: {},
};

export const useAppStore = create<AppState>()(() => ({ ...initialState }));

/** For tests: back to a clean shell store (each feature store has its own reset). */
export function resetStore(): void {
  useAppStore.setState({ ...initialState }, true);
}
