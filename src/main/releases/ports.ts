// What the releases feature needs from outside it, declared here as interfaces:
// identities (accounts) and the executions use-cases, each with the rules they
// keep (the production rule and the approval capability stay in executions);
// and where a release's state is kept (ReleaseStorage: on disk, or shared in S3).
import type { ExecutionSummary, PipelineLiveState, PipelineRef } from '../../shared/api/executions';
import type { Promotion, ReleaseLogEntry } from '../../shared/api/releases';
import type { ReleaseFile } from '../../shared/releases/release-file';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import type { Confirmed, PipelineTarget } from '../../shared/safety/confirmation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { IdentityState } from '../aws/access';
import type { ProfileInfo } from '../aws/profiles';
import type { PromotionLease } from './promotion-lock';

export interface ReleaseIdentities {
  profile(name: string): ProfileInfo;
  identityOf(name: string): IdentityState | undefined;
  /** Checks these profiles' identities (never prompting when `interactive` is false). */
  check(names: string[] | undefined, interactive: boolean): Promise<unknown>;
  /** The workspace's profiles, in order: the ones a shared release's location is tried with when no state profile is named. */
  workspace(): { profiles: ProfileInfo[] };
  /** The app's SDK clients (its retries, endpoints and credentials): a shared release's state is read and written through them. */
  readonly clients: { s3(profile: ProfileInfo, region: string): S3Client };
}

export interface ReleaseExecutions {
  state(ref: PipelineRef): Promise<PipelineLiveState>;
  stateAndDeclaration(ref: PipelineRef): Promise<{ state: PipelineLiveState; declaration: PipelineDeclaration }>;
  latestSucceeded(ref: PipelineRef, maxExecutions?: number): Promise<ExecutionSummary | null>;
  /** The live state, its declaration and the newest succeeded execution, in as few calls as the three need. */
  stateAndDeployed(ref: PipelineRef): Promise<{ state: PipelineLiveState; declaration: PipelineDeclaration; deployed: ExecutionSummary | null }>;
  summary(ref: PipelineRef, executionId: string): Promise<ExecutionSummary>;
  /** One page of the pipeline's history, newest first. */
  list(ref: PipelineRef, page: { maxResults: number; nextToken?: string }): Promise<{ executions: ExecutionSummary[]; nextToken: string | null }>;
  start(
    ref: PipelineRef,
    req: {
      variables?: Array<{ name: string; value: string }>;
      sourceRevisions?: Array<{ actionName: string; revisionType: string; revisionValue: string }>;
      clientRequestToken?: string;
    },
  ): Promise<string>;
  /** The pipeline as the production rule sees it, from the identities known now (for showing). */
  target(ref: PipelineRef): PipelineTarget;
  /** The pipelines as the production rule sees them at the moment of acting: identities checked now. */
  resolveTargets(refs: readonly PipelineRef[]): Promise<PipelineTarget[]>;
  answer(
    ref: PipelineRef,
    a: { stage: string; action: string; executionId: string | null; status: 'Approved' | 'Rejected'; summary: string },
    confirmed: Confirmed<'approval' | 'release-approval'>,
  ): Promise<{ executionId: string | null }>;
}

/** One promotion changed: the record as it is stored afterwards, and whether the change was written. */
export interface PromotionSaved<P extends Promotion | undefined = Promotion | undefined> {
  promotion: P;
  written: boolean;
}

/**
 * Where one release's file, promotions and log are kept, as the service, the journal and the runner use them:
 * on disk (ReleaseStore, release-store.ts) or shared in S3 (S3ReleaseStore, s3-release-store.ts). Both keep the
 * same rules: a promotion is changed read-change-write with no other change in between, a finished one stays
 * finished (promotionStatusMayChange), the log only grows, and what cannot be read is named and left as it is.
 */
export interface ReleaseStorage {
  /**
   * The release file and its text. `version` identifies what was read where the storage can tell (S3: the ETag),
   * so a save can be made only over that (saveDefinition's `basedOn`).
   */
  definition(application: string): Promise<{ release: ReleaseFile; text: string; version?: string }>;
  /**
   * Saves the release file. Shared storage writes it only over the version read (`basedOn`; by default the last
   * one this storage read), or only if there is none yet (`basedOn: null`), and reports a conflict otherwise.
   */
  saveDefinition(release: ReleaseFile, o?: { basedOn?: string | null }): Promise<void>;
  promotions(application: string): Promise<Promotion[]>;
  /** One promotion as stored now (a follower's look: one read, not every promotion's); undefined when there is none. */
  promotion(application: string, id: string): Promise<Promotion | undefined>;
  /** Saves one promotion over the record as stored now; a finished one is not saved over (`written` false). */
  savePromotion(p: Promotion): Promise<PromotionSaved<Promotion>>;
  /**
   * Changes one promotion, read-change-write: `change` gets the record as stored now (undefined: none yet) and
   * returns the record to save, or null to leave it. It may be called again if another writer got in between,
   * so it decides from what it is given. A status change promotionStatusMayChange refuses is not written.
   * `beforeWrite` runs once, after the first change decided and before it is written (the journal logs the step
   * there, so a process killed between the two leaves the step in the log, never a saved step missing from it).
   */
  changePromotion(
    application: string,
    id: string,
    change: (saved: Promotion | undefined) => Promotion | null,
    o?: { beforeWrite?: (next: Promotion) => Promise<void> },
  ): Promise<PromotionSaved>;
  /** Appends an entry to the release log and returns it as stored (with its time, and where known who wrote it). */
  log(application: string, entry: Omit<ReleaseLogEntry, 'at'>): Promise<ReleaseLogEntry>;
  /** The log, newest last; what cannot be read is an `unreadable` entry naming where it is, never left out. */
  history(application: string, limit?: number): Promise<ReleaseLogEntry[]>;
}

/**
 * One promote of an environment at a time: what the runner holds from its check to its last start. Locally the
 * promote lock of the application (PromotionLocks, promotion-lock.ts: one promote per application on this
 * machine); for a release shared in S3 the environment's lease (S3Leases, s3-leases.ts: across machines).
 */
export interface PromotionGuard {
  hold<T>(application: string, environment: string, run: (lease: PromotionLease) => Promise<T>): Promise<T>;
}
