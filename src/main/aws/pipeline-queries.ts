// The CodePipeline reads behind the explorer and pipeline details. Every call
// goes through the fan-out gate, so per-target and global caps hold.
import {
  GetPipelineCommand,
  ListActionExecutionsCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  ListTagsForResourceCommand,
  type PipelineExecutionSummary,
  type PipelineSummary,
} from '@aws-sdk/client-codepipeline';
import type { PipelineDetails, PipelineRow } from '../../shared/api/pipelines';
import type { SuccessfulExecution } from '../../shared/artifacts/classify';
import { RETENTION_DEPTH } from '../../shared/artifacts/retention';
import { HISTORY_PAGE_SIZE, historyCutShort, HistoryIncompleteError, historyReadStep } from '../../shared/artifacts/evidence';
import type { AwsClients } from './clients';
import { declarationFromSdk } from './sdk-shapes';
import type { CallGate } from './fanout';
import type { ProfileInfo } from './profiles';
import { classifyAwsError } from './errors';
import { pipelinePages } from './pipeline-pages';

const iso = (d?: Date) => (d ? d.toISOString() : null);

export interface RowContext {
  profile: ProfileInfo;
  region: string;
  accountId: string;
  alias: string | null;
}

/** Rows are handed on in batches of this many, or after this long, whichever comes first. */
const ROW_BATCH = 50;
const ROW_BATCH_MS = 200;

/**
 * Lists a target's pipelines; `onRows` hears rows in small batches as soon as they are described.
 * The account identity is awaited alongside the first page, not before it.
 */
export async function listPipelineRows(
  clients: AwsClients,
  target: { profile: ProfileInfo; region: string; identity: Promise<{ accountId: string; alias: string | null }> },
  gate: CallGate,
  signal: AbortSignal,
  onRows?: (rows: PipelineRow[]) => void,
): Promise<PipelineRow[]> {
  const cp = clients.codepipeline(target.profile, target.region);
  const all: PipelineRow[] = [];
  // The identity is already on its way: the first page is asked for beside it.
  for await (const summaries of pipelinePages(cp, gate, signal)) {
    const who = await target.identity;
    const ctx: RowContext = { profile: target.profile, region: target.region, accountId: who.accountId, alias: who.alias };
    // A page holds up to 1,000 pipelines, each described by two calls: rows are handed on
    // in small batches as they are described, so the first are on screen in moments,
    // not after the whole page.
    let ready: PipelineRow[] = [];
    let flushedAt = performance.now();
    const flush = () => {
      if (ready.length) onRows?.(ready);
      ready = [];
      flushedAt = performance.now();
    };
    const rows = await Promise.all(
      summaries.map(async (p) => {
        const row = await describe(clients, ctx, p, gate, signal);
        ready.push(row);
        if (ready.length >= ROW_BATCH || performance.now() - flushedAt > ROW_BATCH_MS) flush();
        return row;
      }),
    );
    flush();
    all.push(...rows);
  }
  return all;
}

async function describe(clients: AwsClients, ctx: RowContext, summary: PipelineSummary, gate: CallGate, signal: AbortSignal): Promise<PipelineRow> {
  const cp = clients.codepipeline(ctx.profile, ctx.region);
  const name = summary.name ?? '';
  // A pipeline is listed even when its history or state cannot be read (a least-privilege
  // role, an endpoint that implements part of the API): that row says why, the rest stand.
  const [execs, state] = await Promise.all([
    gate(() => cp.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 1 }), { abortSignal: signal })).then(...settled(ctx.region)),
    gate(() => cp.send(new GetPipelineStateCommand({ name }), { abortSignal: signal })).then(...settled(ctx.region)),
  ]);
  const e = execs.value?.pipelineExecutionSummaries?.[0];
  const start = e?.startTime?.getTime();
  const end = e?.lastUpdateTime?.getTime();
  const done = e && !['InProgress', 'Stopping'].includes(e.status ?? '');
  return {
    id: `${ctx.accountId}/${ctx.region}/${name}`,
    profile: ctx.profile.name,
    profiles: [ctx.profile.name],
    accountId: ctx.accountId,
    accountAlias: ctx.alias,
    region: ctx.region,
    name,
    pipelineType: summary.pipelineType ?? null,
    executionMode: summary.executionMode ?? null,
    version: summary.version ?? null,
    updated: iso(summary.updated),
    latest: e
      ? {
          id: e.pipelineExecutionId ?? '',
          status: e.status ?? 'Unknown',
          startTime: iso(e.startTime),
          lastUpdateTime: iso(e.lastUpdateTime),
          durationSec: start && end && done ? Math.round((end - start) / 1000) : null,
          revisionId: e.sourceRevisions?.[0]?.revisionId ?? null,
          revisionSummary: e.sourceRevisions?.[0]?.revisionSummary ?? null,
          trigger: e.trigger?.triggerType ?? null,
        }
      : null,
    stages: (state.value?.stageStates ?? []).map((s) => ({
      name: s.stageName ?? '',
      status: s.latestExecution?.status ?? null,
      transitionEnabled: s.inboundTransitionState?.enabled ?? true,
    })),
    latestError: execs.error,
    stagesError: state.error,
  };
}

/** A call's value, or its classified error as data; a cancel still throws. */
function settled(region: string) {
  return [
    <T>(value: T) => ({ value, error: null }),
    (err: unknown) => {
      const error = classifyAwsError(err, { region });
      if (error.kind === 'cancelled') throw err;
      return { value: undefined, error };
    },
  ] as const;
}

export function consoleUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(name)}/view?region=${region}`;
}

export async function getPipelineDetails(
  clients: AwsClients,
  profile: ProfileInfo,
  region: string,
  name: string,
  gate: CallGate,
  accountId: string | null,
): Promise<PipelineDetails> {
  const cp = clients.codepipeline(profile, region);
  const got = await gate(() => cp.send(new GetPipelineCommand({ name })));
  const arn = got.metadata?.pipelineArn ?? null;
  const [tags, state] = await Promise.all([
    arn
      ? gate(() => cp.send(new ListTagsForResourceCommand({ resourceArn: arn }))).then(
          (r) => r.tags ?? [],
          () => [],
        )
      : Promise.resolve([]),
    gate(() => cp.send(new GetPipelineStateCommand({ name }))),
  ]);
  return {
    profile: profile.name,
    region,
    accountId,
    pipeline: declarationFromSdk(got.pipeline, name),
    metadata: { pipelineArn: arn, created: iso(got.metadata?.created), updated: iso(got.metadata?.updated) },
    tags: tags.map((t) => ({ key: t.key ?? '', value: t.value ?? '' })),
    disabledTransitions: (state.stageStates ?? [])
      .filter((s) => s.inboundTransitionState?.enabled === false)
      .map((s) => ({ stageName: s.stageName ?? '', reason: s.inboundTransitionState?.disabledReason ?? null })),
    failedActions: (state.stageStates ?? []).flatMap((s) =>
      (s.actionStates ?? [])
        .filter((a) => a.latestExecution?.status === 'Failed')
        .map((a) => ({
          stageName: s.stageName ?? '',
          actionName: a.actionName ?? '',
          code: a.latestExecution?.errorDetails?.code ?? null,
          message: a.latestExecution?.errorDetails?.message ?? a.latestExecution?.summary ?? null,
          at: iso(a.latestExecution?.lastStatusChange),
        })),
    ),
    consoleUrl: profile.group === 'sandbox' ? null : consoleUrl(region, name),
  };
}

/**
 * A pipeline's most recent successful executions (newest first, `depth` of them, or
 * all it has when its history holds fewer), each with the S3 keys of the artifacts
 * its actions wrote: ListActionExecutions filtered to each execution, so no key is
 * ever attributed to the wrong one. The history is read page after page until
 * `depth` successes are found or it ends (evidence.ts `historyReadStep`); a read cut
 * short, at the page bound or by a failed page, throws: the successes it did not
 * reach are unknown, never "nothing to keep".
 */
export async function recentSuccesses(
  cp: ReturnType<AwsClients['codepipeline']>,
  name: string,
  { gate = (call) => call(), signal, depth = RETENTION_DEPTH }: { gate?: CallGate; signal?: AbortSignal; depth?: number } = {},
): Promise<SuccessfulExecution[]> {
  const ok: PipelineExecutionSummary[] = [];
  // An execution started while the pages are read moves the others down a place:
  // one seen on two pages is still one execution.
  const seen = new Set<string>();
  let pageToken: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = await gate(() =>
      cp.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: HISTORY_PAGE_SIZE, nextToken: pageToken }), { abortSignal: signal }),
    );
    for (const e of page.pipelineExecutionSummaries ?? []) {
      if (e.status !== 'Succeeded' || !e.pipelineExecutionId || seen.has(e.pipelineExecutionId) || ok.length >= depth) continue;
      seen.add(e.pipelineExecutionId);
      ok.push(e);
    }
    pageToken = page.nextToken;
    const step = historyReadStep(ok.length, depth, pages, !!pageToken);
    if (step === 'done') break;
    if (step === 'cut-short') throw new HistoryIncompleteError(historyCutShort(name, ok.length, depth));
  }
  return Promise.all(
    ok.map(async (e) => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const r = await gate(() =>
          cp.send(new ListActionExecutionsCommand({ pipelineName: name, filter: { pipelineExecutionId: e.pipelineExecutionId }, nextToken: token }), {
            abortSignal: signal,
          }),
        );
        for (const a of r.actionExecutionDetails ?? []) for (const o of a.output?.outputArtifacts ?? []) if (o.s3location?.key) keys.push(o.s3location.key);
        token = r.nextToken;
      } while (token);
      return { id: e.pipelineExecutionId!, time: e.startTime?.getTime() ?? 0, keys };
    }),
  );
}
