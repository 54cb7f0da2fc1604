// S3 lifecycle rules that let S3 itself expire an orphan prefix, for prefixes
// too big to delete from the desktop. Pure: the rules are shown before they
// are applied, and merged into the bucket's existing rules (a Put replaces all).

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

const RULE_ID_PREFIX = 'pipewright-expire-';

/**
 * Expiring everything under a prefix takes two rules: S3 refuses Days and
 * ExpiredObjectDeleteMarker in one rule, and without the second rule the delete
 * markers that expiry leaves behind would stay.
 */
export function prefixExpiryRules(prefix: string, days = 1): LifecycleRule[] {
  if (!prefix.endsWith('/') || prefix.length < 2) throw new Error(`A lifecycle rule is written for one artifact prefix ending in "/", not "${prefix}".`);
  return [
    {
      ID: `${RULE_ID_PREFIX}${prefix}`,
      Status: 'Enabled',
      Filter: { Prefix: prefix },
      Expiration: { Days: days },
      NoncurrentVersionExpiration: { NoncurrentDays: days },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: days },
    },
    { ID: `${RULE_ID_PREFIX}${prefix}markers`, Status: 'Enabled', Filter: { Prefix: prefix }, Expiration: { ExpiredObjectDeleteMarker: true } },
  ];
}

/** The bucket's rules with ours added or replaced by ID; every other rule is kept as it was. */
export function mergeLifecycleRules(existing: LifecycleRule[], added: LifecycleRule[]): LifecycleRule[] {
  const ids = new Set(added.map((r) => r.ID));
  const merged = [...existing.filter((r) => !ids.has(r.ID)), ...added];
  if (merged.length > 1000) throw new Error(`The bucket would have ${merged.length} lifecycle rules; S3 allows 1,000.`);
  return merged;
}
