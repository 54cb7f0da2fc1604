// An organization's accounts as Pipewright knows them: what IAM Identity Center
// lists (accounts and the roles the user has in each) and, optionally, what AWS
// Organizations says (name, State, OU path). The schemas are the files Pipewright
// keeps in its home (never in ~/.aws); the merge, the reasons an account has no
// usable role, the diff between two discoveries and the profile names are pure,
// so the main process, the CLI and (later) the page share one definition.
import { z } from 'zod';
import { SECTION_NAME } from './aws-config-block';

/** Organizations' account states (`State`; the retired `Status` is never read). */
export const ACCOUNT_STATES = ['PENDING_ACTIVATION', 'ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'] as const;

export const DiscoveredAccount = z.object({
  accountId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  /** Role (permission set) names, as ListAccountRoles gives them. */
  roles: z.array(z.string()),
  /** Why the roles could not be read, when they could not; the account is kept all the same. */
  rolesError: z.string().nullable(),
});
export type DiscoveredAccount = z.infer<typeof DiscoveredAccount>;

export const DiscoveryStats = z.object({
  /** Identity Center requests sent (every attempt, OIDC included). */
  calls: z.number(),
  /** Of which answered 429 TooManyRequestsException. */
  throttled: z.number(),
  /** Attempts repeated (after a 429, a 5xx, a network error or a renewed token). */
  retries: z.number(),
  refreshes: z.number(),
  logins: z.number(),
  wallMs: z.number(),
});
export type DiscoveryStats = z.infer<typeof DiscoveryStats>;

export const IdentityCenterDiscovery = z.object({
  startUrl: z.string(),
  region: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** False when an account's roles or the account list itself could not be read (problems says what). */
  complete: z.boolean(),
  /** False when the account list was cut short: an account missing from it may still be there. */
  listComplete: z.boolean().default(true),
  accounts: z.array(DiscoveredAccount),
  problems: z.array(z.string()),
  stats: DiscoveryStats,
});
export type IdentityCenterDiscovery = z.infer<typeof IdentityCenterDiscovery>;

export const OrganizationsAccount = z.object({
  accountId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  /** Organizations' State; kept as text, so a state added later is shown rather than refused. */
  state: z.string(),
  /** OU names from the root down (`Workloads/Prod`); '' in the root; null when the tree walk did not find it. */
  ouPath: z.string().nullable(),
});
export type OrganizationsAccount = z.infer<typeof OrganizationsAccount>;

export const OrganizationsRead = z.object({
  profile: z.string(),
  readAt: z.string(),
  managementAccountId: z.string().nullable(),
  complete: z.boolean(),
  accounts: z.array(OrganizationsAccount),
  problems: z.array(z.string()),
});
export type OrganizationsRead = z.infer<typeof OrganizationsRead>;

/** One account, merged by id from both sources. */
export const OrgAccountView = z.object({
  accountId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  /** Organizations' State; null without Organizations (Identity Center does not say). */
  state: z.string().nullable(),
  ouPath: z.string().nullable(),
  roles: z.array(z.string()),
  /** Identity Center lists it for the user (null: no Identity Center is connected). */
  inIdentityCenter: z.boolean().nullable(),
  /** Organizations lists it (null: Organizations was not read). */
  inOrganizations: z.boolean().nullable(),
  /** Why no role of this account is usable; null when one is. */
  reason: z.string().nullable(),
});
export type OrgAccountView = z.infer<typeof OrgAccountView>;

const INACTIVE = new Set(['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']);

/** Why an account has no usable role, or null. Every account stays listed; this names the ones that cannot be used. */
export function reasonFor(a: Omit<OrgAccountView, 'reason'>, rolesError: string | null): string | null {
  if (a.state && INACTIVE.has(a.state)) return `the account is ${a.state}`;
  if (a.inIdentityCenter === null) return 'no IAM Identity Center is connected, so no role is known (pipewright org connect --sso-session NAME)';
  if (!a.inIdentityCenter) return a.inOrganizations ? 'Identity Center gives you no access to this account (Organizations lists it)' : null;
  if (rolesError) return `its roles could not be read: ${rolesError}`;
  if (!a.roles.length) return 'no Identity Center role is assigned to you in this account';
  return null;
}

/** Identity Center's accounts and Organizations' accounts, one row per account id, sorted by OU path then name. */
export function mergeAccounts(ic: IdentityCenterDiscovery | null, orgs: OrganizationsRead | null): OrgAccountView[] {
  const byId = new Map<string, { ic?: DiscoveredAccount; org?: OrganizationsAccount }>();
  for (const a of ic?.accounts ?? []) byId.set(a.accountId, { ic: a });
  for (const a of orgs?.accounts ?? []) byId.set(a.accountId, { ...byId.get(a.accountId), org: a });
  const rows = [...byId.entries()].map(([accountId, { ic: i, org: o }]) => {
    const base = {
      accountId,
      // Organizations' name is the account's own; Identity Center shows the same, and is the fallback.
      name: o?.name ?? i?.name ?? accountId,
      email: o?.email ?? i?.email ?? null,
      state: o?.state ?? null,
      ouPath: o?.ouPath ?? null,
      roles: i?.roles ?? [],
      inIdentityCenter: ic ? !!i : null,
      inOrganizations: orgs ? !!o : null,
    };
    return { ...base, reason: reasonFor(base, i?.rolesError ?? null) };
  });
  return rows.sort(
    (a, b) => (a.ouPath ?? '\uffff').localeCompare(b.ouPath ?? '\uffff') || a.name.localeCompare(b.name) || a.accountId.localeCompare(b.accountId),
  );
}

export const AccountRef = z.object({ accountId: z.string(), name: z.string() });
export const DiscoveryDiff = z.object({
  /** When the discovery compared with was made. */
  since: z.string(),
  added: z.array(AccountRef),
  /** No longer listed by either source. */
  gone: z.array(AccountRef),
  /** Listed still, but now SUSPENDED, PENDING_CLOSURE or CLOSED (or no longer in Identity Center while Organizations says closed). */
  closed: z.array(AccountRef.extend({ state: z.string() })),
  rolesChanged: z.array(AccountRef.extend({ added: z.array(z.string()), removed: z.array(z.string()) })),
  renamed: z.array(AccountRef.extend({ from: z.string() })),
});
export type DiscoveryDiff = z.infer<typeof DiscoveryDiff>;

/**
 * What changed between two merged views of the organization. `goneKnown` false (a
 * listing was cut short this time) reports no account gone: missing from a partial
 * list is not evidence that it left.
 */
export function diffAccounts(before: OrgAccountView[], after: OrgAccountView[], since: string, goneKnown = true): DiscoveryDiff {
  const old = new Map(before.map((a) => [a.accountId, a]));
  const now = new Map(after.map((a) => [a.accountId, a]));
  const ref = (a: OrgAccountView) => ({ accountId: a.accountId, name: a.name });
  const diff: DiscoveryDiff = { since, added: [], gone: [], closed: [], rolesChanged: [], renamed: [] };
  for (const a of after) {
    const o = old.get(a.accountId);
    if (!o) {
      diff.added.push(ref(a));
      continue;
    }
    if (a.state && INACTIVE.has(a.state) && a.state !== o.state) diff.closed.push({ ...ref(a), state: a.state });
    const added = a.roles.filter((r) => !o.roles.includes(r));
    const removed = o.roles.filter((r) => !a.roles.includes(r));
    if (added.length || removed.length) diff.rolesChanged.push({ ...ref(a), added, removed });
    if (o.name !== a.name) diff.renamed.push({ ...ref(a), from: o.name });
  }
  if (goneKnown) for (const o of before) if (!now.has(o.accountId)) diff.gone.push(ref(o));
  return diff;
}

export const isEmptyDiff = (d: DiscoveryDiff) => !d.added.length && !d.gone.length && !d.closed.length && !d.rolesChanged.length && !d.renamed.length;

/** A name part as a section header takes it: characters the SDKs refuse become '-'. */
export function safeNamePart(s: string): string {
  const out = s
    .trim()
    .replace(/[^\w\-@+.%:]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  return out || 'unnamed';
}

/**
 * `{AccountName}/{RoleName}` for every (account, role), as granted names them, made
 * safe for a section header. Two accounts that would share a name both get their
 * account id appended, so a name never silently points at the wrong account.
 */
export function profileNames(accounts: Array<{ accountId: string; name: string; roles: string[] }>): Map<string, string> {
  const accountPart = new Map<string, string>();
  const count = new Map<string, number>();
  for (const a of accounts) {
    const p = safeNamePart(a.name);
    accountPart.set(a.accountId, p);
    count.set(p.toLowerCase(), (count.get(p.toLowerCase()) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const a of accounts) {
    let p = accountPart.get(a.accountId)!;
    if (count.get(p.toLowerCase())! > 1) p = `${p}-${a.accountId}`;
    for (const r of a.roles) {
      const name = `${p}/${safeNamePart(r)}`;
      if (SECTION_NAME.test(name)) names.set(profileKey(a.accountId, r), name);
    }
  }
  return names;
}

export const profileKey = (accountId: string, role: string) => `${accountId}\u0000${role}`;

/** The floor for a discovery: every call at the shared rate (the critical path of a page chain aside). */
export function discoveryFloorMs(calls: number, perSecond = 20): number {
  return (calls / perSecond) * 1000;
}
