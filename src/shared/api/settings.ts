// The persisted settings document. Every field has a default, so an empty or
// partial file still parses; the main process validates on read and on update.
import { z } from 'zod';
import { DEFAULT_RETENTION, RetentionPolicy } from '../artifacts/retention';

export const SECTION_IDS = ['explorer', 'designer', 'executions', 'artifacts', 'releases', 'accounts'] as const;
export const SectionId = z.enum(SECTION_IDS);
export type SectionId = z.infer<typeof SectionId>;

export const ThemePreference = z.enum(['system', 'light', 'dark']);

const ProfileName = z.string().min(1).max(128);
const AccountId = z.string().regex(/^\d{12}$/, 'an account id is 12 digits');
const RegionName = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not a region name')
  .max(32);

export const Settings = z.object({
  theme: ThemePreference.default('system'),
  sandbox: z
    .object({
      /** Start the local sandbox in-process when no AWS profile exists (or with --sandbox). */
      enabled: z.boolean().default(true),
    })
    .prefault({}),
  workspace: z
    .object({
      profiles: z.array(ProfileName).max(500).default([]),
      regions: z.array(RegionName).max(64).default([]),
    })
    .prefault({}),
  fanout: z
    .object({
      perTargetConcurrency: z.number().int().min(1).max(64).default(4),
      globalConcurrency: z.number().int().min(1).max(512).default(32),
    })
    .prefault({}),
  ui: z
    .object({
      lastSection: SectionId.default('explorer'),
    })
    .prefault({}),
  artifacts: z
    .object({
      /** Never planned or cleaned, whatever the audit says. */
      blockedAccounts: z
        .array(z.string().regex(/^\d{12}$/))
        .max(1000)
        .default([]),
      blockedBuckets: z.array(z.string().min(3).max(63)).max(1000).default([]),
      /** S3 Standard, USD per GB-month, for the cost estimate. */
      pricePerGbMonth: z.number().min(0).max(10).default(0.023),
      /** Orphan prefixes with at least this many versions, or this many GiB, are offered an S3 lifecycle rule as well. */
      hugePrefixVersions: z.number().int().min(1).default(1_000_000),
      hugePrefixGiB: z.number().min(0.001).max(1_000_000).default(10),
      /** The retention policy the Artifacts page last planned with. */
      retention: RetentionPolicy.default(DEFAULT_RETENTION),
    })
    .prefault({}),
  executions: z
    .object({
      /** Pipelines ("profile|region|name") whose failures, approvals and finished runs notify even when not open. */
      notify: z.array(z.string().max(400)).max(2000).default([]),
      /** Desktop notifications (Electron) or the browser's Notification API, besides the toast. */
      desktop: z.boolean().default(true),
    })
    .prefault({}),
  /**
   * Production, by account id, for the production rule (shared/safety/production.ts):
   * an account whose alias and profile names do not tell is production when listed
   * here, and known not to be when listed as not production (an alias or profile
   * name that says production still wins). Unlisted, such an account asks for its id.
   */
  accounts: z
    .object({
      production: z.array(AccountId).max(1000).default([]),
      notProduction: z.array(AccountId).max(1000).default([]),
    })
    .prefault({}),
});
export type Settings = z.infer<typeof Settings>;

/** A partial update: every key optional, unknown keys refused. */
export const SettingsPatch = z.strictObject({
  theme: ThemePreference.optional(),
  sandbox: z.strictObject({ enabled: z.boolean() }).partial().optional(),
  workspace: z
    .strictObject({ profiles: z.array(ProfileName).max(500), regions: z.array(RegionName).max(64) })
    .partial()
    .optional(),
  fanout: z
    .strictObject({
      perTargetConcurrency: z.number().int().min(1).max(64),
      globalConcurrency: z.number().int().min(1).max(512),
    })
    .partial()
    .optional(),
  ui: z.strictObject({ lastSection: SectionId }).partial().optional(),
  artifacts: z
    .strictObject({
      blockedAccounts: z.array(z.string().regex(/^\d{12}$/, 'an account id is 12 digits')).max(1000),
      blockedBuckets: z.array(z.string().min(3).max(63)).max(1000),
      pricePerGbMonth: z.number().min(0).max(10),
      hugePrefixVersions: z.number().int().min(1),
      hugePrefixGiB: z.number().min(0.001).max(1_000_000),
      retention: RetentionPolicy,
    })
    .partial()
    .optional(),
  executions: z
    .strictObject({ notify: z.array(z.string().max(400)).max(2000), desktop: z.boolean() })
    .partial()
    .optional(),
  accounts: z
    .strictObject({ production: z.array(AccountId).max(1000), notProduction: z.array(AccountId).max(1000) })
    .partial()
    .refine((a) => !a.production?.some((id) => a.notProduction?.includes(id)), 'an account cannot be both production and not production')
    .optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const SettingsView = z.object({
  settings: Settings,
  /** Set when the file on disk was unreadable and defaults were used. */
  warning: z.string().nullable(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return Settings.parse({
    ...current,
    ...(patch.theme ? { theme: patch.theme } : {}),
    sandbox: { ...current.sandbox, ...patch.sandbox },
    workspace: { ...current.workspace, ...patch.workspace },
    fanout: { ...current.fanout, ...patch.fanout },
    ui: { ...current.ui, ...patch.ui },
    artifacts: { ...current.artifacts, ...patch.artifacts },
    executions: { ...current.executions, ...patch.executions },
    accounts: { ...current.accounts, ...patch.accounts },
  });
}

/**
 * Parses a settings document keeping every valid value: each invalid one (an
 * element of a list, or a field) is dropped and named, and gets its default.
 * A blocklist with one bad entry keeps all its other entries.
 */
export function salvageSettings(raw: unknown): { settings: Settings; dropped: Array<{ path: string; message: string }> } {
  const dropped: Array<{ path: string; message: string }> = [];
  let doc: unknown = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? structuredClone(raw) : {};
  if (doc !== raw && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) dropped.push({ path: '(file)', message: 'not a JSON object' });
  for (let round = 0; round < 50; round++) {
    const r = Settings.safeParse(doc);
    if (r.success) return { settings: r.data, dropped };
    // Deepest paths first, and list elements from the end, so removing one never shifts another.
    const issues = [...r.error.issues].sort(
      (a, b) => b.path.length - a.path.length || String(b.path.at(-1)).localeCompare(String(a.path.at(-1)), undefined, { numeric: true }),
    );
    for (const issue of issues) {
      if (!issue.path.length) {
        doc = {};
        dropped.push({ path: '(file)', message: issue.message });
        break;
      }
      const parent = issue.path
        .slice(0, -1)
        .reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), doc);
      const key = issue.path.at(-1)!;
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else if (parent !== null && typeof parent === 'object') delete (parent as Record<PropertyKey, unknown>)[key];
      else continue;
      dropped.push({ path: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  return { settings: Settings.parse({}), dropped: [...dropped, { path: '(file)', message: 'could not be repaired' }] };
}
