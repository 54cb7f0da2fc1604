// The organization the `org` seed builds: AWS Organizations' tree (a root, nested
// OUs, accounts with their State) and what IAM Identity Center assigns the
// sandbox's one user in each account (permission sets, which the portal calls
// roles). Organizations and the Identity Center portal both answer from it;
// nothing else in the sandbox knows these accounts: they have no long-term keys,
// only the temporary ones the portal's GetRoleCredentials hands out.

export type AccountState = 'PENDING_ACTIVATION' | 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';

export interface PermissionSet {
  name: string;
  /** What its role may not do, as a sandbox principal's policy says it ("service:Operation", "*" for all). */
  deny: string[];
  /** The role session's length (the permission set's SessionDuration). */
  sessionSeconds: number;
}

export interface OrgAccount {
  id: string;
  name: string;
  email: string;
  state: AccountState;
  joinedMethod: 'CREATED' | 'INVITED';
  joinedAt: number;
  /** When a CLOSED account was closed (Organizations does not say; tests and the control API do). */
  closedAt?: number;
  /** A root (r-…) or an OU (ou-…). */
  parentId: string;
  /** Permission sets the sandbox's user is assigned in this account, narrowest first. */
  roles: string[];
}

export interface OrgUnit {
  id: string;
  name: string;
  parentId: string;
}

export interface OrgData {
  id: string;
  rootId: string;
  managementAccountId: string;
  accounts: OrgAccount[];
  ous: OrgUnit[];
  permissionSets: PermissionSet[];
  /** The Identity Center user whose assignments these are (the role session name). */
  userName: string;
}

/** The organization with its lookups, built once from the seed's data. */
export class Organization {
  private readonly byId = new Map<string, OrgAccount>();
  private readonly ouById = new Map<string, OrgUnit>();
  private readonly children = new Map<string, { ous: OrgUnit[]; accounts: OrgAccount[] }>();
  private readonly sets = new Map<string, PermissionSet>();

  constructor(readonly data: OrgData) {
    const slot = (parent: string) => {
      let c = this.children.get(parent);
      if (!c) this.children.set(parent, (c = { ous: [], accounts: [] }));
      return c;
    };
    for (const ou of data.ous) {
      this.ouById.set(ou.id, ou);
      slot(ou.parentId).ous.push(ou);
    }
    for (const a of data.accounts) {
      this.byId.set(a.id, a);
      slot(a.parentId).accounts.push(a);
    }
    for (const p of data.permissionSets) this.sets.set(p.name, p);
  }

  get id(): string {
    return this.data.id;
  }
  get rootId(): string {
    return this.data.rootId;
  }
  get managementAccountId(): string {
    return this.data.managementAccountId;
  }
  get management(): OrgAccount {
    return this.byId.get(this.data.managementAccountId)!;
  }
  get accounts(): readonly OrgAccount[] {
    return this.data.accounts;
  }

  account(id: string): OrgAccount | undefined {
    return this.byId.get(id);
  }
  ou(id: string): OrgUnit | undefined {
    return this.ouById.get(id);
  }
  permissionSet(name: string): PermissionSet | undefined {
    return this.sets.get(name);
  }
  isParent(id: string): boolean {
    return id === this.data.rootId || this.ouById.has(id);
  }
  childOus(parentId: string): readonly OrgUnit[] {
    return this.children.get(parentId)?.ous ?? [];
  }
  childAccounts(parentId: string): readonly OrgAccount[] {
    return this.children.get(parentId)?.accounts ?? [];
  }

  /** "o-…/r-…/ou-…/…/" as Organizations writes an OU's Path. */
  ouPath(ouId: string): string {
    const chain: string[] = [];
    for (let id: string | undefined = ouId; id && id !== this.data.rootId; id = this.ouById.get(id)?.parentId) chain.unshift(id);
    return `${this.data.id}/${this.data.rootId}/${chain.map((c) => `${c}/`).join('')}`;
  }
  /** An account's path: its parent's, then its id. */
  accountPath(a: OrgAccount): string {
    const parent = a.parentId === this.data.rootId ? `${this.data.id}/${this.data.rootId}/` : this.ouPath(a.parentId);
    return `${parent}${a.id}/`;
  }
  /** The OU names from the root down ("Workloads/Prod"), '' for an account in the root. */
  ouNames(parentId: string): string {
    const names: string[] = [];
    for (let id: string | undefined = parentId; id && id !== this.data.rootId; id = this.ouById.get(id)?.parentId)
      names.unshift(this.ouById.get(id)?.name ?? id);
    return names.join('/');
  }

  arn(kind: 'organization' | 'root' | 'ou' | 'account', id = ''): string {
    const base = `arn:aws:organizations::${this.data.managementAccountId}`;
    switch (kind) {
      case 'organization':
        return `${base}:organization/${this.data.id}`;
      case 'root':
        return `${base}:root/${this.data.id}/${this.data.rootId}`;
      case 'ou':
        return `${base}:ou/${this.data.id}/${id}`;
      default:
        return `${base}:account/${this.data.id}/${id}`;
    }
  }
}
