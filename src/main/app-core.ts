// Builds the main-process core shared by the Electron entry and browser mode:
// settings, jobs, the event hub, the embedded sandbox and the one dispatcher.
// Nothing here imports 'electron'.
import { AppError } from '../shared/api/errors';
import { createDispatcher, type Dispatch, type Handlers } from './rpc/dispatcher';
import { EventHub } from './rpc/event-hub';
import { JobManager } from './jobs/job-manager';
import { SettingsService } from './services/settings-service';
import { SandboxService } from './services/sandbox-service';
import { AccountsService } from './services/accounts-service';
import { PipelinesService } from './services/pipelines-service';
import { DesignsService } from './services/designs-service';
import { ArtifactsService } from './services/artifacts-service';
import { auditedPrefixes, planForAudit, selectRows, slimReport, type AuditReport } from '../shared/artifacts/report';
import { checkPlanAgainstAudit, previewOf, type CleanupPlan } from '../shared/artifacts/plan';
import { missingConfirmations } from '../shared/artifacts/confirm';
import type { RetentionPolicy } from '../shared/artifacts/retention';
import { ssoDeviceLogin } from './aws/sso-login';
import { awsAppError } from './aws/errors';
import { isAllowedExternalUrl } from '../shared/api/external-links';
import { basename } from 'node:path';

export interface CoreOptions {
  home: string;
  mode: 'electron' | 'browser';
  version: string;
  /** 'on': always start the sandbox; 'auto': when no AWS profile exists and settings allow. */
  sandbox: 'on' | 'auto' | 'off';
  sandboxTimeScale?: number;
  sandboxPort?: number;
  sandboxAdminToken?: string;
  log?: (line: string) => void;
  /** Opens an allowlisted https URL in the OS browser (SSO device login). */
  openExternal?: (url: string) => void;
  /** The OS file dialogs (desktop only; browser mode uploads and downloads instead). */
  fileDialogs?: FileDialogs;
}

export interface FileDialogs {
  open(): Promise<{ path: string; text: string } | null>;
  save(suggestedName: string, text: string, path: string | null): Promise<string | null>;
}

export interface Core {
  dispatch: Dispatch;
  hub: EventHub;
  jobs: JobManager;
  settings: SettingsService;
  sandbox: SandboxService;
  accounts: AccountsService;
  pipelines: PipelinesService;
  close(): Promise<void>;
}

export async function createCore(opts: CoreOptions): Promise<Core> {
  const log = opts.log ?? (() => {});
  const hub = new EventHub();
  const jobs = new JobManager(hub);
  const settings = new SettingsService(opts.home);
  const initial = await settings.load();
  if (initial.warning) log(initial.warning);
  const sandbox = new SandboxService({ timeScale: opts.sandboxTimeScale, port: opts.sandboxPort, adminToken: opts.sandboxAdminToken, log });
  const accounts = new AccountsService(hub, () => settings.settings, sandbox);
  const pipelines = new PipelinesService(accounts);
  const designs = new DesignsService(accounts);
  // Re-checks read the blocklists as they are at the moment of deletion.
  const artifacts = new ArtifactsService(accounts, pipelines, opts.home, { blocklists: async () => settings.settings.artifacts });
  // The last audit: a plan is accepted only if it stays within what this audit found.
  let lastAudit: AuditReport | null = null;
  const auditFirst = (): AuditReport => {
    if (!lastAudit) throw new AppError('CONFLICT', 'Audit first: plans are made from, and checked against, the latest audit.');
    return lastAudit;
  };
  // Everything the latest audit allows under a policy. Cached: at a million live
  // keys a plan takes a third of a second, and the preview, "Save plan" and the
  // run that follows ask for the same one. Plans are never mutated.
  const planned = new Map<string, { audit: AuditReport; plan: CleanupPlan }>();
  const planFor = (retention: RetentionPolicy): CleanupPlan => {
    const audit = auditFirst();
    const key = `${retention.keepLast}|${retention.keepDays}`;
    const hit = planned.get(key);
    if (hit?.audit === audit) return hit.plan;
    if (planned.size >= 8) planned.clear();
    const plan = planForAudit(audit, retention);
    planned.set(key, { audit, plan });
    return plan;
  };
  await accounts.reload();

  const wantSandbox = opts.sandbox === 'on' || (opts.sandbox === 'auto' && initial.settings.sandbox.enabled && accounts.profiles().length === 0);
  if (wantSandbox) await sandbox.start('demo');

  settings.onChange((view) => hub.emit('settings.changed', view));
  sandbox.onChange((status) => {
    // A restarted sandbox has a new port: drop clients and credentials made for the old one.
    accounts.clients.clear();
    accounts.broker.invalidate();
    hub.emit('sandbox.changed', status);
  });

  // The file each window last opened or saved, for "Save" without a dialog.
  const lastPath = new Map<string, string>();
  hub.onDeparture((clientId) => lastPath.delete(clientId));
  const dialogs = () => {
    if (!opts.fileDialogs) throw new AppError('UNAVAILABLE', 'File dialogs exist in the desktop app only; browser mode uploads and downloads files.');
    return opts.fileDialogs;
  };

  const handlers: Handlers = {
    'app.info': () => ({ name: 'Pipewright', version: opts.version, mode: opts.mode, platform: process.platform }),
    'app.ready': (_input, ctx) => {
      const flushed = hub.markReady(ctx.clientId);
      // A corrupt settings file is worth a toast, not just a log line.
      const w = settings.view().warning;
      if (w) hub.emit('app.notice', { level: 'warning', message: w });
      return { flushed };
    },
    'settings.get': () => settings.view(),
    'settings.update': async (patch) => {
      const before = settings.settings.sandbox.enabled;
      const view = await settings.update(patch);
      if (opts.sandbox !== 'off' && before !== view.settings.sandbox.enabled) {
        if (view.settings.sandbox.enabled) await sandbox.start('demo');
        else await sandbox.stop();
      }
      return view;
    },
    'jobs.list': () => ({ jobs: jobs.list() }),
    'jobs.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'sandbox.status': () => sandbox.status(),
    'sandbox.reseed': ({ seed }, ctx) => {
      if (opts.sandbox === 'off') throw new AppError('UNAVAILABLE', 'The sandbox is turned off for this session.');
      const jobId = jobs.start('sandbox.reseed', ctx.clientId, (job) =>
        sandbox.reseed(seed, job.signal, (done, total, message) => job.progress(done, total, message)),
      );
      return { jobId };
    },

    'accounts.list': async ({ reload }) => {
      if (reload) await accounts.reload();
      return accounts.view();
    },
    'accounts.check': async ({ profiles, interactive }) => ({ profiles: await accounts.check(profiles, !!interactive) }),
    'accounts.answerMfa': ({ promptId, code }) => ({ accepted: accounts.answerMfa(promptId, code) }),
    'accounts.cancelMfa': ({ promptId }) => ({ cancelled: accounts.cancelMfa(promptId) }),
    'accounts.ssoLogin': ({ profile }, ctx) => {
      const p = accounts.profile(profile);
      if (p.kind !== 'sso') throw new AppError('BAD_REQUEST', `Profile ${profile} does not use IAM Identity Center.`);
      const jobId = jobs.start('accounts.ssoLogin', ctx.clientId, async (job) => {
        job.progress(0, 2, 'Waiting for you to confirm the code in the browser');
        const r = await ssoDeviceLogin(p, {
          signal: job.signal,
          onPrompt: (verificationUri, userCode) => {
            hub.emit('accounts.ssoPrompt', { profile, verificationUri, userCode });
            if (isAllowedExternalUrl(verificationUri)) opts.openExternal?.(verificationUri);
          },
        });
        job.progress(1, 2, `Signed in until ${r.expiresAt}; checking the profile`);
        accounts.broker.invalidate(profile);
        await accounts.check([profile], false, job.signal);
        job.progress(2, 2, 'Signed in');
      });
      return { jobId };
    },

    'pipelines.list': ({ targets }, ctx) => {
      const pairs = pipelines.targets(targets);
      const jobId = jobs.start('pipelines.list', ctx.clientId, async (job) => {
        job.progress(0, pairs.length, `0 of ${pairs.length} targets`);
        await pipelines.list(
          pairs,
          {
            onRows: (target, rows) => hub.emit('pipelines.batch', { jobId: job.jobId, target, rows }),
            onError: (target, error) => hub.emit('pipelines.targetError', { jobId: job.jobId, target, error }),
            onTargetDone: (done, total) => job.progress(done, total, `${done} of ${total} targets`),
          },
          job.signal,
        );
      });
      return { jobId, targets: pairs.length };
    },
    'pipelines.get': ({ profile, region, name }) => pipelines.get(profile, region, name),
    'pipelines.exportDesign': ({ profile, region, name }) => designs.exportLive(profile, region, name),
    'designs.diff': ({ design, profile, region }) => designs.diff(design, profile, region),
    'artifacts.audit': (_input, ctx) => {
      const jobId = jobs.start('artifacts.audit', ctx.clientId, async (job) => {
        const started = Date.now();
        const blocks = settings.settings.artifacts;
        const report = await artifacts.audit(pipelines.targets(), {
          signal: job.signal,
          blockedBuckets: blocks.blockedBuckets,
          blockedAccounts: blocks.blockedAccounts,
          pricePerGbMonth: blocks.pricePerGbMonth,
          onProgress: (p) => {
            const secs = Math.max(0.001, (Date.now() - started) / 1000);
            job.progress(
              p.done,
              p.total,
              `${p.phase === 'pipelines' ? 'Pipelines' : 'Buckets'} ${p.done}/${p.total} · ${p.objects} object versions scanned (${Math.round(p.objects / secs)}/s)`,
            );
          },
        });
        if (job.signal.aborted) return;
        lastAudit = report;
        // The page gets the report without per-key detail; plans are made here, from the full one.
        hub.emit('artifacts.report', { jobId: job.jobId, report: slimReport(report) });
      });
      return { jobId };
    },
    'artifacts.lastReport': ({ full }) => ({ report: lastAudit && (full ? lastAudit : slimReport(lastAudit)) }),
    'artifacts.preview': ({ retention }) => previewOf(planFor(retention)),
    'artifacts.planFile': ({ rows, retention }) => ({ plan: selectRows(planFor(retention), rows) }),
    'artifacts.clean': ({ plan: given, selection, dryRun, confirmations, prodConfirmations }, ctx) => {
      const audited = auditFirst();
      const plan = given ?? selectRows(planFor(selection!.retention), selection!.rows);
      if (!plan.items.length) throw new AppError('BAD_REQUEST', 'Nothing selected is in the latest audit: select again.');
      try {
        checkPlanAgainstAudit(plan, auditedPrefixes(audited));
      } catch (err) {
        throw new AppError('INVALID_INPUT', err instanceof Error ? err.message : String(err));
      }
      if (!dryRun) {
        const { untyped, unconfirmedProd } = missingConfirmations(plan.items, confirmations, prodConfirmations);
        if (untyped.length)
          throw new AppError('BAD_REQUEST', `Type the account id or alias to confirm: ${untyped.map((a) => a.accountAlias ?? a.accountId).join(', ')}.`);
        if (unconfirmedProd.length)
          throw new AppError('BAD_REQUEST', `Confirm production accounts a second time: ${unconfirmedProd.map((a) => a.accountAlias).join(', ')}.`);
      }
      // A confirmed cleanup is detached: a closed window does not stop it half-way.
      const jobId = jobs.start(dryRun ? 'artifacts.dryRun' : 'artifacts.clean', dryRun ? ctx.clientId : null, async (job) => {
        const result = await artifacts.clean(plan, {
          dryRun,
          signal: job.signal,
          onProgress: (p) =>
            job.progress(
              p.objects,
              p.expectedObjects,
              `${p.objects}/${p.expectedObjects} versions · ${(p.bytes / 2 ** 20).toFixed(1)} MiB · ${p.ratePerSec.toFixed(0)}/s${p.etaSec !== null ? ` · ETA ${Math.ceil(p.etaSec)} s` : ''}`,
            ),
        });
        hub.emit('artifacts.cleanResult', { jobId: job.jobId, result });
      });
      return { jobId };
    },
    'artifacts.deleteBucket': async ({ bucket, confirmation }) => {
      const b = lastAudit?.buckets.find((x) => x.name === bucket);
      if (!b) throw new AppError('CONFLICT', `s3://${bucket} is not in the latest audit: audit first.`);
      if (!b.unused || b.protected)
        throw new AppError('BAD_REQUEST', `s3://${bucket} is ${b.protected ? 'protected' : 'used by a live pipeline'}: it cannot be deleted here.`);
      if (confirmation !== bucket) throw new AppError('BAD_REQUEST', `Type the bucket name ${bucket} to confirm.`);
      await artifacts.deleteBucket(b);
      lastAudit = { ...lastAudit!, buckets: lastAudit!.buckets.filter((x) => x !== b) };
      return { deleted: true as const };
    },
    'artifacts.lifecycle': async ({ bucket, prefix, apply, confirmation, retainDays, ageOnlyAcknowledged }) => {
      const b = lastAudit?.buckets.find((x) => x.name === bucket);
      if (!b) throw new AppError('CONFLICT', `s3://${bucket} is not in the latest audit: audit first.`);
      const p = b.prefixes.find((x) => `${x.prefix}/` === prefix);
      const live = p?.class === 'live' || p?.class === 'shared';
      if (b.protected || !(p?.class === 'orphan' || (live && retainDays !== undefined)))
        throw new AppError(
          'BAD_REQUEST',
          `Only an orphan prefix, or a live one with a retention age, of an unprotected bucket can get lifecycle rules: s3://${bucket}/${prefix} is ${b.protected ? 'protected' : (p?.class ?? 'not in the audit')}.`,
        );
      if (live && apply && !ageOnlyAcknowledged)
        throw new AppError('BAD_REQUEST', 'A lifecycle rule expires by age alone and cannot keep the last successful executions: acknowledge that first.');
      if (apply && confirmation !== bucket) throw new AppError('BAD_REQUEST', `Type the bucket name ${bucket} to confirm.`);
      const r = await artifacts.expireByLifecycle(b, prefix, apply, live ? retainDays : undefined);
      return { ...r, applied: apply };
    },
    'artifacts.auditLog': async () => ({ entries: await artifacts.readAuditLog() }),
    'designs.openFile': async (_input, ctx) => {
      const r = await dialogs().open();
      if (!r) return null;
      lastPath.set(ctx.clientId, r.path);
      return { fileName: basename(r.path), text: r.text };
    },
    'designs.saveFile': async ({ suggestedName, text, saveAs }, ctx) => {
      const path = await dialogs().save(suggestedName, text, saveAs ? null : (lastPath.get(ctx.clientId) ?? null));
      if (!path) return null;
      lastPath.set(ctx.clientId, path);
      return { fileName: basename(path) };
    },
    'designs.deploy': ({ design, profile, region, expectedVersion }) => designs.deploy(design, profile, region, expectedVersion),
  };

  return {
    dispatch: createDispatcher(handlers, log, awsAppError),
    hub,
    jobs,
    settings,
    sandbox,
    accounts,
    pipelines,
    async close() {
      await jobs.shutdown();
      accounts.close();
      await sandbox.stop();
    },
  };
}
