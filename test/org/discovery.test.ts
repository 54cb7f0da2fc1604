// Discovery end to end against the sandbox's `org` seed (300 accounts, 299 of them
// in Identity Center, 1 to 4 roles each), through the real SDK clients and the
// sandbox's 20-requests-a-second throttle: every account and role found, in about
// calls / 20 s; another client spending the same budget meets 429s and the
// discovery backs off and completes; a token that ends midway is refreshed once,
// or, when the session ended too, ONE device login serves every waiting call and
// the discovery resumes; cancel; an account whose roles cannot be read is kept.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccountRolesCommand } from '@aws-sdk/client-sso';
import { startSandbox } from '../helpers/sandbox';
import { deviceLogin, portal } from '../helpers/identity-center';
import { IdentityCenterSession, type DevicePrompt } from '../../src/main/aws/identity-center';
import { RateLimiter } from '../../src/main/aws/rate-limiter';
import { discoverIdentityCenter, type DiscoveryProgress } from '../../src/main/org/discovery';
import { discoveryFloorMs, type IdentityCenterDiscovery } from '../../src/shared/org/discovery';
import { ORG_ACCOUNTS } from '../../src/sandbox/seed-org';
import { CLI_TOKEN_KEYS } from '../fixtures/sso-token';

let env: Awaited<ReturnType<typeof startSandbox>>;
let home: string;
const savedHome = process.env.HOME;
const SESSION = 'acme-test';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pw-org-discovery-'));
  process.env.HOME = home;
  env = await startSandbox({ seed: 'org' });
});
afterAll(async () => {
  await env.sb.stop();
  process.env.HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});
// Each test starts with the sandbox's throttle bucket full (the previous test may have emptied it).
beforeEach(() => new Promise((r) => setTimeout(r, 1100)));

const prompts: DevicePrompt[] = [];
/** A session as the app or the CLI makes it, with its own limiter (so one test's slowdown does not carry into the next). */
function session(opts: { login?: boolean } = {}) {
  return new IdentityCenterSession(
    { sessionName: SESSION, startUrl: env.sb.identityCenter.startUrl, region: 'us-east-1', endpoints: { sso: env.sb.endpoint, oidc: env.sb.endpoint } },
    { limiter: new RateLimiter({ perSecond: 20 }), minPollSeconds: 0.2, ...(opts.login === false ? {} : { login: (p) => prompts.push(p) }) },
  );
}

/** The organization as the sandbox holds it: every account Identity Center lists (all but the closed one) with its roles. */
function expected(): Map<string, string[]> {
  return new Map(env.sb.org!.accounts.filter((a) => a.name !== ORG_ACCOUNTS.closed).map((a) => [a.id, a.roles]));
}
function expectAll(d: IdentityCenterDiscovery) {
  const want = expected();
  expect(d.accounts).toHaveLength(299);
  for (const a of d.accounts) {
    expect(a.rolesError).toBeNull();
    expect(a.roles).toEqual(want.get(a.accountId));
  }
}
const log = async (q: string) => (await env.control('GET', `log?${q}`)).body.entries as Array<{ operation: string; status: number; errorCode?: string }>;

function figures(label: string, d: IdentityCenterDiscovery) {
  const floor = discoveryFloorMs(d.stats.calls);
  const line =
    `${label}: ${d.accounts.length} accounts, ${d.accounts.reduce((n, a) => n + a.roles.length, 0)} roles in ${(d.stats.wallMs / 1000).toFixed(2)} s; ` +
    `${d.stats.calls} Identity Center calls (floor at 20/s: ${(floor / 1000).toFixed(2)} s, ratio ${(d.stats.wallMs / floor).toFixed(2)}); ` +
    `429s met: ${d.stats.throttled}, retries: ${d.stats.retries}, refreshes: ${d.stats.refreshes}, logins: ${d.stats.logins}`;
  console.log(line);
  return floor;
}

describe('discovery against the org seed', () => {
  it('signs in once, writes the token in the CLI format, and finds every account and role at the 20-a-second pace', async () => {
    const s = session();
    try {
      expect(await s.ensureToken()).toMatchObject({ source: 'login' });
      expect(prompts).toHaveLength(1);
      expect(prompts[0].verificationUri).toContain('/device?user_code=');
      const cacheFile = join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(SESSION).digest('hex')}.json`);
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, string>;
      expect(Object.keys(cached)).toEqual(CLI_TOKEN_KEYS);

      const seen: DiscoveryProgress[] = [];
      const d = await discoverIdentityCenter(s, { onProgress: (p) => seen.push(p) });
      expectAll(d);
      expect(d.complete).toBe(true);
      expect(d.problems).toEqual([]);
      // 3 pages of accounts (100 at most each) and one role listing per account; nothing else unless throttled.
      expect(s.stats.byOperation.ListAccounts).toBe(3);
      expect(d.stats.calls - d.stats.retries).toBe(302);
      // Progress: accounts done out of those known, never backwards, ending at 299 of 299.
      expect(seen.at(-1)).toEqual({ done: 299, total: 299, listing: false });
      for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);
      const floor = figures('discovery, alone', d);
      // At the shared rate, not beyond it (the sandbox's throttle would say so), and not far behind it.
      expect(d.stats.wallMs).toBeGreaterThan(floor * 0.9);
      expect(d.stats.wallMs).toBeLessThan(floor * 1.5);
      // The token never reaches the result.
      expect(JSON.stringify(d)).not.toContain(cached.accessToken);
    } finally {
      s.destroy();
    }
  }, 90_000);

  it('shares the budget with another client that ignores it: meets 429s, backs off, and completes', async () => {
    const s = session();
    await s.ensureToken();
    // Another tool of the same user, as such tools call: every second, 10 ListAccountRoles at once, no limiter,
    // with the SDK's own retries (so it takes its share of the budget, rather than giving up at the first 429).
    const other = await deviceLogin(env.sb);
    const throttledBefore = env.sb.identityCenter.throttled;
    let otherCalls = 0;
    let otherThrottled = 0;
    const mgmt = env.sb.org!.managementAccountId;
    const burst = () => {
      for (let i = 0; i < 10; i++) {
        otherCalls++;
        portal(env.sb, { maxAttempts: 5 })
          .send(new ListAccountRolesCommand({ accessToken: other.accessToken, accountId: mgmt }))
          .catch(() => otherThrottled++);
      }
    };
    const timer = setInterval(burst, 1000);
    try {
      const d = await discoverIdentityCenter(s);
      clearInterval(timer);
      expectAll(d);
      expect(d.complete).toBe(true);
      expect(d.stats.throttled).toBeGreaterThan(0);
      expect(d.stats.retries).toBeGreaterThanOrEqual(d.stats.throttled);
      figures(`discovery beside a client bursting ${otherCalls} calls (${otherThrottled} of them still refused after its retries)`, d);
      console.log(`sandbox: ${env.sb.identityCenter.throttled - throttledBefore} requests refused with 429 during the run`);
    } finally {
      clearInterval(timer);
      s.destroy();
    }
  }, 120_000);

  it('a token that ends midway is refreshed once, and the discovery resumes where it was', async () => {
    const s = session();
    try {
      await s.ensureToken();
      const prompted = prompts.length;
      let expired = false;
      const d = await discoverIdentityCenter(s, {
        onProgress: (p) => {
          if (!expired && p.done >= 100) {
            expired = true;
            void env.control('POST', 'identity-center/expire-tokens', {});
          }
        },
      });
      expect(expired).toBe(true);
      expectAll(d);
      expect(d.complete).toBe(true);
      expect(d.stats.refreshes).toBe(1);
      expect(d.stats.logins).toBe(0);
      expect(prompts).toHaveLength(prompted);
      // Resumed, not restarted: the accounts listed once, and only the calls in flight at the expiry sent again.
      expect(s.stats.byOperation.ListAccounts).toBe(3);
      expect(s.stats.byOperation.ListAccountRoles).toBeLessThanOrEqual(299 + 10 + d.stats.throttled);
      figures('discovery with a refresh midway', d);
    } finally {
      s.destroy();
    }
  }, 90_000);

  it('when the session ended too, ONE device login serves every waiting call, and the discovery resumes', async () => {
    const s = session();
    try {
      await s.ensureToken();
      const prompted = prompts.length;
      await env.control('DELETE', 'log');
      let expired = false;
      const d = await discoverIdentityCenter(s, {
        onProgress: (p) => {
          if (!expired && p.done >= 100) {
            expired = true;
            void env.control('POST', 'identity-center/expire-tokens', { sessions: true });
          }
        },
      });
      expectAll(d);
      expect(d.complete).toBe(true);
      expect(d.stats.logins).toBe(1);
      expect(prompts).toHaveLength(prompted + 1);
      // One device authorization in the sandbox's log, however many role listings met the 401.
      expect((await log('service=sso-oidc&operation=StartDeviceAuthorization')).filter((e) => e.status === 200)).toHaveLength(1);
      const unauthorized = (await log('service=sso&operation=ListAccountRoles')).filter((e) => e.status === 401).length;
      expect(unauthorized).toBeGreaterThan(0);
      console.log(`mid-discovery sign-in: ${unauthorized} role listings met the ended token; 1 login, then resumed`);
      figures('discovery with a new login midway', d);
    } finally {
      s.destroy();
    }
  }, 90_000);

  it('without anyone to sign in, an ended session fails the discovery once, saying what to run', async () => {
    await env.control('POST', 'identity-center/expire-tokens', { sessions: true });
    const s = session({ login: false });
    try {
      await env.control('DELETE', 'log');
      const err = await discoverIdentityCenter(s).catch((e: unknown) => e as Error & { code?: string; details?: { kind?: string } });
      expect(err).toMatchObject({ code: 'UNAVAILABLE', details: { kind: 'needs-sso-login' } });
      expect((err as Error).message).toContain(`aws sso login --sso-session ${SESSION}`);
      // Not one failure per account: the first 401 asked for a renewal, and that ended it.
      expect((await log('service=sso')).length).toBeLessThanOrEqual(2);
    } finally {
      s.destroy();
    }
  }, 30_000);

  it('cancels at once and sends nothing more', async () => {
    const s = session();
    try {
      await s.ensureToken();
      const ac = new AbortController();
      const d = discoverIdentityCenter(s, { signal: ac.signal, onProgress: (p) => p.done >= 30 && ac.abort() });
      await expect(d).rejects.toMatchObject({ name: 'AbortError' });
      const after = (await log('service=sso')).length;
      await new Promise((r) => setTimeout(r, 500));
      expect((await log('service=sso')).length).toBe(after);
    } finally {
      s.destroy();
    }
  }, 30_000);

  it('keeps an account whose roles cannot be read, with the reason, and says the discovery is incomplete', async () => {
    const s = session();
    try {
      await s.ensureToken();
      await env.control('POST', 'faults', { service: 'sso', operation: 'ListAccountRoles', denyRate: 0.03 });
      const d = await discoverIdentityCenter(s);
      await env.control('DELETE', 'faults');
      expect(d.accounts).toHaveLength(299);
      const failed = d.accounts.filter((a) => a.rolesError);
      expect(failed.length).toBeGreaterThan(0);
      expect(d.complete).toBe(false);
      expect(d.problems).toHaveLength(failed.length);
      for (const a of failed) expect(a.rolesError).toContain('ForbiddenException');
      const want = expected();
      for (const a of d.accounts.filter((x) => !x.rolesError)) expect(a.roles).toEqual(want.get(a.accountId));
    } finally {
      s.destroy();
    }
  }, 90_000);
});
