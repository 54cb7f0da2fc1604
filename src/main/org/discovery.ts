// Discovery: every account the user may reach through IAM Identity Center
// (ListAccounts, 100 a page) and each account's roles (ListAccountRoles), through
// the session, so through its one limiter at Identity Center's 20 requests a second.
//
// The account list is read page after page, and each account's roles are asked as
// soon as its page arrives (a page is urgent at the limiter: the rest wait on it),
// at most `concurrency` at a time. A 429 only delays a call (the session retries
// it); a token that ends midway is renewed once for everyone and the calls that
// met the 401 are sent again, so the discovery resumes where it was. An account
// whose roles cannot be read is kept with the reason, and the discovery is then
// marked incomplete. Progress is accounts done out of those known; cancel with the signal.
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { AppError } from '../../shared/api/errors';
import { awsAppError } from '../aws/errors';
import type { IdentityCenterSession } from '../aws/identity-center';
import type { DiscoveredAccount, IdentityCenterDiscovery } from '../../shared/org/discovery';

export interface DiscoveryProgress {
  /** Accounts whose roles were read (or failed). */
  done: number;
  /** Accounts known so far (final once `listing` is false). */
  total: number;
  /** The account list is still being paged. */
  listing: boolean;
}

export interface DiscoveryOptions {
  /** Role listings in flight at most (bounded: the limiter, not the sockets, sets the pace). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: DiscoveryProgress) => void;
}

/** What an error says, for a person: AWS's code and message, never a token. */
export function errorText(err: unknown): string {
  const app = awsAppError(err);
  if (app) return app.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * What fails the whole discovery (once) rather than every account one by one: a
 * sign-in nobody here can make, or a token cache file that is not a token (bad
 * input, said as such, and left as it is).
 */
const fatal = (err: unknown) =>
  err instanceof AppError && (err.code === 'INVALID_INPUT' || (err.details as { kind?: string } | undefined)?.kind === 'needs-sso-login');

const cancelled = () => Object.assign(new Error('Discovery was cancelled.'), { name: 'AbortError' });

export async function discoverIdentityCenter(session: IdentityCenterSession, opts: DiscoveryOptions = {}): Promise<IdentityCenterDiscovery> {
  const signal = opts.signal;
  if (signal) setMaxListeners(0, signal);
  const started = Date.now();
  const before = { ...session.stats };
  const limit = pLimit(opts.concurrency ?? 8);
  const accounts: DiscoveredAccount[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const jobs: Array<Promise<void>> = [];
  let done = 0;
  let listing = true;
  let listComplete = true;
  const progress = () => opts.onProgress?.({ done, total: accounts.length, listing });

  const readRoles = async (a: DiscoveredAccount) => {
    try {
      if (signal?.aborted) throw cancelled();
      a.roles = await session.listAccountRoles(a.accountId, signal);
    } catch (err) {
      if (signal?.aborted) throw cancelled();
      if (fatal(err)) throw err;
      a.rolesError = errorText(err);
      problems.push(`${a.name} (${a.accountId}): its roles could not be read: ${a.rolesError}`);
    } finally {
      done++;
      progress();
    }
  };

  // Make sure a failing role read never leaves others unawaited: every job settles before we return or throw.
  const settleAll = () => Promise.allSettled(jobs);
  try {
    let next: string | undefined;
    do {
      const page = await session.listAccounts(next, signal);
      for (const x of page.accounts) {
        if (!x.accountId || seen.has(x.accountId)) continue;
        seen.add(x.accountId);
        const a: DiscoveredAccount = { accountId: x.accountId, name: x.name, email: x.email, roles: [], rolesError: null };
        accounts.push(a);
        jobs.push(limit(() => readRoles(a)));
      }
      progress();
      next = page.nextToken;
    } while (next);
  } catch (err) {
    // Nothing listed at all is no discovery (saving it would call every account gone): it fails, saying why.
    if (signal?.aborted || fatal(err) || !accounts.length) {
      await settleAll();
      throw signal?.aborted ? cancelled() : err;
    }
    listComplete = false;
    // Accounts already listed are kept, their roles read; the rest of the list is unknown, and said so.
    problems.unshift(`The account list stopped after ${accounts.length} accounts: ${errorText(err)}`);
  }
  listing = false;
  progress();
  const outcomes = await settleAll();
  if (signal?.aborted) throw cancelled();
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  const s = session.stats;
  return {
    startUrl: session.config.startUrl,
    region: session.config.region,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    complete: problems.length === 0,
    listComplete,
    accounts: accounts.sort((x, y) => x.name.localeCompare(y.name) || x.accountId.localeCompare(y.accountId)),
    problems,
    stats: {
      calls: s.calls - before.calls,
      throttled: s.throttled - before.throttled,
      retries: s.retries - before.retries,
      refreshes: s.refreshes - before.refreshes,
      logins: s.logins - before.logins,
      wallMs: Date.now() - started,
    },
  };
}
