// Open…: a design or template file, or one of the workspace's live pipelines
// (the explorer's rows, loaded here if the explorer has not been opened yet).
import { useEffect, useMemo, useState } from 'react';
import { Modal } from '../../lib/DangerDialog';
import { loadPipelines, useExplorerStore } from '../explorer';
import { openLivePipeline } from './designer-actions';

export function OpenDialog({ onFile, onClose }: { onFile: () => void; onClose: () => void }) {
  const rows = useExplorerStore((s) => s.rows);
  const loading = useExplorerStore((s) => s.jobId !== null);
  const loadedOnce = useExplorerStore((s) => s.loadedOnce);
  const [q, setQ] = useState('');
  useEffect(() => {
    if (!loadedOnce && !loading) void loadPipelines();
  }, [loadedOnce, loading]);
  const shown = useMemo(
    () =>
      Object.values(rows)
        .filter((r) => !q || `${r.name} ${r.profile} ${r.region} ${r.accountAlias ?? r.accountId}`.toLowerCase().includes(q.toLowerCase()))
        .sort((a, b) => a.name.localeCompare(b.name) || a.profile.localeCompare(b.profile) || a.region.localeCompare(b.region)),
    [rows, q],
  );
  return (
    <Modal title="Open" testId="open-dialog" onClose={onClose}>
      <div className="row">
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            onClose();
            onFile();
          }}
          data-testid="open-file"
        >
          A file… (design, CloudFormation template, get-pipeline JSON)
        </button>
      </div>
      <h3>Or a pipeline of the workspace</h3>
      <input
        type="search"
        placeholder="Find a pipeline…"
        aria-label="Find a pipeline"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="open-search"
        autoFocus
      />
      {loading && !shown.length && <p className="muted">Listing the workspace's pipelines…</p>}
      {!loading && loadedOnce && !shown.length && <p className="muted">No pipeline{q ? ' matches' : ' in the workspace'}.</p>}
      <ul className="open-list">
        {shown.slice(0, 200).map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className="link"
              onClick={() => {
                onClose();
                void openLivePipeline(r.profile, r.region, r.name);
              }}
              data-testid="open-pipeline"
              data-pipeline={r.name}
              data-profile={r.profile}
            >
              <strong>{r.name}</strong>
            </button>{' '}
            <span className="muted small">
              {r.accountAlias ?? r.accountId} · {r.region} · {r.profile}
            </span>
          </li>
        ))}
      </ul>
      <div className="row">
        <button type="button" className="link" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
