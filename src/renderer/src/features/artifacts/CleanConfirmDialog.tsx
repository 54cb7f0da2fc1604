// "Delete for real": every account of the plan typed (its id, or its alias as read
// now), and an account that is production, or whose production is unknown, confirmed
// again by its word. The main process names the aliases and words (it alone knows
// every profile that reaches an account) and applies the same rule
// (shared/safety/confirmation.ts) again before it runs anything.
import { useState } from 'react';
import { DangerDialog } from '../../lib/DangerDialog';
import { runPlan } from './artifacts-actions';
import type { PlanPreview } from '../../../../shared/artifacts/plan';
import { planAccounts } from '../../../../shared/safety/confirmation';
import type { RetentionPolicy } from '../../../../shared/artifacts/retention';
import { useAccountsNow } from './use-accounts-now';

export function CleanConfirmDialog({ plan, retention, onClose }: { plan: PlanPreview; retention: RetentionPolicy; onClose: () => void }) {
  const accounts = useAccountsNow(planAccounts(plan.items).map((a) => a.accountId));
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [prod, setProd] = useState<Record<string, boolean>>({});
  const typedFor = (id: string, alias: string | null) => {
    const t = (typed[id] ?? '').trim();
    return t === id || (!!alias && t === alias);
  };
  const prodConfirmed = (accounts ?? []).filter((a) => a.productionWord !== null && prod[a.accountId]).map((a) => a.productionWord!);
  const ok = !!accounts && accounts.every((a) => typedFor(a.accountId, a.accountAlias) && (a.productionWord === null || !!prod[a.accountId]));
  return (
    <DangerDialog
      title="Delete for real"
      testId="clean-confirm"
      confirmLabel="Delete"
      confirmTestId="clean-execute"
      canConfirm={ok}
      onClose={onClose}
      onConfirm={() => {
        void runPlan(plan, retention, false, Object.values(typed), prodConfirmed);
        onClose();
      }}
    >
      <p>
        {plan.items.length} prefixes, {plan.items.reduce((n, i) => n + i.expected.versions + i.expected.deleteMarkers, 0)} versions and delete markers. Type
        each account to confirm.
      </p>
      {!accounts && <p className="muted small">Checking the accounts…</p>}
      {accounts?.map(({ accountId: id, accountAlias: alias, productionWord: word, productionVerdict }) => (
        <label key={id} className="prop">
          <span>
            {alias ?? id} <code>{id}</code>
          </span>
          <input
            type="text"
            className="confirm-input"
            // As wide as what is to be typed (and then some): the placeholder is never cut.
            style={{ width: `${Math.max(16, (alias ?? id).length + 4)}ch` }}
            placeholder={alias ?? id}
            value={typed[id] ?? ''}
            onChange={(e) => setTyped({ ...typed, [id]: e.target.value })}
            data-testid={`confirm-${id}`}
          />
          {word && (
            <label className="row">
              <input type="checkbox" checked={!!prod[id]} onChange={(e) => setProd({ ...prod, [id]: e.target.checked })} data-testid={`confirm-prod-${id}`} />{' '}
              {productionVerdict === 'unknown'
                ? `I know ${id} may be production (no alias could be read, and no setting says)`
                : `I know ${word} is production`}
            </label>
          )}
        </label>
      ))}
    </DangerDialog>
  );
}
