// Small audit fixtures for the artifacts page's pure modules' tests: a bucket or
// prefix with every field, overridable where a test cares.
import type { PlanPreviewItem } from '../../../../shared/artifacts/plan';
import type { Report } from './artifacts-store';

export type BucketView = Report['buckets'][number];
export type PrefixView = BucketView['prefixes'][number];

const tally = { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0, oldest: null, newest: null };

export function prefixOf(over: Partial<PrefixView> & Pick<PrefixView, 'prefix' | 'class'>): PrefixView {
  return { ...tally, claimedBy: [], folders: [], keep: [], monthlyCost: 0, ...over };
}

export function bucketOf(over: Partial<BucketView> & Pick<BucketView, 'name'>): BucketView {
  return {
    profile: 'dev',
    accountId: '111111111111',
    accountAlias: 'sandbox-dev',
    region: 'us-east-1',
    versioning: 'Enabled',
    encryption: null,
    tags: {},
    protected: false,
    declaredBy: [],
    shapedLikeDefault: false,
    unused: false,
    sharedWith: [],
    coverage: { complete: true, gaps: [] },
    totals: { ...tally, monthlyCost: 0 },
    foreign: { ...tally, sample: [] },
    prefixes: [],
    ...over,
  };
}

export function reportOf(buckets: BucketView[], generatedAt = '2026-06-01T00:00:00.000Z'): Report {
  return { version: 1, generatedAt, pricePerGbMonth: 0.023, buckets, errors: [] };
}

export function planItemOf(over: Partial<PlanPreviewItem> & Pick<PlanPreviewItem, 'bucket' | 'prefix' | 'class'>): PlanPreviewItem {
  return {
    profile: 'dev',
    accountId: '111111111111',
    accountAlias: 'sandbox-dev',
    region: 'us-east-1',
    reason: 'test',
    expected: { objects: 0, versions: 0, deleteMarkers: 0, bytes: 0 },
    keep: [],
    ...over,
  };
}
