// Executions as use-cases, shared by the app and the CLI: read a pipeline's live
// state and history, drive it (start, stop, retry, roll back, transitions),
// answer approvals under the production rule (decided per account, with
// identities checked at the moment of acting), list every approval waiting in
// the workspace (once, whichever profiles reach it) with what could not be
// read, and watch pipelines through the one watch engine. Every call is gated
// by the fan-out caps and drawn from the (account, region) call budget.
import { AppError } from '../../shared/api/errors';
import type { Approval, ApprovalsView, ExecutionDetails, ExecutionSummary, PipelineLiveState, PipelineRef } from '../../shared/api/executions';
import { isWaitingApproval, oneRowPerApproval } from '../../shared/executions/approvals';
import { assertConfirmed, type Confirmed, type PipelineTarget } from '../../shared/safety/confirmation';
import { markOf, productionVerdict, type ProductionMarks } from '../../shared/safety/production';
import { budgetKeyFor, CallBudget } from '../aws/call-budget';
import { classifyAwsError } from '../aws/errors';
import type { CallGate } from '../aws/fanout';
import {
  answerApproval,
  executionDetails,
  executionSummary,
  listExecutions,
  listPipelineNames,
  overrideCondition,
  pipelineDeclaration,
  liveStateOf,
  pipelineState,
  readLiveState,
  retryStage,
  rollbackStage,
  setTransition,
  startExecution,
  stopExecution,
  type ExecutionReads,
  type StartRequest,
} from './execution-calls';
import type { ProfileInfo } from '../aws/profiles';
import { WatchEngine, type Intervals } from './watch-engine';
import type { AwsAccess } from '../aws/access';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import type { CoverageOptions, EventFeed } from '../events';

/** Calls per second per (account, region) that watching and reading may spend (the service's own limits are higher). */
export const DEFAULT_BUDGET = { ratePerSec: 4, burst: 8 };

export interface ExecutionsOptions {
  budget?: { ratePerSec: number; burst: number };
  /** The budget shared with the explorer's listing (composeServices passes one). */
  sharedBudget?: CallBudget;
  intervals?: Partial<Intervals>;
  /** The accounts the settings mark production or not production, as they are now (composeServices passes the settings'). */
  productionMarks?: () => ProductionMarks;
  /** Live updates: which targets events cover (composeServices passes the hub queues' reader). */
  eventFeed?: EventFeed;
  /** The reader's own timings (tests shorten them); composeServices reads them. */
  events?: CoverageOptions;
}

export class ExecutionsService {
  readonly budget: CallBudget;
  readonly engine: WatchEngine;
  private listeners = new Set<(state: PipelineLiveState) => void>();
  private marks: () => ProductionMarks | undefined;
  /** Identity checks `knowAccounts` started and that are still on their way, by profile. */
  private knowing = new Map<string, Promise<unknown>>();

  constructor(
    private accounts: AwsAccess,
    opts: ExecutionsOptions = {},
  ) {
    this.marks = opts.productionMarks ?? (() => undefined);
    this.budget = opts.sharedBudget ?? new CallBudget(opts.budget ?? DEFAULT_BUDGET);
    this.engine = new WatchEngine({
      access: (ref, signal) => ({ reads: this.reads(ref, signal), budgetKey: this.budgetKeyOf(ref) }),
      budget: this.budget,
      onUpdate: (update) => {
        const s = this.withProductionWord(update);
        // Each listener on its own: one that throws (a window gone mid-send) must not keep the others from hearing.
        for (const l of this.listeners)
          try {
            l(s);
          } catch (err) {
            console.error(`executions: a listener failed: ${err instanceof Error ? err.message : String(err)}`);
          }
      },
      intervals: opts.intervals,
      events: opts.eventFeed,
    });
  }

  /** Hears every watched state change (the app emits it as `execution.updated`). */
  onUpdate(listener: (state: PipelineLiveState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The budget is per account when the profile's account is known, else per profile. */
  budgetKeyOf(ref: { profile: string; region: string }): string {
    return budgetKeyFor(this.accounts.identityOf(ref.profile), ref.profile, ref.region);
  }

  private gate(ref: { profile: string; region: string }, signal?: AbortSignal): CallGate {
    const caps = this.accounts.fanout.gate(`${ref.profile}|${ref.region}`, signal);
    const key = this.budgetKeyOf(ref);
    return (call) =>
      caps(async () => {
        await this.budget.take(key);
        return call();
      });
  }

  private client(ref: { profile: string; region: string }) {
    return this.accounts.clients.codepipeline(this.accounts.profile(ref.profile), ref.region);
  }

  /** Unbudgeted reads for the watcher (it takes from the budget itself, once per call), cancelled when it stops. */
  private reads(ref: PipelineRef, signal?: AbortSignal): ExecutionReads {
    return { cp: this.client(ref), gate: this.accounts.fanout.gate(`${ref.profile}|${ref.region}`, signal), signal };
  }

  private budgeted(ref: PipelineRef, signal?: AbortSignal): ExecutionReads {
    return { cp: this.client(ref), gate: this.gate(ref, signal), signal };
  }

  async state(ref: PipelineRef): Promise<PipelineLiveState> {
    return this.withProductionWord((await readLiveState(this.budgeted(ref), ref)).state);
  }

  /** The live state and the declaration it was read with (GetPipeline once). */
  async stateAndDeclaration(ref: PipelineRef): Promise<{ state: PipelineLiveState; declaration: PipelineDeclaration }> {
    const r = await readLiveState(this.budgeted(ref), ref);
    return { ...r, state: this.withProductionWord(r.state) };
  }

  /** The state with its account's production word, so a page asks for it before stopping or answering there. */
  withProductionWord<S extends PipelineLiveState | null>(state: S): S {
    if (!state) return state;
    const { production, productionWord, productionVerdict } = this.accountView(state.ref);
    return { ...state, production, productionWord, productionVerdict };
  }

  /** Every pipeline's name in a (profile, region). */
  pipelineNames(target: { profile: string; region: string }, signal?: AbortSignal): Promise<string[]> {
    return listPipelineNames(this.budgeted({ ...target, name: '-' }, signal));
  }

  /** The newest execution that succeeded, looked for in the last `maxExecutions` (null: none there), from the page `from` if given. */
  async latestSucceeded(ref: PipelineRef, maxExecutions = 100, from?: string): Promise<ExecutionSummary | null> {
    let nextToken: string | undefined = from;
    let read = 0;
    do {
      const page = await listExecutions(this.budgeted(ref), ref.name, { maxResults: 25, nextToken });
      const found = page.executions.find((e) => e.status === 'Succeeded');
      if (found) return found;
      read += page.executions.length;
      nextToken = page.nextToken ?? undefined;
    } while (nextToken && read < maxExecutions);
    return null;
  }

  /**
   * The live state, its declaration and the newest succeeded execution in three calls side by side (a release
   * board reads hundreds of targets under the budget): the history page that finds the succeeded run also
   * gives the latest, so the latest is not listed separately.
   */
  async stateAndDeployed(
    ref: PipelineRef,
    maxExecutions = 100,
  ): Promise<{ state: PipelineLiveState; declaration: PipelineDeclaration; deployed: ExecutionSummary | null }> {
    const reads = this.budgeted(ref);
    const [raw, declaration, first] = await Promise.all([
      pipelineState(reads, ref.name),
      pipelineDeclaration(reads, ref.name),
      listExecutions(reads, ref.name, { maxResults: 25 }),
    ]);
    const state = this.withProductionWord(liveStateOf(ref, declaration, raw, first.executions[0] ?? null));
    let deployed = first.executions.find((e) => e.status === 'Succeeded') ?? null;
    if (!deployed && first.nextToken && first.executions.length < maxExecutions)
      deployed = await this.latestSucceeded(ref, maxExecutions - first.executions.length, first.nextToken);
    return { state, declaration, deployed };
  }

  list(ref: PipelineRef, page: { maxResults: number; nextToken?: string }): Promise<{ executions: ExecutionSummary[]; nextToken: string | null }> {
    return listExecutions(this.budgeted(ref), ref.name, page);
  }

  summary(ref: PipelineRef, executionId: string): Promise<ExecutionSummary> {
    return executionSummary(this.budgeted(ref), ref.name, executionId);
  }

  get(ref: PipelineRef, executionId: string): Promise<ExecutionDetails> {
    return executionDetails(this.budgeted(ref), ref, executionId);
  }

  async start(ref: PipelineRef, req: StartRequest): Promise<string> {
    const id = await startExecution(this.client(ref), ref.name, req);
    this.engine.refresh(ref);
    return id;
  }

  /** Stops (or abandons) an execution; in production only with the person's confirmation (`confirm({ kind: 'stop', … })`). */
  async stop(ref: PipelineRef, executionId: string, reason: string, abandon: boolean, confirmed: Confirmed<'stop'>): Promise<void> {
    assertConfirmed(confirmed, { kind: 'stop', target: await this.resolveTarget(ref) });
    await stopExecution(this.client(ref), ref.name, executionId, reason, abandon);
    this.engine.refresh(ref);
  }

  async retry(ref: PipelineRef, executionId: string, stage: string, allActions: boolean): Promise<string> {
    const id = await retryStage(this.client(ref), ref.name, executionId, stage, allActions);
    this.engine.refresh(ref);
    return id;
  }

  async rollback(ref: PipelineRef, stage: string, targetExecutionId: string): Promise<string> {
    const id = await rollbackStage(this.client(ref), ref.name, stage, targetExecutionId);
    this.engine.refresh(ref);
    return id;
  }

  async overrideCondition(ref: PipelineRef, stage: string, executionId: string, conditionType: 'BEFORE_ENTRY' | 'ON_SUCCESS'): Promise<void> {
    await overrideCondition(this.client(ref), ref.name, stage, executionId, conditionType);
    this.engine.refresh(ref);
  }

  async setTransition(ref: PipelineRef, stage: string, type: 'inbound' | 'outbound', enabled: boolean, reason: string): Promise<void> {
    if (!enabled && !reason.trim())
      throw new AppError('INVALID_INPUT', 'Say why the transition is disabled: the reason is shown to everyone who looks at the pipeline.');
    await setTransition(this.client(ref), ref.name, stage, type === 'inbound' ? 'Inbound' : 'Outbound', enabled, reason.trim());
    this.engine.refresh(ref);
  }

  /**
   * The pipeline as the production rule sees it, from the identities known now: its
   * account id, the alias any profile of that account could read, every profile known
   * to reach it, and what the settings say of it (shared/safety/production.ts decides).
   * For showing (the badge, the word asked for); acting goes through `resolveTargets`.
   */
  target(ref: PipelineRef): PipelineTarget {
    return this.targetIn(ref, this.accounts.identityOf(ref.profile)?.accountId ?? null);
  }

  private targetIn(ref: PipelineRef, accountId: string | null): PipelineTarget {
    // Every profile known to reach the same account, and the alias any of them could read
    // (a least-privilege role is often denied iam:ListAccountAliases).
    const sameAccount = accountId ? this.accounts.profiles().filter((p) => this.accounts.identityOf(p.name)?.accountId === accountId) : [];
    const own = this.accounts.identityOf(ref.profile);
    const alias =
      (own?.accountId === accountId ? own?.alias : null) ?? sameAccount.map((p) => this.accounts.identityOf(p.name)?.alias).find((a) => !!a) ?? null;
    return {
      profile: ref.profile,
      region: ref.region,
      pipeline: ref.name,
      accountId,
      accountAlias: alias,
      profiles: [...new Set([ref.profile, ...sameAccount.map((p) => p.name)])],
      marked: markOf(accountId, this.marks()),
    };
  }

  /**
   * The pipelines as the production rule sees them at the moment of acting. A cached
   * identity (or none, on a fresh start) cannot be trusted there: each acting profile's
   * identity is checked now, and so is every other profile not known yet (without
   * prompting), since any profile that reaches the account may be the one that says
   * production. An acting profile that cannot be checked leaves its account unidentified,
   * which nothing confirms.
   */
  async resolveTargets(refs: readonly PipelineRef[]): Promise<PipelineTarget[]> {
    const acting = [...new Set(refs.map((r) => r.profile))];
    // A profile that does not exist is refused (NOT_FOUND) before anything is checked.
    for (const name of acting) this.accounts.profile(name);
    const others = this.accounts
      .profiles()
      .filter((p) => !acting.includes(p.name) && !p.problems.length && this.accounts.identityOf(p.name)?.state !== 'ok')
      .map((p) => p.name);
    await this.accounts.check([...acting, ...others], false);
    return refs.map((ref) => {
      const id = this.accounts.identityOf(ref.profile);
      return this.targetIn(ref, id?.state === 'ok' ? id.accountId : null);
    });
  }

  async resolveTarget(ref: PipelineRef): Promise<PipelineTarget> {
    return (await this.resolveTargets([ref]))[0];
  }

  /**
   * Checks, once and without prompting, every profile's identity never checked yet: what
   * a page is shown (the inbox's rows, a live view's word) is then decided by account,
   * as acting will decide it, rather than by the one profile's name.
   */
  async knowAccounts(): Promise<void> {
    const unchecked = this.accounts
      .profiles()
      .filter((p) => !p.problems.length && !this.accounts.identityOf(p.name))
      .map((p) => p.name);
    // A fresh app's first page asks for many watches at once; each would otherwise check every
    // profile again while the first checks are still on their way. Shared until answered, then
    // the answer (the identity state) is what later calls find.
    const toCheck = unchecked.filter((name) => !this.knowing.has(name));
    if (toCheck.length) {
      const checking: Promise<unknown> = this.accounts.check(toCheck, false).finally(() => {
        for (const name of toCheck) if (this.knowing.get(name) === checking) this.knowing.delete(name);
      });
      for (const name of toCheck) this.knowing.set(name, checking);
    }
    const waits = new Set<Promise<unknown>>();
    for (const name of unchecked) {
      const checking = this.knowing.get(name);
      if (checking) waits.add(checking);
    }
    await Promise.all(waits);
  }

  /**
   * A pipeline's account as pages show it: whether acting there needs a typed word
   * (production, or unknown, or not identified), and that word (null when none is,
   * or when the account is not identified and nothing can confirm it yet).
   */
  accountView(ref: PipelineRef): Pick<Approval, 'accountId' | 'accountAlias' | 'production' | 'productionWord' | 'productionVerdict'> {
    const t = this.target(ref);
    const verdict = productionVerdict(t);
    return {
      accountId: t.accountId,
      accountAlias: t.accountAlias,
      production: verdict.kind !== 'not-production',
      productionWord: verdict.word,
      productionVerdict: verdict.kind,
    };
  }

  /**
   * Approve or reject with the named profile's credentials in the named region only,
   * with the person's confirmation for this pipeline (`confirm({ kind: 'approval', … })`,
   * or a promotion's for its environment). Checked here, so the app and the CLI cannot differ.
   */
  async answer(
    ref: PipelineRef,
    a: { stage: string; action: string; executionId: string | null; status: 'Approved' | 'Rejected'; summary: string },
    confirmed: Confirmed<'approval' | 'release-approval'>,
  ): Promise<{ executionId: string | null }> {
    assertConfirmed(confirmed, { kind: 'approval', target: await this.resolveTarget(ref) });
    const r = await answerApproval(this.client(ref), ref, a.stage, a.action, a.status, a.summary, a.executionId);
    this.engine.refresh(ref);
    return r;
  }

  /**
   * Every approval waiting in these targets: each pipeline's state is read. A
   * target or pipeline that cannot be read is listed as unverified, never as "none".
   * An approval reached through several profiles of one account is one row (the
   * first target's), with production decided for the account.
   */
  async approvals(targets: Array<{ profile: ProfileInfo; region: string }>, signal?: AbortSignal): Promise<ApprovalsView> {
    const found: Array<{ order: number; approval: Approval }> = [];
    const unverified: ApprovalsView['unverified'] = [];
    let pipelinesRead = 0;
    // Which account each profile reaches (rows are merged by account) and who says production there.
    await this.knowAccounts();
    await Promise.all(
      targets.map(async ({ profile, region }, order) => {
        const base = { profile: profile.name, region };
        const reads = this.budgeted({ ...base, name: '-' }, signal);
        let names: string[] = [];
        try {
          names = await listPipelineNames(reads);
        } catch (err) {
          unverified.push({ ...base, pipeline: null, error: classifyAwsError(err, { region }) });
          names = [];
        }
        await Promise.all(
          names.map(async (name) => {
            const ref = { ...base, name };
            try {
              const raw = await pipelineState(reads, name);
              // Only an action holding a token can be an approval waiting; the declaration says whether it is one.
              const candidates = (raw.stageStates ?? []).flatMap((s) =>
                (s.actionStates ?? []).filter((a) => a.latestExecution?.token).map((a) => ({ stage: s, action: a })),
              );
              if (!candidates.length) {
                pipelinesRead++;
                return;
              }
              const decl = await pipelineDeclaration(reads, name);
              const declared = (stage: string | undefined, action: string | undefined) =>
                decl.stages.find((s) => s.name === stage)?.actions.find((x) => x.name === action);
              // Updated between the two reads: what waits cannot be judged, so it is not called "none".
              if (candidates.some(({ stage, action }) => !declared(stage.stageName, action.actionName)))
                throw new AppError('CONFLICT', `${name} changed while its approvals were read: read them again.`);
              pipelinesRead++;
              const waiting = candidates.filter(({ stage, action }) =>
                isWaitingApproval({
                  category: declared(stage.stageName, action.actionName)?.actionTypeId.category,
                  status: action.latestExecution?.status,
                  token: action.latestExecution?.token,
                }),
              );
              for (const { stage, action } of waiting) {
                // Custom data and the review link live in the declaration.
                const config = (declared(stage.stageName, action.actionName)?.configuration ?? {}) as Record<string, unknown>;
                found.push({
                  order,
                  approval: {
                    ref,
                    ...this.accountView(ref),
                    stageName: stage.stageName ?? '',
                    actionName: action.actionName ?? '',
                    executionId: stage.latestExecution?.pipelineExecutionId ?? null,
                    waitingSince: action.latestExecution?.lastStatusChange?.toISOString() ?? null,
                    customData: typeof config.CustomData === 'string' ? config.CustomData : null,
                    externalEntityLink: typeof config.ExternalEntityLink === 'string' ? config.ExternalEntityLink : null,
                  },
                });
              }
            } catch (err) {
              unverified.push({ ...base, pipeline: name, error: classifyAwsError(err, { region }) });
            }
          }),
        );
      }),
    );
    const approvals = oneRowPerApproval(found.sort((a, b) => a.order - b.order).map((f) => f.approval));
    approvals.sort((a, b) => (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''));
    return { approvals, unverified, pipelinesRead, checkedAt: new Date().toISOString() };
  }

  close(): void {
    this.engine.close();
  }
}
