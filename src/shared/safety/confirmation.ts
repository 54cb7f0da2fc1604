// Confirmations as capabilities. A dangerous service method (cleaning a plan,
// deleting a bucket, writing a lifecycle rule, answering an approval, approving a
// promotion's approvals, stopping or abandoning in production) takes a `Confirmed`
// value, and only `confirm()` here makes one: from what a person typed (or the
// CLI's explicit flags), checked against what the action needs. The services call
// `assertConfirmed()`, which also refuses a value this module did not issue (a cast
// or a copied object) and one issued for another action.
import { AppError } from '../api/errors';
import { productionVerdict, productionWord, type AccountMark, type AccountNames, type ProductionVerdict } from './production';

export interface PlanAccount {
  accountId: string;
  /**
   * The alias as read now (null: none, denied, or no profile reaches the account). What
   * the main process asks confirmation with is always the live one (ArtifactsService.accountsNow):
   * a plan's alias is what a file says, and a file can say anything.
   */
  accountAlias: string | null;
  /** The alias the plan gave, when it is not the live one: it counts for nothing, and is said to (`planAliasNote`). */
  planAlias?: string | null;
  /** The profile the plan names for the account. */
  profile?: string;
  /** Every other profile known to reach the account (the production rule reads them all). */
  profiles?: readonly string[];
  /** What the user's settings say of the account id. */
  marked?: AccountMark | null;
}

/** Where an approval waits, or an execution runs: one pipeline in one account and region. */
export interface PipelineTarget extends AccountNames {
  profile: string;
  region: string;
  pipeline: string;
}

export type ConfirmRequest =
  /** Every account of the plan typed (id or live alias); each account's production word (production.ts: also where unknown) typed again. */
  | { kind: 'cleanup'; accounts: PlanAccount[] }
  /** The bucket's name typed; in an account production or of unknown production, its word too (as a cleanup's). */
  | { kind: 'bucket-deletion'; bucket: string; account: PlanAccount }
  /** As a bucket deletion: a rule expires what it covers, a live prefix included. */
  | { kind: 'lifecycle'; bucket: string; account: PlanAccount }
  /** In production, the account's word typed; where production is unknown, the account id (shared/safety/production.ts). */
  | { kind: 'approval'; target: PipelineTarget }
  /** Stopping or abandoning: as an approval. */
  | { kind: 'stop'; target: PipelineTarget }
  /** A promotion's approvals: in a production environment, the environment's name typed. */
  | { kind: 'release-approval'; environment: string; productionWord: string | null; targets: PipelineTarget[] }
  /** Live updates created or removed (issue 24): each production (or unknown) account's word typed, as a cleanup's second word; only the plan's resources. */
  | LiveUpdatesChange<'events-setup'>
  | LiveUpdatesChange<'events-remove'>;

/**
 * The live-updates setup's resources (rules, roles, queues, bus permissions) by their
 * plan ids, and the accounts they are in. What a person confirmed is a list of ids: at
 * the moment of acting, a resource the plan names now and the person did not confirm
 * is outside what was confirmed (`covers`), so nothing is created or deleted beyond it.
 */
export interface LiveUpdatesChange<K extends 'events-setup' | 'events-remove'> {
  kind: K;
  accounts: PlanAccount[];
  resources: readonly string[];
  /**
   * The hubs ("account:region") the plan's forwarding rules send to. A plan whose rules
   * send to a hub the person did not see is another plan: the confirmation covers none
   * of it, rather than the parts whose ids happen to be the same (the role, say).
   */
  hubs?: readonly string[];
}

export type ConfirmKind = ConfirmRequest['kind'];

/** What the person typed: words (account ids or aliases, a bucket's name, a production word) and production confirmations. */
export interface Typed {
  words: readonly string[];
  /** For cleanups, bucket deletions and lifecycle rules: each production (or unknown) account's word, typed as well. */
  production?: readonly string[];
}

declare const issuedBrand: unique symbol;
/**
 * Proof that a person confirmed this action. Only `confirm()` makes one, and what it
 * confirms is held here, out of reach: the value itself carries nothing to edit.
 */
export interface Confirmed<K extends ConfirmKind = ConfirmKind> {
  readonly [issuedBrand]: K;
}

/** A confirmation missing or not matching: the person can fix it (BAD_REQUEST over the API). */
export class ConfirmationError extends AppError {
  constructor(message: string) {
    super('BAD_REQUEST', message);
  }
}

/** What each Confirmed was issued for: a copy only this module can read. */
const issued = new WeakMap<object, ConfirmRequest>();
const typedIn = (typed: readonly string[], word: string) => typed.some((t) => t.trim() === word);

/**
 * Each account of a plan once, with every profile any of its items (or accounts) names:
 * the production rule reads them all, so none may be dropped on the way to it.
 */
export function planAccounts(items: readonly PlanAccount[]): PlanAccount[] {
  const seen = new Map<string, PlanAccount>();
  for (const i of items) {
    const had = seen.get(i.accountId);
    const named = [...(i.profile ? [i.profile] : []), ...(i.profiles ?? [])];
    if (had) {
      const profiles = [...new Set([...(had.profiles ?? []), ...named])].filter((p) => p !== had.profile);
      seen.set(i.accountId, { ...had, profiles });
      continue;
    }
    // Only the fields the rule reads: a plan item also carries its keys, which a confirmation must not copy.
    seen.set(i.accountId, {
      accountId: i.accountId,
      accountAlias: i.accountAlias,
      ...(i.planAlias !== undefined ? { planAlias: i.planAlias } : {}),
      profile: i.profile,
      profiles: [...new Set(i.profiles ?? [])].filter((p) => p !== i.profile),
      marked: i.marked,
    });
  }
  return [...seen.values()];
}

/** The production rule's verdict on an account (shared/safety/production.ts). A plan's alias is never read. */
export function accountVerdict(a: PlanAccount): ProductionVerdict {
  return productionVerdict({
    accountId: a.accountId,
    accountAlias: a.accountAlias,
    profiles: [...(a.profile ? [a.profile] : []), ...(a.profiles ?? [])],
    marked: a.marked,
  });
}

/**
 * The word to type as well before acting in an account (a cleanup's second word, or
 * beside a bucket's name): what says production, or, where nothing can tell (no alias,
 * no setting, no profile saying so), the account id itself; null when it is known not
 * to be production. A person typing the id of an account of unknown production to
 * name it has not yet said "I know this may be production": that is the second word.
 */
export function accountProductionWord(a: PlanAccount): string | null {
  return accountVerdict(a).word;
}

/** The plan's alias of an account, when it is not the live one: said, and never counted. Null when there is nothing to say. */
export function planAliasNote(a: PlanAccount): string | null {
  if (!a.planAlias || a.planAlias === a.accountAlias) return null;
  return `the plan calls account ${a.accountId} "${a.planAlias}", but ${a.accountAlias ? `its alias is "${a.accountAlias}"` : 'its alias cannot be read now'}: the plan's alias counts for nothing`;
}

/** What is still missing for a cleanup: accounts not typed (by id, or the live alias), production accounts not confirmed again. */
export function missingCleanupConfirmations(accounts: readonly PlanAccount[], typed: Typed): { untyped: PlanAccount[]; unconfirmedProd: PlanAccount[] } {
  const all = planAccounts(accounts);
  return {
    untyped: all.filter((a) => !typedIn(typed.words, a.accountId) && !(a.accountAlias && typedIn(typed.words, a.accountAlias))),
    unconfirmedProd: all.filter((a) => {
      const word = accountProductionWord(a);
      return word !== null && !typedIn(typed.production ?? [], word);
    }),
  };
}

/** Why an account's production word is asked for: what said so, or that nothing could tell. */
export function productionReason(a: PlanAccount): string {
  const verdict = accountVerdict(a);
  const account = `account ${a.accountId}${a.accountAlias ? ` (${a.accountAlias})` : ''}`;
  if (verdict.kind === 'unknown') return `${account} may be production: ${unknownBecause}`;
  if (verdict.kind !== 'production') return `${account} is not production`;
  if (verdict.word === a.accountAlias) return `${account} is production, as its alias says`;
  if (verdict.word === a.accountId) return `${account} is production, as the settings say`;
  return `${account} is production, as the name of profile ${verdict.word} says`;
}

/** The word a request needs typed, or null when none is (cleanups need several: `missingCleanupConfirmations`; live updates one per account: `unconfirmedProductionAccounts`). */
export function wordFor(request: Exclude<ConfirmRequest, { kind: 'cleanup' | 'events-setup' | 'events-remove' }>): string | null {
  switch (request.kind) {
    case 'bucket-deletion':
    case 'lifecycle':
      return request.bucket;
    case 'approval':
    case 'stop':
      return productionWord(request.target);
    case 'release-approval':
      return request.productionWord;
  }
}

/** A live-updates change's accounts whose production word (production.ts: also where unknown) was not typed. */
export function unconfirmedProductionAccounts(accounts: readonly PlanAccount[], typed: Typed): PlanAccount[] {
  return planAccounts(accounts).filter((a) => {
    const word = accountProductionWord(a);
    return word !== null && !typedIn(typed.production ?? [], word);
  });
}

/** Why the typed words do not confirm the request, or null when they do. */
export function confirmationProblem(request: ConfirmRequest, typed: Typed): string | null {
  if (request.kind === 'events-setup' || request.kind === 'events-remove') {
    const missing = unconfirmedProductionAccounts(request.accounts, typed);
    if (!missing.length) return null;
    const what = request.kind === 'events-setup' ? 'Setting up live updates changes' : 'Removing live updates deletes resources in';
    return `${what} ${missing.map((a) => productionReason(a)).join('; ')}. Type ${missing.map((a) => `"${accountProductionWord(a)}"`).join(', ')} to confirm.`;
  }
  if (request.kind === 'cleanup') {
    const { untyped, unconfirmedProd } = missingCleanupConfirmations(request.accounts, typed);
    if (untyped.length) {
      const notes = untyped.map(planAliasNote).filter((n): n is string => n !== null);
      return `Type the account id or alias to confirm: ${untyped.map((a) => a.accountAlias ?? a.accountId).join(', ')}.${notes.map((n) => ` (${n[0].toUpperCase()}${n.slice(1)}.)`).join('')}`;
    }
    if (unconfirmedProd.length) {
      const unknown = unconfirmedProd.filter((a) => accountVerdict(a).kind === 'unknown');
      return `Confirm production accounts a second time: ${unconfirmedProd.map((a) => accountProductionWord(a)).join(', ')}.${unknown.map((a) => ` (${productionReason(a)}; its id is the word.)`).join('')}`;
    }
    return null;
  }
  if (request.kind === 'bucket-deletion' || request.kind === 'lifecycle') {
    if (!typedIn(typed.words, request.bucket)) return `Type the bucket name ${request.bucket} to confirm.`;
    const word = accountProductionWord(request.account);
    if (word === null || typedIn(typed.production ?? [], word)) return null;
    return accountVerdict(request.account).kind === 'unknown'
      ? `s3://${request.bucket} is in account ${word}, which may be production: ${unknownBecause}. Type the account id "${word}" as well to confirm.`
      : `s3://${request.bucket} is in a production account: type "${word}" as well to confirm.`;
  }
  if ((request.kind === 'approval' || request.kind === 'stop') && productionVerdict(request.target).kind === 'unidentified')
    return unidentifiedProblem(request.target);
  const word = wordFor(request);
  if (word === null || typedIn(typed.words, word)) return null;
  switch (request.kind) {
    case 'approval':
      return productionVerdict(request.target).kind === 'unknown'
        ? `This approval is in account ${word}, which may be production: ${unknownBecause}. Type the account id "${word}" to confirm.`
        : `This approval is in a production account: type "${word}" to confirm.`;
    case 'stop':
      return productionVerdict(request.target).kind === 'unknown'
        ? `${request.target.pipeline} runs in account ${word}, which may be production: ${unknownBecause}. Type the account id "${word}" to confirm.`
        : `${request.target.pipeline} runs in a production account: type "${word}" to confirm.`;
    case 'release-approval':
      return `${request.environment} is a production environment: type "${word}" to answer its approvals.`;
  }
}

const unknownBecause = 'its alias could not be read (or it has none) and no setting says whether it is';

/** No word confirms an action in an account nobody could identify. */
const unidentifiedProblem = (t: PipelineTarget) =>
  `The account that profile ${t.profile} reaches could not be identified, so whether ${t.pipeline} is in production cannot be told: check the profile's identity (Accounts), then try again.`;

/** The capability for this request, made from what the person typed; throws ConfirmationError when it does not confirm it. */
export function confirm<R extends ConfirmRequest>(request: R, typed: Typed): Confirmed<R['kind']> {
  const problem = confirmationProblem(request, typed);
  if (problem) throw new ConfirmationError(problem);
  const c = Object.freeze({}) as Confirmed<R['kind']>;
  issued.set(c, structuredClone(request));
  return c;
}

const samePipeline = (a: PipelineTarget, b: PipelineTarget) => a.profile === b.profile && a.region === b.region && a.pipeline === b.pipeline;
/** A production word needed now was also the one confirmed then (production learnt since is not confirmed). */
const wordStillConfirmed = (now: string | null, then: string | null) => now === null || now === then;
/** An account identified now: nothing confirms an action in one that is not. */
const identified = (t: PipelineTarget) => productionVerdict(t).kind !== 'unidentified';

/** Whether a confirmation covers the action about to happen, as it is now. */
function covers(given: ConfirmRequest, action: ConfirmRequest): boolean {
  switch (action.kind) {
    case 'cleanup':
      return (
        given.kind === 'cleanup' &&
        action.accounts.every((a) => {
          const g = given.accounts.find((x) => x.accountId === a.accountId);
          return !!g && wordStillConfirmed(accountProductionWord(a), accountProductionWord(g));
        })
      );
    case 'bucket-deletion':
    case 'lifecycle':
      return (
        given.kind === action.kind &&
        given.bucket === action.bucket &&
        given.account.accountId === action.account.accountId &&
        wordStillConfirmed(accountProductionWord(action.account), accountProductionWord(given.account))
      );
    case 'approval':
      if (!identified(action.target)) return false;
      if (given.kind === 'approval')
        return samePipeline(given.target, action.target) && wordStillConfirmed(productionWord(action.target), productionWord(given.target));
      // A promotion's confirmation covers the approvals of its environment's own targets.
      return (
        given.kind === 'release-approval' &&
        given.targets.some((t) => samePipeline(t, action.target)) &&
        (productionWord(action.target) === null || given.productionWord !== null)
      );
    case 'stop':
      return (
        given.kind === 'stop' &&
        identified(action.target) &&
        samePipeline(given.target, action.target) &&
        wordStillConfirmed(productionWord(action.target), productionWord(given.target))
      );
    case 'events-setup':
    case 'events-remove':
      return (
        given.kind === action.kind &&
        action.resources.every((id) => given.resources.includes(id)) &&
        (action.hubs ?? []).every((h) => (given.hubs ?? []).includes(h)) &&
        action.accounts.every((a) => {
          const g = given.accounts.find((x) => x.accountId === a.accountId);
          return !!g && wordStillConfirmed(accountProductionWord(a), accountProductionWord(g));
        })
      );
    case 'release-approval':
      return (
        given.kind === 'release-approval' &&
        given.environment === action.environment &&
        wordStillConfirmed(action.productionWord, given.productionWord) &&
        action.targets.every((t) => given.targets.some((g) => samePipeline(g, t)))
      );
  }
}

/**
 * Throws unless `confirmed` was issued by `confirm()` for this action, as it is
 * now. The services call it before acting, so every entry point (the app, the
 * CLI, a future one) gets the same rule.
 */
export function assertConfirmed(confirmed: unknown, action: ConfirmRequest): asserts confirmed is Confirmed {
  const given = confirmed && typeof confirmed === 'object' ? issued.get(confirmed) : undefined;
  if (!given) throw new ConfirmationError('This action needs a confirmation typed by a person: none was given.');
  if (!covers(given, action))
    throw new ConfirmationError(confirmationProblem(action, typedFor(given)) ?? 'The confirmation given was for another action: confirm this one.');
}

/** What was necessarily typed for a confirmation: so a refusal says what is missing now, not everything. */
function typedFor(given: ConfirmRequest): Typed {
  if (given.kind === 'cleanup') return { words: given.accounts.map((a) => a.accountId), production: given.accounts.map((a) => accountProductionWord(a) ?? '') };
  if (given.kind === 'events-setup' || given.kind === 'events-remove')
    return { words: [], production: given.accounts.map((a) => accountProductionWord(a) ?? '') };
  if (given.kind === 'bucket-deletion' || given.kind === 'lifecycle')
    return { words: [given.bucket], production: [accountProductionWord(given.account) ?? ''] };
  const word = wordFor(given);
  return { words: word ? [word] : [] };
}
