// What the parts of the execution simulator share: the per-pipeline runtime
// (stage occupants and queues, waiters, one AbortController per execution), the
// Halt an abort becomes, and the context each part gets from the Executor, so the
// modes, conditions and action runner are separate modules without a cycle back
// to executor.ts.
import type { SandboxConfig } from '../../config';
import type { Rng } from '../../random';
import type { S3Store } from '../s3/store';
import type { PipelineRecord } from './records';
import type { CodePipelineEventSink } from './events';
import type { ExecutionEventEmitter } from './event-emitter';

export type StopReason = 'abandon' | 'superseded' | 'deleted' | 'shutdown';

/** One pipeline's moving parts: who holds each stage, who waits for it, and how to stop each run. */
export interface Runtime {
  occupant: Map<number, string>;
  queue: Map<number, string[]>;
  waiters: Set<() => void>;
  controllers: Map<string, AbortController>;
}

export interface ExecutorDeps {
  config: () => SandboxConfig;
  rng: Rng;
  s3: S3Store;
  changed: () => void;
  /** Where the executions' EventBridge events go (none when absent). */
  events?: CodePipelineEventSink;
  log?: (line: string) => void;
}

/** An aborted execution unwinds with this; the reason becomes its final status. */
export class Halt extends Error {
  constructor(readonly reason: StopReason | 'stopping') {
    super(reason);
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

/** What the Executor lends its parts. */
export interface ExecutionContext {
  deps: ExecutorDeps;
  /** Emits the pipeline, stage and action state changes as CodePipeline's events. */
  events: ExecutionEventEmitter;
  rt(p: PipelineRecord): Runtime;
  /** Wakes every waiter of a pipeline so it re-checks its condition. */
  notify(p: PipelineRecord): void;
  /** Resolves at the pipeline's next change (notify), or rejects with Halt on abort. */
  changedOnce(p: PipelineRecord, signal: AbortSignal): Promise<void>;
  scaled(ms: number): number;
  /** Runs `wait` counted as sleeping through a simulated duration (for settled()). */
  asleep(wait: () => Promise<void>): Promise<void>;
}

/** Returns the failure to inject for this action (or rule) run, consuming a 'once' rule. */
export function injectedFailure(config: SandboxConfig, p: PipelineRecord, stage: string, action: string): { afterMs?: number } | undefined {
  const rules = config.failures;
  const i = rules.findIndex(
    (r) =>
      r.pipeline === p.name && r.stage === stage && r.action === action && (!r.account || r.account === p.accountId) && (!r.region || r.region === p.region),
  );
  if (i < 0) return undefined;
  const rule = rules[i];
  if (rule.mode === 'once') rules.splice(i, 1);
  return rule.mode === 'after' ? { afterMs: (rule.seconds ?? 0) * 1000 } : {};
}
