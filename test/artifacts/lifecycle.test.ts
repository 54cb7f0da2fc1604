// The lifecycle rules for expiring a prefix, and their merge with a bucket's own rules.
import { describe, expect, it } from 'vitest';
import { mergeLifecycleRules, prefixExpiryRules, type LifecycleRule } from '../../src/shared/artifacts/lifecycle';

describe('prefix expiry rules', () => {
  it('expire current and non-current versions, then the delete markers left behind, in two rules', () => {
    const [main, markers] = prefixExpiryRules('gone-pipeline/');
    expect(main).toMatchObject({ Filter: { Prefix: 'gone-pipeline/' }, Expiration: { Days: 1 }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } });
    expect(markers).toMatchObject({ Filter: { Prefix: 'gone-pipeline/' }, Expiration: { ExpiredObjectDeleteMarker: true } });
    expect(markers.Expiration!.Days).toBeUndefined(); // S3 refuses both in one rule
  });

  it('refuses a prefix that is not one folder (an empty prefix would expire the whole bucket)', () => {
    expect(() => prefixExpiryRules('')).toThrow(/ending in "\/"/);
    expect(() => prefixExpiryRules('gone-pipeline')).toThrow(/ending in "\/"/);
  });

  it('keeps every other rule, replaces ours by ID, and respects the 1,000-rule limit', () => {
    const own: LifecycleRule = { ID: 'keep-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } };
    const once = mergeLifecycleRules([own], prefixExpiryRules('a/'));
    expect(mergeLifecycleRules(once, prefixExpiryRules('a/', 3)).map((r) => r.ID)).toEqual(once.map((r) => r.ID));
    expect(once[0]).toBe(own);
    const many = Array.from({ length: 999 }, (_, i) => ({ ...own, ID: `r${i}` }));
    expect(() => mergeLifecycleRules(many, prefixExpiryRules('a/'))).toThrow(/1,000/);
  });
});
