// Production, by account id: the accounts the user says are production, and those
// known not to be. The production rule (shared/safety/production.ts) reads them where
// an account's alias and profile names do not tell; the main process decides.
import { useState } from 'react';
import { SettingsPatch } from '../../../../shared/api/settings';
import { useAppStore } from '../../store/store';
import { updateSettings } from '../../store/actions';
import { useAccountsStore } from './accounts-store';

const ids = (text: string) => text.split(/[\s,]+/).filter(Boolean);

export function ProductionAccountsCard() {
  const saved = useAppStore((s) => s.settingsView?.settings.accounts);
  // The account ids the profiles reach, with what says what of them: a reminder of what can be listed.
  const profiles = useAccountsStore((s) => s.accounts?.profiles);
  const [draft, setDraft] = useState<{ production: string; notProduction: string } | null>(null);
  if (!saved) return null;
  const shown = draft ?? { production: saved.production.join('\n'), notProduction: saved.notProduction.join('\n') };
  const patch = SettingsPatch.safeParse({ accounts: { production: ids(shown.production), notProduction: ids(shown.notProduction) } });
  const problem = patch.success ? null : patch.error.issues[0]?.message;
  const accounts = [...new Map((profiles ?? []).flatMap((p) => (p.accountId ? [[p.accountId, p.alias] as const] : []))).entries()];
  return (
    <section className="card" aria-labelledby="production-h" data-testid="production-accounts-card">
      <h2 id="production-h">Production accounts</h2>
      <p className="muted small">
        An account is production when its alias or any profile that reaches it says &quot;prod&quot;, or when it is listed here. Where nothing tells (no alias
        can be read, and it is not listed), approving or stopping there asks for the account id typed. An account listed as not production asks for nothing,
        unless its alias or a profile says production.
      </p>
      <div className="row">
        <label className="prop">
          <span>Production (account ids)</span>
          <textarea rows={3} value={shown.production} onChange={(e) => setDraft({ ...shown, production: e.target.value })} data-testid="production-accounts" />
        </label>
        <label className="prop">
          <span>Not production (account ids)</span>
          <textarea
            rows={3}
            value={shown.notProduction}
            onChange={(e) => setDraft({ ...shown, notProduction: e.target.value })}
            data-testid="not-production-accounts"
          />
        </label>
      </div>
      {accounts.length > 0 && (
        <p className="muted small" data-testid="known-accounts">
          Accounts your profiles reach: {accounts.map(([id, alias]) => (alias ? `${id} (${alias})` : id)).join(', ')}.
        </p>
      )}
      {problem && (
        <p className="banner banner-warning" role="alert" data-testid="production-accounts-error">
          {problem}
        </p>
      )}
      <button
        type="button"
        className="button secondary"
        disabled={!draft || !patch.success}
        onClick={() => patch.success && void updateSettings(patch.data).then((ok) => ok && setDraft(null))}
        data-testid="production-accounts-save"
      >
        Save production accounts
      </button>
    </section>
  );
}
