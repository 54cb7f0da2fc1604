// Which profiles and regions the explorer covers. Empty choices mean the
// defaults: every profile, and each profile's own region.
import { useState } from 'react';
import { useAppStore } from '../../store/store';
import { saveWorkspace } from './accounts-actions';
import { useAccountsStore } from './accounts-store';

export function WorkspaceCard() {
  const accounts = useAccountsStore((s) => s.accounts);
  const saved = useAppStore((s) => s.settingsView?.settings.workspace);
  const [profiles, setProfiles] = useState<string[] | null>(null);
  const [regions, setRegions] = useState<string[] | null>(null);
  if (!accounts || !saved) return null;
  const pickedProfiles = profiles ?? accounts.workspace.profiles;
  const pickedRegions = regions ?? accounts.workspace.regions;
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const dirty = profiles !== null || regions !== null;
  return (
    <section className="card" aria-labelledby="ws-h" data-testid="workspace-card">
      <h2 id="ws-h">Workspace</h2>
      <p className="muted small" data-testid="workspace-summary">
        {accounts.workspace.isDefault
          ? `Using the defaults: every profile, in the regions it names (the sandbox's in each of its regions): ${accounts.workspace.regions.length} region${accounts.workspace.regions.length === 1 ? '' : 's'}, ${accounts.workspace.regions.join(', ') || 'none'}.`
          : `Your selection: ${accounts.workspace.profiles.length} profile${accounts.workspace.profiles.length === 1 ? '' : 's'} in ${accounts.workspace.regions.length} region${accounts.workspace.regions.length === 1 ? '' : 's'}.`}
      </p>
      <fieldset>
        <legend>Profiles</legend>
        <div className="checks">
          {accounts.profiles.map((p) => (
            <label key={p.name}>
              <input type="checkbox" checked={pickedProfiles.includes(p.name)} onChange={() => setProfiles(toggle(pickedProfiles, p.name))} /> {p.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Regions</legend>
        <div className="checks regions" data-testid="region-picker">
          {accounts.regions.map((r) => (
            <label key={r.code} title={r.name}>
              <input type="checkbox" checked={pickedRegions.includes(r.code)} onChange={() => setRegions(toggle(pickedRegions, r.code))} /> {r.code}
              {r.optIn && (
                <span className="badge" title="Opt-in region: enable it in the account first">
                  opt-in
                </span>
              )}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="row">
        <button
          type="button"
          className="button"
          data-testid="workspace-save"
          disabled={!dirty}
          onClick={() => {
            void saveWorkspace(pickedProfiles, pickedRegions);
            setProfiles(null);
            setRegions(null);
          }}
        >
          Save workspace
        </button>
        <button
          type="button"
          className="link"
          data-testid="workspace-defaults"
          onClick={() => {
            void saveWorkspace([], []);
            setProfiles(null);
            setRegions(null);
          }}
        >
          Back to defaults
        </button>
      </div>
    </section>
  );
}
