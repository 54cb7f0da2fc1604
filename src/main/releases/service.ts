// Releases as use-cases, shared by the app and the CLI (handlers.ts, cli/release-command.ts): one
// facade over the board, the promotion runner and its approvals, built here from the feature's ports.
// A release lives in a home (release-homes.ts): the local one, by application, as before, or an S3 location
// shared by a team. Each home gets its own journal, runner, board and approvals over its storage and its
// promotion guard; every method without a home works on the local one, as it always did.
import { AppError } from '../../shared/api/errors';
import type { PipelineLiveState } from '../../shared/api/executions';
import type { BoardCell, DriftView, Promotion, ReleaseBoard, ReleaseLease, ReleaseLogEntry, TargetProblem } from '../../shared/api/releases';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import { leaseView, type LeaseBreak } from '../../shared/releases/lease';
import { parseS3Location, s3Url } from '../../shared/releases/s3-layout';
import type { ReleaseFile, ReleaseTarget } from '../../shared/releases/release-file';
import type { ConfirmRequest, Confirmed } from '../../shared/safety/confirmation';
import type { ReleaseExecutions, ReleaseIdentities } from './ports';
import { PromotionApprovals } from './promotion-approvals';
import { PromotionLocks } from './promotion-lock';
import { PromotionRunner, type FollowOptions, type PromoteOptions, type PromoteOutcome } from './promotion-runner';
import { ReleaseBoardReader } from './release-board';
import { localHome, openSharedHome, type ReleaseHome, type SharedHome } from './release-homes';
import { ReleaseJournal, type ReleaseChange } from './release-journal';
import { shareRelease, type ShareOutcome } from './release-share';
import type { ReleaseStore } from './release-store';

export type { ReleaseChange } from './release-journal';
export type { FollowOptions, PromoteOptions, PromoteOutcome } from './promotion-runner';
export type { ReleaseHome, SharedHome } from './release-homes';
export type { ShareOutcome } from './release-share';

export interface ReleasesOptions {
  pollMs?: number;
  /** Who holds a promotion, as others are told: "pipewright cli", "the Pipewright app". */
  holder?: string;
  /** A shared release's lease ttl (tests shorten it; default two minutes, s3-leases.ts). */
  leaseTtlMs?: number;
}

/** What one home's promotions are run by. */
interface Engine {
  home: ReleaseHome;
  journal: ReleaseJournal;
  approvals: PromotionApprovals;
  reader: ReleaseBoardReader;
  runner: PromotionRunner;
}

export class ReleasesService {
  private listeners = new Set<(c: ReleaseChange) => void>();
  private local: Engine;
  /** Shared homes opened, by location and state profile; a failed opening is forgotten, so the next call tries again. */
  private shared = new Map<string, Promise<Engine>>();
  private engines = new WeakMap<ReleaseHome, Engine>();

  constructor(
    private accounts: ReleaseIdentities,
    private executions: ReleaseExecutions,
    readonly store: ReleaseStore,
    private opts: ReleasesOptions = {},
  ) {
    // The holder's name is what a refused promote in another process reads: "pipewright cli", "the Pipewright app".
    const locks = new PromotionLocks((application) => store.promotionLockPath(application), opts.holder ?? 'Pipewright');
    this.local = this.engine(localHome(store, locks));
  }

  private engine(home: ReleaseHome): Engine {
    const journal = new ReleaseJournal(home.storage, home.location, this.listeners);
    const approvals = new PromotionApprovals(this.executions, journal);
    const reader = new ReleaseBoardReader(this.accounts, this.executions, home.storage, approvals, {
      leases: home.kind === 'shared' ? home.leases : null,
      nameFree: home.kind === 'local' ? (application) => home.storage.assertNameFree(application) : undefined,
    });
    const runner = new PromotionRunner(this.executions, home.storage, journal, reader, approvals, home.guard, this.opts);
    const engine = { home, journal, approvals, reader, runner };
    this.engines.set(home, engine);
    return engine;
  }

  private of(home: ReleaseHome | undefined): Engine {
    if (!home) return this.local;
    const e = this.engines.get(home);
    if (!e) throw new AppError('INTERNAL', 'A release home not opened by this service.');
    return e;
  }

  /** Every promotion saved and every log entry written, as it happens, in any home (each change names its location). */
  onChange(listener: (c: ReleaseChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- Homes (release-homes.ts) ------------------------------------------------------------------------------

  /** The local home (releases by application under the user-data directory). */
  get localHome(): ReleaseHome {
    return this.local.home;
  }

  /**
   * A shared release's home at an S3 location (s3://bucket/prefix/ or its release.yaml), opened with the state
   * profile (else the first workspace profile that can list it); opened once per location and profile.
   */
  async sharedHome(location: string, o: { stateProfile?: string } = {}): Promise<SharedHome> {
    const key = `${s3Url(parseS3Location(location))}\u0000${o.stateProfile ?? ''}`;
    let opening = this.shared.get(key);
    if (!opening) {
      opening = openSharedHome(location, {
        accounts: this.accounts,
        stateProfile: o.stateProfile,
        program: this.opts.holder ?? 'Pipewright',
        leaseTtlMs: this.opts.leaseTtlMs,
      }).then((home) => this.engine(home));
      this.shared.set(key, opening);
      opening.catch(() => this.shared.delete(key));
    }
    return (await opening).home as SharedHome;
  }

  /** The home a reference names: a location (s3://…) opens a shared one; none is the local home. */
  home(location: string | null | undefined, o: { stateProfile?: string } = {}): Promise<ReleaseHome> {
    return location ? this.sharedHome(location, o) : Promise.resolve(this.local.home);
  }

  // ---- Reading (release-board.ts) --------------------------------------------

  /** One target as the board shows it, with its declaration (for pins and drift). */
  readTarget(environment: string, t: ReleaseTarget): Promise<{ cell: BoardCell; declaration: PipelineDeclaration | null; state: PipelineLiveState | null }> {
    return this.local.reader.readTarget(environment, t);
  }

  /**
   * The board: every environment's targets, what runs there, drift against the environment before, each gate, the
   * home's promotions (and a shared release's leases); `onProgress` hears each target read.
   */
  board(release: ReleaseFile, o: { onProgress?: (done: number, total: number) => void; home?: ReleaseHome } = {}): Promise<ReleaseBoard> {
    return this.of(o.home).reader.board(release, o);
  }

  /** The release file's targets against live pipelines: every problem found (empty: all reachable, present, in the right account). */
  check(release: ReleaseFile): Promise<Array<{ environment: string; target: ReleaseTarget; problem: TargetProblem }>> {
    return this.local.reader.check(release);
  }

  /** A release file from live pipelines: each target checked, and its account written down (the local home's name check unless `home` is shared). */
  init(
    application: string,
    environments: Array<{ name: string; targets: Array<Omit<ReleaseTarget, 'account'>> }>,
    o: { home?: ReleaseHome } = {},
  ): Promise<ReleaseFile> {
    return this.of(o.home).reader.init(application, environments);
  }

  /** The structural drift between two environments' pipelines, target by target (matched by position). */
  diff(release: ReleaseFile, from: string, to: string): Promise<DriftView> {
    return this.local.reader.diff(release, from, to);
  }

  /** The release log, oldest first. */
  history(application: string, o: { home?: ReleaseHome; limit?: number } = {}): Promise<ReleaseLogEntry[]> {
    return this.of(o.home).home.storage.history(application, o.limit);
  }

  /** One promotion as its home holds it now. */
  async promotion(application: string, id: string, o: { home?: ReleaseHome } = {}): Promise<Promotion> {
    const p = await this.of(o.home).home.storage.promotion(application, id);
    if (!p) throw new AppError('NOT_FOUND', `No promotion ${id} in ${application}.`);
    return p;
  }

  // ---- Promoting (promotion-runner.ts) ---------------------------------------

  /** The promotion of this environment still running, if any (it is resumed rather than started again). */
  running(application: string, environment: string, o: { home?: ReleaseHome } = {}): Promise<Promotion | null> {
    return this.of(o.home).runner.running(application, environment);
  }

  /**
   * Starts the environment's pipelines pinned, once the gate is open; a promotion still running is resumed instead.
   * One at a time: per application locally, per environment (its lease) in a shared release.
   */
  promote(release: ReleaseFile, environment: string, o: PromoteOptions & { home?: ReleaseHome }): Promise<PromoteOutcome> {
    return this.of(o.home).runner.promote(release, environment, o);
  }

  /** Follows a promotion until it succeeds, fails or is stopped (or the signal ends the following: it stays resumable). */
  follow(p: Promotion, o: FollowOptions & { home?: ReleaseHome } = {}): Promise<Promotion> {
    return this.of(o.home).runner.follow(p, o);
  }

  /** Stops following a promotion and marks it stopped (its executions run on: stop them in Executions). */
  stop(application: string, promotionId: string, reason: string, o: { home?: ReleaseHome } = {}): Promise<Promotion> {
    return this.of(o.home).runner.stop(application, promotionId, reason);
  }

  /** Follows every promotion left running in the local home (after a restart): it knows what it started and starts nothing twice. */
  async resumeAll(signal?: AbortSignal): ReturnType<PromotionRunner['resumeAll']> {
    return this.local.runner.resumeAll(await this.store.list(), signal);
  }

  // ---- Approvals (promotion-approvals.ts) ------------------------------------

  /** What answering an environment's approvals needs confirmed: in production, the environment's name typed. */
  approvalRequest(e: {
    environment: string;
    targets: Array<{ profile: string; region: string; pipeline: string }>;
  }): Extract<ConfirmRequest, { kind: 'release-approval' }> {
    return this.local.approvals.approvalRequest(e);
  }

  /** The same, with each target's account identified now: what acting confirms against. */
  resolveApprovalRequest(e: {
    environment: string;
    targets: Array<{ profile: string; region: string; pipeline: string }>;
  }): Promise<Extract<ConfirmRequest, { kind: 'release-approval' }>> {
    return this.local.approvals.resolveApprovalRequest(e);
  }

  /** Approves this promotion's approvals, and rejects older runs' that hold a stage it needs. */
  approve(p: Promotion, confirmed: Confirmed<'release-approval'>, o: { home?: ReleaseHome } = {}): Promise<{ approved: number; rejected: number }> {
    return this.of(o.home).approvals.approve(p, confirmed);
  }

  // ---- Shared releases: sharing, leases ----------------------------------------------------------------------

  /**
   * Moves a local release (its file, promotions and log) to an S3 location (release-share.ts), and logs it in both
   * homes when anything was written. A location holding another release is refused before anything is written.
   */
  async share(release: ReleaseFile, to: string, o: { stateProfile?: string } = {}): Promise<ShareOutcome> {
    const home = await this.sharedHome(to, o);
    const out = await shareRelease(release, this.store, home);
    const copied = out.created || out.promotions.written > 0 || out.entries.written > 0;
    if (copied) {
      const what = `${out.promotions.written + out.promotions.present} promotion(s) and ${out.entries.written + out.entries.present} log entr${out.entries.written + out.entries.present === 1 ? 'y' : 'ies'}`;
      await this.of(home).journal.log(release.application, {
        promotionId: null,
        environment: null,
        event: 'release-shared',
        message: `Shared here from the local home of ${home.writer.host}: the release file, ${what}.`,
      });
      await this.local.journal.log(release.application, {
        promotionId: null,
        environment: null,
        event: 'release-shared',
        message: `Shared to ${home.location}release.yaml (${what}); promote it from there from now on.`,
      });
    }
    return out;
  }

  /** The lease on one environment of a shared release, as a contender judges it now; null when there is none. */
  async lease(home: SharedHome, environment: string): Promise<ReleaseLease | null> {
    const v = await home.leases.show(environment);
    return v ? leaseView(v.lease, v.verdict, v.object) : null;
  }

  /**
   * Breaks the lease on an environment (leaseBreak: an expired one, or a held one with `force` naming its holder),
   * logged in the release log with the holder named. What its holder started keeps running; whoever promotes next
   * resumes it from its saved tokens.
   */
  async breakLease(home: SharedHome, environment: string, force?: string): Promise<{ outcome: LeaseBreak; was: ReleaseLease | null }> {
    const { outcome, was } = await home.leases.breakLease(environment, force);
    const view = was ? leaseView(was.lease, was.verdict, was.object) : null;
    if (outcome.kind === 'break' && view && was)
      await this.of(home).journal.log(was.lease.application, {
        promotionId: null,
        environment,
        event: outcome.forced ? 'lease-broken' : 'lease-released',
        message: outcome.forced
          ? `Broke the lease on ${environment} held by ${view.holderText} (--force): it starts nothing more; what it started runs on, and the next promote resumes it.`
          : `Released the expired lease on ${environment} of ${view.holderText}.`,
      });
    return { outcome, was: view };
  }
}
