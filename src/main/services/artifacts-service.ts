// Artifact buckets: the audit over the workspace, plans, and cleanup runs with
// re-checks, checkpoints and the audit log in the user-data directory.
import { join } from 'node:path';
import { AppError } from '../../shared/api/errors';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import type { AuditReport, BucketReport } from '../../shared/artifacts/report';
import type { CleanupPlan, PlanItem } from '../../shared/artifacts/plan';
import { auditArtifacts, type AuditOptions } from '../aws/artifact-audit';
import { bucketRemovalBlocker, deleteEmptyBucket, expirePrefixByLifecycle } from '../aws/artifact-bucket';
import { executePlan, recheckPlanItem, type CleanOptions, type CleanResult } from '../aws/artifact-cleanup';
import type { AccountsService } from './accounts-service';
import type { PipelinesService } from './pipelines-service';

export class ArtifactsService {
  constructor(
    private accounts: AccountsService,
    private pipelines: PipelinesService,
    private home: string,
  ) {}

  get auditLogPath(): string {
    return join(this.home, 'artifact-cleanup-audit.jsonl');
  }

  audit(pairs: ReturnType<PipelinesService['targets']>, opts: AuditOptions): Promise<AuditReport> {
    return auditArtifacts(this.accounts.clients, this.accounts.fanout, pairs, opts);
  }

  /** The profile that reaches an item's account (the one named in the plan, if it still exists). */
  private profileFor(item: Pick<PlanItem, 'profile' | 'accountId'>) {
    const byName = this.accounts.profiles().find((p) => p.name === item.profile);
    if (byName) return byName;
    const byAccount = this.accounts.profiles().find((p) => this.accounts.identityOf(p.name)?.accountId === item.accountId);
    if (!byAccount) throw new Error(`No profile reaches account ${item.accountId} (the plan names ${item.profile}).`);
    return byAccount;
  }

  /** A reason to skip the item if a live pipeline claims it now, else null. */
  recheck(item: PlanItem): Promise<string | null> {
    return recheckPlanItem(this.accounts.clients, this.pipelines.targets(), item);
  }

  clean(plan: CleanupPlan, opts: Omit<CleanOptions, 's3For' | 'recheck' | 'stateDir' | 'auditLog'>): Promise<CleanResult> {
    return executePlan(plan, {
      ...opts,
      s3For: (item) => this.accounts.clients.s3(this.profileFor(item), item.region),
      recheck: (item) => this.recheck(item),
      stateDir: this.home,
      auditLog: this.auditLogPath,
    });
  }

  /**
   * Deletes an unused artifact bucket that a cleanup emptied. Refused, with the
   * reason, if it still holds anything, is protected, or a live pipeline uses it now.
   */
  async deleteBucket(b: BucketReport): Promise<void> {
    const ref = { profile: this.profileFor({ profile: b.profile, accountId: b.accountId }), region: b.region, bucket: b.name };
    const blocker = await bucketRemovalBlocker(this.accounts.clients, this.pipelines.targets(), ref);
    const entry = { profile: b.profile, accountId: b.accountId, bucket: b.name, region: b.region };
    if (blocker) {
      await this.log({ event: 'bucket-skip', ...entry, reason: blocker });
      throw new AppError('CONFLICT', blocker);
    }
    await deleteEmptyBucket(this.accounts.clients, ref);
    await this.log({ event: 'bucket-deleted', ...entry, result: 'ok' });
  }

  /**
   * Lifecycle rules for one prefix of the bucket: whole expiry of an orphan, or with
   * `retainDays` the age-only retention rule of a live prefix. Previewed, or applied and logged.
   */
  async expireByLifecycle(b: BucketReport, prefix: string, apply: boolean, retainDays?: number) {
    const ref = { profile: this.profileFor({ profile: b.profile, accountId: b.accountId }), region: b.region, bucket: b.name };
    const r = await expirePrefixByLifecycle(this.accounts.clients, ref, prefix, apply, retainDays);
    if (apply) await this.log({ event: retainDays ? 'lifecycle-retention-applied' : 'lifecycle-applied', profile: b.profile, accountId: b.accountId, bucket: b.name, prefix, rules: r.added, result: 'ok' });
    return r;
  }

  private async log(entry: Record<string, unknown>): Promise<void> {
    await mkdir(this.home, { recursive: true });
    await appendFile(this.auditLogPath, JSON.stringify({ time: new Date().toISOString(), ...entry }) + '\n');
  }

  async readAuditLog(limit = 500): Promise<Array<Record<string, unknown>>> {
    let text = '';
    try {
      text = await readFile(this.auditLogPath, 'utf8');
    } catch {
      return [];
    }
    return text
      .trim()
      .split('\n')
      .filter(Boolean)
      .slice(-limit)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
