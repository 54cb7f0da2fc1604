// `pipewright executions …`, `approvals …` and `transitions …`: the executions
// use-cases the app uses (services/executions-service.ts), from a terminal.
// Every command names its profile and region, and touches only that pair.
import { prompter } from './prompter';
import { withServices } from './cli-services';
import { table } from './table';
import type { z } from 'zod';
import {
  FINAL_STATUSES,
  REVISION_TYPES,
  SourceRevisionOverride,
  VariableOverride,
  type ExecutionDetails,
  type ExecutionSummary,
  pipelineKey,
  type ApprovalsView,
  type PipelineLiveState,
  type PipelineRef,
} from '../../shared/api/executions';
import { AppError } from '../../shared/api/errors';
import type { Services } from '../compose';
import { confirm, confirmationProblem, type PipelineTarget } from '../../shared/safety/confirmation';
import { productionVerdict } from '../../shared/safety/production';
import { EXIT, UsageError } from './exit-codes';
import { terminalLine, terminalLink } from '../../shared/terminal-text';

type Out = NodeJS.WritableStream;
interface Where {
  profile: string;
  region: string;
}

const ref = (name: string, o: Where): PipelineRef => ({ profile: o.profile, region: o.region, name });
const time = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');
const duration = (sec: number | null) => (sec === null ? '-' : sec < 60 ? `${sec}s` : `${Math.floor(sec / 60)}m ${sec % 60}s`);

/**
 * What the production rule asks of this command line (null: nothing): the word for
 * --confirm-prod and how to say so. No word when the account is not identified:
 * nothing confirms that (shared/safety/production.ts).
 */
function productionNeed(
  target: PipelineTarget,
  action: { kind: 'approval' | 'stop'; where: string; purpose: string },
): { word: string | null; message: string; question: string } | null {
  const v = productionVerdict(target);
  switch (v.kind) {
    case 'not-production':
      return null;
    case 'production':
      return {
        word: v.word,
        message: `${action.where} a production account; ${action.purpose}, add: --confirm-prod ${v.word}`,
        question: `This is a production account: type "${v.word}" to confirm`,
      };
    case 'unknown':
      return {
        word: v.word,
        message: `${action.where} account ${v.word}, which may be production (no alias could be read, and no setting says); ${action.purpose}, add: --confirm-prod ${v.word}`,
        question: `Whether account ${v.word} is production is not known: type its id "${v.word}" to confirm`,
      };
    case 'unidentified':
      return { word: null, message: confirmationProblem({ kind: action.kind, target }, { words: [] }) ?? '', question: '' };
  }
}

const revisionText = (e: ExecutionSummary) => e.sourceRevisions.map((r) => `${r.actionName}:${(r.revisionId ?? '').slice(0, 12)}`).join(' ');

export async function runExecutionsList(
  name: string,
  o: Where & { status?: string; limit: number; json: boolean },
  out: Out = process.stdout,
): Promise<number> {
  return withServices(async ({ executions }) => {
    const wanted = o.status?.toLowerCase();
    const found: ExecutionSummary[] = [];
    let nextToken: string | undefined;
    // Filter by status across pages until the limit is met (history is kept 12 months).
    do {
      const page = await executions.list(ref(name, o), { maxResults: 100, nextToken });
      found.push(...page.executions.filter((e) => !wanted || e.status.toLowerCase() === wanted));
      nextToken = page.nextToken ?? undefined;
    } while (nextToken && found.length < o.limit);
    const shown = found.slice(0, o.limit);
    if (o.json) out.write(JSON.stringify({ executions: shown }, null, 2) + '\n');
    else if (!shown.length) out.write(`No executions${wanted ? ` with status ${o.status}` : ''}.\n`);
    else
      out.write(
        table([
          ['EXECUTION', 'STATUS', 'STARTED', 'DURATION', 'TRIGGER', 'REVISIONS'],
          ...shown.map((e) => [e.id, e.status, time(e.startTime), duration(e.durationSec), e.trigger.type ?? '-', revisionText(e)]),
        ]),
      );
    return EXIT.ok;
  });
}

export async function runExecutionsShow(name: string, id: string, o: Where & { json: boolean }, out: Out = process.stdout): Promise<number> {
  return withServices(async ({ executions }) => {
    const [details, state] = await Promise.all([executions.get(ref(name, o), id), executions.state(ref(name, o))]);
    if (o.json) {
      out.write(JSON.stringify({ ...details, stages: state.stages.filter((s) => s.executionId === id) }, null, 2) + '\n');
      return EXIT.ok;
    }
    const e = details.execution;
    // Ids, statuses, summaries, revisions and variables come from AWS: each line through the output filter.
    out.write(terminalLine(`${name} ${e.id}: ${e.status}${e.statusSummary ? ` (${e.statusSummary})` : ''}`) + '\n');
    out.write(terminalLine(`started ${time(e.startTime)}, took ${duration(e.durationSec)}, trigger ${e.trigger.type ?? '-'}`) + '\n');
    for (const r of e.sourceRevisions) out.write(terminalLine(`revision ${r.actionName}: ${r.revisionId ?? '-'} ${r.revisionSummary ?? ''}`) + '\n');
    if (details.variables.length) out.write(terminalLine(`variables: ${details.variables.map((v) => `${v.name}=${v.value}`).join(', ')}`) + '\n');
    // The timeline: each action run, by start time, with a bar scaled to the execution.
    const t0 = Math.min(...details.actions.map((a) => Date.parse(a.startTime ?? '') || Infinity));
    const t1 = Math.max(...details.actions.map((a) => Date.parse(a.lastUpdateTime ?? '') || 0));
    const span = Math.max(1, t1 - t0);
    const width = 30;
    out.write('\n');
    out.write(
      table([
        ['STAGE', 'ACTION', 'STATUS', 'STARTED', 'TOOK', 'TIMELINE', 'ERROR'],
        ...details.actions.map((a) => {
          const s = Date.parse(a.startTime ?? '');
          const f = Date.parse(a.lastUpdateTime ?? '');
          const from = Math.round(((s - t0) / span) * width);
          const len = Math.max(1, Math.round(((f - s) / span) * width));
          return [
            a.stageName,
            a.actionName,
            a.status,
            time(a.startTime),
            duration(Number.isFinite(f - s) ? Math.round((f - s) / 1000) : null),
            `${' '.repeat(from)}${'#'.repeat(len)}`.padEnd(width),
            a.errorDetails ? `${a.errorDetails.code ?? ''}: ${a.errorDetails.message ?? ''}` : '',
          ];
        }),
      ]),
    );
    return EXIT.ok;
  });
}

/**
 * A line per action this execution ran (its latest run of each: a retry replaces the failed one), in the
 * pipeline's order: the plain form prints the lines that changed, a TTY redraws them all. Read from the
 * execution's own action runs, never from the live state's, which show whichever run holds each stage (a
 * newer one behind it, an older one ahead). The state only says an approval waits, and only when this
 * execution holds that stage.
 */
function actionLines(d: ExecutionDetails, s: PipelineLiveState): Map<string, string> {
  const latest = new Map(d.actions.map((a) => [`${a.stageName}/${a.actionName}`, a] as const));
  const order = s.stages.flatMap((st) => st.actions.map((a) => `${st.name}/${a.name}`));
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  const lines = new Map<string, string>();
  for (const [key, a] of [...latest].sort(([x], [y]) => rank(x) - rank(y))) {
    const stage = s.stages.find((st) => st.name === a.stageName);
    const waiting = stage?.executionId === d.execution.id && stage.actions.some((x) => x.name === a.actionName && x.waitingForApproval);
    lines.set(
      key,
      terminalLine(
        `${a.stageName} / ${a.actionName}: ${waiting ? 'waiting for approval' : a.status}${a.errorDetails?.message ? ` (${a.errorDetails.message})` : ''}`,
      ),
    );
  }
  return lines;
}

/** CodePipeline's answers for an execution id that is not one of this pipeline's (malformed, or another pipeline's). */
const noSuchExecution = (err: unknown) =>
  (err instanceof AppError && err.code === 'NOT_FOUND') ||
  ['PipelineExecutionNotFoundException', 'ValidationException'].includes((err as Error | null)?.name ?? '');

/**
 * Watches a pipeline until the execution ends: 0 when it succeeds, 1 when it
 * fails, is stopped, cancelled or superseded. Follows `--execution`, else the
 * latest execution at the start; an id that is not this pipeline's is bad input (2).
 */
export async function runExecutionsWatch(
  name: string,
  o: Where & { execution?: string },
  out: Out = process.stdout,
  tty = process.stdout.isTTY,
  err: Out = process.stderr,
): Promise<number> {
  return withServices(async ({ executions }) => {
    const r = ref(name, o);
    const first = await executions.state(r);
    if (o.execution) {
      // Looked up before anything is watched: an id that is not this pipeline's would otherwise be followed
      // forever, printing whichever run holds each stage.
      const known = await executions.summary(r, o.execution).then(
        () => true,
        (e: unknown) => {
          if (noSuchExecution(e)) return false;
          throw e;
        },
      );
      if (!known) {
        err.write(
          terminalLine(
            `${name} has no such execution: ${o.execution} (in ${o.profile}, ${o.region}); its executions: pipewright executions list ${name} --profile ${o.profile} --region ${o.region}`,
          ) + '\n',
        );
        return EXIT.usage;
      }
    }
    const target = o.execution ?? first.latest?.id;
    if (!target) {
      out.write(`${name} has no executions to watch.\n`);
      return EXIT.failed;
    }
    out.write(`Watching ${name} execution ${target} (${o.profile}, ${o.region}).\n`);
    // The engine's timers do not hold the process open (the app's server does): this does, until the end.
    const keepAlive = setInterval(() => {}, 60_000);
    return new Promise<number>((resolve) => {
      let shown = new Map<string, string>();
      let finished = false;
      // One update at a time, in the order they came: each reads the execution, and lines must not interleave.
      let queue = Promise.resolve();
      const finish = (e: ExecutionSummary) => {
        if (finished) return;
        finished = true;
        clearInterval(keepAlive);
        out.write(terminalLine(`${name} ${e.id}: ${e.status}${e.statusSummary ? ` (${e.statusSummary})` : ''}`) + '\n');
        off();
        executions.engine.unwatch(r, 'cli');
        resolve(e.status === 'Succeeded' ? EXIT.ok : EXIT.failed);
      };
      let modeShown = '';
      const onState = async (s: PipelineLiveState) => {
        if (finished) return;
        const mode = watchModeLine(`${o.profile} ${o.region}`, s);
        if (mode !== modeShown && !tty) out.write(mode + '\n');
        modeShown = mode;
        if (s.error) out.write(terminalLine(`(${s.error.kind}: ${s.error.message}${s.throttled ? '; backing off' : ''})`) + '\n');
        // This execution's own runs; a failed read is tried again at the next change.
        const d = await executions.get(r, target).catch(() => null);
        if (!d || finished) return;
        const lines = actionLines(d, s);
        if (tty) {
          out.write('\x1b[H\x1b[2J' + terminalLine(`${name} ${target}  ${d.execution.status}`) + '\n' + mode + '\n' + [...lines.values()].join('\n') + '\n');
        } else for (const [k, line] of lines) if (shown.get(k) !== line) out.write(line + '\n');
        shown = lines;
        if (FINAL_STATUSES.has(d.execution.status)) finish(d.execution);
      };
      const off = executions.onUpdate((s) => {
        if (s.ref.name === name && s.ref.profile === o.profile && s.ref.region === o.region) queue = queue.then(() => onState(s));
      });
      executions.engine.watch(r, 'cli', { opened: true });
    });
  });
}

/** Checked by the app's own contract for the same call, so the CLI takes no value the app would refuse (nor sends it to AWS). */
function asContractSays<T>(schema: z.ZodType<T>, flag: string, text: string, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${flag} ${text}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export function parseVariable(text: string): { name: string; value: string } {
  const i = text.indexOf('=');
  if (i < 1) throw new UsageError(`--variable ${text}: expected NAME=VALUE`);
  return asContractSays(VariableOverride, '--variable', text, { name: text.slice(0, i), value: text.slice(i + 1) });
}

export function parseSourceRevision(text: string): { actionName: string; revisionType: (typeof REVISION_TYPES)[number]; revisionValue: string } {
  const m = /^([^=]+)=([A-Z_]+):(.+)$/.exec(text);
  const type = m?.[2] as (typeof REVISION_TYPES)[number] | undefined;
  if (!m || !type || !REVISION_TYPES.includes(type))
    throw new UsageError(`--source-revision ${text}: expected ACTION=TYPE:VALUE with TYPE one of ${REVISION_TYPES.join(', ')}`);
  return asContractSays(SourceRevisionOverride, '--source-revision', text, { actionName: m[1], revisionType: type, revisionValue: m[3] });
}

export async function runExecutionsStart(
  name: string,
  o: Where & { variable: string[]; sourceRevision: string[]; json: boolean },
  out: Out = process.stdout,
): Promise<number> {
  const variables = o.variable.map(parseVariable);
  const sourceRevisions = o.sourceRevision.map(parseSourceRevision);
  return withServices(async ({ executions }) => {
    const id = await executions.start(ref(name, o), { variables, sourceRevisions });
    out.write(o.json ? JSON.stringify({ executionId: id }) + '\n' : `${id}\n`);
    return EXIT.ok;
  });
}

export async function runExecutionsStop(
  name: string,
  id: string,
  o: Where & { reason: string; abandon: boolean; confirmProd?: string },
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return withServices(async ({ executions }: Services) => {
    const r = ref(name, o);
    // Who the account is decides the production rule: its identity checked now.
    const target = await executions.resolveTarget(r);
    const needed = productionNeed(target, { kind: 'stop', where: `${name} runs in`, purpose: `to ${o.abandon ? 'abandon' : 'stop'} it` });
    if (needed && o.confirmProd !== needed.word) {
      err.write(terminalLine(needed.message) + '\n');
      return needed.word ? EXIT.usage : EXIT.unverified;
    }
    await executions.stop(r, id, o.reason, o.abandon, confirm({ kind: 'stop', target }, { words: [o.confirmProd ?? ''] }));
    out.write(`${o.abandon ? 'Abandoning' : 'Stopping'} ${name} ${id}.\n`);
    return EXIT.ok;
  });
}

export async function runExecutionsRetry(
  name: string,
  id: string,
  o: Where & { stage: string; allActions: boolean },
  out: Out = process.stdout,
): Promise<number> {
  return withServices(async ({ executions }) => {
    const retried = await executions.retry(ref(name, o), id, o.stage, o.allActions);
    out.write(`Retrying ${o.stage} of ${name} ${retried} (${o.allActions ? 'all actions' : 'failed actions'}).\n`);
    return EXIT.ok;
  });
}

export async function runApprovalsList(
  o: { profile: string[]; region: string[]; allRegions: boolean; json: boolean; watch?: boolean },
  out: Out = process.stdout,
  err: Out = process.stderr,
) {
  // --watch prints lines as approvals change; JSON is one document, read once.
  if (o.watch && o.json) throw new UsageError('--watch and --json do not go together: --json prints the list once, --watch follows it as lines.');
  return withServices(async ({ accounts, executions }) => {
    const { pairs, unplaced } = accounts.scope({ profiles: o.profile, regions: o.region, allRegions: o.allRegions });
    for (const p of unplaced) err.write(`${p}: no region (set one in the profile, AWS_REGION, or --region)\n`);
    const view = await executions.approvals(pairs);
    if (o.json) out.write(JSON.stringify(view, null, 2) + '\n');
    else {
      if (view.approvals.length)
        out.write(
          table([
            ['PROFILE', 'REGION', 'PIPELINE', 'STAGE', 'ACTION', 'WAITING SINCE', 'CUSTOM DATA'],
            ...view.approvals.map((a) => [
              a.ref.profile,
              a.ref.region,
              a.ref.name,
              a.stageName,
              a.actionName,
              time(a.waitingSince),
              (a.customData ?? '').slice(0, 60),
            ]),
          ]),
        );
      else if (!view.unverified.length) out.write(`No approvals waiting in ${view.pipelinesRead} pipelines.\n`);
      for (const u of view.unverified)
        err.write(terminalLine(`unverified: ${u.profile} ${u.region}${u.pipeline ? ` ${u.pipeline}` : ''}: ${u.error.kind}: ${u.error.message}`) + '\n');
    }
    if (o.watch) return followApprovals(executions, pairs, view, out, err);
    // Incomplete coverage: "none waiting" could not be proven.
    return view.unverified.length ? EXIT.unverified : EXIT.ok;
  });
}

/** How a watcher learns of a target's changes, as a line: from events (live updates), or polled and why. */
export const watchModeLine = (where: string, s: Pick<PipelineLiveState, 'watchMode' | 'watchModeReason'>) =>
  terminalLine(
    `(${where}: ${s.watchMode === 'event-driven' ? 'live updates from events' : `${s.watchMode ?? 'polled'}${s.watchModeReason ? `: ${s.watchModeReason}` : ''}`})`,
  );

/**
 * `approvals list --watch`: after the complete read above, every pipeline of the targets is
 * followed as the app's inbox follows them (the watch engine: from CodePipeline's events where
 * live updates are set up, with no probe; polled elsewhere), and each approval that starts or
 * stops waiting is printed, until interrupted (exit 130). The list itself stays a complete
 * read: events tell what changes, never that nothing waits.
 */
async function followApprovals(
  executions: Services['executions'],
  pairs: Array<{ profile: { name: string }; region: string }>,
  first: ApprovalsView,
  out: Out,
  err: Out,
): Promise<number> {
  const waiting = new Map<string, Set<string>>();
  for (const a of first.approvals) {
    const k = pipelineKey(a.ref);
    waiting.set(k, new Set([...(waiting.get(k) ?? []), `${a.stageName} / ${a.actionName}`]));
  }
  const refs: PipelineRef[] = [];
  for (const p of pairs) {
    const names = await executions.pipelineNames({ profile: p.profile.name, region: p.region }).catch((e: unknown) => {
      err.write(terminalLine(`not followed: ${p.profile.name} ${p.region}: ${e instanceof Error ? e.message : String(e)}`) + '\n');
      return [] as string[];
    });
    for (const name of names) refs.push({ profile: p.profile.name, region: p.region, name });
  }
  const followed = new Set(refs.map(pipelineKey));
  // Per pipeline its watcher's mode; per target the line last printed. A target's pipelines change mode one by one
  // (each at its own next update): the line says events only once all of them follow events.
  const modeOf = new Map<string, Pick<PipelineLiveState, 'watchMode' | 'watchModeReason'>>();
  const printed = new Map<string, string>();
  out.write(`Following ${refs.length} pipelines for approvals; Ctrl-C to stop.\n`);
  const off = executions.onUpdate((s) => {
    const k = pipelineKey(s.ref);
    if (!followed.has(k)) return;
    const where = `${s.ref.profile} ${s.ref.region}`;
    modeOf.set(k, s);
    const ofTarget = refs.filter((r) => r.profile === s.ref.profile && r.region === s.ref.region).map((r) => modeOf.get(pipelineKey(r)));
    const lagging = ofTarget.find((m) => m && m.watchMode !== 'event-driven');
    const line = watchModeLine(where, lagging ?? s);
    if (printed.get(where) !== line && (lagging || ofTarget.every((m) => m))) {
      printed.set(where, line);
      out.write(line + '\n');
    }
    // A failed read shows the state read before it: nothing is concluded from it.
    if (s.error) return;
    const now = new Set(s.stages.flatMap((st) => st.actions.filter((a) => a.waitingForApproval).map((a) => `${st.name} / ${a.name}`)));
    const before = waiting.get(k) ?? new Set<string>();
    for (const x of now) if (!before.has(x)) out.write(terminalLine(`+ waiting    ${s.ref.profile} ${s.ref.region} ${s.ref.name} ${x}`) + '\n');
    for (const x of before) if (!now.has(x)) out.write(terminalLine(`- not waiting ${s.ref.profile} ${s.ref.region} ${s.ref.name} ${x}`) + '\n');
    waiting.set(k, now);
  });
  for (const r of refs) executions.engine.watch(r, 'cli', { opened: false, workspace: true });
  // The engine's timers do not hold the process open: this does, until interrupted.
  const keepAlive = setInterval(() => {}, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  off();
  for (const r of refs) executions.engine.unwatch(r, 'cli');
  return EXIT.interrupted;
}

export async function runApprovalsAnswer(
  status: 'Approved' | 'Rejected',
  name: string,
  o: Where & { stage: string; action: string; summary: string; yes: boolean; confirmProd?: string },
  io: { out: Out; err: Out; input: NodeJS.ReadableStream } = { out: process.stdout, err: process.stderr, input: process.stdin },
): Promise<number> {
  return withServices(async ({ executions }: Services) => {
    const r = ref(name, o);
    // Who the account is decides the production rule: its identity checked now, before anything is asked.
    const target = await executions.resolveTarget(r);
    const state = await executions.state(r);
    const stage = state.stages.find((s) => s.name === o.stage);
    const action = stage?.actions.find((a) => a.name === o.action);
    if (!stage || !action) throw new UsageError(`${name} has no action ${o.stage} / ${o.action} in ${o.profile} ${o.region}.`);
    // There, but not waiting (answered meanwhile, or not reached yet): the state of the pipeline, not a typo (exit 1).
    if (!action.waitingForApproval) throw new Error(`${o.stage} / ${o.action} of ${name} is not waiting for approval.`);
    // What is being answered, before the question: custom data on one line with nothing in it obeyed (a planted
    // clear-screen could otherwise erase this and forge a line), and the review link only when the app would open it.
    io.out.write(
      terminalLine(
        `${status === 'Approved' ? 'Approve' : 'Reject'} ${name} / ${o.stage} / ${o.action} (execution ${stage.executionId ?? '?'}) in ${o.profile} ${o.region}`,
      ) +
        '\n' +
        (action.customData ? `  ${terminalLine(action.customData)}\n` : '') +
        (action.externalEntityLink ? `  review: ${terminalLink(action.externalEntityLink)}\n` : '') +
        `  summary: ${terminalLine(o.summary)}\n`,
    );
    const needed = productionNeed(target, { kind: 'approval', where: 'This approval is in', purpose: 'to confirm' });
    if (needed && !needed.word) {
      io.err.write(terminalLine(needed.message) + '\n');
      return EXIT.unverified;
    }
    let confirmation = o.confirmProd ?? '';
    if (!o.yes) {
      const prompt = prompter(io.input, io.out);
      try {
        const yes = await prompt.ask('Go ahead? [y/N] ');
        if (!/^y(es)?$/i.test(yes)) {
          io.err.write('Nothing was answered.\n');
          return EXIT.failed;
        }
        if (needed?.word && confirmation !== needed.word) confirmation = await prompt.ask(`${needed.question}: `);
      } finally {
        prompt.close();
      }
    } else if (needed && confirmation !== needed.word) {
      io.err.write(terminalLine(needed.message) + '\n');
      return EXIT.usage;
    }
    const confirmed = confirm({ kind: 'approval', target }, { words: [confirmation] });
    const res = await executions.answer(r, { stage: o.stage, action: o.action, executionId: stage.executionId, status, summary: o.summary }, confirmed);
    io.out.write(terminalLine(`${status} (execution ${res.executionId ?? '?'}).`) + '\n');
    return EXIT.ok;
  });
}

export async function runTransitions(
  enabled: boolean,
  name: string,
  o: Where & { stage: string; type: 'inbound' | 'outbound'; reason?: string },
  out: Out = process.stdout,
): Promise<number> {
  return withServices(async ({ executions }) => {
    await executions.setTransition(ref(name, o), o.stage, o.type, enabled, o.reason ?? '');
    out.write(`${enabled ? 'Enabled' : 'Disabled'} the ${o.type} transition of ${o.stage} in ${name}.\n`);
    return EXIT.ok;
  });
}
