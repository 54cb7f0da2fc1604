// Releases as they cross the contract: the board (environments x targets, with
// the revision each runs), promotions (persisted, resumable), the release log,
// and the drift between two environments' pipelines.
import { z } from 'zod';
import { PipelineChange } from '../pipeline/diff';
import { SourceRevision, SourceRevisionOverride } from './executions';

/**
 * Why a target cannot be used: its pipeline does not exist, its profile cannot reach AWS, it reaches another
 * account, or the file lists its pipeline again through another profile of the same account.
 */
export const TargetProblem = z.object({
  kind: z.enum(['missing', 'unreachable', 'wrong-account', 'duplicate', 'error']),
  message: z.string(),
});
export type TargetProblem = z.infer<typeof TargetProblem>;

export const BoardCell = z.object({
  environment: z.string(),
  profile: z.string(),
  region: z.string(),
  pipeline: z.string(),
  account: z.string().nullable(),
  /** The revision of the latest successful execution (its first source action), and every source's. */
  revisionId: z.string().nullable(),
  revisionSummary: z.string().nullable(),
  revisions: z.array(SourceRevision),
  deployedExecutionId: z.string().nullable(),
  deployedAt: z.string().nullable(),
  /** The latest execution, whatever its outcome. */
  executionId: z.string().nullable(),
  status: z.string().nullable(),
  approvalWaiting: z.boolean(),
  problem: TargetProblem.nullable(),
});
export type BoardCell = z.infer<typeof BoardCell>;

export const GateView = z.object({
  after: z.string(),
  open: z.boolean(),
  kind: z.enum(['success', 'soak', 'confirmation', 'unverified']).nullable(),
  reason: z.string().nullable(),
  openAt: z.string().nullable(),
});

/**
 * A shared release's lease on one environment (leases/<environment>.json), as a contender judges it now: who holds
 * it (identity, program, pid, host), since when, and whether it is held (a promotion is refused), expired (it may
 * be taken over: its holder stopped renewing) or released.
 */
export const ReleaseLease = z.object({
  environment: z.string(),
  /** The lease object's URL. */
  object: z.string(),
  state: z.enum(['held', 'expired', 'released']),
  holder: z.object({ arn: z.string(), host: z.string(), pid: z.number().int(), program: z.string() }),
  since: z.string(),
  heartbeatAt: z.string(),
  /** When it expires unless renewed, as its holder wrote it (for people; expiry is judged on S3's clock). */
  expiresAt: z.string(),
  /** Held: ms before it can be taken over unless renewed; expired: negative, ms since it expired; released: null. */
  expiresInMs: z.number().nullable(),
  releasedAt: z.string().nullable(),
  /** "arn:… (pipewright cli, pid 4242 on build-box, since …)". */
  holderText: z.string(),
});
export type ReleaseLease = z.infer<typeof ReleaseLease>;

export const BoardEnvironment = z.object({
  name: z.string(),
  wave: z.number().int(),
  targets: z.array(BoardCell),
  /** The environment it is promoted from, and whether it runs the same revision. */
  previous: z.string().nullable(),
  behindPrevious: z.boolean(),
  /** Structural changes against the previous environment's pipeline (null: not compared). */
  driftCount: z.number().int().nullable(),
  gate: GateView.nullable(),
  /** The word typed to answer its approvals (its name) when any of its accounts is production; else null. */
  confirmationWord: z.string().nullable(),
  /** A shared release: who holds the environment's lease, when held or expired (absent for a local release). */
  lease: ReleaseLease.nullable().optional(),
  /** A shared release: the lease object could not be read (named; that environment cannot be promoted until repaired). */
  leaseProblem: z.string().nullable().optional(),
});

export const PromotionTarget = z.object({
  profile: z.string(),
  region: z.string(),
  pipeline: z.string(),
  /** StartPipelineExecution's idempotency token, saved before the call: a resumed promotion reuses it and never starts twice. */
  clientRequestToken: z.string(),
  executionId: z.string().nullable(),
  status: z.string().nullable(),
  pins: z.array(SourceRevisionOverride),
  unpinned: z.array(z.object({ actionName: z.string(), reason: z.string() })),
  approvalWaiting: z.boolean(),
  /** An older execution holds a stage this one needs (waiting for its approval). */
  blockedBy: z.string().nullable(),
  message: z.string().nullable(),
});
export type PromotionTarget = z.infer<typeof PromotionTarget>;

export const PromotionStatus = z.enum(['running', 'succeeded', 'failed', 'stopped']);
export const Promotion = z.object({
  id: z.string(),
  application: z.string(),
  environment: z.string(),
  /** The environment the revision came from, or null (first wave, or a chosen revision). */
  from: z.string().nullable(),
  revision: z.string().nullable(),
  status: PromotionStatus,
  /** Where and why it stopped. */
  reason: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  targets: z.array(PromotionTarget),
});
export type Promotion = z.infer<typeof Promotion>;

export const ReleaseBoard = z.object({
  application: z.string(),
  environments: z.array(BoardEnvironment),
  promotions: z.array(Promotion),
  checkedAt: z.string(),
});
export type ReleaseBoard = z.infer<typeof ReleaseBoard>;

export const ReleaseLogEntry = z.object({
  at: z.string(),
  promotionId: z.string().nullable(),
  environment: z.string().nullable(),
  /** promotion-started, gate-blocked, execution-starting, execution-started, status, approved, rejected, promotion-finished, … */
  event: z.string(),
  message: z.string(),
  /** Who wrote it: the caller's identity (STS GetCallerIdentity) and host. Recorded by a release shared in S3; absent in a local one. */
  by: z.object({ arn: z.string(), host: z.string() }).optional(),
});
export type ReleaseLogEntry = z.infer<typeof ReleaseLogEntry>;

export const DriftTarget = z.object({
  from: z.object({ profile: z.string(), region: z.string(), pipeline: z.string() }),
  to: z.object({ profile: z.string(), region: z.string(), pipeline: z.string() }),
  changes: z.array(PipelineChange),
  error: z.string().nullable(),
});
export const DriftView = z.object({ from: z.string(), to: z.string(), targets: z.array(DriftTarget), drift: z.boolean() });
export type DriftView = z.infer<typeof DriftView>;

/** A file of a release that could not be read: named with its line when known, and left as it is. */
export const DamagedFile = z.object({ file: z.string(), line: z.number().int().nullable(), message: z.string() });
export type DamagedFile = z.infer<typeof DamagedFile>;

export const ReleaseSummary = z.object({
  application: z.string(),
  environments: z.array(z.string()),
  /** Promotions running; null when promotions.json could not be read (then it is in `damaged`): unknown, not none. */
  running: z.number().int().nullable(),
  updatedAt: z.string().nullable(),
  /** Its release file or promotions file, when one could not be read: a failed read is never shown as "nothing there". */
  damaged: z.array(DamagedFile),
});
export type ReleaseSummary = z.infer<typeof ReleaseSummary>;
