// What a section says before it has data: what it will do, and how to get data.
import type { SectionSpec } from './sections';
import { goTo } from '../store/actions';
import { useAppStore } from '../store/store';

export function EmptyState({ section }: { section: SectionSpec }) {
  const sandbox = useAppStore((s) => s.sandbox);
  return (
    <div className="empty-state" data-testid={`empty-${section.id}`}>
      <div className="empty-icon" aria-hidden>
        {section.icon}
      </div>
      <h2>{section.label}</h2>
      <p>{section.purpose}</p>
      {sandbox?.running ? (
        <p className="muted">
          The local sandbox is running with {sandbox.pipelineCount} pipelines in {sandbox.accounts.length} accounts. This view arrives in a coming release.
        </p>
      ) : (
        <p className="muted">To get data, connect an account or start the sandbox.</p>
      )}
      {section.id !== 'accounts' && (
        <button type="button" className="button" onClick={() => goTo('accounts')}>
          Connect an account or start the sandbox
        </button>
      )}
    </div>
  );
}
