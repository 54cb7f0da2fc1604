// "Delete for real": every account of the plan typed (id or alias), and an
// account that looks like production confirmed again. The main process applies
// the same rule (shared/safety/confirmation.ts) before it runs anything.
import { useState } from 'react';
import { DangerDialog } from '../../lib/DangerDialog';
import { runPlan } from './artifacts-actions';
import type { PlanPreview } from '../../../../shared/artifacts/plan';
import { accountProductionWord, missingCleanupConfirmations, planAccounts } from '../../../../shared/safety/confirmation';
import type { RetentionPolicy } from '../../../../shared/artifacts/retention';

export function CleanConfirmDialog({ plan, retention, onClose }: { plan: PlanPreview; retention: RetentionPolicy; onClose: () => void }) {
  const accounts = planAccounts(plan.items);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [prod, setProd] = useState<Record<string, boolean>>({});
  // The main process applies the same rule again before it runs anything.
  const prodConfirmed = accounts.filter((a) => prod[a.accountId]).map((a) => accountProductionWord(a) ?? '');
  const missing = missingCleanupConfirmations(accounts, {
    words: accounts.filter((a) => typed[a.accountId] === a.accountId || (a.accountAlias && typed[a.accountId] === a.accountAlias)).map((a) => a.accountId),
    production: prodConfirmed,
  });
  const ok = !missing.untyped.length && !missing.unconfirmedProd.length;
  return (
    <DangerDialog
      title="Delete for real"
      testId="clean-confirm"
      confirmLabel="Delete"
      confirmTestId="clean-execute"
      canConfirm={!!ok}
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
      {accounts.map((account) => {
        const { accountId: id, accountAlias: alias } = account;
        const word = accountProductionWord(account);
        return (
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
                <input type="checkbox" checked={!!prod[id]} onChange={(e) => setProd({ ...prod, [id]: e.target.checked })} /> I know {word} is production
              </label>
            )}
          </label>
        );
      })}
    </DangerDialog>
  );
}
