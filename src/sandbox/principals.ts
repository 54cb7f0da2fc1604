// Who holds which keys: the accounts' long-term keys from the config, plus the
// temporary keys STS hands out (AssumeRole, GetSessionToken) and Identity Center's
// portal hands out (GetRoleCredentials), until they expire.
import type { SandboxConfig, SandboxAccountConfig } from './config';
import type { Rng } from './random';

export interface Principal {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  accountId: string;
  arn: string;
  userId: string;
  expiresAt?: number;
  mfaAuthenticated?: boolean;
  /** Actions this principal's policy denies ("service:Operation"). */
  deny?: string[];
}

export class Principals {
  private temporary = new Map<string, Principal>();

  constructor(
    private config: SandboxConfig,
    private rng: Rng,
  ) {}

  setConfig(config: SandboxConfig): void {
    this.config = config;
  }

  account(id: string): SandboxAccountConfig | undefined {
    return this.config.accounts.find((a) => a.id === id);
  }

  find(accessKeyId: string, now = Date.now()): Principal | undefined {
    const acct = this.config.accounts.find((a) => a.accessKeyId === accessKeyId);
    if (acct) {
      return {
        accessKeyId,
        secretAccessKey: acct.secretAccessKey,
        accountId: acct.id,
        arn: `arn:aws:iam::${acct.id}:user/sandbox-user`,
        userId: `AIDA${acct.id}SANDBOX`,
      };
    }
    const user = this.config.users.find((u) => u.accessKeyId === accessKeyId);
    if (user) {
      return {
        accessKeyId,
        secretAccessKey: user.secretAccessKey,
        accountId: user.account,
        arn: `arn:aws:iam::${user.account}:user/${user.name}`,
        userId: `AIDA${user.account}${user.name
          .replace(/[^A-Za-z0-9]/g, '')
          .toUpperCase()
          .slice(0, 8)}`,
        deny: user.deny,
      };
    }
    const temp = this.temporary.get(accessKeyId);
    if (temp && temp.expiresAt !== undefined && temp.expiresAt <= now) {
      this.temporary.delete(accessKeyId);
      return { ...temp, expiresAt: -1 };
    }
    return temp;
  }

  /** `deny`: what the role's policy denies (an Identity Center permission set's role, for one). */
  issueTemporary(accountId: string, arn: string, userId: string, durationSeconds: number, mfa: boolean, deny?: string[]): Principal {
    const p: Principal = {
      accessKeyId: `ASIA${this.rng.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
      secretAccessKey: this.rng.chars(40),
      sessionToken: `SBX${this.rng.chars(120)}`,
      accountId,
      arn,
      userId,
      expiresAt: Date.now() + durationSeconds * 1000,
      mfaAuthenticated: mfa,
      ...(deny?.length ? { deny: [...deny] } : {}),
    };
    this.temporary.set(p.accessKeyId, p);
    return p;
  }

  /** Whether the principal's policy denies this action (no policy of its own: nothing is denied). */
  static denies(p: Principal, service: string, operation: string): boolean {
    return (p.deny ?? []).some((d) => {
      const [s, op] = d.split(':');
      return s === service && (op === '*' || op === operation);
    });
  }

  clearTemporary(): void {
    this.temporary.clear();
  }
}
