// What the live-updates tests (test/events) share: a wait, SDK clients for one sandbox
// account, the CodePipeline calls the sandbox logged, live updates set up and a pipeline
// watched until it is event-driven, a run to its end, and the AWS files env saved.
import { randomUUID } from 'node:crypto';
import { expect, vi } from 'vitest';
import { CodePipelineClient, GetPipelineExecutionCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Sandbox } from '../../src/sandbox/sandbox';
import type { EventsService } from '../../src/main/events';
import type { ExecutionsService } from '../../src/main/executions/service';
import type { PipelineLiveState } from '../../src/shared/api/executions';
import type { startServices } from './services';

export { saveAwsEnv } from './services';
import { applyLiveUpdates } from './confirm';

export { applyLiveUpdates, removeLiveUpdates } from './confirm';

export const DEV = '111111111111';
export const STAGING = '222222222222';
export const PROD = '333333333333';
export type Env = Awaited<ReturnType<typeof startServices>>;
type SandboxLike = Pick<Sandbox, 'endpoint' | 'config'>;
type Ref = { profile: string; region: string; name: string };

/** The watchers' events, fast: status every 300 ms, the queue's reader backing off 100–500 ms. */
export const FAST_EVENTS = { statusRefreshMs: 300, consumer: { minBackoffMs: 100, maxBackoffMs: 500 } };
/** Background polling slower than a test: only events and the sweep can put a state right. */
export const SLOW_POLL = { backgroundActive: 120_000, backgroundIdle: 120_000 };

type Maybe<T> = T | undefined | null | false;
/** An `until` whose wait, unless told, is `defaultMs`. */
export const untilWithin =
  (defaultMs: number) =>
  <T>(what: string, f: () => Maybe<T> | Promise<Maybe<T>>, ms = defaultMs): Promise<T> =>
    vi.waitFor(
      async () => {
        const v = await f();
        if (!v) throw new Error(`timed out waiting for ${what}`);
        return v;
      },
      { timeout: ms, interval: 50 },
    );
/** Waits until `f` gives something truthy, and gives it. */
export const until = untilWithin(15_000);

/** The SDK client options for one sandbox account (by id) in one region. */
export const sandboxClientConfig = (sb: SandboxLike, id: string, region = 'us-east-1') => {
  const a = sb.config.accounts.find((x) => x.id === id)!;
  return { endpoint: sb.endpoint, region, credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey }, maxAttempts: 1 };
};

/** SDK clients for the sandbox's accounts, by account id. */
export const sandboxClients = (sb: () => SandboxLike) => ({
  common: (id: string, region?: string) => sandboxClientConfig(sb(), id, region),
  events: (id: string, region?: string) => new EventBridgeClient(sandboxClientConfig(sb(), id, region)),
  sqs: (id: string, region?: string) => new SQSClient(sandboxClientConfig(sb(), id, region)),
  iam: (id: string) => new IAMClient(sandboxClientConfig(sb(), id)),
  codepipeline: (id: string, region?: string) => new CodePipelineClient(sandboxClientConfig(sb(), id, region)),
});

/** The sandbox log's last sequence number. */
export const lastSeq = (env: { sb: Pick<Sandbox, 'logEntries'> }) => env.sb.logEntries().at(-1)?.seq ?? 0;
/** The CodePipeline calls of one operation the sandbox logged since `since`, in dev's us-east-1. */
export const cpCalls = (env: { sb: Pick<Sandbox, 'logEntries'> }, since: number, operation: string) =>
  env.sb.logEntries(since).filter((e) => e.service === 'codepipeline' && e.operation === operation && e.account === DEV && e.region === 'us-east-1');

/**
 * Sets up live updates for the first pipeline's account and region (its own hub), watches
 * each pipeline (as `client`, or each its own), and waits until all are event-driven.
 * Gives every state shown for the first pipeline from then on.
 */
export async function setUpAndWatch(
  svcs: { liveUpdates: EventsService; executions: ExecutionsService },
  client: string | string[],
  ...refs: Ref[]
): Promise<PipelineLiveState[]> {
  const [ref] = refs;
  const r = await applyLiveUpdates(svcs.liveUpdates, { targets: [{ profile: ref.profile, regions: [ref.region] }] });
  expect(r.ok).toBe(true);
  const states: PipelineLiveState[] = [];
  svcs.executions.onUpdate((s) => s.ref.name === ref.name && s.ref.profile === ref.profile && states.push(s));
  refs.forEach((x, i) => svcs.executions.engine.watch(x, typeof client === 'string' ? client : client[i], { opened: false }));
  await until('event-driven', () => refs.every((x) => svcs.executions.engine.state(x)?.watchMode === 'event-driven'), 30_000);
  return states;
}

/** Starts a run of pipeline `name` and waits (30 s at most) for its end. */
export async function runToEnd(cp: CodePipelineClient, name: string): Promise<{ id: string; status: string }> {
  const id = (await cp.send(new StartPipelineExecutionCommand({ name }))).pipelineExecutionId!;
  return { id, status: await endOf(cp, name, id, 30_000) };
}

/** Waits for execution `id` of pipeline `name` to end, and gives its status. */
export const endOf = (cp: CodePipelineClient, name: string, id: string, ms?: number) =>
  until(
    `${name} to end`,
    async () => {
      const s = (await cp.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: id }))).pipelineExecution?.status;
      return s && s !== 'InProgress' && s !== 'Stopping' ? s : null;
    },
    ms,
  );

/** A CodePipeline execution state change as EventBridge carries it, from `account` in us-east-1, for pipeline `pipeline`. */
export const pipelineEvent = (account: string, pipeline: string, detail: Record<string, string | number>) => ({
  version: '0' as const,
  id: randomUUID(),
  'detail-type': 'CodePipeline Pipeline Execution State Change',
  source: 'aws.codepipeline',
  account,
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [`arn:aws:codepipeline:us-east-1:${account}:${pipeline}`],
  detail: { pipeline, ...detail },
});
