// Mode, connection state, sandbox and running jobs, and the app version.
import { useAppStore } from '../store/store';
import type { ConnectionState } from '../api';

// "Connected" only once the session is whole: a page that is starting over after its session expired is not yet.
const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected, retrying…',
  resyncing: 'Reconnected, catching up…',
  lost: 'Session lost: reload the page',
};

export function StatusBar() {
  const info = useAppStore((s) => s.info);
  const connection = useAppStore((s) => s.connection);
  const sandbox = useAppStore((s) => s.sandbox);
  const running = useAppStore((s) => Object.values(s.jobs).filter((j) => j.status === 'running').length);
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span data-testid="status-mode">{info ? (info.mode === 'electron' ? 'Desktop' : 'Browser mode') : '…'}</span>
      <span className={`conn conn-${connection}`} data-testid="status-connection" aria-live="polite">
        <span className="dot" aria-hidden /> {CONNECTION_TEXT[connection]}
      </span>
      <span data-testid="status-sandbox">{sandbox?.running ? `Sandbox: local (${sandbox.accounts.length} accounts)` : 'Sandbox: off'}</span>
      {running > 0 && (
        <span data-testid="status-jobs">
          {running} job{running === 1 ? '' : 's'} running
        </span>
      )}
      <span className="spacer" />
      <span data-testid="status-version">{info ? `Pipewright ${info.version}` : ''}</span>
    </footer>
  );
}
