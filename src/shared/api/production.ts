// The production rule's verdict as it crosses the contract (shared/safety/production.ts
// decides it): in its own module, so every part of the contract that shows it (executions,
// artifacts, live updates) imports it without importing each other.
import { z } from 'zod';

export const ProductionVerdictKind = z.enum(['production', 'unknown', 'unidentified', 'not-production']);
export type ProductionVerdictKind = z.infer<typeof ProductionVerdictKind>;

/**
 * An account as the main process will judge it when a person confirms a cleanup, a bucket
 * deletion or a lifecycle rule there (identities checked now; shared/safety/production.ts):
 * the word to type as well, or null when it is known not to be production.
 */
export const AccountConfirmationView = z.object({
  accountId: z.string(),
  /** The alias as read now (null: none, or denied). */
  accountAlias: z.string().nullable(),
  productionVerdict: ProductionVerdictKind,
  productionWord: z.string().nullable(),
});
export type AccountConfirmationView = z.infer<typeof AccountConfirmationView>;
