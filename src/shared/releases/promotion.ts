// What a promotion decides before it touches anything: which revision each
// target's source actions are pinned to, and whether the gate into the
// environment is open. Pure, so the app, the CLI and the tests share one rule.
import type { ReleaseGate } from './release-file';
import type { REVISION_TYPES } from '../api/executions';
import type { Promotion } from '../api/releases';

export type RevisionType = (typeof REVISION_TYPES)[number];

/**
 * How StartPipelineExecution pins each source provider (its `sourceRevisions`):
 * a commit for Git sources, an object version for S3, an image digest for ECR.
 */
const REVISION_TYPE_BY_PROVIDER: Record<string, RevisionType> = {
  CodeStarSourceConnection: 'COMMIT_ID',
  CodeCommit: 'COMMIT_ID',
  S3: 'S3_OBJECT_VERSION_ID',
  ECR: 'IMAGE_DIGEST',
};

export function revisionTypeFor(provider: string, owner = 'AWS'): RevisionType | null {
  return owner === 'AWS' ? (REVISION_TYPE_BY_PROVIDER[provider] ?? null) : null;
}

export interface SourceAction {
  name: string;
  provider: string;
  owner: string;
}

/** A revision an environment runs: one source action's revision in its latest successful execution. */
export interface DeployedRevision {
  actionName: string;
  revisionId: string | null;
  revisionSummary: string | null;
}

export interface Pin {
  actionName: string;
  revisionType: RevisionType;
  revisionValue: string;
}

export interface PinPlan {
  pins: Pin[];
  /** Source actions that will run on their latest revision instead, and why. */
  unpinned: Array<{ actionName: string; reason: string }>;
}

/**
 * Pins a target's source actions to the revisions the previous environment ran
 * (matched by action name, or one to one when each side has a single source),
 * or to the revision the user chose. With neither (the first wave), nothing is
 * pinned: the pipeline builds its latest source revision.
 */
export function planPins(
  sources: SourceAction[],
  from: { environment: string; revisions: DeployedRevision[] } | null,
  chosen: { revision: string } | null,
): PinPlan {
  const pins: Pin[] = [];
  const unpinned: PinPlan['unpinned'] = [];
  const pinnable = sources.filter((s) => revisionTypeFor(s.provider, s.owner));
  for (const s of sources) {
    const type = revisionTypeFor(s.provider, s.owner);
    if (!type) {
      if (from || chosen)
        unpinned.push({ actionName: s.name, reason: `${s.provider} (${s.owner}) sources cannot be pinned: StartPipelineExecution takes no revision for them` });
      continue;
    }
    if (chosen) {
      if (pinnable.length > 1) unpinned.push({ actionName: s.name, reason: `--revision is ambiguous with ${pinnable.length} pinnable sources` });
      else pins.push({ actionName: s.name, revisionType: type, revisionValue: chosen.revision });
      continue;
    }
    if (!from) continue;
    const withIds = from.revisions.filter((r) => r.revisionId);
    const match = withIds.find((r) => r.actionName === s.name) ?? (sources.length === 1 && withIds.length === 1 ? withIds[0] : undefined);
    if (match?.revisionId) pins.push({ actionName: s.name, revisionType: type, revisionValue: match.revisionId });
    else unpinned.push({ actionName: s.name, reason: `${from.environment} ran no revision of a source named ${s.name}` });
  }
  return { pins, unpinned };
}

/** The latest execution of one target of the environment a gate waits on. */
export interface GateEvidence {
  target: string;
  /** The latest execution's status; null: never ran, or it could not be read (then `error`). */
  status: string | null;
  /** When the latest successful execution finished. */
  succeededAt: string | null;
  error: string | null;
}

export type GateVerdict = { open: true } | { open: false; kind: 'success' | 'soak' | 'confirmation' | 'unverified'; reason: string; openAt: string | null };

/**
 * The gate into an environment: the environment before it all succeeded (its
 * latest executions), the soak time since then has passed, and a person
 * confirmed. A target that could not be read keeps the gate shut: it is unverified.
 */
export function evaluateGate(env: string, gate: ReleaseGate | undefined, evidence: GateEvidence[], o: { now: number; confirmed: boolean }): GateVerdict {
  if (!gate) return { open: true };
  const unread = evidence.filter((e) => e.error);
  if ((gate.requireSuccess || gate.soakMinutes) && unread.length)
    return {
      open: false,
      kind: 'unverified',
      reason: `${gate.after} could not be read (${unread.map((e) => `${e.target}: ${e.error}`).join('; ')}), so the gate into ${env} is unverified`,
      openAt: null,
    };
  if (gate.requireSuccess) {
    const notYet = evidence.filter((e) => e.status !== 'Succeeded');
    if (notYet.length)
      return {
        open: false,
        kind: 'success',
        reason: `${gate.after} has not succeeded: ${notYet.map((e) => `${e.target} ${e.status ? `is ${e.status}` : 'never ran'}`).join('; ')}`,
        openAt: null,
      };
  }
  if (gate.soakMinutes) {
    const times = evidence.map((e) => (e.succeededAt ? Date.parse(e.succeededAt) : NaN));
    if (!times.length || times.some(Number.isNaN))
      return { open: false, kind: 'soak', reason: `${gate.after} has no successful execution to soak from`, openAt: null };
    const openAt = Math.max(...times) + gate.soakMinutes * 60_000;
    if (o.now < openAt) {
      const minutes = Math.ceil((openAt - o.now) / 60_000);
      return {
        open: false,
        kind: 'soak',
        reason: `${gate.after} soaks for ${gate.soakMinutes} min: ${minutes} min left`,
        openAt: new Date(openAt).toISOString(),
      };
    }
  }
  if (gate.manualConfirmation && !o.confirmed)
    return { open: false, kind: 'confirmation', reason: `promoting to ${env} needs a person to confirm it`, openAt: null };
  return { open: true };
}

/**
 * A revision summary as a person reads it. CodeStar connections send JSON
 * (`{"ProviderType":"GitHub","CommitMessage":"Fix rounding"}`); CodeCommit and
 * S3 send the message or the object's metadata as text.
 */
export function revisionMessage(summary: string | null): string | null {
  if (!summary?.startsWith('{')) return summary;
  try {
    const parsed = JSON.parse(summary) as { CommitMessage?: unknown };
    return typeof parsed.CommitMessage === 'string' ? parsed.CommitMessage : summary;
  } catch {
    return summary;
  }
}

/** An approval waiting in a promotion's pipeline, with when its execution started (null: unknown). */
export interface WaitingRun {
  executionId: string;
  stageName: string;
  actionName: string;
  startTime: string | null;
}

export type ApprovalAnswer =
  { run: WaitingRun; answer: 'approve' } | { run: WaitingRun; answer: 'reject' } | { run: WaitingRun; answer: 'leave'; reason: string };

/**
 * What a promotion does with each approval waiting in its pipeline. Its own execution's are approved. Another
 * execution's is rejected only as CodePipeline's docs describe superseding: when that execution is OLDER (it
 * started before the promotion's) and holds a stage the promotion still needs (at or after the furthest stage
 * the promotion's execution has reached), so the promotion would otherwise wait behind an older revision. Any
 * other is left alone with the reason: a newer run is someone else's, a stage already passed is not in the way,
 * and an execution whose start is unknown cannot be shown to be older. In PARALLEL mode no run holds a stage.
 */
export function answersFor(
  stageNames: readonly string[],
  ours: { executionId: string; startTime: string | null; furthestStage: string | null; parallel: boolean },
  waiting: readonly WaitingRun[],
): ApprovalAnswer[] {
  const reached = ours.furthestStage === null ? -1 : stageNames.indexOf(ours.furthestStage);
  const started = (t: string | null) => (t === null ? NaN : Date.parse(t));
  return waiting.map((run): ApprovalAnswer => {
    if (run.executionId === ours.executionId) return { run, answer: 'approve' };
    const at = `waiting at ${run.stageName} / ${run.actionName}`;
    if (ours.parallel) return { run, answer: 'leave', reason: `${at} (the pipeline runs executions in parallel: it holds nothing)` };
    const mine = started(ours.startTime);
    const theirs = started(run.startTime);
    if (Number.isNaN(mine) || Number.isNaN(theirs))
      return { run, answer: 'leave', reason: `${at} (when it started is unknown, so it is not shown to be older)` };
    if (theirs >= mine) return { run, answer: 'leave', reason: `newer, ${at}` };
    if (stageNames.indexOf(run.stageName) < reached) return { run, answer: 'leave', reason: `older, but ${at}, which this promotion has passed` };
    return { run, answer: 'reject' };
  });
}

type PromotionStatus = Promotion['status'];

/**
 * The statuses a saved promotion may be saved with next. A running promotion goes on running or finishes; a
 * finished one is final: whoever finished it first (a stop from the app, a follower in the CLI) has the last word,
 * so a follower holding an older copy can neither set it running again (and the next promote resume it) nor turn a
 * stop into a success.
 */
const NEXT_STATUSES: Record<PromotionStatus, readonly PromotionStatus[]> = {
  running: ['running', 'succeeded', 'failed', 'stopped'],
  succeeded: [],
  failed: [],
  stopped: [],
};

/** Whether a promotion saved as `from` may be saved as `to` (see NEXT_STATUSES). */
export function promotionStatusMayChange(from: PromotionStatus, to: PromotionStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}
