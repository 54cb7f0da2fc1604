// The app shell: sidebar, the current section, status bar and toasts.
// Also applies the theme and the Alt+digit section shortcuts.
import { Suspense, useEffect } from 'react';
import { SECTIONS } from './sections';
import { Sidebar } from './Sidebar';
import { StatusBar } from './StatusBar';
import { SessionLostBanner } from './SessionLostBanner';
import { Toasts } from './Toasts';
import { EmptyState } from './EmptyState';
import { AccountsPage, MfaDialog, SsoPromptBanner } from '../features/accounts';
import { ExplorerPage } from '../features/explorer';
import { ExecutionsPage, openFromHash } from '../features/executions';
import { DesignerPage } from '../features/designer';
import { ArtifactsPage } from '../features/artifacts';
import { ReleasesPage } from '../features/releases';
import { goTo, loadInitial } from '../store/actions';
import { useAppStore } from '../store/store';
import { useApiEvents } from '../store/use-api-events';

// The start sections (Accounts, Explorer) are in the main bundle; the others load when
// first opened (each feature's index.ts exports its page through React.lazy), so the
// first screen parses a fraction of the code (the designer alone brings React Flow,
// the layout engine and YAML).

function useTheme(): void {
  const theme = useAppStore((s) => s.settingsView?.settings.theme ?? 'system');
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
}

function useSectionShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = Number(e.key);
      if (n >= 1 && n <= SECTIONS.length) {
        e.preventDefault();
        goTo(SECTIONS[n - 1].id);
        document.getElementById(`tab-${SECTIONS[n - 1].id}`)?.focus();
      }
    };
    const onHash = () => {
      // A deep link to a pipeline's live view (#/executions/PROFILE/REGION/NAME), else a section.
      if (openFromHash()) return goTo('executions', { keepHash: true });
      const id = SECTIONS.find((s) => `#/${s.id}` === location.hash)?.id;
      if (id) goTo(id);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('hashchange', onHash);
    };
  }, []);
}

export function App() {
  useApiEvents();
  useTheme();
  useSectionShortcuts();
  useEffect(() => {
    // A deep link to a pipeline's live view opens it once the app knows where it is.
    void loadInitial().then(() => openFromHash());
  }, []);
  const section = useAppStore((s) => s.section);
  const ready = useAppStore((s) => s.info !== null);
  const spec = SECTIONS.find((s) => s.id === section) ?? SECTIONS[0];
  return (
    <div className="shell" data-testid={ready ? 'app-ready' : 'app-loading'}>
      <Sidebar />
      <main id="main-panel" role="tabpanel" aria-labelledby={`tab-${spec.id}`} className="main" data-testid={`section-${spec.id}`}>
        <SessionLostBanner />
        <SsoPromptBanner />
        <Suspense
          fallback={
            <p className="muted" data-testid="section-loading">
              Loading…
            </p>
          }
        >
          {spec.id === 'accounts' ? (
            <AccountsPage />
          ) : spec.id === 'explorer' ? (
            <ExplorerPage />
          ) : spec.id === 'designer' ? (
            <DesignerPage />
          ) : spec.id === 'executions' ? (
            <ExecutionsPage />
          ) : spec.id === 'artifacts' ? (
            <ArtifactsPage />
          ) : spec.id === 'releases' ? (
            <ReleasesPage />
          ) : (
            <EmptyState section={spec} />
          )}
        </Suspense>
      </main>
      <StatusBar />
      <Toasts />
      <MfaDialog />
    </div>
  );
}
