import { describe, expect, it } from 'vitest';
import { looksLikeProduction, missingConfirmations, planAccounts } from './confirm';

const items = [
  { accountId: '111111111111', accountAlias: 'sandbox-dev' },
  { accountId: '111111111111', accountAlias: 'sandbox-dev' },
  { accountId: '333333333333', accountAlias: 'acme-Prod-eu' },
  { accountId: '444444444444', accountAlias: null },
];

describe('typed confirmations (one rule for the app, the main process and the CLI)', () => {
  it('lists each account once', () => {
    expect(planAccounts(items).map((a) => a.accountId)).toEqual(['111111111111', '333333333333', '444444444444']);
  });

  it('needs every account typed by id or alias, and production confirmed again by alias', () => {
    expect(missingConfirmations(items, [], [])).toEqual({
      untyped: planAccounts(items),
      unconfirmedProd: [{ accountId: '333333333333', accountAlias: 'acme-Prod-eu' }],
    });
    const typed = ['sandbox-dev', '333333333333', '444444444444'];
    expect(missingConfirmations(items, typed, []).untyped).toEqual([]);
    expect(missingConfirmations(items, typed, ['acme-Prod-eu'])).toEqual({ untyped: [], unconfirmedProd: [] });
    // The alias, not the id, confirms production a second time.
    expect(missingConfirmations(items, typed, ['333333333333']).unconfirmedProd).toHaveLength(1);
  });

  it('knows production by its alias', () => {
    expect([looksLikeProduction('prod'), looksLikeProduction('Production'), looksLikeProduction('dev'), looksLikeProduction(null)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
