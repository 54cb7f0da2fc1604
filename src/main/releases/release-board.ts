// The board: what runs where (account, deployed revisions, status, waiting approvals), drift against the
// environment before, each gate as shown; the same reads check a release file's targets, write one (init) and diff two environments.
import { AppError } from '../../shared/api/errors';
import type { PipelineLiveState } from '../../shared/api/executions';
import type { BoardCell, DriftView, ReleaseBoard, ReleaseLease, TargetProblem } from '../../shared/api/releases';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import { environmentDrift } from '../../shared/releases/drift';
import { evaluateGate } from '../../shared/releases/promotion';
import { leaseView } from '../../shared/releases/lease';
import { applicationNameProblem, previousEnvironment, wavesOf, type ReleaseFile, type ReleaseTarget } from '../../shared/releases/release-file';
import { classifyAwsError } from '../aws/errors';
import type { ReleaseExecutions, ReleaseIdentities, ReleaseStorage } from './ports';
import type { PromotionApprovals } from './promotion-approvals';
import type { S3Leases } from './s3-leases';
import { refOf, waitingIn, where } from './target-refs';

type AccountOf = { accountId: string | null; problem: TargetProblem | null };
type TargetRead = { cell: BoardCell; declaration: PipelineDeclaration | null; state: PipelineLiveState | null };

const entryKey = (environment: string, index: number) => `${environment}#${index}`;

/**
 * What one read of a release file (a board, a check, a promote) learns as it goes. Each profile's account is
 * asked once, however many targets name it: a 20 x 50 file once made an identity check per target (1,000
 * GetCallerIdentity and ListAccountAliases calls), queued with the reads themselves.
 */
export class ReadRun {
  private accounts = new Map<string, Promise<AccountOf>>();
  private duplicateEntries: Promise<Map<string, TargetProblem>> | null = null;
  private done = 0;

  constructor(
    private resolve: (profile: string) => Promise<AccountOf>,
    private onProgress?: (done: number, total: number) => void,
    private total = 0,
  ) {}

  accountOf(profile: string): Promise<AccountOf> {
    let known = this.accounts.get(profile);
    if (!known) {
      known = this.resolve(profile);
      this.accounts.set(profile, known);
    }
    return known;
  }

  targetRead(): void {
    this.done++;
    this.onProgress?.(this.done, this.total);
  }

  /**
   * Entries of the file that are one pipeline (account, region, name) reached through two profiles of one
   * account: promoting would start it twice. Each such entry gets a problem naming every entry. Only entries
   * sharing a region and a name can be one pipeline, so only their profiles' accounts are asked.
   */
  duplicates(release: ReleaseFile): Promise<Map<string, TargetProblem>> {
    this.duplicateEntries ??= this.findDuplicates(release);
    return this.duplicateEntries;
  }

  private async findDuplicates(release: ReleaseFile): Promise<Map<string, TargetProblem>> {
    const byName = new Map<string, Array<{ environment: string; index: number; t: ReleaseTarget }>>();
    for (const e of release.environments)
      e.targets.forEach((t, index) => {
        const key = `${t.region}|${t.pipeline}`;
        byName.set(key, [...(byName.get(key) ?? []), { environment: e.name, index, t }]);
      });
    const out = new Map<string, TargetProblem>();
    for (const same of byName.values()) {
      if (same.length < 2) continue;
      const byAccount = new Map<string, typeof same>();
      for (const x of same) {
        const { accountId } = await this.accountOf(x.t.profile);
        if (accountId) byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), x]);
      }
      for (const [accountId, entries] of byAccount) {
        if (entries.length < 2) continue;
        const { pipeline, region } = entries[0].t;
        const where = entries.map((x) => `in ${x.environment} through ${x.t.profile}`);
        const message = `${pipeline} in ${region} of account ${accountId} is listed ${entries.length === 2 ? 'twice' : `${entries.length} times`}: ${where.slice(0, -1).join(', ')} and ${where.at(-1)}. Each pipeline is one target of one environment: list it once.`;
        for (const x of entries) out.set(entryKey(x.environment, x.index), { kind: 'duplicate', message });
      }
    }
    return out;
  }
}

export class ReleaseBoardReader {
  constructor(
    private accounts: ReleaseIdentities,
    private executions: ReleaseExecutions,
    private store: ReleaseStorage,
    private approvals: PromotionApprovals,
    private o: {
      /** A shared release's leases: the board shows who holds each environment. */
      leases?: S3Leases | null;
      /** The local home's check that a new application's name is free (case-insensitive file systems). */
      nameFree?: (application: string) => Promise<void>;
    } = {},
  ) {}

  /**
   * Who holds each environment's lease (a shared release): held and expired leases are shown, a released one is
   * none; a lease object that cannot be read is named for its environment, never shown as "free".
   */
  private async leases(release: ReleaseFile): Promise<Map<string, { lease: ReleaseLease | null; leaseProblem: string | null }>> {
    const leases = this.o.leases;
    if (!leases) return new Map();
    type Shown = { lease: ReleaseLease | null; leaseProblem: string | null };
    return new Map(
      await Promise.all(
        release.environments.map(async (e): Promise<[string, Shown]> => {
          try {
            const v = await leases.show(e.name);
            const lease = v && v.verdict.kind !== 'released' && v.verdict.kind !== 'free' ? leaseView(v.lease, v.verdict, v.object) : null;
            return [e.name, { lease, leaseProblem: null }];
          } catch (err) {
            return [e.name, { lease: null, leaseProblem: err instanceof Error ? err.message : String(err) }];
          }
        }),
      ),
    );
  }

  /** The account a profile reaches, checked now if not known; or why it cannot be reached. Once per profile per run (ReadRun). */
  private async accountOf(profile: string): Promise<AccountOf> {
    try {
      this.accounts.profile(profile);
    } catch {
      return { accountId: null, problem: { kind: 'unreachable', message: `There is no profile named ${profile} in the AWS config.` } };
    }
    let id = this.accounts.identityOf(profile);
    if (id?.state !== 'ok') {
      await this.accounts.check([profile], false);
      id = this.accounts.identityOf(profile);
    }
    if (id?.state !== 'ok' || !id.accountId)
      return {
        accountId: null,
        problem: { kind: 'unreachable', message: `${profile} cannot reach AWS: ${id?.message ?? 'its identity could not be checked'}.` },
      };
    return { accountId: id.accountId, problem: null };
  }

  /** A new run: what one board, check, init, diff or promote reads, sharing each profile's account. */
  newRun(onProgress?: (done: number, total: number) => void, total = 0): ReadRun {
    return new ReadRun((profile) => this.accountOf(profile), onProgress, total);
  }

  /** One target as the board shows it, with its declaration (for pins and drift). */
  async readTarget(environment: string, t: ReleaseTarget, run: ReadRun = this.newRun()): Promise<TargetRead> {
    try {
      return await this.readTargetOnce(environment, t, run);
    } finally {
      run.targetRead();
    }
  }

  private async readTargetOnce(environment: string, t: ReleaseTarget, run: ReadRun): Promise<TargetRead> {
    const cell: BoardCell = {
      environment,
      profile: t.profile,
      region: t.region,
      pipeline: t.pipeline,
      account: null,
      revisionId: null,
      revisionSummary: null,
      revisions: [],
      deployedExecutionId: null,
      deployedAt: null,
      executionId: null,
      status: null,
      approvalWaiting: false,
      problem: null,
    };
    const { accountId, problem } = await run.accountOf(t.profile);
    cell.account = accountId;
    if (problem) return { cell: { ...cell, problem }, declaration: null, state: null };
    if (t.account && accountId !== t.account)
      return {
        cell: {
          ...cell,
          problem: {
            kind: 'wrong-account',
            message: `${t.profile} reaches account ${accountId}, but the release file puts ${t.pipeline} in account ${t.account}.`,
          },
        },
        declaration: null,
        state: null,
      };
    const ref = refOf(t);
    try {
      // GetPipelineState, GetPipeline and one page of history (the latest and the deployed run) side by side.
      const { state, declaration, deployed } = await this.executions.stateAndDeployed(ref);
      const first = deployed?.sourceRevisions[0];
      return {
        cell: {
          ...cell,
          revisionId: first?.revisionId ?? null,
          revisionSummary: first?.revisionSummary ?? null,
          revisions: deployed?.sourceRevisions ?? [],
          deployedExecutionId: deployed?.id ?? null,
          deployedAt: deployed?.lastUpdateTime ?? null,
          executionId: state.latest?.id ?? null,
          status: state.latest?.status ?? null,
          approvalWaiting: waitingIn(state).length > 0,
        },
        declaration,
        state,
      };
    } catch (err) {
      const c = classifyAwsError(err, { region: t.region });
      const missing = c.kind === 'not-found';
      return {
        cell: {
          ...cell,
          problem: {
            kind: missing ? 'missing' : c.kind === 'network' ? 'unreachable' : 'error',
            message: missing ? `${t.pipeline} does not exist in ${t.region} of account ${accountId} (profile ${t.profile}).` : `${where(t)}: ${c.message}`,
          },
        },
        declaration: null,
        state: null,
      };
    }
  }

  /** Every target of one environment, read side by side; a pipeline listed twice in the file is a problem of each entry. */
  async readEnvironment(release: ReleaseFile, env: string, run: ReadRun = this.newRun()): Promise<TargetRead[]> {
    const e = release.environments.find((x) => x.name === env);
    if (!e)
      throw new AppError(
        'INVALID_INPUT',
        `${release.application} has no environment named ${env} (it has ${release.environments.map((x) => x.name).join(', ')}).`,
      );
    const [reads, duplicates] = await Promise.all([Promise.all(e.targets.map((t) => this.readTarget(env, t, run))), run.duplicates(release)]);
    return reads.map((r, i) => {
      const duplicate = duplicates.get(entryKey(env, i));
      return duplicate && !r.cell.problem ? { ...r, cell: { ...r.cell, problem: duplicate } } : r;
    });
  }

  /** The board: every environment's targets, what runs there, drift against the environment before, and each gate. */
  async board(release: ReleaseFile, o: { onProgress?: (done: number, total: number) => void } = {}): Promise<ReleaseBoard> {
    const run = this.newRun(
      o.onProgress,
      release.environments.reduce((n, e) => n + e.targets.length, 0),
    );
    const [read, leases] = await Promise.all([
      Promise.all(release.environments.map(async (e) => [e.name, await this.readEnvironment(release, e.name, run)] as const)).then((r) => new Map(r)),
      this.leases(release),
    ]);
    const waves = wavesOf(release);
    const now = Date.now();
    const environments = release.environments.map((e) => {
      const cells = read.get(e.name) ?? [];
      const previous = previousEnvironment(release, e.name);
      const before = previous ? (read.get(previous) ?? []) : [];
      let driftCount: number | null = null;
      if (before.length) {
        const pairs = cells.map((c, i) => [before[i] ?? before[0], c] as const);
        if (pairs.every(([a, b]) => a.declaration && b.declaration))
          driftCount = pairs.reduce((n, [a, b]) => n + this.driftBetween(previous!, a, e.name, b).length, 0);
      }
      const revisionsBefore = new Set(before.map((c) => c.cell.revisionId));
      const gate = release.gates?.[e.name];
      const verdict = gate ? evaluateGate(e.name, gate, before.map(evidenceOf), { now, confirmed: false }) : null;
      return {
        name: e.name,
        wave: waves.findIndex((w) => w.includes(e.name)),
        targets: cells.map((c) => c.cell),
        previous,
        behindPrevious: !!previous && cells.some((c) => !revisionsBefore.has(c.cell.revisionId)),
        driftCount,
        confirmationWord: this.approvals.approvalRequest({ environment: e.name, targets: e.targets }).productionWord,
        ...(this.o.leases ? (leases.get(e.name) ?? { lease: null, leaseProblem: null }) : {}),
        gate:
          gate && verdict
            ? verdict.open
              ? { after: gate.after, open: true, kind: null, reason: null, openAt: null }
              : { after: gate.after, open: false, kind: verdict.kind, reason: verdict.reason, openAt: verdict.openAt }
            : null,
      };
    });
    return {
      application: release.application,
      environments,
      promotions: await this.store.promotions(release.application),
      checkedAt: new Date().toISOString(),
    };
  }

  private driftBetween(
    fromEnv: string,
    a: { cell: BoardCell; declaration: PipelineDeclaration | null },
    toEnv: string,
    b: { cell: BoardCell; declaration: PipelineDeclaration | null },
  ) {
    return environmentDrift(
      { side: { environment: fromEnv, region: a.cell.region, accountId: a.cell.account }, pipeline: a.declaration! },
      { side: { environment: toEnv, region: b.cell.region, accountId: b.cell.account }, pipeline: b.declaration! },
    );
  }

  /** The release file's targets against live pipelines: every problem found (empty: all reachable, present, in the right account). */
  async check(release: ReleaseFile): Promise<Array<{ environment: string; target: ReleaseTarget; problem: TargetProblem }>> {
    const run = this.newRun();
    const all = await Promise.all(
      release.environments.map(async (e) =>
        (await this.readEnvironment(release, e.name, run)).flatMap((read, i) =>
          read.cell.problem ? [{ environment: e.name, target: e.targets[i], problem: read.cell.problem }] : [],
        ),
      ),
    );
    return all.flat();
  }

  /** A release file from live pipelines: each target checked, and its account written down. */
  async init(application: string, environments: Array<{ name: string; targets: Array<Omit<ReleaseTarget, 'account'>> }>): Promise<ReleaseFile> {
    // A name that would not make a portable folder is refused before any pipeline is read.
    const nameProblem = applicationNameProblem(application);
    if (nameProblem) throw new AppError('INVALID_INPUT', nameProblem);
    await this.o.nameFree?.(application);
    const problems: string[] = [];
    const asGiven: ReleaseFile = { version: 1, application, environments };
    const run = this.newRun();
    const envs = await Promise.all(
      environments.map(async (e) => ({
        name: e.name,
        targets: (await this.readEnvironment(asGiven, e.name, run)).map(({ cell }, i) => {
          if (cell.problem) problems.push(`${e.name}: ${cell.problem.message}`);
          return { ...e.targets[i], ...(cell.account ? { account: cell.account } : {}) };
        }),
      })),
    );
    if (problems.length) throw new AppError('INVALID_INPUT', problems.join('\n'));
    return { version: 1, application, environments: envs, waves: envs.map((e) => [e.name]) };
  }

  /** The structural drift between two environments' pipelines, target by target (matched by position). */
  async diff(release: ReleaseFile, from: string, to: string): Promise<DriftView> {
    const run = this.newRun();
    const [a, b] = await Promise.all([this.readEnvironment(release, from, run), this.readEnvironment(release, to, run)]);
    const targets = b.map((y, i) => {
      const x = a[i] ?? a[0];
      const side = (r: typeof x) => ({ profile: r.cell.profile, region: r.cell.region, pipeline: r.cell.pipeline });
      const error = x.cell.problem?.message ?? y.cell.problem?.message ?? null;
      return { from: side(x), to: side(y), changes: error ? [] : this.driftBetween(from, x, to, y), error };
    });
    return { from, to, targets, drift: targets.some((t) => t.changes.length > 0) };
  }
}

/** What the gate needs from one target of the environment before. */
export function evidenceOf(r: { cell: BoardCell }) {
  return {
    target: where(r.cell),
    status: r.cell.status,
    succeededAt: r.cell.deployedAt,
    error: r.cell.problem?.message ?? null,
  };
}
