// The artifact audit report, plan and cleanup results as they cross the contract.
import { z } from 'zod';
import { CleanResult, CleanupPlan, PlanPreview } from '../artifacts/plan';
import { RetentionPolicy } from '../artifacts/retention';
import { AuditReport } from '../artifacts/report';

/** The audit report's schema, defined with the report (`shared/artifacts/report.ts`). */
export const AuditReportSchema = AuditReport;

export const CleanResultSchema = CleanResult;

/** The app's choice: selected rows (see `selectionKey`) and the retention policy; the main process builds the plan from its latest audit. */
export const Selection = z.strictObject({ rows: z.array(z.string().max(400)).max(100_000), retention: RetentionPolicy });

export { PlanPreview };

export { AccountConfirmationView } from './production';

export const CleanRequest = z
  .strictObject({
    /** A plan file's plan (checked against the latest audit), or `selection`. */
    plan: CleanupPlan.optional(),
    selection: Selection.optional(),
    dryRun: z.boolean(),
    /** Typed confirmations: each account of the plan by id or alias (needed unless dry run). */
    confirmations: z.array(z.string().max(128)).max(200),
    /** Each account's production word (`artifacts.accounts` names it: production, or unknown), typed a second time. */
    prodConfirmations: z.array(z.string().max(128)).max(200),
  })
  .refine((r) => (r.plan === undefined) !== (r.selection === undefined), { message: 'send a plan or a selection, not both' });
