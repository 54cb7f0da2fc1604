// Simulates pipeline executions: stages in order, actions in runOrder groups
// (parallel within a group), durations scaled by timeScale, approvals that wait
// for PutApprovalResult, disabled transitions that hold executions, and the
// SUPERSEDED, QUEUED and PARALLEL execution modes. Every output artifact is
// written to the pipeline's artifact bucket in the sandbox S3 with the service's
// key layout: <pipeline[:20]>/<artifact[:10]>/<7 random chars>[.zip].
import type { SandboxConfig } from '../../config';
import { current, type ActionExecutionRecord, type ConditionRecord, type ExecutionRecord, type PipelineRecord, type S3Location } from './records';
import type { Rng } from '../../random';
import type { S3Store } from '../s3/store';
import { artifactStoresByRegion, effectiveRunOrder, type ActionDeclaration, type PipelineDeclaration } from '../../../shared/pipeline/model';

type StopReason = 'abandon' | 'superseded' | 'deleted' | 'shutdown';

interface Runtime {
  occupant: Map<number, string>;
  queue: Map<number, string[]>;
  waiters: Set<() => void>;
  controllers: Map<string, AbortController>;
}

interface ApprovalWaiter {
  resolve(result: { status: 'Approved' | 'Rejected'; summary: string; by: string }): void;
}

class Halt extends Error {
  constructor(readonly reason: StopReason | 'stopping') {
    super(reason);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Halt(signal.reason as StopReason));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Halt(signal.reason as StopReason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface ExecutorDeps {
  config: () => SandboxConfig;
  rng: Rng;
  s3: S3Store;
  changed: () => void;
}

export interface StartOptions {
  triggerType: string;
  triggerDetail: string;
  variables?: Array<{ name: string; value: string }>;
  sourceRevisions?: Array<{ actionName: string; revisionType: string; revisionValue: string }>;
  rollback?: { stageIndex: number; target: ExecutionRecord };
  clientRequestToken?: string;
}

export class Executor {
  private runtimes = new Map<PipelineRecord, Runtime>();
  private approvals = new Map<string, ApprovalWaiter>();
  private running = new Set<Promise<void>>();
  private commitCounter = 0;
  /** Actions sleeping through their simulated duration, and when anything last changed: for settled(). */
  private sleeping = 0;
  private lastChange = Date.now();
  /** Counts changes, for settled(0): two changes within one millisecond still differ. */
  private changes = 0;

  private touch(): void {
    this.lastChange = Date.now();
    this.changes++;
  }

  constructor(private deps: ExecutorDeps) {}

  private rt(p: PipelineRecord): Runtime {
    let r = this.runtimes.get(p);
    if (!r) {
      r = { occupant: new Map(), queue: new Map(), waiters: new Set(), controllers: new Map() };
      this.runtimes.set(p, r);
    }
    return r;
  }

  /** Wakes every waiter of a pipeline so it re-checks its condition. */
  notify(p: PipelineRecord): void {
    this.touch();
    const r = this.rt(p);
    const ws = [...r.waiters];
    r.waiters.clear();
    for (const w of ws) w();
    this.deps.changed();
  }

  private changedOnce(p: PipelineRecord, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Halt(signal.reason as StopReason));
      const r = this.rt(p);
      const onAbort = () => {
        r.waiters.delete(wake);
        reject(new Halt(signal.reason as StopReason));
      };
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      r.waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private scaled(ms: number): number {
    return ms * this.deps.config().timeScale;
  }

  start(p: PipelineRecord, opts: StartOptions): ExecutionRecord {
    const decl = current(p);
    const now = Date.now();
    const declared = new Map((decl.variables ?? []).map((v) => [v.name, v.defaultValue ?? '']));
    for (const v of opts.variables ?? []) declared.set(v.name, v.value);
    const e: ExecutionRecord = {
      pipelineExecutionId: this.deps.rng.uuid(),
      pipelineVersion: p.versions.length,
      status: 'InProgress',
      startTime: now,
      lastUpdateTime: now,
      trigger: { triggerType: opts.triggerType, triggerDetail: opts.triggerDetail },
      ...(opts.clientRequestToken ? { clientRequestToken: opts.clientRequestToken } : {}),
      executionMode: decl.executionMode ?? 'SUPERSEDED',
      executionType: opts.rollback ? 'ROLLBACK' : 'STANDARD',
      variables: [...declared].map(([name, resolvedValue]) => ({ name, resolvedValue })),
      sourceRevisionOverrides: opts.sourceRevisions ?? [],
      artifactRevisions: opts.rollback ? structuredClone(opts.rollback.target.artifactRevisions) : [],
      artifacts: opts.rollback ? { ...opts.rollback.target.artifacts } : {},
      stages: {},
      actions: [],
      stageIndex: opts.rollback?.stageIndex ?? 0,
      waiting: true,
    };
    if (opts.rollback) {
      e.rollbackMetadata = { rollbackTargetPipelineExecutionId: opts.rollback.target.pipelineExecutionId };
      e.onlyStage = opts.rollback.stageIndex;
    }
    p.executions.unshift(e);
    this.launch(p, e, e.stageIndex, undefined);
    return e;
  }

  retry(p: PipelineRecord, e: ExecutionRecord, stageIndex: number, mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS'): void {
    e.status = 'InProgress';
    delete e.statusSummary;
    delete e.stopTrigger;
    e.lastUpdateTime = Date.now();
    this.launch(p, e, stageIndex, mode);
  }

  private launch(p: PipelineRecord, e: ExecutionRecord, from: number, retryMode: 'FAILED_ACTIONS' | 'ALL_ACTIONS' | undefined): void {
    this.touch();
    const controller = new AbortController();
    this.rt(p).controllers.set(e.pipelineExecutionId, controller);
    const run = this.run(p, e, from, retryMode, controller.signal).finally(() => {
      this.rt(p).controllers.delete(e.pipelineExecutionId);
      this.running.delete(run);
    });
    this.running.add(run);
    this.deps.changed();
  }

  /** Stop: abandon aborts in-flight actions; otherwise they finish first. */
  stop(p: PipelineRecord, e: ExecutionRecord, abandon: boolean, reason: string): void {
    e.stopTrigger = { reason };
    e.lastUpdateTime = Date.now();
    const c = this.rt(p).controllers.get(e.pipelineExecutionId);
    if (abandon || e.waiting) {
      c?.abort('abandon');
    } else {
      e.status = 'Stopping';
      const stage = current(p).stages[e.stageIndex]?.name;
      if (stage && e.stages[stage]) e.stages[stage].status = 'Stopping';
    }
    this.notify(p);
  }

  /** The pipeline was deleted: end its executions without touching records further. */
  abandonAll(p: PipelineRecord): void {
    for (const c of this.rt(p).controllers.values()) c.abort('deleted');
    this.runtimes.delete(p);
  }

  resolveApproval(actionExecutionId: string, result: { status: 'Approved' | 'Rejected'; summary: string; by: string }): boolean {
    const w = this.approvals.get(actionExecutionId);
    if (!w) return false;
    this.approvals.delete(actionExecutionId);
    w.resolve(result);
    return true;
  }

  /** Resolves when no execution is running or waiting (tests, seeding, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  /**
   * Resolves once nothing moves by itself: no action is sleeping through its duration
   * and no state changed for `quietMs`. Executions parked at an approval or a disabled
   * transition (and those queued behind them) wait for a person, so they count as settled.
   */
  async settled(quietMs = 15): Promise<void> {
    for (;;) {
      if (quietMs === 0 && this.sleeping === 0) {
        // Every step between sleeps runs in microtasks, all drained before the next
        // macrotask: nothing changed across one turn of the event loop means settled
        // (seeding, at time scale 0, needs no quiet period of wall time).
        const mark = this.changes;
        await new Promise((r) => setImmediate(r));
        if (this.sleeping === 0 && this.changes === mark) return;
        continue;
      }
      if (this.sleeping === 0 && Date.now() - this.lastChange >= quietMs) return;
      await new Promise((r) => setTimeout(r, quietMs === 0 ? 0 : 5));
    }
  }

  async shutdown(): Promise<void> {
    for (const r of this.runtimes.values()) for (const c of r.controllers.values()) c.abort('shutdown');
    await this.idle();
  }

  private async run(
    p: PipelineRecord,
    e: ExecutionRecord,
    from: number,
    retryMode: 'FAILED_ACTIONS' | 'ALL_ACTIONS' | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const decl = p.versions[e.pipelineVersion - 1] ?? current(p);
    const last = e.onlyStage ?? decl.stages.length - 1;
    let held: number | undefined;
    const release = () => {
      if (held === undefined) return;
      const r = this.rt(p);
      if (r.occupant.get(held) === e.pipelineExecutionId) r.occupant.delete(held);
      held = undefined;
      this.notify(p);
    };
    try {
      for (let si = from; si <= last; si++) {
        const stage = decl.stages[si];
        e.stageIndex = si;
        await this.enterStage(p, e, si, signal);
        held = e.executionMode === 'PARALLEL' ? undefined : si;
        if (stage.beforeEntry?.conditions?.length && !(await this.beforeEntry(p, e, si, signal))) {
          e.stages[stage.name] = { status: 'Failed' };
          e.status = 'Failed';
          e.statusSummary = `The before-entry condition of stage ${stage.name} failed.`;
          break;
        }
        e.waiting = false;
        e.stages[stage.name] = { status: 'InProgress' };
        p.stageLatest[stage.name] = e.pipelineExecutionId;
        e.lastUpdateTime = Date.now();
        this.notify(p);
        const ok = await this.runStage(p, decl, e, si, si === from ? retryMode : undefined, signal);
        if (!ok) {
          e.stages[stage.name].status = 'Failed';
          e.status = 'Failed';
          e.statusSummary = `Stage ${stage.name} failed.`;
          break;
        }
        // Stop without abandon: the group in flight finished; halt here.
        if (e.status === 'Stopping') throw new Halt('stopping');
        e.stages[stage.name].status = 'Succeeded';
        release();
      }
      if (e.status === 'InProgress') e.status = 'Succeeded';
    } catch (err) {
      const reason = err instanceof Halt ? err.reason : 'abandon';
      const stage = decl.stages[e.stageIndex]?.name;
      if (reason === 'superseded') {
        e.status = 'Superseded';
        e.statusSummary = 'A newer execution replaced this one.';
      } else if (reason === 'deleted' || reason === 'shutdown') {
        e.status = 'Stopped';
        e.statusSummary = reason === 'deleted' ? 'The pipeline was deleted.' : 'The sandbox stopped.';
      } else {
        e.status = 'Stopped';
      }
      if (stage && e.stages[stage] && e.stages[stage].status !== 'Succeeded') e.stages[stage].status = reason === 'superseded' ? 'Cancelled' : 'Stopped';
      for (const c of e.conditions ?? [])
        if (c.status === 'InProgress') {
          c.status = 'Abandoned';
          for (const r of c.rules) if (r.status === 'InProgress') r.status = 'Abandoned';
        }
      for (const a of e.actions)
        if (a.status === 'InProgress') {
          a.status = 'Abandoned';
          a.lastUpdateTime = Date.now();
          this.approvals.delete(a.actionExecutionId);
        }
    } finally {
      e.waiting = false;
      e.lastUpdateTime = Date.now();
      release();
      this.dequeue(p, e);
      if (e.status !== 'InProgress' && e.status !== 'Stopping') e.stageIndex = e.status === 'Succeeded' ? -1 : e.stageIndex;
      this.notify(p);
    }
  }

  /**
   * Evaluates a stage's before-entry conditions: each rule takes its time (a
   * deployment window or an alarm is watched for a while), then passes, or fails
   * when a failure is injected for it (the rule's name as the action). A person
   * may override a condition in progress (OverrideStageCondition).
   */
  private async beforeEntry(p: PipelineRecord, e: ExecutionRecord, si: number, signal: AbortSignal): Promise<boolean> {
    const decl = p.versions[e.pipelineVersion - 1] ?? current(p);
    const stage = decl.stages[si];
    const now = Date.now();
    const cond: ConditionRecord = { stageName: stage.name, conditionType: 'BEFORE_ENTRY', status: 'InProgress', rules: [] };
    for (const c of stage.beforeEntry?.conditions ?? [])
      for (const rule of c.rules ?? [])
        cond.rules.push({
          ruleExecutionId: this.deps.rng.uuid(),
          pipelineExecutionId: e.pipelineExecutionId,
          pipelineVersion: e.pipelineVersion,
          stageName: stage.name,
          ruleName: rule.name,
          startTime: now,
          lastUpdateTime: now,
          status: 'InProgress',
          input: { ruleTypeId: { ...rule.ruleTypeId }, configuration: { ...(rule.configuration ?? {}) }, region: rule.region ?? p.region },
        });
    (e.conditions ??= []).push(cond);
    e.lastUpdateTime = now;
    this.notify(p);
    const wait = Math.max(
      0,
      ...cond.rules.map((r) => this.deps.config().durations.byProvider[r.input.ruleTypeId.provider] ?? this.deps.config().durations.defaultMs),
    );
    const deadline = Date.now() + this.scaled(wait);
    // Sleep through the evaluation, waking early if the condition is overridden.
    while (cond.status === 'InProgress' && Date.now() < deadline) {
      this.sleeping++;
      try {
        await Promise.race([sleep(Math.min(deadline - Date.now(), 1000), signal), this.changedOnce(p, signal)]);
      } finally {
        this.sleeping--;
        this.touch();
      }
    }
    if (cond.status === 'Overridden') return true;
    const failing = cond.rules.filter((r) => this.injectedFailure(p, stage.name, r.ruleName));
    for (const r of cond.rules) {
      const failed = failing.includes(r);
      r.status = failed ? 'Failed' : 'Succeeded';
      r.summary = failed ? `Rule ${r.ruleName} failed.` : `Rule ${r.ruleName} passed.`;
      if (failed) r.errorDetails = { code: 'RuleFailed', message: `Injected failure of rule ${r.ruleName}.` };
      r.lastUpdateTime = Date.now();
    }
    cond.status = failing.length ? 'Failed' : 'Succeeded';
    cond.summary = failing.length ? `${failing.map((r) => r.ruleName).join(', ')} failed.` : 'All rules passed.';
    e.lastUpdateTime = Date.now();
    this.notify(p);
    return !failing.length;
  }

  /** OverrideStageCondition: a condition in progress passes now. False when none is in progress. */
  overrideCondition(p: PipelineRecord, e: ExecutionRecord, stageName: string, type: 'BEFORE_ENTRY' | 'ON_SUCCESS', by: string): boolean {
    const cond = [...(e.conditions ?? [])].reverse().find((c) => c.stageName === stageName && c.conditionType === type);
    if (!cond || cond.status !== 'InProgress') return false;
    cond.status = 'Overridden';
    cond.summary = `Overridden by ${by}.`;
    for (const r of cond.rules)
      if (r.status === 'InProgress') {
        r.status = 'Abandoned';
        r.updatedBy = by;
        r.lastUpdateTime = Date.now();
      }
    e.lastUpdateTime = Date.now();
    this.notify(p);
    return true;
  }

  private dequeue(p: PipelineRecord, e: ExecutionRecord): void {
    for (const q of this.rt(p).queue.values()) {
      const i = q.indexOf(e.pipelineExecutionId);
      if (i >= 0) q.splice(i, 1);
    }
  }

  private transitionOpen(p: PipelineRecord, decl: PipelineDeclaration, si: number): boolean {
    if (si === 0) return true;
    const into = decl.stages[si].name;
    const outOf = decl.stages[si - 1].name;
    return p.inbound[into]?.enabled !== false && p.outbound[outOf]?.enabled !== false;
  }

  /** Waits until the execution may enter stage `si`, by the pipeline's execution mode. */
  private async enterStage(p: PipelineRecord, e: ExecutionRecord, si: number, signal: AbortSignal): Promise<void> {
    const r = this.rt(p);
    e.waiting = true;
    const mode = e.executionMode;
    if (mode !== 'PARALLEL') {
      const q = r.queue.get(si) ?? [];
      r.queue.set(si, q);
      if (mode === 'SUPERSEDED') {
        // A newer execution waiting for the same stage replaces older waiting ones.
        for (const other of [...q]) {
          const c = r.controllers.get(other);
          if (other !== e.pipelineExecutionId && c) c.abort('superseded');
        }
      }
      if (!q.includes(e.pipelineExecutionId)) q.push(e.pipelineExecutionId);
    }
    this.notify(p);
    for (;;) {
      const decl = current(p);
      const open = this.transitionOpen(p, decl, si);
      if (mode === 'PARALLEL') {
        if (open) return;
      } else {
        const q = r.queue.get(si) ?? [];
        const free = !r.occupant.has(si);
        if (open && free && q[0] === e.pipelineExecutionId) {
          q.shift();
          r.occupant.set(si, e.pipelineExecutionId);
          return;
        }
      }
      if (e.status === 'Stopping') throw new Halt('abandon');
      await this.changedOnce(p, signal);
    }
  }

  private async runStage(
    p: PipelineRecord,
    decl: PipelineDeclaration,
    e: ExecutionRecord,
    si: number,
    retryMode: 'FAILED_ACTIONS' | 'ALL_ACTIONS' | undefined,
    signal: AbortSignal,
  ): Promise<boolean> {
    const stage = decl.stages[si];
    const groups = [...new Set(stage.actions.map(effectiveRunOrder))].sort((a, b) => a - b);
    for (const order of groups) {
      let group = stage.actions.filter((a) => effectiveRunOrder(a) === order);
      if (retryMode === 'FAILED_ACTIONS') {
        group = group.filter((a) => {
          const lastRun = [...e.actions].reverse().find((x) => x.stageName === stage.name && x.actionName === a.name);
          return !lastRun || lastRun.status !== 'Succeeded';
        });
      }
      const results = await Promise.allSettled(group.map((a) => this.runAction(p, decl, e, stage.name, a, signal)));
      const halted = results.find((r) => r.status === 'rejected' && r.reason instanceof Halt);
      if (halted && halted.status === 'rejected') throw halted.reason;
      if (results.some((r) => r.status === 'rejected' || r.value === false)) return false;
      if (e.status === 'Stopping') return true;
    }
    return true;
  }

  private duration(p: PipelineRecord, stage: string, a: ActionDeclaration): number {
    const d = this.deps.config().durations;
    return d.byAction[`${p.name}/${stage}/${a.name}`] ?? d.byProvider[a.actionTypeId.provider] ?? d.defaultMs;
  }

  /** Returns the failure to inject for this action run, consuming a 'once' rule. */
  private injectedFailure(p: PipelineRecord, stage: string, action: string): { afterMs?: number } | undefined {
    const rules = this.deps.config().failures;
    const i = rules.findIndex(
      (r) =>
        r.pipeline === p.name && r.stage === stage && r.action === action && (!r.account || r.account === p.accountId) && (!r.region || r.region === p.region),
    );
    if (i < 0) return undefined;
    const rule = rules[i];
    if (rule.mode === 'once') rules.splice(i, 1);
    return rule.mode === 'after' ? { afterMs: (rule.seconds ?? 0) * 1000 } : {};
  }

  private async runAction(
    p: PipelineRecord,
    decl: PipelineDeclaration,
    e: ExecutionRecord,
    stageName: string,
    a: ActionDeclaration,
    signal: AbortSignal,
  ): Promise<boolean> {
    const region = a.region ?? p.region;
    const now = Date.now();
    const rec: ActionExecutionRecord = {
      actionExecutionId: this.deps.rng.uuid(),
      pipelineExecutionId: e.pipelineExecutionId,
      pipelineVersion: e.pipelineVersion,
      stageName,
      actionName: a.name,
      startTime: now,
      lastUpdateTime: now,
      status: 'InProgress',
      input: {
        actionTypeId: { ...a.actionTypeId },
        configuration: { ...(a.configuration ?? {}) },
        resolvedConfiguration: { ...(a.configuration ?? {}) },
        roleArn: a.roleArn,
        region,
        inputArtifacts: (a.inputArtifacts ?? []).map((i) => ({ name: i.name, s3location: e.artifacts[i.name] })),
        namespace: a.namespace,
      },
      output: { outputArtifacts: [], outputVariables: {} },
    };
    e.actions.push(rec);
    e.lastUpdateTime = now;
    this.notify(p);
    const fail = (message: string, code = 'JobFailed') => {
      rec.status = 'Failed';
      rec.errorDetails = { code, message };
      rec.summary = message;
      rec.lastUpdateTime = Date.now();
      e.lastUpdateTime = rec.lastUpdateTime; // the execution changed with its action
      this.notify(p);
      return false;
    };

    // Inputs must exist where earlier actions wrote them.
    for (const input of rec.input.inputArtifacts) {
      const loc = input.s3location;
      if (
        !loc ||
        !this.deps.s3.buckets
          .get(loc.bucket)
          ?.objects.get(loc.key)
          ?.some((v) => !v.deleteMarker)
      )
        return fail(`Input artifact ${input.name} was not found in the artifact store.`);
    }

    if (a.actionTypeId.category === 'Approval') {
      rec.token = this.deps.rng.uuid();
      this.notify(p);
      const timeoutMin = a.timeoutInMinutes ?? this.deps.config().approvalTimeoutMinutes;
      const outcome = await new Promise<{ status: 'Approved' | 'Rejected'; summary: string; by: string } | 'timeout'>((resolve, reject) => {
        // With timeScale 0 (seeding) durations vanish, but an approval still waits for a person.
        const timeoutMs = this.scaled(timeoutMin * 60_000);
        const timer =
          timeoutMs > 0
            ? setTimeout(() => {
                this.approvals.delete(rec.actionExecutionId);
                resolve('timeout');
              }, timeoutMs)
            : undefined;
        this.approvals.set(rec.actionExecutionId, {
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            this.approvals.delete(rec.actionExecutionId);
            reject(new Halt(signal.reason as StopReason));
          },
          { once: true },
        );
      });
      if (outcome === 'timeout') return fail('The approval request timed out.', 'ApprovalTimedOut');
      rec.updatedBy = outcome.by;
      rec.summary = outcome.summary;
      if (outcome.status === 'Rejected') return fail(`Rejected: ${outcome.summary}`, 'Rejected');
      rec.status = 'Succeeded';
      rec.lastUpdateTime = Date.now();
      e.lastUpdateTime = rec.lastUpdateTime; // the execution changed with its action
      this.notify(p);
      return true;
    }

    const injected = this.injectedFailure(p, stageName, a.name);
    const ms = injected?.afterMs ?? this.duration(p, stageName, a);
    this.sleeping++;
    try {
      await sleep(this.scaled(ms), signal);
    } finally {
      this.sleeping--;
      this.touch();
    }
    if (injected) return fail(`Injected failure of ${a.name}.`);

    // Write outputs to the store of the action's region.
    const stores = artifactStoresByRegion(decl, p.region);
    const store = stores[region];
    const isSource = a.actionTypeId.category === 'Source';
    if (isSource) this.recordRevision(e, a, rec);
    for (const out of a.outputArtifacts ?? []) {
      if (!store) return fail(`No artifact store is declared for region ${region}.`);
      const bucket = this.deps.s3.buckets.get(store.location);
      if (!bucket) return fail(`The artifact bucket ${store.location} does not exist.`);
      const key = `${p.name.slice(0, 20)}/${out.name.slice(0, 10)}/${this.deps.rng.chars(7)}${isSource ? '.zip' : ''}`;
      const body = Buffer.from(
        JSON.stringify({ pipeline: p.name, execution: e.pipelineExecutionId, stage: stageName, action: a.name, artifact: out.name }) + '\n',
      );
      // Believable sizes, declared rather than stored: a source zip of a few MB, a build output of tens to hundreds.
      const MiB = 1024 * 1024;
      const size = isSource ? MiB + this.deps.rng.int(23 * MiB) : 30 * MiB + this.deps.rng.int(320 * MiB);
      this.deps.s3.putObject(bucket, key, body, isSource ? 'application/zip' : 'binary/octet-stream', Date.now(), size);
      const loc: S3Location = { bucket: bucket.name, key };
      e.artifacts[out.name] = loc;
      rec.output.outputArtifacts.push({ name: out.name, s3location: loc });
    }
    const externalId = this.deps.rng.hex(12);
    const url = consoleUrlOf(a, region, externalId);
    rec.output.executionResult = {
      externalExecutionId: externalId,
      externalExecutionSummary: `${a.actionTypeId.provider} succeeded`,
      ...(url ? { externalExecutionUrl: url } : {}),
    };
    rec.status = 'Succeeded';
    rec.summary = rec.output.executionResult.externalExecutionSummary;
    rec.lastUpdateTime = Date.now();
    e.lastUpdateTime = rec.lastUpdateTime; // the execution changed with its action
    this.notify(p);
    return true;
  }

  private recordRevision(e: ExecutionRecord, a: ActionDeclaration, rec: ActionExecutionRecord): void {
    const override = e.sourceRevisionOverrides.find((s) => s.actionName === a.name);
    const existing = e.artifactRevisions.find((r) => r.name === a.outputArtifacts?.[0]?.name);
    const revisionId = override?.revisionValue ?? existing?.revisionId ?? this.deps.rng.hex(40);
    const n = ++this.commitCounter;
    const summary = existing?.revisionSummary ?? (override ? `Pinned revision ${override.revisionValue}` : COMMIT_MESSAGES[n % COMMIT_MESSAGES.length]);
    if (!existing)
      e.artifactRevisions.push({
        name: a.outputArtifacts?.[0]?.name ?? a.name,
        revisionId,
        revisionSummary: summary,
        created: Date.now(),
        revisionChangeIdentifier: revisionId,
      });
    rec.output.outputVariables = {
      CommitId: revisionId,
      CommitMessage: summary,
      BranchName: a.configuration?.BranchName ?? 'main',
      ...(a.configuration?.FullRepositoryId ? { FullRepositoryName: a.configuration.FullRepositoryId } : {}),
    };
    rec.output.executionResult = { externalExecutionId: revisionId, externalExecutionSummary: summary };
  }
}

const COMMIT_MESSAGES = [
  'Fix flaky integration test',
  'Bump dependencies',
  'Add health check endpoint',
  'Tune autoscaling thresholds',
  'Refactor billing module',
  'Update README',
  'Add feature flag for checkout v2',
  'Harden input validation',
];

/** The console page of what an action ran, as the service links it (CodeBuild builds, stacks, deployments). */
function consoleUrlOf(a: ActionDeclaration, region: string, externalId: string): string | null {
  const c = a.configuration ?? {};
  const base = `https://${region}.console.aws.amazon.com`;
  switch (a.actionTypeId.provider) {
    case 'CodeBuild':
      return `${base}/codesuite/codebuild/projects/${encodeURIComponent(c.ProjectName ?? 'project')}/build/${encodeURIComponent(`${c.ProjectName ?? 'project'}:${externalId}`)}/?region=${region}`;
    case 'CodeDeploy':
      return `${base}/codesuite/codedeploy/deployments/d-${externalId.slice(0, 9).toUpperCase()}?region=${region}`;
    case 'CloudFormation':
      return `${base}/cloudformation/home?region=${region}#/stacks/stackinfo?stackId=${encodeURIComponent(c.StackName ?? '')}`;
    case 'ECS':
      return `${base}/ecs/v2/clusters/${encodeURIComponent(c.ClusterName ?? '')}/services/${encodeURIComponent(c.ServiceName ?? '')}?region=${region}`;
    default:
      return null;
  }
}
