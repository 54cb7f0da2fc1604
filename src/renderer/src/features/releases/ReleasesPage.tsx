// The Releases section: one application's pipelines across dev, staging and
// prod accounts. The board says which revision runs where; promotions go wave
// by wave behind their gates; the history is the release log; drift compares
// environments' pipelines; the definition is the release file itself.
import { useEffect, useState } from 'react';
import { formatTime } from '../../lib/format';
import { useReleasesStore, type ReleaseTab } from './releases-store';
import { loadDrift, loadReleases, newRelease, openRelease, setReleaseTab } from './releases-actions';
import { ReleaseBoardView } from './ReleaseBoard';
import { ReleaseEditor } from './ReleaseEditor';
import { Tabs } from '../../lib/Tabs';

const TABS: Array<[ReleaseTab, string]> = [
  ['board', 'Board'],
  ['history', 'History'],
  ['drift', 'Drift'],
  ['definition', 'Release file'],
];

export function ReleasesPage() {
  const list = useReleasesStore((s) => s.list);
  const opened = useReleasesStore((s) => s.opened);
  const tab = useReleasesStore((s) => s.tab);
  const editing = useReleasesStore((s) => s.editing);
  useEffect(() => {
    void loadReleases();
  }, []);

  return (
    <div className="releases" data-testid="releases">
      <div className="toolbar">
        <label>
          Release{' '}
          <select
            value={opened ?? ''}
            onChange={(e) => e.target.value && void openRelease(e.target.value)}
            data-testid="release-select"
            aria-label="Release"
            disabled={!list?.length}
          >
            {!opened && <option value="">{list?.length ? 'Choose…' : 'none saved yet'}</option>}
            {list?.map((r) => (
              <option key={r.application} value={r.application}>
                {r.application}
                {r.running ? ` (${r.running} promoting)` : ''}
                {r.damaged.length ? ' (damaged)' : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button secondary" onClick={() => newRelease()} data-testid="release-new">
          New release…
        </button>
      </div>
      {/* A file that could not be read is named with its line, never shown as "nothing running": it is left for the user to repair. */}
      {list?.some((r) => r.damaged.length) && (
        <ul className="error" role="alert" data-testid="releases-damaged">
          {list.flatMap((r) => r.damaged.map((d) => <li key={d.file}>{d.message}</li>))}
        </ul>
      )}
      {list && !list.length && !editing && (
        <div className="empty" data-testid="releases-empty">
          <p>
            A release is one application&apos;s pipelines in each environment (dev, staging, prod: each in its own account), promoted in waves with the revision
            that passed the wave before pinned. Start one from live pipelines, or write its file.
          </p>
          <button type="button" className="button" onClick={() => newRelease()}>
            New release…
          </button>
        </div>
      )}
      {(opened || editing) && (
        <Tabs tabs={TABS.filter(([id]) => opened || id === 'definition')} active={tab} onChange={setReleaseTab} testIdPrefix="release-tab-" />
      )}
      {tab === 'definition' && editing ? (
        <ReleaseEditor />
      ) : !opened ? null : tab === 'board' ? (
        <ReleaseBoardView />
      ) : tab === 'history' ? (
        <ReleaseHistory />
      ) : tab === 'drift' ? (
        <ReleaseDrift />
      ) : null}
    </div>
  );
}

function ReleaseHistory() {
  const history = useReleasesStore((s) => s.history);
  if (!history.length) return <p className="muted">Nothing has happened in this release yet.</p>;
  return (
    <table className="table" data-testid="release-history">
      <thead>
        <tr>
          <th>When</th>
          <th>Environment</th>
          <th>What</th>
        </tr>
      </thead>
      <tbody>
        {[...history].reverse().map((e, i) => (
          <tr key={`${e.at}-${i}`} data-testid="release-history-row" data-event={e.event}>
            <td className="muted">{formatTime(e.at)}</td>
            <td>{e.environment ?? ''}</td>
            <td>{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReleaseDrift() {
  const board = useReleasesStore((s) => s.board);
  const drift = useReleasesStore((s) => s.drift);
  const loading = useReleasesStore((s) => s.driftLoading);
  const names = board?.environments.map((e) => e.name) ?? [];
  const [from, setFrom] = useState(names.at(-2) ?? names[0] ?? '');
  const [to, setTo] = useState(names.at(-1) ?? '');
  useEffect(() => {
    if (from && to && from !== to) void loadDrift(from, to);
  }, [from, to]);
  return (
    <div data-testid="release-drift">
      <div className="toolbar">
        <label>
          From{' '}
          <select value={from} onChange={(e) => setFrom(e.target.value)} data-testid="drift-from">
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          to{' '}
          <select value={to} onChange={(e) => setTo(e.target.value)} data-testid="drift-to">
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <span className="muted">Account ids, regions, artifact buckets and names that embed the environment are normalised first.</span>
      </div>
      {loading && <p className="muted">Reading both environments&apos; pipelines…</p>}
      {!loading && drift && drift.from === from && drift.to === to && (
        <>
          <p data-testid="drift-summary">{drift.drift ? `${from} and ${to} differ in structure.` : `No drift: ${to}'s pipelines have ${from}'s structure.`}</p>
          {drift.targets.map((t, i) => (
            <section key={i} className="card">
              <h3>
                {t.from.pipeline} ({t.from.profile}, {t.from.region}) → {t.to.pipeline} ({t.to.profile}, {t.to.region})
              </h3>
              {t.error && <p className="error">Unverified: {t.error}</p>}
              <ul>
                {t.changes.map((c, j) => (
                  <li key={j} className={`change change-${c.kind}`} data-testid="drift-change">
                    {c.message}
                    {c.kind === 'changed' && (typeof c.before === 'string' || typeof c.after === 'string') && (
                      <span className="muted">
                        {' '}
                        {JSON.stringify(c.before)} → {JSON.stringify(c.after)}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
    </div>
  );
}
