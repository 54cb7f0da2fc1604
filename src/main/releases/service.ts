// Releases as use-cases, shared by the app and the CLI (handlers.ts, cli/release-command.ts): one
// facade over the board, the promotion runner and its approvals, built here from the feature's ports.
import type { PipelineLiveState } from '../../shared/api/executions';
import type { BoardCell, DriftView, Promotion, ReleaseBoard, TargetProblem } from '../../shared/api/releases';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import type { ReleaseFile, ReleaseTarget } from '../../shared/releases/release-file';
import type { ConfirmRequest, Confirmed } from '../../shared/safety/confirmation';
import type { ReleaseExecutions, ReleaseIdentities } from './ports';
import { PromotionApprovals } from './promotion-approvals';
import { PromotionLocks } from './promotion-lock';
import { PromotionRunner, type FollowOptions, type PromoteOptions, type PromoteOutcome } from './promotion-runner';
import { ReleaseBoardReader } from './release-board';
import { ReleaseJournal, type ReleaseChange } from './release-journal';
import type { ReleaseStore } from './release-store';

export type { ReleaseChange } from './release-journal';
export type { FollowOptions, PromoteOptions, PromoteOutcome } from './promotion-runner';

export class ReleasesService {
  private journal: ReleaseJournal;
  private approvals: PromotionApprovals;
  private reader: ReleaseBoardReader;
  private runner: PromotionRunner;

  constructor(
    accounts: ReleaseIdentities,
    executions: ReleaseExecutions,
    readonly store: ReleaseStore,
    opts: { pollMs?: number; holder?: string } = {},
  ) {
    this.journal = new ReleaseJournal(store);
    this.approvals = new PromotionApprovals(executions, this.journal);
    this.reader = new ReleaseBoardReader(accounts, executions, store, this.approvals);
    // The holder's name is what a refused promote in another process reads: "pipewright cli", "the Pipewright app".
    const locks = new PromotionLocks((application) => store.promotionLockPath(application), opts.holder ?? 'Pipewright');
    this.runner = new PromotionRunner(executions, store, this.journal, this.reader, this.approvals, locks, opts);
  }

  /** Every promotion saved and every log entry written, as it happens. */
  onChange(listener: (c: ReleaseChange) => void): () => void {
    return this.journal.onChange(listener);
  }

  // ---- Reading (release-board.ts) --------------------------------------------

  /** One target as the board shows it, with its declaration (for pins and drift). */
  readTarget(environment: string, t: ReleaseTarget): Promise<{ cell: BoardCell; declaration: PipelineDeclaration | null; state: PipelineLiveState | null }> {
    return this.reader.readTarget(environment, t);
  }

  /** The board: every environment's targets, what runs there, drift against the environment before, and each gate; `onProgress` hears each target read. */
  board(release: ReleaseFile, o: { onProgress?: (done: number, total: number) => void } = {}): Promise<ReleaseBoard> {
    return this.reader.board(release, o);
  }

  /** The release file's targets against live pipelines: every problem found (empty: all reachable, present, in the right account). */
  check(release: ReleaseFile): Promise<Array<{ environment: string; target: ReleaseTarget; problem: TargetProblem }>> {
    return this.reader.check(release);
  }

  /** A release file from live pipelines: each target checked, and its account written down. */
  init(application: string, environments: Array<{ name: string; targets: Array<Omit<ReleaseTarget, 'account'>> }>): Promise<ReleaseFile> {
    return this.reader.init(application, environments);
  }

  /** The structural drift between two environments' pipelines, target by target (matched by position). */
  diff(release: ReleaseFile, from: string, to: string): Promise<DriftView> {
    return this.reader.diff(release, from, to);
  }

  // ---- Promoting (promotion-runner.ts) ---------------------------------------

  /** The promotion of this environment still running, if any (it is resumed rather than started again). */
  running(application: string, environment: string): Promise<Promotion | null> {
    return this.runner.running(application, environment);
  }

  /** Starts the environment's pipelines pinned, once the gate is open; a promotion still running is resumed instead. One at a time per application. */
  promote(release: ReleaseFile, environment: string, o: PromoteOptions): Promise<PromoteOutcome> {
    return this.runner.promote(release, environment, o);
  }

  /** Follows a promotion until it succeeds, fails or is stopped (or the signal ends the following: it stays resumable). */
  follow(p: Promotion, o: FollowOptions = {}): Promise<Promotion> {
    return this.runner.follow(p, o);
  }

  /** Stops following a promotion and marks it stopped (its executions run on: stop them in Executions). */
  stop(application: string, promotionId: string, reason: string): Promise<Promotion> {
    return this.runner.stop(application, promotionId, reason);
  }

  /** Follows every promotion left running (after a restart): it knows what it started and starts nothing twice. */
  resumeAll(signal?: AbortSignal): ReturnType<PromotionRunner['resumeAll']> {
    return this.runner.resumeAll(signal);
  }

  // ---- Approvals (promotion-approvals.ts) ------------------------------------

  /** What answering an environment's approvals needs confirmed: in production, the environment's name typed. */
  approvalRequest(e: {
    environment: string;
    targets: Array<{ profile: string; region: string; pipeline: string }>;
  }): Extract<ConfirmRequest, { kind: 'release-approval' }> {
    return this.approvals.approvalRequest(e);
  }

  /** The same, with each target's account identified now: what acting confirms against. */
  resolveApprovalRequest(e: {
    environment: string;
    targets: Array<{ profile: string; region: string; pipeline: string }>;
  }): Promise<Extract<ConfirmRequest, { kind: 'release-approval' }>> {
    return this.approvals.resolveApprovalRequest(e);
  }

  /** Approves this promotion's approvals, and rejects older runs' that hold a stage it needs. */
  approve(p: Promotion, confirmed: Confirmed<'release-approval'>): Promise<{ approved: number; rejected: number }> {
    return this.approvals.approve(p, confirmed);
  }
}
