// The accounts a dialog confirms, as the main process will judge them (identities
// checked when the dialog opens): their live aliases and production words.
import { useEffect, useState } from 'react';
import type { AccountConfirmationView } from '../../../../shared/api/artifacts';
import { accountsNow } from './artifacts-actions';

/** Null while asking (or when the main process could not say: the dialog then cannot confirm). */
export function useAccountsNow(accountIds: readonly string[]): AccountConfirmationView[] | null {
  const key = accountIds.join(',');
  // Kept with the ids it answers: a dialog never shows the words of accounts it no longer confirms.
  const [answer, setAnswer] = useState<{ key: string; accounts: AccountConfirmationView[] | null } | null>(null);
  useEffect(() => {
    let current = true;
    if (key) void accountsNow(key.split(',')).then((accounts) => current && setAnswer({ key, accounts }));
    return () => {
      current = false;
    };
  }, [key]);
  return answer?.key === key ? answer.accounts : null;
}
