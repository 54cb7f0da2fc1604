// The release file, edited as text (YAML or JSON) and checked as you type with
// the CLI's own rules (every error names its line); or started from live
// pipelines, each checked and its account written down.
import { useState } from 'react';
import { useReleasesStore } from './releases-store';
import { cancelEdit, checkText, initFromLive, saveRelease } from './releases-actions';

export function ReleaseEditor() {
  const editing = useReleasesStore((s) => s.editing);
  const [saving, setSaving] = useState(false);
  if (!editing) return null;
  return (
    <div className="release-editor" data-testid="release-editor">
      {editing.isNew && <FromLivePipelines />}
      <label htmlFor="release-text">
        Release file (YAML or JSON; the format is in <code>docs/releases.md</code>)
      </label>
      <textarea
        id="release-text"
        className="code"
        rows={22}
        spellCheck={false}
        value={editing.text}
        onChange={(e) => void checkText(e.target.value)}
        data-testid="release-text"
      />
      <div aria-live="polite" data-testid="release-errors">
        {editing.errors.length ? (
          <ul className="error">
            {editing.errors.map((e, i) => (
              <li key={i}>
                {e.line ? `line ${e.line}: ` : ''}
                {e.path ? `${e.path}: ` : ''}
                {e.message}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">The file is valid. Saving checks its targets against live pipelines.</span>
        )}
      </div>
      <div className="row">
        <button
          type="button"
          className="button"
          disabled={saving || editing.errors.length > 0}
          onClick={() => {
            setSaving(true);
            void saveRelease().finally(() => setSaving(false));
          }}
          data-testid="release-save"
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="link" onClick={cancelEdit}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Environments from live pipelines: "dev = sandbox-dev:us-east-1:web-frontend", one line each, in wave order. */
function FromLivePipelines() {
  const [application, setApplication] = useState('');
  const [lines, setLines] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const go = async () => {
    setProblem(null);
    const environments: Array<{ name: string; targets: Array<{ profile: string; region: string; pipeline: string }> }> = [];
    for (const raw of lines.split('\n').map((l) => l.trim())) {
      if (!raw) continue;
      const m = /^([A-Za-z0-9._-]+)\s*=\s*(.+)$/.exec(raw);
      const targets = m?.[2].split(',').map((t) => t.trim().split(':'));
      if (!m || !targets || targets.some((t) => t.length !== 3 || t.some((x) => !x)))
        return setProblem(`"${raw}": write NAME = PROFILE:REGION:PIPELINE, with more targets after commas.`);
      environments.push({ name: m[1], targets: targets.map(([profile, region, pipeline]) => ({ profile, region, pipeline })) });
    }
    if (!application.trim() || !environments.length) return setProblem('Name the application and at least one environment.');
    setBusy(true);
    await initFromLive({ application: application.trim(), environments });
    setBusy(false);
  };
  return (
    <details className="card" data-testid="release-from-live">
      <summary>Start from live pipelines</summary>
      <label>
        Application <input type="text" value={application} onChange={(e) => setApplication(e.target.value)} data-testid="init-application" />
      </label>
      <label htmlFor="init-envs">One environment per line, in wave order</label>
      <textarea
        id="init-envs"
        rows={4}
        className="code"
        placeholder={'dev = sandbox-dev:us-east-1:web-frontend\nstaging = sandbox-staging:us-east-1:web-frontend\nprod = sandbox-prod:us-east-1:web-frontend'}
        value={lines}
        onChange={(e) => setLines(e.target.value)}
        data-testid="init-envs"
      />
      {problem && <p className="error">{problem}</p>}
      <button type="button" className="button secondary" disabled={busy} onClick={() => void go()} data-testid="init-go">
        {busy ? 'Checking each pipeline…' : 'Write the release file'}
      </button>
    </details>
  );
}
