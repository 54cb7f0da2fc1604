// Artifact buckets: the audit over the workspace, plans, and cleanup runs with
// re-checks (the DeletionGuard), checkpoints and the audit log in the user-data directory.
import { join } from 'node:path';
import { AppError } from '../../shared/api/errors';
import { readFile } from 'node:fs/promises';
import { appendJsonLine, readJsonLines } from '../../node/jsonl-file';
import { describeHolder, LockHeldError } from '../../node/lock-file';
import { auditedPrefixes, type AuditReport, type BucketReport } from '../../shared/artifacts/report';
import { checkPlanAgainstAudit, PlanError, type CleanupPlan, type PlanItem } from '../../shared/artifacts/plan';
import { assertConfirmed, type ConfirmRequest, type Confirmed, type PlanAccount } from '../../shared/safety/confirmation';
import type { ProductionMarks } from '../../shared/safety/production';
import { accountConfirmationView, accountsNow } from '../aws/accounts-now';
import { claimedNow, deletableBucket, lifecycleEligible } from '../../shared/artifacts/eligibility';
import { auditArtifacts, type AuditOptions } from './audit-calls';
import { deleteEmptyBucket, expirePrefixByLifecycle } from './bucket-calls';
import { executePlan, type CleanOptions, type CleanResult } from './cleanup-executor';
import { DeletionGuard, UnverifiedError, type Blocklists } from './deletion-guard';
import { classifyAwsError } from '../aws/errors';
import { whoAmI } from '../aws/identity';
import type { ProfileInfo } from '../aws/profiles';
import type { AwsAccess } from '../aws/access';
import type { WorkspaceTargets } from './ports';
import type { AccountConfirmationView } from '../../shared/api/artifacts';

export interface ArtifactsServiceOptions {
  /** The blocklists as the settings hold them now: read again at every re-check. */
  blocklists(): Promise<Blocklists>;
  /** The accounts the settings mark production or not (the production rule reads them as for approvals). */
  productionMarks?: () => ProductionMarks;
}

export class ArtifactsService {
  readonly guard: DeletionGuard;
  private marks: () => ProductionMarks | undefined;

  constructor(
    private accounts: AwsAccess,
    private pipelines: WorkspaceTargets,
    private home: string,
    opts: ArtifactsServiceOptions,
  ) {
    this.marks = opts.productionMarks ?? (() => undefined);
    this.guard = new DeletionGuard({
      clients: accounts.clients,
      fanout: accounts.fanout,
      profilesFor: (accountId, preferred) => this.profilesReaching(accountId, preferred),
      blocklists: () => opts.blocklists(),
      scopeRegions: () => [...new Set(this.pipelines.targets().map((t) => t.region))],
    });
  }

  get auditLogPath(): string {
    return join(this.home, 'artifact-cleanup-audit.jsonl');
  }

  audit(pairs: ReturnType<WorkspaceTargets['targets']>, opts: AuditOptions): Promise<AuditReport> {
    return auditArtifacts(this.accounts.clients, this.accounts.fanout, pairs, opts);
  }

  /**
   * Every profile that reaches the account, the preferred one first: identities not
   * known yet are asked for once, without prompting (an MFA or SSO profile that
   * needs the user simply does not count).
   */
  async profilesReaching(accountId: string, preferred?: string): Promise<ProfileInfo[]> {
    const usable = this.accounts.profiles().filter((p) => !p.problems.length);
    const ordered = [...usable.filter((p) => p.name === preferred), ...usable.filter((p) => p.name !== preferred)];
    await Promise.all(
      ordered
        .filter((p) => this.accounts.identityOf(p.name)?.state !== 'ok')
        .map(async (p) => {
          const who = await whoAmI(this.accounts.clients, p, this.accounts.fanout.gate(`identity:${p.name}`)).catch(() => null);
          if (who) this.accounts.recordIdentity(p, who);
        }),
    );
    return ordered.filter((p) => this.accounts.identityOf(p.name)?.state === 'ok' && this.accounts.identityOf(p.name)?.accountId === accountId);
  }

  private async requireProfile(accountId: string, preferred: string): Promise<ProfileInfo> {
    const [p] = await this.profilesReaching(accountId, preferred);
    if (!p) throw new AppError('UNAVAILABLE', `No profile reaches account ${accountId} (the plan names ${preferred}).`);
    return p;
  }

  /**
   * Accounts as the production rule sees them at the moment of confirming or acting, as
   * an approval sees its pipeline's (executions/service.ts resolveTargets): see aws/accounts-now.ts.
   */
  accountsNow(wanted: ReadonlyArray<Pick<PlanAccount, 'accountId' | 'accountAlias' | 'profile'>>): Promise<PlanAccount[]> {
    return accountsNow(this.accounts, this.marks(), wanted);
  }

  /** Accounts as a page shows them before a person types: the word the main process will ask for, and why. */
  async accountViews(accountIds: readonly string[]): Promise<AccountConfirmationView[]> {
    return (await this.accountsNow(accountIds.map((accountId) => ({ accountId, accountAlias: null })))).map(accountConfirmationView);
  }

  /**
   * What a person confirms before a plan runs: each of its accounts as known now
   * (`accountsNow`), not as the plan says, so an account is production here whenever
   * it would be for an approval or a stop.
   */
  async cleanupRequest(plan: Pick<CleanupPlan, 'items'>): Promise<Extract<ConfirmRequest, { kind: 'cleanup' }>> {
    return { kind: 'cleanup', accounts: await this.accountsNow(plan.items) };
  }

  /** What a person confirms before a bucket is deleted or gets lifecycle rules: its name, and its account's production word as known now. */
  async bucketRequest<K extends 'bucket-deletion' | 'lifecycle'>(kind: K, b: Pick<BucketReport, 'name' | 'accountId' | 'accountAlias' | 'profile'>) {
    const [account] = await this.accountsNow([{ accountId: b.accountId, accountAlias: b.accountAlias, profile: b.profile }]);
    return { kind, bucket: b.name, account } as Extract<ConfirmRequest, { kind: K }>;
  }

  /**
   * Runs a cleanup plan (or its dry run). The rules every entry point gets here:
   * the plan stays within its audit (`against`: the audit report, or 'unchecked'
   * when the caller has none, said so and logged), and a real run carries the
   * person's confirmation of every account it touches. Each item is re-checked
   * live at the moment of deleting (the DeletionGuard).
   */
  async clean(
    plan: CleanupPlan,
    opts: Omit<CleanOptions, 's3For' | 'recheck' | 'stateDir' | 'auditLog'> & { against: AuditReport | 'unchecked'; confirmed: Confirmed<'cleanup'> | null },
  ): Promise<CleanResult> {
    if (opts.against !== 'unchecked') {
      try {
        checkPlanAgainstAudit(plan, auditedPrefixes(opts.against));
      } catch (err) {
        if (err instanceof PlanError) throw new AppError('INVALID_INPUT', err.message);
        throw err;
      }
    }
    if (!opts.dryRun) assertConfirmed(opts.confirmed, await this.cleanupRequest(plan));
    // One client per item, from a profile that reaches its account (resolved before the run).
    const profiles = new Map<string, ProfileInfo | null>();
    for (const i of plan.items) if (!profiles.has(i.accountId)) profiles.set(i.accountId, (await this.profilesReaching(i.accountId, i.profile))[0] ?? null);
    const s3For = (item: PlanItem) => {
      const p = profiles.get(item.accountId);
      if (!p) throw new UnverifiedError(`No profile reaches account ${item.accountId} (the plan names ${item.profile}).`);
      return this.accounts.clients.s3(p, item.region);
    };
    const { against: _against, confirmed: _confirmed, ...run } = opts;
    try {
      return await executePlan(plan, {
        ...run,
        s3For,
        recheck: async (item) => this.guard.recheckPlanItem(item, s3For(item)),
        stateDir: this.home,
        auditLog: this.auditLogPath,
      });
    } catch (err) {
      // One runner per plan: the second is told who runs it, and that nothing was done.
      if (err instanceof LockHeldError)
        throw new AppError(
          'CONFLICT',
          err.holder
            ? `This plan is already being run by ${describeHolder(err.holder)}: one run of a plan at a time, and this one did nothing. Run it again once that one has finished, to resume anything left (lock: ${err.path}).`
            : err.message,
          { holder: err.holder, lock: err.path },
        );
      throw err;
    }
  }

  /**
   * Deletes an unused artifact bucket that a cleanup emptied. Refused, with the
   * reason, if it still holds anything, is protected, a live pipeline uses it now,
   * or that cannot be established with complete coverage.
   */
  async deleteBucket(b: BucketReport, confirmed: Confirmed<'bucket-deletion'>): Promise<void> {
    if (!deletableBucket(b))
      throw new AppError('BAD_REQUEST', `s3://${b.name} is ${b.protected ? 'protected' : 'used by a live pipeline'}: it cannot be deleted here.`);
    assertConfirmed(confirmed, await this.bucketRequest('bucket-deletion', b));
    const profile = await this.requireProfile(b.accountId, b.profile);
    const s3 = this.accounts.clients.s3(profile, b.region);
    const entry = { profile: profile.name, accountId: b.accountId, bucket: b.name, region: b.region };
    const blocker = await this.guard
      .bucketRemovalBlocker({ accountId: b.accountId, bucket: b.name, profile: profile.name, s3 })
      .catch((err: unknown) => `Could not re-check before deleting: ${classifyAwsError(err).message}`);
    if (blocker) {
      await this.log({ event: 'bucket-skip', ...entry, reason: blocker });
      throw new AppError('CONFLICT', blocker);
    }
    await deleteEmptyBucket(this.accounts.clients, { profile, region: b.region, bucket: b.name });
    await this.log({ event: 'bucket-deleted', ...entry, result: 'ok' });
  }

  /**
   * Lifecycle rules for one prefix of the bucket: whole expiry of an orphan, or with
   * `retainDays` the age-only retention rule of a live prefix. Previewed, or applied and logged.
   */
  async expireByLifecycle(b: BucketReport, prefix: string, apply: false | Confirmed<'lifecycle'>, retainDays?: number, ageOnlyAcknowledged = false) {
    const p = b.prefixes.find((x) => `${x.prefix}/` === prefix);
    const live = claimedNow(p);
    if (!lifecycleEligible(b, p, retainDays))
      throw new AppError(
        'BAD_REQUEST',
        `Only an orphan prefix, or a live one with a retention age, of an unprotected bucket can get lifecycle rules: s3://${b.name}/${prefix} is ${b.protected ? 'protected' : (p?.class ?? 'not in the audit')}.`,
      );
    if (live && apply && !ageOnlyAcknowledged)
      throw new AppError('BAD_REQUEST', 'A lifecycle rule expires by age alone and cannot keep the last successful executions: acknowledge that first.');
    // The account as known now: applied, it must be confirmed; previewed, the page is told what to ask for.
    const request = await this.bucketRequest('lifecycle', b);
    if (apply) assertConfirmed(apply, request);
    if (!live) retainDays = undefined;
    const profile = await this.requireProfile(b.accountId, b.profile);
    const ref = { profile, region: b.region, bucket: b.name };
    if (apply) {
      // Re-checked at the moment of applying: protection, and for an orphan prefix, that no pipeline claims it now.
      const t = { accountId: b.accountId, bucket: b.name, profile: profile.name, s3: this.accounts.clients.s3(profile, b.region) };
      const blocker = await (retainDays === undefined ? this.guard.orphanLifecycleBlocker(t, prefix) : this.guard.protectedReason(t)).catch(
        (err: unknown) => `Could not re-check before applying: ${classifyAwsError(err).message}`,
      );
      if (blocker) {
        await this.log({ event: 'lifecycle-skip', profile: profile.name, accountId: b.accountId, bucket: b.name, prefix, reason: blocker });
        throw new AppError('CONFLICT', blocker);
      }
    }
    const r = await expirePrefixByLifecycle(this.accounts.clients, ref, prefix, !!apply, retainDays);
    if (apply)
      await this.log({
        event: retainDays ? 'lifecycle-retention-applied' : 'lifecycle-applied',
        profile: b.profile,
        accountId: b.accountId,
        bucket: b.name,
        prefix,
        rules: r.added,
        result: 'ok',
      });
    return { ...r, account: accountConfirmationView(request.account) };
  }

  private async log(entry: Record<string, unknown>): Promise<void> {
    // On a fresh line even after a torn one (a crash mid-write), so this entry is never joined to it.
    await appendJsonLine(this.auditLogPath, { time: new Date().toISOString(), ...entry }, 0o600);
  }

  async readAuditLog(limit = 500): Promise<Array<Record<string, unknown>>> {
    let text = '';
    try {
      text = await readFile(this.auditLogPath, 'utf8');
    } catch {
      return [];
    }
    // A torn or edited line is shown as such, where it stands, not a reason to show nothing.
    return readJsonLines(text)
      .slice(-limit)
      .map((l) => {
        if (l.ok && l.value !== null && typeof l.value === 'object' && !Array.isArray(l.value)) return l.value as Record<string, unknown>;
        return { event: 'unreadable', reason: `line ${l.line} of the audit log is not a log entry`, line: l.line };
      });
  }
}
