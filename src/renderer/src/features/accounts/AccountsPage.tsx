// Accounts & Settings: profiles and their states, the workspace, which accounts
// are production, the sandbox (its accounts, on/off, reseed) and preferences.
import { useEffect, useState } from 'react';
import { reseedSandbox, cancelJob, startSandbox, stopSandbox, updateSettings } from '../../store/actions';
import { DangerDialog } from '../../lib/DangerDialog';
import { useAppStore } from '../../store/store';
import { refreshAccounts } from './accounts-actions';
import { LiveUpdatesCard } from './LiveUpdatesCard';
import { ProductionAccountsCard } from './ProductionAccountsCard';
import { ProfilesCard } from './ProfilesCard';
import { WorkspaceCard } from './WorkspaceCard';

export function AccountsPage() {
  const view = useAppStore((s) => s.settingsView);
  const sandbox = useAppStore((s) => s.sandbox);
  const reseed = useAppStore((s) =>
    Object.values(s.jobs)
      .filter((j) => j.kind === 'sandbox.reseed')
      .at(-1),
  );
  const [confirmReset, setConfirmReset] = useState(false);
  useEffect(() => {
    void refreshAccounts();
  }, []);
  if (!view) return <p className="muted">Loading settings…</p>;
  const { settings } = view;
  return (
    <div className="page" data-testid="accounts-page">
      <h1>Accounts &amp; Settings</h1>
      {view.warning && (
        <p className="banner banner-warning" role="alert" data-testid="settings-warning">
          {view.warning}
        </p>
      )}

      <ProfilesCard />
      <WorkspaceCard />
      <ProductionAccountsCard />
      <LiveUpdatesCard />

      <section className="card" aria-labelledby="sandbox-h">
        <h2 id="sandbox-h">
          Local sandbox <span className="badge">local</span>
        </h2>
        <p className="muted">Local AWS endpoints with demo data: try Pipewright with no AWS account. Nothing here reaches AWS.</p>
        <label className="row">
          <input
            type="checkbox"
            data-testid="sandbox-enabled"
            checked={settings.sandbox.enabled}
            onChange={(e) => void updateSettings({ sandbox: { enabled: e.target.checked } })}
          />
          Start the sandbox when no AWS profile is configured
        </label>
        {sandbox?.running ? (
          <>
            <p data-testid="sandbox-endpoint">
              Running at <code>{sandbox.endpoint}</code> with the <strong>{sandbox.seed}</strong> seed: {sandbox.pipelineCount} pipelines.
            </p>
            <table className="table" data-testid="sandbox-accounts">
              <caption className="sr-only">Sandbox accounts</caption>
              <thead>
                <tr>
                  <th>Profile</th>
                  <th>Account</th>
                  <th>Regions</th>
                </tr>
              </thead>
              <tbody>
                {sandbox.accounts.map((a) => (
                  <tr key={a.id}>
                    <td>
                      {a.name} <span className="badge">Sandbox</span>
                    </td>
                    <td>
                      <code>{a.id}</code>
                    </td>
                    <td>{sandbox.regions.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row">
              <button
                type="button"
                className="button"
                data-testid="sandbox-reseed"
                disabled={reseed?.status === 'running'}
                onClick={() => setConfirmReset(true)}
              >
                Reset to demo data…
              </button>
              <button type="button" className="button secondary" data-testid="sandbox-stop" onClick={() => void stopSandbox()}>
                Stop the sandbox
              </button>
              {reseed && (
                <span data-testid="reseed-status" aria-live="polite">
                  {reseed.status === 'running' ? (
                    <>
                      <progress value={reseed.done} max={reseed.total ?? undefined} /> {reseed.message}{' '}
                      <button type="button" className="link" onClick={() => void cancelJob(reseed.jobId)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    `Last reset: ${reseed.status}`
                  )}
                </span>
              )}
            </div>
          </>
        ) : (
          <div className="row">
            <p data-testid="sandbox-off">The sandbox is not running.</p>
            <button type="button" className="button" data-testid="sandbox-start" onClick={() => void startSandbox()}>
              Start the sandbox
            </button>
          </div>
        )}
        {confirmReset && (
          <DangerDialog
            title="Reset the sandbox to the demo data?"
            testId="reset-dialog"
            confirmLabel="Reset"
            confirmTestId="reset-confirm"
            canConfirm
            onConfirm={() => {
              setConfirmReset(false);
              void reseedSandbox('demo');
            }}
            onClose={() => setConfirmReset(false)}
          >
            <p>
              Everything in the sandbox is replaced by the demo data: pipelines you deployed there, their executions, and the buckets&apos; objects. Nothing
              outside the sandbox is touched.
            </p>
          </DangerDialog>
        )}
      </section>

      <section className="card" aria-labelledby="prefs-h">
        <h2 id="prefs-h">Preferences</h2>
        <label className="field">
          <span>Theme</span>
          <select
            data-testid="theme-select"
            value={settings.theme}
            onChange={(e) => void updateSettings({ theme: e.target.value as 'system' | 'light' | 'dark' })}
          >
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <ConcurrencyField
          label="Calls at once per account and region"
          testId="per-target-concurrency"
          max={64}
          value={settings.fanout.perTargetConcurrency}
          save={(n) => ({ perTargetConcurrency: n })}
        />
        <ConcurrencyField
          label="Calls at once in all"
          testId="global-concurrency"
          max={512}
          value={settings.fanout.globalConcurrency}
          save={(n) => ({ globalConcurrency: n })}
        />
      </section>
    </div>
  );
}

/** A fan-out cap: saved on blur when it is a whole number in range and changed. */
function ConcurrencyField({
  label,
  testId,
  max,
  value,
  save,
}: {
  label: string;
  testId: string;
  max: number;
  value: number;
  save: (n: number) => { perTargetConcurrency?: number; globalConcurrency?: number };
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        min={1}
        max={max}
        data-testid={testId}
        defaultValue={value}
        onBlur={(e) => {
          const n = Number(e.target.value);
          if (Number.isInteger(n) && n >= 1 && n <= max && n !== value) void updateSettings({ fanout: save(n) });
        }}
      />
    </label>
  );
}
