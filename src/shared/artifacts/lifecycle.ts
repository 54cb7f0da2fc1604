// S3 lifecycle rules that let S3 itself expire an orphan prefix (for prefixes
// too big to delete from the desktop), or apply retention's age-only form to a
// live prefix. Pure: the rules are shown before they are applied, and merged
// into the bucket's existing rules (a Put replaces all).

/** The shape of a rule, as the S3 API (and the SDK) names its fields. */
// A type alias, not an interface, so it fits the contract's plain records.
export type LifecycleRule = {
  ID: string;
  Status: 'Enabled' | 'Disabled';
  Filter: { Prefix: string };
  Expiration?: { Days?: number; ExpiredObjectDeleteMarker?: boolean };
  NoncurrentVersionExpiration?: { NoncurrentDays: number };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
};

/**
 * Expiring everything under a prefix takes two rules: S3 refuses Days and
 * ExpiredObjectDeleteMarker in one rule, and without the second rule the delete
 * markers that expiry leaves behind would stay.
 */
export function prefixExpiryRules(prefix: string, days = 1, idPrefix = 'pipewright-expire-'): LifecycleRule[] {
  if (!prefix.endsWith('/') || prefix.length < 2) throw new Error(`A lifecycle rule is written for one artifact prefix ending in "/", not "${prefix}".`);
  return [
    {
      ID: `${idPrefix}${prefix}`,
      Status: 'Enabled',
      Filter: { Prefix: prefix },
      Expiration: { Days: days },
      NoncurrentVersionExpiration: { NoncurrentDays: days },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: days },
    },
    { ID: `${idPrefix}${prefix}markers`, Status: 'Enabled', Filter: { Prefix: prefix }, Expiration: { ExpiredObjectDeleteMarker: true } },
  ];
}

/**
 * Retention as a lifecycle rule: everything under a live prefix older than `days`
 * expires, current and non-current. Age is all a rule can express: unlike a
 * retention plan it cannot keep the last successful executions, so an idle
 * pipeline's last good artifacts expire too.
 */
export function retentionAgeRules(prefix: string, days: number): LifecycleRule[] {
  if (!Number.isInteger(days) || days < 1) throw new Error('A retention rule keeps at least a day.');
  return prefixExpiryRules(prefix, days, 'pipewright-retain-');
}

/** The bucket's rules with ours added or replaced by ID; every other rule is kept as it was. */
export function mergeLifecycleRules(existing: LifecycleRule[], added: LifecycleRule[]): LifecycleRule[] {
  const ids = new Set(added.map((r) => r.ID));
  const merged = [...existing.filter((r) => !ids.has(r.ID)), ...added];
  if (merged.length > 1000) throw new Error(`The bucket would have ${merged.length} lifecycle rules; S3 allows 1,000.`);
  return merged;
}
