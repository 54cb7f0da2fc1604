// Shown when the page lost its session with the server and could not start it
// again (browser mode): what it shows may be stale and nothing new will arrive,
// so it says so and offers the one fix, a reload.
import { useAppStore } from '../store/store';

export function SessionLostBanner() {
  const lost = useAppStore((s) => s.connection === 'lost');
  if (!lost) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="session-lost">
      <span>The connection to Pipewright was lost for too long and this page could not pick up where it was: what it shows may be out of date.</span>{' '}
      <button type="button" data-testid="session-lost-reload" onClick={() => location.reload()}>
        Reload the page
      </button>
    </div>
  );
}
