// The artifact safety settings: accounts and buckets that are never planned or
// cleaned whatever an audit finds, and the price the cost estimate uses.
import { useState } from 'react';
import { SettingsPatch } from '../../../../shared/api/settings';
import { useAppStore } from '../../store/store';
import { updateSettings } from '../../store/actions';

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);

export function ProtectionCard() {
  const saved = useAppStore((s) => s.settingsView?.settings.artifacts);
  const [draft, setDraft] = useState<{ accounts: string; buckets: string; price: string; huge: string; hugeGiB: string } | null>(null);
  if (!saved) return null;
  const shown = draft ?? {
    accounts: saved.blockedAccounts.join('\n'),
    buckets: saved.blockedBuckets.join('\n'),
    price: String(saved.pricePerGbMonth),
    huge: saved.hugePrefixVersions.toLocaleString('en-US'),
    hugeGiB: String(saved.hugePrefixGiB),
  };
  const patch = SettingsPatch.safeParse({
    artifacts: {
      blockedAccounts: words(shown.accounts),
      blockedBuckets: words(shown.buckets),
      pricePerGbMonth: Number(shown.price),
      hugePrefixVersions: Number(shown.huge.replace(/[,_\s]/g, '')),
      hugePrefixGiB: Number(shown.hugeGiB),
    },
  });
  const problem = patch.success ? null : patch.error.issues.map((i) => `${String(i.path.at(-2) ?? i.path.at(-1))}: ${i.message}`)[0];
  return (
    <section className="card" aria-labelledby="protect-h" data-testid="protection-card">
      <h2 id="protect-h">Protection</h2>
      <p className="muted small">
        Buckets tagged pipewright:protect=true, and these accounts and buckets, are never planned or cleaned. Applies from the next audit. Orphan prefixes of at
        least the given number of versions are offered S3 lifecycle expiry instead of deletion from here.
      </p>
      <div className="row">
        <label className="prop">
          <span>Blocked accounts (ids)</span>
          <textarea rows={3} value={shown.accounts} onChange={(e) => setDraft({ ...shown, accounts: e.target.value })} data-testid="blocked-accounts" />
        </label>
        <label className="prop">
          <span>Blocked buckets</span>
          <textarea rows={3} value={shown.buckets} onChange={(e) => setDraft({ ...shown, buckets: e.target.value })} data-testid="blocked-buckets" />
        </label>
        <label className="prop">
          <span>S3 price, USD per GB-month</span>
          <input
            type="number"
            step="0.001"
            min={0}
            value={shown.price}
            onChange={(e) => setDraft({ ...shown, price: e.target.value })}
            data-testid="price-per-gb"
          />
        </label>
        <label className="prop">
          <span>Offer an S3 lifecycle rule for orphan prefixes with at least this many versions</span>
          <input
            type="text"
            inputMode="numeric"
            value={shown.huge}
            onChange={(e) => setDraft({ ...shown, huge: e.target.value })}
            data-testid="huge-prefix-versions"
          />
        </label>
        <label className="prop">
          <span>…or this many GiB</span>
          <input
            type="number"
            min={0.001}
            step="any"
            value={shown.hugeGiB}
            onChange={(e) => setDraft({ ...shown, hugeGiB: e.target.value })}
            data-testid="huge-prefix-gib"
          />
        </label>
      </div>
      {problem && (
        <p className="banner banner-warning" role="alert" data-testid="protection-error">
          {problem}
        </p>
      )}
      <button
        type="button"
        className="button secondary"
        disabled={!draft || !patch.success}
        onClick={() => patch.success && void updateSettings(patch.data).then((saved) => saved && setDraft(null))}
        data-testid="protection-save"
      >
        Save protection
      </button>
    </section>
  );
}
