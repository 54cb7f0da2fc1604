// THE contract between the renderer and the main process. Every method has a zod
// input and output, every event a zod payload. The preload bridge, the main-side
// dispatcher and the renderer client are all derived from these two objects, so a
// method name is written here and nowhere else on the wire path.
import { z } from 'zod';
import { SettingsPatch, SettingsView } from './settings';
import { AccountsView, MfaPrompt, ProfileView, SsoPrompt } from './accounts';
import { PipelineChange } from '../pipeline/diff';
import { PipelineDetails, PipelineRow, TargetError, TargetRef } from './pipelines';
import type { EVENT_NAMES as EVENT_NAMES_LIST, METHOD_NAMES as METHOD_NAMES_LIST } from './names';
import { DesignFile } from '../pipeline/design-file';
import { AccountConfirmationView, AuditReportSchema, CleanRequest, CleanResultSchema, PlanPreview, Selection } from './artifacts';
import { CleanupPlan } from '../artifacts/plan';
import { RetentionPolicy } from '../artifacts/retention';
import { DriftView, Promotion, ReleaseBoard, ReleaseLease, ReleaseLogEntry, ReleaseSummary, TargetProblem } from './releases';
import { ReleaseFile } from '../releases/release-file';
import {
  EventsApplyInput,
  EventsApplyResult,
  EventsPlanView,
  EventsRemoveInput,
  EventsRemovePlan,
  EventsSetupInput,
  EventsTargetStatus,
  EventsTargetsInput,
  EventsTemplates,
  EventsTestResult,
  ResourceOutcome,
} from './events';
import { Approval, ApprovalsView, ExecutionDetails, ExecutionSummary, PipelineLiveState, SourceRevisionOverride, VariableOverride } from './executions';

const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
const NoInput = z.strictObject({});
const ProfileName = z.string().min(1).max(128);
const RegionCode = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not a region code');
const PipelineName = z.string().regex(/^[A-Za-z0-9.@\-_]{1,100}$/, 'not a pipeline name');
const StageName = z.string().regex(/^[A-Za-z0-9.@\-_]{1,100}$/, 'not a stage name');
const ActionName = StageName;
const ExecutionId = z.string().regex(/^[0-9a-fA-F-]{1,64}$/, 'not an execution id');
/** A pipeline, reached with a profile's credentials in a region. */
const Ref = z.strictObject({ profile: ProfileName, region: RegionCode, name: PipelineName });
const Done = z.object({ ok: z.literal(true) });
const ApplicationName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'not an application name');
const EnvironmentName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'not an environment name');
const PromotionId = z.string().regex(/^[A-Za-z0-9._-]{1,160}$/, 'not a promotion id');
const ReleaseFileErrorView = z.object({ line: z.number().int().nullable(), path: z.string(), message: z.string() });
/** A shared release's location: s3://bucket/prefix/ or its release.yaml (parsed and checked by the main process). */
const ReleaseLocation = z
  .string()
  .max(600)
  .regex(/^s3:\/\/\S+$/, 'not an S3 location (s3://bucket/prefix/)');
/**
 * Where a release lives: absent, the local home (by application, as before); `location`, a release shared in S3,
 * read and written with `stateProfile` (else the first workspace profile that can read it). With a location,
 * `application` must be the one the location holds.
 */
const Home = { location: ReleaseLocation.optional(), stateProfile: ProfileName.optional() };
const ReleaseTargetProblem = z.object({ environment: z.string(), pipeline: z.string(), profile: z.string(), region: z.string(), problem: TargetProblem });

export const JobId = z.string().regex(/^job-[a-z0-9-]{1,64}$/);
export const JobStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export const JobInfo = z.object({
  jobId: JobId,
  kind: z.string(),
  status: JobStatus,
  done: z.number(),
  total: z.number().nullable(),
  message: z.string().nullable(),
  startedAt: z.string(),
});
export type JobInfo = z.infer<typeof JobInfo>;

export const SandboxAccount = z.object({ id: z.string(), name: z.string() });
export const SandboxStatus = z.object({
  running: z.boolean(),
  /** Loopback URL of the embedded sandbox; null when it is off. */
  endpoint: z.string().nullable(),
  seed: z.string().nullable(),
  accounts: z.array(SandboxAccount),
  regions: z.array(z.string()),
  pipelineCount: z.number().int(),
});
export type SandboxStatus = z.infer<typeof SandboxStatus>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** A change as the diff makes it (`shared/pipeline/diff.ts`). */
export const PipelineChangeView = PipelineChange;
export const DesignDiffView = z.object({
  creates: z.boolean(),
  v1ToV2: z.boolean(),
  changes: z.array(PipelineChangeView),
  liveVersion: z.number().int().nullable(),
  /** The design was imported from version N and the live pipeline moved on since. */
  conflict: z.boolean(),
});
export type DesignDiffView = z.infer<typeof DesignDiffView>;

export const methods = {
  /** Name, version and how the app is running. */
  'app.info': method(NoInput, AppInfo),
  /**
   * The renderer is mounted and subscribed: flush events queued for it. `dropped`: events the
   * queue could not hold (more than it keeps before ready); the renderer then reads its state again.
   */
  'app.ready': method(NoInput, z.object({ flushed: z.number().int(), dropped: z.number().int() })),
  'settings.get': method(NoInput, SettingsView),
  'settings.update': method(SettingsPatch, SettingsView),
  'jobs.list': method(NoInput, z.object({ jobs: z.array(JobInfo) })),
  'jobs.cancel': method(z.strictObject({ jobId: JobId }), z.object({ cancelled: z.boolean() })),
  'sandbox.status': method(NoInput, SandboxStatus),
  /** Reset the embedded sandbox to a seed. Long work: returns a job id at once. */
  /** Start the embedded sandbox (with this seed) now; its profiles appear. */
  'sandbox.start': method(z.strictObject({ seed: z.enum(['demo', 'empty']).default('demo') }), SandboxStatus),
  /** Stop the embedded sandbox; its profiles go. */
  'sandbox.stop': method(NoInput, SandboxStatus),
  'sandbox.reseed': method(z.strictObject({ seed: z.enum(['demo', 'empty']) }), z.object({ jobId: JobId })),

  /** Profiles from ~/.aws (and the sandbox), config-file problems, regions, and the workspace. */
  'accounts.list': method(z.strictObject({ reload: z.boolean().optional() }), AccountsView),
  /** Checks identities (STS GetCallerIdentity + alias). `interactive` allows MFA prompts. */
  'accounts.check': method(
    z.strictObject({ profiles: z.array(ProfileName).max(500).optional(), interactive: z.boolean().optional() }),
    z.object({ profiles: z.array(ProfileView) }),
  ),
  'accounts.answerMfa': method(
    z.strictObject({ promptId: z.string().max(100), code: z.string().regex(/^\d{6}$/, 'an MFA code is 6 digits') }),
    z.object({ accepted: z.boolean() }),
  ),
  'accounts.cancelMfa': method(z.strictObject({ promptId: z.string().max(100) }), z.object({ cancelled: z.boolean() })),
  /** IAM Identity Center device login for an SSO profile. Long work: returns a job id. */
  'accounts.ssoLogin': method(z.strictObject({ profile: ProfileName }), z.object({ jobId: JobId })),

  /** Lists every pipeline of the workspace (or the given targets); rows stream as `pipelines.batch` events. */
  'pipelines.list': method(
    z.strictObject({
      targets: z
        .array(z.strictObject({ profile: ProfileName, region: RegionCode }))
        .max(2000)
        .optional(),
    }),
    z.object({ jobId: JobId, targets: z.number().int() }),
  ),
  'pipelines.get': method(z.strictObject({ profile: ProfileName, region: RegionCode, name: PipelineName }), PipelineDetails),
  /** A live pipeline as a design (GetPipeline + disabled transitions + tags). */
  'pipelines.exportDesign': method(z.strictObject({ profile: ProfileName, region: RegionCode, name: PipelineName }), DesignFile),

  /** The structural diff of a design against what is live (also the drift check), and whether deploying would conflict. */
  'designs.diff': method(z.strictObject({ design: DesignFile, profile: ProfileName, region: RegionCode }), DesignDiffView),
  /** Desktop only: the OS open dialog for a design, template or get-pipeline JSON. Null when cancelled. */
  'designs.openFile': method(NoInput, z.object({ fileName: z.string(), text: z.string() }).nullable()),
  /** Desktop only: save (to the file last opened or saved in this window) or save as. Null when cancelled. */
  'designs.saveFile': method(
    z.strictObject({ suggestedName: z.string().max(255), text: z.string().max(900_000), saveAs: z.boolean() }),
    z.object({ fileName: z.string() }).nullable(),
  ),
  /** Audits the workspace's artifact buckets. Long work: the report arrives as `artifacts.report`. */
  'artifacts.audit': method(NoInput, z.object({ jobId: JobId })),
  /**
   * The latest audit, if any (it outlives a reload of the page). Without `full`, as
   * the `artifacts.report` event carries it: no per-key detail of live prefixes.
   * `full` is for saving the report as a file the CLI can plan retention from.
   */
  'artifacts.lastReport': method(z.strictObject({ full: z.boolean().default(false) }), z.object({ report: AuditReportSchema.nullable() })),
  /** Everything the latest audit lets the app select under a retention policy: retention items count their keys. */
  'artifacts.preview': method(z.strictObject({ retention: RetentionPolicy }), PlanPreview),
  /** The full plan for a selection of the latest audit, every key listed: for "Save plan". */
  'artifacts.planFile': method(Selection, z.object({ plan: CleanupPlan })),
  /** Runs (or dry-runs) a plan made from the last audit. Long work: the result arrives as `artifacts.cleanResult`. */
  'artifacts.clean': method(CleanRequest, z.object({ jobId: JobId })),
  /**
   * Accounts as a cleanup, a bucket deletion or a lifecycle rule will be confirmed there,
   * their identities checked now: what a dialog asks a person to type.
   */
  'artifacts.accounts': method(
    z.strictObject({
      accountIds: z
        .array(z.string().regex(/^\d{12}$/, 'an account id is 12 digits'))
        .min(1)
        .max(200),
    }),
    z.object({ accounts: z.array(AccountConfirmationView) }),
  ),
  /**
   * Deletes an unused bucket of the latest audit, once empty. The confirmation is the bucket's
   * name, typed; in a production account (or one of unknown production), `prodConfirmation`
   * is its word as well (`artifacts.accounts`).
   */
  'artifacts.deleteBucket': method(
    z.object({ bucket: z.string().min(3).max(63), confirmation: z.string(), prodConfirmation: z.string().max(128).default('') }),
    z.object({ deleted: z.literal(true) }),
  ),
  /**
   * S3 lifecycle rules for one prefix of the latest audit, applied server-side by S3:
   * an orphan prefix expires whole (after a day); a live prefix gets retention's
   * age-only form (`retainDays`), which needs `ageOnlyAcknowledged`: it cannot keep
   * the last successful executions. Previewed (`apply: false`: the preview names the
   * bucket's account and the production word it needs), or applied with the bucket's
   * name typed as confirmation, and that word in `prodConfirmation` when there is one.
   */
  'artifacts.lifecycle': method(
    z.object({
      bucket: z.string().min(3).max(63),
      prefix: z.string().min(2).max(64),
      apply: z.boolean(),
      confirmation: z.string().default(''),
      prodConfirmation: z.string().max(128).default(''),
      retainDays: z.number().int().min(1).max(3650).optional(),
      ageOnlyAcknowledged: z.boolean().default(false),
    }),
    z.object({
      before: z.array(z.record(z.string(), z.unknown())),
      after: z.array(z.record(z.string(), z.unknown())),
      added: z.array(z.record(z.string(), z.unknown())),
      applied: z.boolean(),
      account: AccountConfirmationView,
    }),
  ),
  /** The live state of a pipeline, read now (stages, actions, transitions, the latest execution). */
  'executions.state': method(Ref, PipelineLiveState),
  /**
   * Watch a pipeline: its state arrives as `execution.updated` whenever it changes,
   * until unwatch or the window goes. `opened`: shown now (fast updates); else a
   * background watch. One watcher per pipeline serves every subscriber.
   */
  'executions.watch': method(Ref.extend({ opened: z.boolean().default(true) }), z.object({ state: PipelineLiveState.nullable() })),
  'executions.unwatch': method(Ref, Done),
  /** Watch every pipeline of the workspace in the background (the Executions section and the inbox). Long work: a job. */
  'executions.watchWorkspace': method(NoInput, z.object({ jobId: JobId })),
  /** A page of a pipeline's history, newest first. */
  'executions.list': method(
    Ref.extend({ maxResults: z.number().int().min(1).max(100).default(25), nextToken: z.string().max(2048).optional() }),
    z.object({ executions: z.array(ExecutionSummary), nextToken: z.string().nullable() }),
  ),
  /** One execution with every action run (the timeline), artifacts, variables and errors. */
  'executions.get': method(Ref.extend({ executionId: ExecutionId }), ExecutionDetails),
  /** Release change: V2 variable overrides and pinned source revisions. */
  'executions.start': method(
    Ref.extend({ variables: z.array(VariableOverride).max(50).default([]), sourceRevisions: z.array(SourceRevisionOverride).max(50).default([]) }),
    z.object({ executionId: z.string() }),
  ),
  /** Stopping or abandoning in a production account needs its word typed (shared/safety/production.ts). */
  'executions.stop': method(
    Ref.extend({ executionId: ExecutionId, reason: z.string().max(200).default(''), abandon: z.boolean(), confirmation: z.string().max(200).default('') }),
    Done,
  ),
  'executions.retry': method(Ref.extend({ executionId: ExecutionId, stage: StageName, allActions: z.boolean() }), z.object({ executionId: z.string() })),
  /** V2: roll a stage back to an earlier successful execution. */
  'executions.rollback': method(Ref.extend({ stage: StageName, targetExecutionId: ExecutionId }), z.object({ executionId: z.string() })),
  /** Let an execution past a stage condition that is being evaluated (a deployment window, an alarm). */
  'executions.overrideCondition': method(
    Ref.extend({ stage: StageName, executionId: ExecutionId, conditionType: z.enum(['BEFORE_ENTRY', 'ON_SUCCESS']) }),
    Done,
  ),
  'transitions.set': method(
    Ref.extend({ stage: StageName, type: z.enum(['inbound', 'outbound']), enabled: z.boolean(), reason: z.string().max(300).default('') }),
    Done,
  ),
  /** Every approval waiting in the workspace, read now, with what could not be read. */
  'approvals.list': method(NoInput, ApprovalsView),
  /**
   * Approve or reject. The token is read at that moment for `executionId` (the one
   * reviewed). In an account that is production, or may be, `confirmation` is the word the main
   * process named (the alias or profile that says production, else the account id).
   */
  'approvals.answer': method(
    Ref.extend({
      stage: StageName,
      action: ActionName,
      executionId: ExecutionId.nullable(),
      status: z.enum(['Approved', 'Rejected']),
      summary: z.string().min(1).max(512),
      confirmation: z.string().max(200).default(''),
    }),
    z.object({ executionId: z.string().nullable() }),
  ),
  /** Saved releases (one per application), with how many promotions run. */
  'releases.list': method(NoInput, z.object({ releases: z.array(ReleaseSummary) })),
  /** A release file's text checked as the CLI checks it; errors name their line. Nothing is saved. */
  'releases.parse': method(
    z.strictObject({ text: z.string().max(1_000_000) }),
    z.object({ release: ReleaseFile.nullable(), errors: z.array(ReleaseFileErrorView) }),
  ),
  /** Saves a valid release file, then checks its targets against live pipelines (problems are reported, not fatal). */
  'releases.save': method(
    z.strictObject({
      text: z.string().max(1_000_000),
      ...Home,
      /**
       * A shared release: the version read (`releases.get`'s or `releases.open`'s), so the save is made only over
       * it (a conflict names who saved another); null to create it where there is none. Absent: the last read here.
       */
      version: z.string().max(200).nullable().optional(),
    }),
    z.object({ release: ReleaseFile, problems: z.array(ReleaseTargetProblem) }),
  ),
  'releases.get': method(
    z.strictObject({ application: ApplicationName, ...Home }),
    /** `version`: a shared release file's version (its ETag), for a save over it. */
    z.object({ release: ReleaseFile, text: z.string(), version: z.string().optional() }),
  ),
  /** Opens a release shared in S3 by its location alone: its application, file and version, and who reads it. */
  'releases.open': method(
    z.strictObject({ location: ReleaseLocation, stateProfile: ProfileName.optional() }),
    z.object({
      application: z.string(),
      release: ReleaseFile,
      text: z.string(),
      version: z.string(),
      /** The location, written as s3://bucket/prefix/. */
      location: z.string(),
      /** The profile it is read and written with, and that profile's identity (recorded with every write). */
      stateProfile: z.string(),
      identity: z.string(),
    }),
  ),
  /** Moves a local release (file, promotions, log) to an S3 location; a location holding another release is refused, nothing written. */
  'releases.share': method(
    z.strictObject({ application: ApplicationName, to: ReleaseLocation, stateProfile: ProfileName.optional() }),
    z.object({
      location: z.string(),
      application: z.string(),
      created: z.boolean(),
      promotions: z.object({ written: z.number().int(), present: z.number().int() }),
      entries: z.object({ written: z.number().int(), present: z.number().int() }),
    }),
  ),
  /** The lease on an environment of a shared release: who holds it, since when, held / expired / released; null: none. */
  'releases.lease': method(
    z.strictObject({ location: ReleaseLocation, environment: EnvironmentName, stateProfile: ProfileName.optional() }),
    z.object({ lease: ReleaseLease.nullable() }),
  ),
  /** A release file from live pipelines (each checked, its account written down); not saved. */
  'releases.init': method(
    z.strictObject({
      application: ApplicationName,
      environments: z
        .array(
          z.strictObject({
            name: EnvironmentName,
            targets: z
              .array(z.strictObject({ profile: ProfileName, region: RegionCode, pipeline: PipelineName }))
              .min(1)
              .max(50),
          }),
        )
        .min(1)
        .max(20),
    }),
    z.object({ release: ReleaseFile, text: z.string() }),
  ),
  /** The board: environments x targets, the revision each runs, what runs or waits, drift and gates; read now. */
  'releases.board': method(z.strictObject({ application: ApplicationName, ...Home }), ReleaseBoard),
  /**
   * Promote an environment: start its pipelines pinned to the previous environment's
   * succeeded revision (or `revision`), once its gate is open. A promotion of it still
   * running is resumed, never started again. Followed in the main process; changes
   * arrive as `release.updated`.
   */
  'releases.promote': method(
    z.strictObject({
      application: ApplicationName,
      ...Home,
      environment: EnvironmentName,
      revision: z.string().min(1).max(1500).optional(),
      confirmed: z.boolean().default(false),
      allowUnpinned: z.boolean().default(false),
    }),
    z.object({
      promotion: Promotion.nullable(),
      resumed: z.boolean(),
      /** Why the gate stayed shut (then nothing started). */
      blocked: z.object({ kind: z.string(), reason: z.string(), openAt: z.string().nullable() }).nullable(),
    }),
  ),
  /** Approve a promotion's approvals together (older runs holding its stages are rejected); production needs the environment's name typed. */
  'releases.approve': method(
    z.strictObject({ application: ApplicationName, ...Home, promotionId: PromotionId, confirmation: z.string().max(200).default('') }),
    z.object({ approved: z.number().int(), rejected: z.number().int() }),
  ),
  /** Stop a promotion (its executions run on). */
  'releases.stop': method(
    z.strictObject({ application: ApplicationName, ...Home, promotionId: PromotionId, reason: z.string().max(300).default('') }),
    Promotion,
  ),
  /** The release log, oldest first. */
  'releases.history': method(z.strictObject({ application: ApplicationName, ...Home }), z.object({ entries: z.array(ReleaseLogEntry) })),
  /** The structural drift between two environments' pipelines. */
  'releases.diff': method(z.strictObject({ application: ApplicationName, ...Home, from: EnvironmentName, to: EnvironmentName }), DriftView),
  'artifacts.auditLog': method(NoInput, z.object({ entries: z.array(z.record(z.string(), z.unknown())) })),
  /** Create or update; `expectedVersion` is the live version the user reviewed (null: none). */
  'designs.deploy': method(
    z.strictObject({ design: DesignFile, profile: ProfileName, region: RegionCode, expectedVersion: z.number().int().nullable() }),
    z.object({ created: z.boolean(), version: z.number().int(), arn: z.string() }),
  ),
  /** Live updates: what the setup would create, per account and region; nothing is created. */
  'events.plan': method(EventsSetupInput, EventsPlanView),
  /**
   * Create (or bring up to date) what the plan names and the person confirmed (`resources`, the ids they saw;
   * `production`, each production account's word), with each account's own credentials; per-resource outcomes, resumable.
   */
  'events.apply': method(EventsApplyInput, EventsApplyResult),
  /** The same resources as CloudFormation (member template for a StackSet, hub template); nothing is created. */
  'events.template': method(EventsSetupInput, EventsTemplates),
  /** A test event put in a target's default bus, received from the hub's queue and deleted. */
  'events.test': method(z.strictObject({ profile: ProfileName, region: RegionCode }), EventsTestResult),
  /** Per target (the workspace's, or these): event-driven, polled (with why) or degraded. */
  'events.status': method(
    z.strictObject({
      targets: z
        .array(z.strictObject({ profile: ProfileName, region: RegionCode }))
        .max(2000)
        .optional(),
    }),
    z.object({ targets: z.array(EventsTargetStatus) }),
  ),
  /** What remove would delete for these targets (found by name and tag), and what it keeps. */
  'events.removePlan': method(EventsTargetsInput, EventsRemovePlan),
  /** Delete what `events.removePlan` lists and the person confirmed (the ids they saw, and each production account's word). */
  'events.remove': method(EventsRemoveInput, z.object({ outcomes: z.array(ResourceOutcome), ok: z.boolean() })),
} as const;

export const events = {
  'job.progress': z.object({
    jobId: JobId,
    kind: z.string(),
    done: z.number(),
    total: z.number().nullable(),
    message: z.string().nullable(),
  }),
  'job.finished': z.object({
    jobId: JobId,
    kind: z.string(),
    status: JobStatus.exclude(['running']),
    error: z.string().nullable(),
  }),
  'settings.changed': SettingsView,
  'sandbox.changed': SandboxStatus,
  'accounts.changed': z.object({ profiles: z.array(ProfileView) }),
  /** A profile needs an MFA code: answer with accounts.answerMfa. The code is never stored. */
  'accounts.mfaPrompt': MfaPrompt,
  /** Device login started: the user opens the URL and confirms the code. */
  'accounts.ssoPrompt': SsoPrompt,
  'pipelines.batch': z.object({ jobId: JobId, target: TargetRef, rows: z.array(PipelineRow) }),
  'pipelines.targetError': z.object({ jobId: JobId, target: TargetRef, error: TargetError }),
  'artifacts.report': z.object({ jobId: JobId, report: AuditReportSchema }),
  'artifacts.cleanResult': z.object({ jobId: JobId, result: CleanResultSchema }),
  /** A watched pipeline's state changed. */
  'execution.updated': PipelineLiveState,
  /** A watched pipeline has an approval waiting that was not waiting before. */
  'approval.waiting': Approval,
  /** A watched pipeline's latest execution finished (or failed). */
  'execution.finished': z.object({ ref: PipelineLiveState.shape.ref, execution: ExecutionSummary }),
  /** A promotion moved on, or the release log grew. */
  'release.updated': z.object({
    application: z.string(),
    /** A release shared in S3: its location (s3://bucket/prefix/); null (or absent) for the local home. */
    location: z.string().nullable().optional(),
    promotion: Promotion.nullable(),
    log: ReleaseLogEntry.nullable(),
  }),
  /** A resource of the live-updates setup was created, updated, deleted, refused or failed (during events.apply / events.remove). */
  'events.resource': ResourceOutcome,
  /** Something the user should see as a toast. */
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Events = typeof events;
export type EventName = keyof Events;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export { EVENT_NAMES, METHOD_NAMES, isEventName, isMethodName } from './names';

// The names-only lists (for the preload) must be exactly this contract's keys: a
// method or event added here and not there (or the reverse) fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatch: [Same<MethodName, (typeof METHOD_NAMES_LIST)[number]>, Same<EventName, (typeof EVENT_NAMES_LIST)[number]>] = [true, true];
void namesMatch;
