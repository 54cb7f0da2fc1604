// The artifact audit report, plan and cleanup results as they cross the contract.
import { z } from 'zod';
import { CleanupPlan, PlanPreview } from '../artifacts/plan';
import { RetentionPolicy } from '../artifacts/retention';

const Tally = z.object({
  objects: z.number(),
  versions: z.number(),
  deleteMarkers: z.number(),
  bytes: z.number(),
  oldest: z.number().nullable(),
  newest: z.number().nullable(),
});
const Claimer = z.object({ accountId: z.string(), region: z.string(), name: z.string() });

export const AuditReportSchema = z.object({
  version: z.literal(1),
  generatedAt: z.string(),
  pricePerGbMonth: z.number(),
  buckets: z.array(
    z.object({
      profile: z.string(),
      accountId: z.string(),
      accountAlias: z.string().nullable(),
      region: z.string(),
      name: z.string(),
      versioning: z.enum(['Enabled', 'Suspended', 'Disabled']),
      encryption: z.string().nullable(),
      tags: z.record(z.string(), z.string()),
      protected: z.boolean(),
      declaredBy: z.array(Claimer),
      shapedLikeDefault: z.boolean(),
      unused: z.boolean(),
      sharedWith: z.array(z.string()),
      coverage: z.object({ complete: z.boolean(), gaps: z.array(z.string()) }),
      totals: Tally.extend({ monthlyCost: z.number() }),
      foreign: Tally.extend({ sample: z.array(z.string()) }),
      prefixes: z.array(
        Tally.extend({
          prefix: z.string(),
          class: z.enum(['live', 'shared', 'orphan', 'unverified', 'foreign']),
          reason: z.string().optional(),
          held: z.string().optional(),
          claimedBy: z.array(Claimer),
          folders: z.array(Tally.extend({ folder: z.string(), stale: z.boolean() })),
          keep: z.array(z.string()),
          keys: z
            .array(z.object({ key: z.string(), versions: z.number(), deleteMarkers: z.number(), bytes: z.number(), current: z.boolean(), newest: z.number() }))
            .optional(),
          successes: z
            .array(z.object({ pipeline: z.string(), accountId: z.string(), region: z.string(), id: z.string(), time: z.number(), keys: z.array(z.string()) }))
            .optional(),
          monthlyCost: z.number(),
        }),
      ),
    }),
  ),
  errors: z.array(z.object({ profile: z.string(), region: z.string().nullable(), bucket: z.string().optional(), kind: z.string(), message: z.string() })),
  coverage: z
    .object({
      complete: z.boolean(),
      scopeRegions: z.array(z.string()),
      accounts: z.array(
        z.object({
          accountId: z.string(),
          alias: z.string().nullable(),
          profile: z.string(),
          profiles: z.array(z.string()),
          listed: z.array(z.string()),
          notEnabled: z.array(z.string()),
          failed: z.array(z.object({ region: z.string(), code: z.string(), message: z.string() })),
          regionStatusError: z.string().nullable(),
          historyFailed: z.array(z.object({ pipeline: z.string(), region: z.string(), message: z.string() })),
        }),
      ),
      unreachableProfiles: z.array(z.object({ profile: z.string(), message: z.string() })),
    })
    .optional(),
  unverified: z.array(z.object({ accountId: z.string(), bucket: z.string(), prefix: z.string(), reason: z.string() })).optional(),
});

export const CleanResultSchema = z.object({
  dryRun: z.boolean(),
  resumed: z.boolean(),
  deletedVersions: z.number(),
  deletedBytes: z.number(),
  skipped: z.array(z.object({ bucket: z.string(), prefix: z.string(), reason: z.string(), unverified: z.boolean() })),
  failed: z.array(z.object({ bucket: z.string(), key: z.string(), versionId: z.string(), code: z.string(), message: z.string() })),
  cancelled: z.boolean(),
  checkpoint: z.string(),
});

/** The app's choice: selected rows (see `selectionKey`) and the retention policy; the main process builds the plan from its latest audit. */
export const Selection = z.strictObject({ rows: z.array(z.string().max(400)).max(100_000), retention: RetentionPolicy });

export { PlanPreview };

export const CleanRequest = z
  .strictObject({
    /** A plan file's plan (checked against the latest audit), or `selection`. */
    plan: CleanupPlan.optional(),
    selection: Selection.optional(),
    dryRun: z.boolean(),
    /** Typed confirmations: each account of the plan by id or alias (needed unless dry run). */
    confirmations: z.array(z.string().max(128)).max(200),
    /** Accounts whose alias contains "prod" are confirmed a second time. */
    prodConfirmations: z.array(z.string().max(128)).max(200),
  })
  .refine((r) => (r.plan === undefined) !== (r.selection === undefined), { message: 'send a plan or a selection, not both' });
