// The production rule, decided per account (issue 23, item 1): what each piece of
// evidence makes of an account, and the fail-safe answers when nothing tells.
import { describe, expect, it } from 'vitest';
import { markOf, needsProductionConfirmation, productionVerdict, releaseProductionWord, type AccountNames } from './production';

const ID = '333333333333';
const account = (over: Partial<AccountNames> = {}): AccountNames => ({ accountId: ID, accountAlias: null, profiles: ['release-bot'], marked: null, ...over });

describe('productionVerdict', () => {
  it('is production when the alias, any profile or the settings say so; the word is what said so', () => {
    expect(productionVerdict(account({ accountAlias: 'acme-prod' }))).toEqual({ kind: 'production', word: 'acme-prod' });
    expect(productionVerdict(account({ profiles: ['release-bot', 'acme-prod'] }))).toEqual({ kind: 'production', word: 'acme-prod' });
    expect(productionVerdict(account({ accountAlias: 'acme-main', marked: 'production' }))).toEqual({ kind: 'production', word: ID });
    // What says production wins over a setting that says otherwise.
    expect(productionVerdict(account({ accountAlias: 'acme-prod', marked: 'not-production' }))).toEqual({ kind: 'production', word: 'acme-prod' });
    expect(productionVerdict(account({ profiles: ['x-prod'], marked: 'not-production' }))).toEqual({ kind: 'production', word: 'x-prod' });
  });

  it('is unknown, with the account id as the word, when no alias and no setting tell', () => {
    expect(productionVerdict(account())).toEqual({ kind: 'unknown', word: ID });
  });

  it('is not production only when an alias is known and says otherwise, or the settings say so', () => {
    expect(productionVerdict(account({ accountAlias: 'acme-dev' }))).toEqual({ kind: 'not-production', word: null });
    expect(productionVerdict(account({ marked: 'not-production' }))).toEqual({ kind: 'not-production', word: null });
  });

  it('is unidentified (nothing confirms it) when the account id is not known and no name says production', () => {
    expect(productionVerdict(account({ accountId: null }))).toEqual({ kind: 'unidentified', word: null });
    expect(productionVerdict(account({ accountId: null, profiles: ['ops-prod'] }))).toEqual({ kind: 'production', word: 'ops-prod' });
    expect(needsProductionConfirmation(account({ accountId: null }))).toBe(true);
  });
});

describe('settings marks and release environments', () => {
  it('reads the settings by account id; production wins when an id is in both lists', () => {
    const marks = { production: [ID], notProduction: [ID, '111111111111'] };
    expect(markOf(ID, marks)).toBe('production');
    expect(markOf('111111111111', marks)).toBe('not-production');
    expect(markOf('222222222222', marks)).toBeNull();
    expect(markOf(null, marks)).toBeNull();
    expect(markOf(ID, undefined)).toBeNull();
  });

  it('makes an environment production when any target is production, unknown or unidentified', () => {
    const dev = account({ accountId: '111111111111', accountAlias: 'acme-dev' });
    expect(releaseProductionWord('live', [dev])).toBeNull();
    expect(releaseProductionWord('live', [dev, account()])).toBe('live');
    expect(releaseProductionWord('live', [dev, account({ accountId: null })])).toBe('live');
    expect(releaseProductionWord('live', [dev, account({ marked: 'not-production' })])).toBeNull();
  });
});
