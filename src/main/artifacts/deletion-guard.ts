// The re-checks at the moment of deletion, for cleanup items, whole buckets and
// lifecycle rules alike. The audit may be old, so everything it concluded is
// asked again, live and with the same complete coverage:
// - protection: the blocklists as the settings hold them now, and the
//   pipewright:protect tag read from the bucket now;
// - absence: every pipeline of the bucket's account, and of every account its
//   policy lets in, in every region (not the workspace's), must be listed.
// A protected bucket or a live claim is a reason to skip. A re-check that cannot
// complete throws, and the caller skips the item as unverified: never deletes it.
import type { S3Client } from '@aws-sdk/client-s3';
import { bucketHoldsAnything } from './bucket-calls';
import type { PlanItem } from '../../shared/artifacts/plan';
import { artifactStoresByRegion } from '../../shared/pipeline/model';
import { bucketSharedWith, bucketTags, isProtectTagged, PROTECT_TAG, scanAccount, withEachProfile, type ScannedPipeline } from './coverage-calls';
import { listingGaps } from '../../shared/artifacts/evidence';
import { claims, folderOf, prefixOf } from '../../shared/artifacts/key-layout';
import type { AwsClients } from '../aws/clients';
import type { FanOut } from '../aws/fanout';
import { recentSuccesses } from '../aws/pipeline-queries';
import { retainedKeys } from '../../shared/artifacts/retention';
import { classifyAwsError } from '../aws/errors';
import type { ProfileInfo } from '../aws/profiles';

export interface Blocklists {
  blockedBuckets: string[];
  blockedAccounts: string[];
}

export interface GuardContext {
  clients: AwsClients;
  fanout: FanOut;
  /** Every profile that reaches the account, the preferred one first (empty when none does). */
  profilesFor(accountId: string, preferred?: string): Promise<ProfileInfo[]>;
  /** The blocklists as the settings hold them at this moment. */
  blocklists(): Promise<Blocklists>;
  /** The user's regions, scanned besides every region CodePipeline is offered in. */
  scopeRegions(): string[];
}

/** The re-check could not complete: the item is left alone, as unverified. */
export class UnverifiedError extends Error {
  override name = 'UnverifiedError';
}

export interface BucketTarget {
  accountId: string;
  bucket: string;
  /** The profile the audit or plan used for this account, tried first. */
  profile?: string;
  s3: S3Client;
}

export class DeletionGuard {
  constructor(private ctx: GuardContext) {}

  /** A reason the bucket is protected now (blocklists read now, tag read live), else null. */
  async protectedReason(t: BucketTarget): Promise<string | null> {
    const lists = await this.ctx.blocklists();
    if (lists.blockedAccounts.includes(t.accountId)) return `Account ${t.accountId} is on the blocklist.`;
    if (lists.blockedBuckets.includes(t.bucket)) return `s3://${t.bucket} is on the blocklist.`;
    if (isProtectTagged(await bucketTags(t.s3, t.bucket))) return `s3://${t.bucket} is tagged ${PROTECT_TAG}=true.`;
    return null;
  }

  /**
   * Every live pipeline that writes to the bucket now (and, given a prefix, claims
   * that prefix: key-layout's `claims`), from a complete scan of its account and of
   * every account its policy lets in. Throws UnverifiedError when that scan cannot be complete.
   */
  async claimsOn(t: BucketTarget, prefix?: string): Promise<Array<ScannedPipeline & { accountId: string; profiles: ProfileInfo[] }>> {
    // Only pipelines whose name could claim the prefix are read in full (GetPipeline).
    const wanted = prefix === undefined ? () => true : (name: string) => prefixOf(name) === prefix;
    const shared = await bucketSharedWith(t.s3, t.bucket, t.accountId);
    if (shared.includes('*')) throw new UnverifiedError(`The bucket policy of s3://${t.bucket} lets in any AWS principal: no set of accounts covers it.`);
    const found: Array<ScannedPipeline & { accountId: string; profiles: ProfileInfo[] }> = [];
    for (const accountId of [t.accountId, ...shared]) {
      const profiles = await this.ctx.profilesFor(accountId, accountId === t.accountId ? t.profile : undefined);
      if (!profiles.length)
        throw new UnverifiedError(
          `No profile reaches account ${accountId}${accountId === t.accountId ? '' : `, which the bucket policy of s3://${t.bucket} lets in`}.`,
        );
      const scan = await scanAccount(this.ctx.clients, this.ctx.fanout, { accountId, profiles }, { scopeRegions: this.ctx.scopeRegions(), wanted });
      const gaps = listingGaps(scan);
      if (gaps.length) throw new UnverifiedError(`Not every pipeline that could write to s3://${t.bucket} could be listed: ${gaps.join('; ')}.`);
      for (const p of scan.pipelines) {
        const writesTo = { name: p.name, buckets: Object.values(artifactStoresByRegion(p.decl, p.region)).map((st) => st.location) };
        if (prefix === undefined ? writesTo.buckets.includes(t.bucket) : claims(writesTo, t.bucket, prefix)) found.push({ ...p, accountId, profiles });
      }
    }
    return found;
  }

  /**
   * Re-check before deleting a plan item: a reason to skip if its bucket is protected
   * now, or a live pipeline writes to its prefix now (for a stale folder, produces
   * that artifact again; for retention, one of the last K successes its policy keeps now names a planned key).
   */
  async recheckPlanItem(item: PlanItem, s3: S3Client): Promise<string | null> {
    const t: BucketTarget = { accountId: item.accountId, bucket: item.bucket, profile: item.profile, s3 };
    const protectedNow = await this.protectedReason(t);
    if (protectedNow) return protectedNow;
    const [prefix, folder] = item.prefix.split('/');
    for (const claim of await this.claimsOn(t, prefix)) {
      const where = `${claim.name} (account ${claim.accountId}, ${claim.region})`;
      if (item.class === 'orphan') return `Live pipeline ${where} now writes to this prefix.`;
      if (item.class === 'retention') {
        // The policy's last K successes (the latest always) are read now, all K: if one of them,
        // newer than the audit or named by a hand-edited plan, holds a planned key, skip. A
        // history read cut short (a page denied, the page bound reached) leaves them unknown:
        // the item is unverified, never judged against the successes that were found.
        const policy = item.retention!;
        const recent = await withEachProfile(claim.profiles, undefined, (p) =>
          recentSuccesses(this.ctx.clients.codepipeline(p, claim.region), claim.name, { depth: policy.keepLast }),
        ).catch((err: unknown) => {
          throw new UnverifiedError(
            `The execution history of ${where} could not be read far enough to find the last ${policy.keepLast} successful executions its policy keeps: ${classifyAwsError(err, { region: claim.region }).message.replace(/\.$/, '')}.`,
          );
        });
        const kept = retainedKeys(
          { keep: [], successes: recent.map((e) => ({ ...e, pipeline: claim.name, accountId: claim.accountId, region: claim.region })) },
          policy,
        );
        const hit = item.keys?.find((k) => kept.has(k));
        if (!hit) continue;
        const rank = recent.findIndex((e) => e.keys.includes(hit));
        if (rank === 0) return `${hit} now belongs to ${claim.name}'s latest successful execution, which is always kept.`;
        return `${hit} belongs to ${claim.name}'s successful execution ${recent[rank].id} (newest but ${rank}), one of the last ${policy.keepLast} its policy keeps.`;
      }
      const produces = claim.decl.stages.flatMap((st) => st.actions.flatMap((a) => (a.outputArtifacts ?? []).map((o) => folderOf(o.name))));
      if (folder && produces.includes(folder)) return `Live pipeline ${where} produces ${folder}… again.`;
    }
    return null;
  }

  /** A reason not to delete the whole bucket now (not empty, protected, or used by a live pipeline), else null. */
  async bucketRemovalBlocker(t: BucketTarget): Promise<string | null> {
    if (await bucketHoldsAnything(t.s3, t.bucket)) return `s3://${t.bucket} still holds objects or versions: clean its prefixes first.`;
    const protectedNow = await this.protectedReason(t);
    if (protectedNow) return protectedNow;
    const [claim] = await this.claimsOn(t);
    if (claim) return `Live pipeline ${claim.name} (account ${claim.accountId}, ${claim.region}) uses s3://${t.bucket} now.`;
    return null;
  }

  /** A reason not to add an expiry rule for an orphan prefix now, else null. */
  async orphanLifecycleBlocker(t: BucketTarget, prefix: string): Promise<string | null> {
    const protectedNow = await this.protectedReason(t);
    if (protectedNow) return protectedNow;
    const [claim] = await this.claimsOn(t, prefix.replace(/\/$/, ''));
    return claim ? `Live pipeline ${claim.name} (account ${claim.accountId}, ${claim.region}) writes to this prefix now.` : null;
  }
}
