// Artifact buckets, as a feature: the latest audit (kept whole here; the page
// gets it without per-key detail), plans made from it and cached per policy,
// and the rules a cleanup, a bucket deletion or a lifecycle rule must pass
// before the service acts (which then re-checks everything live).
import { AppError } from '../../shared/api/errors';
import type { MethodName } from '../../shared/api/contract';
import type { Settings } from '../../shared/api/settings';
import { confirm } from '../../shared/safety/confirmation';
import { previewOf, type CleanupPlan } from '../../shared/artifacts/plan';
import { planForAudit, selectRows, slimReport, type AuditReport } from '../../shared/artifacts/report';
import type { RetentionPolicy } from '../../shared/artifacts/retention';
import type { ProfileInfo } from '../aws/profiles';
import type { ArtifactsService } from './service';
import type { Events, HandlerSlice, Jobs } from '../rpc/handler-slice';

type ArtifactsMethods = Extract<MethodName, `artifacts.${string}`>;

export interface ArtifactsDeps {
  artifacts: ArtifactsService;
  /** The workspace's (profile, region) pairs, read when an audit starts. */
  targets: () => Array<{ profile: ProfileInfo; region: string }>;
  /** The artifact settings (blocklists, price) as they are now. */
  settings: () => Settings['artifacts'];
  jobs: Jobs;
  events: Events;
}

export function artifactsFeature({ artifacts, targets, settings, jobs, events }: ArtifactsDeps): { handlers: HandlerSlice<ArtifactsMethods> } {
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
  const bucketOfAudit = (bucket: string) => {
    const b = lastAudit?.buckets.find((x) => x.name === bucket);
    if (!b) throw new AppError('CONFLICT', `s3://${bucket} is not in the latest audit: audit first.`);
    return b;
  };

  const handlers: HandlerSlice<ArtifactsMethods> = {
    'artifacts.audit': (_input, ctx) => {
      const jobId = jobs.start('artifacts.audit', ctx.clientId, async (job) => {
        const started = Date.now();
        const blocks = settings();
        const report = await artifacts.audit(targets(), {
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
        events.emit('artifacts.report', { jobId: job.jobId, report: slimReport(report) });
      });
      return { jobId };
    },
    'artifacts.lastReport': ({ full }) => ({ report: lastAudit && (full ? lastAudit : slimReport(lastAudit)) }),
    'artifacts.preview': ({ retention }) => previewOf(planFor(retention)),
    'artifacts.planFile': ({ rows, retention }) => ({ plan: selectRows(planFor(retention), rows) }),
    'artifacts.clean': async ({ plan: given, selection, dryRun, confirmations, prodConfirmations }, ctx) => {
      const audited = auditFirst();
      const plan = given ?? selectRows(planFor(selection!.retention), selection!.rows);
      if (!plan.items.length) throw new AppError('BAD_REQUEST', 'Nothing selected is in the latest audit: select again.');
      const confirmed = dryRun ? null : confirm(await artifacts.cleanupRequest(plan), { words: confirmations, production: prodConfirmations });
      // A confirmed cleanup is detached: a closed window does not stop it half-way.
      const jobId = jobs.start(dryRun ? 'artifacts.dryRun' : 'artifacts.clean', dryRun ? ctx.clientId : null, async (job) => {
        const result = await artifacts.clean(plan, {
          against: audited,
          confirmed,
          dryRun,
          signal: job.signal,
          program: 'the Pipewright app', // named as the releases' lock names it (app-core.ts)
          onProgress: (p) =>
            job.progress(
              p.objects,
              p.expectedObjects,
              `${p.objects}/${p.expectedObjects} versions · ${(p.bytes / 2 ** 20).toFixed(1)} MiB · ${p.ratePerSec.toFixed(0)}/s${p.etaSec !== null ? ` · ETA ${Math.ceil(p.etaSec)} s` : ''}`,
            ),
        });
        events.emit('artifacts.cleanResult', { jobId: job.jobId, result });
      });
      return { jobId };
    },
    'artifacts.accounts': async ({ accountIds }) => ({ accounts: await artifacts.accountViews(accountIds) }),
    'artifacts.deleteBucket': async ({ bucket, confirmation, prodConfirmation }) => {
      const b = bucketOfAudit(bucket);
      const request = await artifacts.bucketRequest('bucket-deletion', b);
      await artifacts.deleteBucket(b, confirm(request, { words: [confirmation], production: [prodConfirmation] }));
      lastAudit = { ...lastAudit!, buckets: lastAudit!.buckets.filter((x) => x !== b) };
      return { deleted: true as const };
    },
    'artifacts.lifecycle': async ({ bucket, prefix, apply, confirmation, prodConfirmation, retainDays, ageOnlyAcknowledged }) => {
      const b = bucketOfAudit(bucket);
      const r = await artifacts.expireByLifecycle(
        b,
        prefix,
        apply && confirm(await artifacts.bucketRequest('lifecycle', b), { words: [confirmation], production: [prodConfirmation] }),
        retainDays,
        ageOnlyAcknowledged,
      );
      return { ...r, applied: apply };
    },
    'artifacts.auditLog': async () => ({ entries: await artifacts.readAuditLog() }),
  };
  return { handlers };
}
