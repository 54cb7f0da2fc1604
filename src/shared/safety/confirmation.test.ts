import { describe, expect, it } from 'vitest';
import {
  accountProductionWord,
  assertConfirmed,
  confirm,
  confirmationProblem,
  ConfirmationError,
  missingCleanupConfirmations,
  planAccounts,
  wordFor,
  type PipelineTarget,
} from './confirmation';
import { isProduction, looksLikeProduction, productionWord, releaseProductionWord } from './production';

const items = [
  { accountId: '111111111111', accountAlias: 'sandbox-dev', profile: 'dev' },
  { accountId: '111111111111', accountAlias: 'sandbox-dev', profile: 'dev-2' },
  { accountId: '333333333333', accountAlias: 'acme-Prod-eu', profile: 'ops' },
  { accountId: '444444444444', accountAlias: null, profile: 'release-prod' },
  { accountId: '555555555555', accountAlias: null, profile: 'plain' },
];
/** A bucket's account known not to be production: its alias says so. */
const devAccount = { accountId: '111111111111', accountAlias: 'sandbox-dev', profile: 'dev' };
const typedAll = ['sandbox-dev', '333333333333', '444444444444', '555555555555'];
const target = (over: Partial<PipelineTarget> = {}): PipelineTarget => ({
  profile: 'ops',
  region: 'eu-west-1',
  pipeline: 'web',
  accountId: '333333333333',
  accountAlias: 'acme-prod',
  profiles: ['ops'],
  ...over,
});

describe('production (one rule for cleanups, approvals, stops and releases)', () => {
  it('knows production by a name that says prod, in any case', () => {
    expect([
      looksLikeProduction('prod'),
      looksLikeProduction('Production'),
      looksLikeProduction('dev'),
      looksLikeProduction(null),
      looksLikeProduction(''),
    ]).toEqual([true, true, false, false, false]);
  });

  it('the word is the alias when it says prod, else the first profile that does', () => {
    const id = '444444444444';
    expect(productionWord({ accountId: id, accountAlias: 'acme-prod', profiles: ['x-prod'] })).toBe('acme-prod');
    expect(productionWord({ accountId: id, accountAlias: 'acme-dev', profiles: ['dev', 'x-prod', 'y-prod'] })).toBe('x-prod');
    expect(productionWord({ accountId: id, accountAlias: 'acme-dev', profiles: ['dev'] })).toBeNull();
    expect(isProduction({ accountId: null, accountAlias: null, profiles: ['PROD'] })).toBe(true);
    expect(isProduction({ accountId: id, accountAlias: 'dev', profiles: [] })).toBe(false);
  });

  it('a release environment is production when any target is; its word is its name', () => {
    expect(
      releaseProductionWord('live', [
        { accountId: '111111111111', accountAlias: 'dev', profiles: [] },
        { accountId: '333333333333', accountAlias: null, profiles: ['p-prod'] },
      ]),
    ).toBe('live');
    expect(releaseProductionWord('staging', [{ accountId: '222222222222', accountAlias: 'stage', profiles: ['stage'] }])).toBeNull();
  });
});

describe('cleanup confirmations', () => {
  it('lists each account once, with the first profile the plan names', () => {
    expect(planAccounts(items).map((a) => [a.accountId, a.profile])).toEqual([
      ['111111111111', 'dev'],
      ['333333333333', 'ops'],
      ['444444444444', 'release-prod'],
      ['555555555555', 'plain'],
    ]);
  });

  it('needs every account typed by id or alias, and each production account confirmed again by its word', () => {
    const none = missingCleanupConfirmations(items, { words: [] });
    expect(none.untyped.map((a) => a.accountId)).toEqual(['111111111111', '333333333333', '444444444444', '555555555555']);
    // 555555555555: no alias, no setting, no profile saying prod: unknown, and its id is the word (production.ts).
    expect(none.unconfirmedProd.map((a) => accountProductionWord(a))).toEqual(['acme-Prod-eu', 'release-prod', '555555555555']);
    expect(missingCleanupConfirmations(items, { words: typedAll }).untyped).toEqual([]);
    expect(missingCleanupConfirmations(items, { words: typedAll, production: ['acme-Prod-eu', ' release-prod ', '555555555555'] })).toEqual({
      untyped: [],
      unconfirmedProd: [],
    });
    // The word, not the id, confirms production a second time.
    expect(
      missingCleanupConfirmations(items, { words: typedAll, production: ['333333333333', '444444444444', '555555555555'] }).unconfirmedProd.map(
        (a) => a.accountId,
      ),
    ).toEqual(['333333333333', '444444444444']);
    // The alias typed for an account without one does not count.
    expect(missingCleanupConfirmations([{ accountId: '555555555555', accountAlias: null }], { words: ['plain'] }).untyped).toHaveLength(1);
  });

  it('says what is missing, untyped accounts first', () => {
    expect(confirmationProblem({ kind: 'cleanup', accounts: items }, { words: [] })).toMatch(
      /^Type the account id or alias to confirm: sandbox-dev, acme-Prod-eu, 444444444444, 555555555555\.$/,
    );
    expect(confirmationProblem({ kind: 'cleanup', accounts: items }, { words: typedAll })).toMatch(
      /^Confirm production accounts a second time: acme-Prod-eu, release-prod, 555555555555\. \(account 555555555555 may be production: .*; its id is the word\.\)$/,
    );
    expect(
      confirmationProblem({ kind: 'cleanup', accounts: items }, { words: typedAll, production: ['acme-Prod-eu', 'release-prod', '555555555555'] }),
    ).toBeNull();
  });
});

describe('words for the other actions', () => {
  it('a bucket deletion and a lifecycle rule need the bucket name; approvals and stops the production word only in production', () => {
    expect(wordFor({ kind: 'bucket-deletion', bucket: 'b1', account: devAccount })).toBe('b1');
    expect(wordFor({ kind: 'lifecycle', bucket: 'b2', account: devAccount })).toBe('b2');
    expect(wordFor({ kind: 'approval', target: target() })).toBe('acme-prod');
    expect(wordFor({ kind: 'stop', target: target({ accountAlias: 'acme-dev', profiles: ['dev'] }) })).toBeNull();
    // Where nothing tells (no alias, no setting), the account id is the word.
    expect(wordFor({ kind: 'stop', target: target({ accountAlias: null, profiles: ['dev'] }) })).toBe('333333333333');
    expect(wordFor({ kind: 'release-approval', environment: 'prod', productionWord: 'prod', targets: [] })).toBe('prod');
    expect(confirmationProblem({ kind: 'bucket-deletion', bucket: 'b1', account: devAccount }, { words: ['b2'] })).toBe('Type the bucket name b1 to confirm.');
    expect(confirmationProblem({ kind: 'lifecycle', bucket: 'b1', account: devAccount }, { words: [' b1 '] })).toBeNull();
    expect(confirmationProblem({ kind: 'approval', target: target() }, { words: [''] })).toBe(
      'This approval is in a production account: type "acme-prod" to confirm.',
    );
    expect(confirmationProblem({ kind: 'stop', target: target() }, { words: ['nope'] })).toBe('web runs in a production account: type "acme-prod" to confirm.');
    expect(confirmationProblem({ kind: 'release-approval', environment: 'live', productionWord: 'live', targets: [] }, { words: [] })).toBe(
      'live is a production environment: type "live" to answer its approvals.',
    );
    expect(confirmationProblem({ kind: 'approval', target: target({ accountAlias: 'dev', profiles: ['dev'] }) }, { words: [] })).toBeNull();
  });
});

describe('Confirmed is a capability', () => {
  it('is made only from words that confirm the request', () => {
    expect(() => confirm({ kind: 'bucket-deletion', bucket: 'b1', account: devAccount }, { words: ['b'] })).toThrow(ConfirmationError);
    const err = (() => {
      try {
        confirm({ kind: 'approval', target: target() }, { words: [] });
      } catch (e) {
        return e as ConfirmationError;
      }
    })();
    expect(err?.code).toBe('BAD_REQUEST');
  });

  it('refuses a value it did not issue: nothing, a plain object, a copy', () => {
    const real = confirm({ kind: 'bucket-deletion', bucket: 'b1', account: devAccount }, { words: ['b1'] });
    expect(() => assertConfirmed(undefined, { kind: 'bucket-deletion', bucket: 'b1', account: devAccount })).toThrow(/needs a confirmation typed by a person/);
    expect(() => assertConfirmed('b1', { kind: 'bucket-deletion', bucket: 'b1', account: devAccount })).toThrow(/needs a confirmation/);
    expect(() =>
      assertConfirmed(
        { request: { kind: 'bucket-deletion', bucket: 'b1', account: devAccount } },
        { kind: 'bucket-deletion', bucket: 'b1', account: devAccount },
      ),
    ).toThrow(/needs a confirmation/);
    expect(() => assertConfirmed({ ...real }, { kind: 'bucket-deletion', bucket: 'b1', account: devAccount })).toThrow(/needs a confirmation/);
    expect(() => assertConfirmed(real, { kind: 'bucket-deletion', bucket: 'b1', account: devAccount })).not.toThrow();
  });

  it('carries nothing that could be edited to point it at another action', () => {
    const real = confirm({ kind: 'bucket-deletion', bucket: 'scratch', account: devAccount }, { words: ['scratch'] });
    expect(Object.keys(real)).toEqual([]);
    expect(Object.isFrozen(real)).toBe(true);
    // Whatever is written onto it (or fails to be), it still confirms only what it was issued for.
    try {
      (real as unknown as { request: unknown }).request = { kind: 'bucket-deletion', bucket: 'prod-artifacts', account: devAccount };
    } catch {
      // frozen: strict mode throws
    }
    expect(() => assertConfirmed(real, { kind: 'bucket-deletion', bucket: 'prod-artifacts', account: devAccount })).toThrow(ConfirmationError);
    const request = { kind: 'stop' as const, target: target({ accountAlias: 'dev', profiles: ['dev'] }) };
    const stop = confirm(request, { words: [] });
    request.target.accountAlias = 'acme-prod';
    expect(() => assertConfirmed(stop, { kind: 'stop', target: target() })).toThrow(ConfirmationError);
  });

  it('covers only the action it was issued for', () => {
    const bucket = confirm({ kind: 'bucket-deletion', bucket: 'b1', account: devAccount }, { words: ['b1'] });
    expect(() => assertConfirmed(bucket, { kind: 'bucket-deletion', bucket: 'b2', account: devAccount })).toThrow(/Type the bucket name b2/);
    expect(() => assertConfirmed(bucket, { kind: 'lifecycle', bucket: 'b1', account: devAccount })).toThrow(ConfirmationError);
    const approval = confirm({ kind: 'approval', target: target() }, { words: ['acme-prod'] });
    expect(() => assertConfirmed(approval, { kind: 'approval', target: target() })).not.toThrow();
    for (const other of [target({ profile: 'x' }), target({ region: 'us-east-1' }), target({ pipeline: 'api' })])
      expect(() => assertConfirmed(approval, { kind: 'approval', target: other })).toThrow(ConfirmationError);
    expect(() => assertConfirmed(approval, { kind: 'stop', target: target() })).toThrow(ConfirmationError);
    const stop = confirm({ kind: 'stop', target: target() }, { words: ['acme-prod'] });
    expect(() => assertConfirmed(stop, { kind: 'stop', target: target() })).not.toThrow();
    expect(() => assertConfirmed(stop, { kind: 'stop', target: target({ pipeline: 'api' }) })).toThrow(ConfirmationError);
  });

  it('a production word learnt since the confirmation is not confirmed', () => {
    const before = confirm({ kind: 'approval', target: target({ accountAlias: 'acme-main', profiles: ['ops'] }) }, { words: [] });
    expect(() => assertConfirmed(before, { kind: 'approval', target: target({ accountAlias: 'acme-prod' }) })).toThrow(/production account: type "acme-prod"/);
    // The account id typed where production was unknown does not confirm it once an alias says production.
    const unknown = confirm({ kind: 'approval', target: target({ accountAlias: null, profiles: ['ops'] }) }, { words: ['333333333333'] });
    expect(() => assertConfirmed(unknown, { kind: 'approval', target: target({ accountAlias: 'acme-prod' }) })).toThrow(/production account: type "acme-prod"/);
    const stop = confirm({ kind: 'stop', target: target({ accountAlias: 'acme-main', profiles: ['ops'] }) }, { words: [] });
    expect(() => assertConfirmed(stop, { kind: 'stop', target: target() })).toThrow(ConfirmationError);
    expect(() => assertConfirmed(stop, { kind: 'stop', target: target({ accountAlias: 'dev', profiles: ['ops'] }) })).not.toThrow();
  });

  it('where production is unknown the account id is asked for; where the account is not identified nothing confirms', () => {
    const unknown = target({ accountAlias: null, profiles: ['release-bot'] });
    expect(confirmationProblem({ kind: 'approval', target: unknown }, { words: [''] })).toMatch(
      /^This approval is in account 333333333333, which may be production: .*Type the account id "333333333333" to confirm\.$/,
    );
    expect(() =>
      assertConfirmed(confirm({ kind: 'approval', target: unknown }, { words: ['333333333333'] }), { kind: 'approval', target: unknown }),
    ).not.toThrow();
    const unidentified = target({ accountId: null, accountAlias: null, profiles: ['release-bot'] });
    for (const words of [[], [''], ['release-bot'], ['333333333333']]) {
      expect(() => confirm({ kind: 'approval', target: unidentified }, { words })).toThrow(/could not be identified/);
      expect(() => confirm({ kind: 'stop', target: unidentified }, { words })).toThrow(/could not be identified/);
    }
    // A confirmation given while the account was known covers nothing once it is not, nor does a promotion's.
    const given = confirm({ kind: 'approval', target: target() }, { words: ['acme-prod'] });
    expect(() => assertConfirmed(given, { kind: 'approval', target: target({ accountId: null, accountAlias: null, profiles: ['ops'] }) })).toThrow(
      /could not be identified/,
    );
    const live = confirm({ kind: 'release-approval', environment: 'live', productionWord: 'live', targets: [unidentified] }, { words: ['live'] });
    expect(() => assertConfirmed(live, { kind: 'approval', target: unidentified })).toThrow(/could not be identified/);
  });

  it('a cleanup asks again for an account of unknown production as for a production one: its id is the word (as for an approval)', () => {
    const accounts = [
      { accountId: '555555555555', accountAlias: null, profile: 'plain' },
      { accountId: '666666666666', accountAlias: null, profile: 'plain-2', marked: 'production' as const },
      { accountId: '777777777777', accountAlias: null, profile: 'plain-3', marked: 'not-production' as const },
    ];
    expect(accounts.map(accountProductionWord)).toEqual(['555555555555', '666666666666', null]);
    const typedIds = ['555555555555', '666666666666', '777777777777'];
    expect(missingCleanupConfirmations(accounts, { words: typedIds }).unconfirmedProd.map((a) => a.accountId)).toEqual(['555555555555', '666666666666']);
    expect(missingCleanupConfirmations(accounts, { words: typedIds, production: ['555555555555', '666666666666'] }).unconfirmedProd).toEqual([]);
  });

  it('a cleanup confirmation covers its accounts only, and production as it was confirmed', () => {
    const accounts = planAccounts(items);
    const c = confirm({ kind: 'cleanup', accounts }, { words: typedAll, production: ['acme-Prod-eu', 'release-prod', '555555555555'] });
    expect(() => assertConfirmed(c, { kind: 'cleanup', accounts: accounts.slice(0, 2) })).not.toThrow();
    expect(() => assertConfirmed(c, { kind: 'cleanup', accounts: [...accounts, { accountId: '666666666666', accountAlias: null }] })).toThrow(
      ConfirmationError,
    );
    const plain = confirm(
      { kind: 'cleanup', accounts: [{ accountId: '555555555555', accountAlias: null, profile: 'plain' }] },
      { words: ['555555555555'], production: ['555555555555'] },
    );
    expect(() => assertConfirmed(plain, { kind: 'cleanup', accounts: [{ accountId: '555555555555', accountAlias: 'now-prod' }] })).toThrow(ConfirmationError);
  });

  it("a promotion's confirmation covers its environment's targets, and production only when the environment was production", () => {
    const prodTarget = target();
    const devTarget = target({ profile: 'dev', accountAlias: 'acme-dev', profiles: ['dev'] });
    const live = confirm({ kind: 'release-approval', environment: 'live', productionWord: 'live', targets: [prodTarget, devTarget] }, { words: ['live'] });
    expect(() => assertConfirmed(live, { kind: 'approval', target: prodTarget })).not.toThrow();
    expect(() => assertConfirmed(live, { kind: 'approval', target: devTarget })).not.toThrow();
    expect(() => assertConfirmed(live, { kind: 'approval', target: target({ pipeline: 'other' }) })).toThrow(ConfirmationError);
    expect(() => assertConfirmed(live, { kind: 'release-approval', environment: 'live', productionWord: 'live', targets: [prodTarget] })).not.toThrow();
    expect(() => assertConfirmed(live, { kind: 'release-approval', environment: 'staging', productionWord: null, targets: [devTarget] })).toThrow(
      ConfirmationError,
    );
    expect(() =>
      assertConfirmed(live, { kind: 'release-approval', environment: 'live', productionWord: 'live', targets: [target({ pipeline: 'new' })] }),
    ).toThrow(ConfirmationError);
    // An environment confirmed without a word covers no production approval.
    const staging = confirm({ kind: 'release-approval', environment: 'staging', productionWord: null, targets: [prodTarget, devTarget] }, { words: [] });
    expect(() => assertConfirmed(staging, { kind: 'approval', target: devTarget })).not.toThrow();
    expect(() => assertConfirmed(staging, { kind: 'approval', target: prodTarget })).toThrow(ConfirmationError);
    expect(() => assertConfirmed(staging, { kind: 'release-approval', environment: 'staging', productionWord: 'staging', targets: [devTarget] })).toThrow(
      ConfirmationError,
    );
  });

  it('a confirmation of one kind never covers another kind', () => {
    const approval = confirm({ kind: 'approval', target: target() }, { words: ['acme-prod'] });
    const bucket = confirm({ kind: 'bucket-deletion', bucket: 'b1', account: devAccount }, { words: ['b1'] });
    const cleanup = confirm(
      { kind: 'cleanup', accounts: [{ accountId: '555555555555', accountAlias: null }] },
      { words: ['555555555555'], production: ['555555555555'] },
    );
    expect(() => assertConfirmed(approval, { kind: 'cleanup', accounts: [{ accountId: '555555555555', accountAlias: null }] })).toThrow(ConfirmationError);
    expect(() => assertConfirmed(bucket, { kind: 'release-approval', environment: 'e', productionWord: null, targets: [] })).toThrow(ConfirmationError);
    expect(() => assertConfirmed(cleanup, { kind: 'approval', target: target({ accountAlias: 'dev', profiles: ['dev'] }) })).toThrow(ConfirmationError);
    expect(() => assertConfirmed(cleanup, { kind: 'stop', target: target({ accountAlias: 'dev', profiles: ['dev'] }) })).toThrow(ConfirmationError);
    expect(() => assertConfirmed(bucket, { kind: 'approval', target: target({ accountAlias: 'dev', profiles: ['dev'] }) })).toThrow(ConfirmationError);
  });

  it('a confirmation given in production still covers the same pipeline once it no longer looks like production', () => {
    const approval = confirm({ kind: 'approval', target: target() }, { words: ['acme-prod'] });
    expect(() => assertConfirmed(approval, { kind: 'approval', target: target({ accountAlias: 'acme-dev', profiles: ['ops'] }) })).not.toThrow();
  });

  it("a promotion's confirmation covers an environment only when it covers every one of its targets", () => {
    const a = target({ pipeline: 'a', accountAlias: 'dev', profiles: ['dev'] });
    const b = target({ pipeline: 'b', accountAlias: 'dev', profiles: ['dev'] });
    const onlyA = confirm({ kind: 'release-approval', environment: 'qa', productionWord: null, targets: [a] }, { words: [] });
    expect(() => assertConfirmed(onlyA, { kind: 'release-approval', environment: 'qa', productionWord: null, targets: [a, b] })).toThrow(ConfirmationError);
    expect(() => assertConfirmed(onlyA, { kind: 'release-approval', environment: 'qa', productionWord: null, targets: [a] })).not.toThrow();
  });

  it('a refusal says what is missing now: the production word, not the accounts already typed', () => {
    const plain = confirm(
      { kind: 'cleanup', accounts: [{ accountId: '555555555555', accountAlias: null, profile: 'ops' }] },
      { words: ['555555555555'], production: ['555555555555'] },
    );
    expect(() => assertConfirmed(plain, { kind: 'cleanup', accounts: [{ accountId: '555555555555', accountAlias: 'acme-prod', profile: 'ops' }] })).toThrow(
      'Confirm production accounts a second time: acme-prod.',
    );
  });
});

describe('live updates (events-setup, events-remove)', () => {
  const prod = { accountId: '333333333333', accountAlias: 'acme-prod', profile: 'ops' };
  const unknown = { accountId: '444444444444', accountAlias: null, profile: 'x' };
  const request = (kind: 'events-setup' | 'events-remove', resources: string[]) => ({ kind, accounts: [devAccount, prod, unknown], resources });

  it("each production or unknown account's word is typed; a non-production account needs none", () => {
    expect(confirmationProblem(request('events-remove', ['a']), { words: [] })).toBe(
      'Removing live updates deletes resources in account 333333333333 (acme-prod) is production, as its alias says; account 444444444444 may be production: its alias could not be read (or it has none) and no setting says whether it is. Type "acme-prod", "444444444444" to confirm.',
    );
    expect(confirmationProblem(request('events-setup', ['a']), { words: [], production: ['acme-prod'] })).toMatch(
      /^Setting up live updates changes account 444444444444/,
    );
    expect(confirmationProblem(request('events-setup', ['a']), { words: [], production: ['acme-prod', '444444444444'] })).toBeNull();
    expect(confirmationProblem({ kind: 'events-setup', accounts: [devAccount], resources: ['a'] }, { words: [] })).toBeNull();
  });

  it('covers only the resources confirmed, of its own kind, with the words still the same', () => {
    const typed = { words: [], production: ['acme-prod', '444444444444'] };
    const c = confirm(request('events-remove', ['a', 'b']), typed);
    expect(() => assertConfirmed(c, request('events-remove', ['b']))).not.toThrow();
    expect(() => assertConfirmed(c, request('events-remove', ['a', 'c']))).toThrow(ConfirmationError);
    expect(() => assertConfirmed(c, request('events-setup', ['a']))).toThrow(ConfirmationError);
    // An account not confirmed then, or production since, is not covered.
    const other = { accountId: '666666666666', accountAlias: 'other', profile: 'o' };
    expect(() => assertConfirmed(c, { kind: 'events-remove', accounts: [other], resources: ['a'] })).toThrow(ConfirmationError);
    const devNow = { ...devAccount, marked: 'production' as const, accountAlias: null };
    expect(() => assertConfirmed(c, { kind: 'events-remove', accounts: [devNow], resources: ['a'] })).toThrow(/Type "111111111111"/);
  });

  it('a plan whose rules send to a hub not confirmed is not covered, even through the ids it shares', () => {
    const setup = (hubs: string[]) => ({ kind: 'events-setup' as const, accounts: [devAccount], resources: ['role:111111111111'], hubs });
    const c = confirm(setup(['222222222222:us-east-1']), { words: [] });
    expect(() => assertConfirmed(c, setup(['222222222222:us-east-1']))).not.toThrow();
    expect(() => assertConfirmed(c, setup([]))).not.toThrow();
    expect(() => assertConfirmed(c, setup(['111111111111:us-east-1']))).toThrow(ConfirmationError);
    expect(() => assertConfirmed(c, setup(['222222222222:us-east-1', '222222222222:eu-west-1']))).toThrow(ConfirmationError);
  });
});
