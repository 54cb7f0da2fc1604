import { describe, expect, it } from 'vitest';
import { heldReason, leftOutOfPlan, listingGaps, prefixVerdict } from './evidence';

describe('evidence, per verdict kind', () => {
  it('names each region an account could not list, with its code; nothing when complete', () => {
    expect(
      listingGaps({
        accountId: '111111111111',
        regions: [
          { region: 'us-east-1', status: 'listed' },
          { region: 'ap-southeast-2', status: 'failed', error: { code: 'AccessDeniedException' } },
          { region: 'me-south-1', status: 'not-enabled' },
          { region: 'eu-west-1', status: 'failed' },
        ],
      }),
    ).toEqual(['account 111111111111, ap-southeast-2: AccessDeniedException', 'account 111111111111, eu-west-1: Error']);
    expect(listingGaps({ accountId: '1', regions: [{ region: 'us-east-1', status: 'listed' }] })).toEqual([]);
  });

  it('an orphan needs complete listings; claimed prefixes are live or shared; outside an artifact bucket, foreign', () => {
    expect(prefixVerdict(1, true, 'gap')).toBe('live');
    expect(prefixVerdict(2, false, null)).toBe('shared');
    expect(prefixVerdict(0, false, null)).toBe('foreign');
    expect(prefixVerdict(0, false, 'gap')).toBe('foreign');
    expect(prefixVerdict(0, true, null)).toBe('orphan');
    expect(prefixVerdict(0, true, 'account 1, us-east-1: Throttling')).toBe('unverified');
  });

  it("holds back stale and retention for a claimed prefix whose listings or claimers' histories are incomplete, never for an unclaimed one", () => {
    const ok = { name: 'web', accountId: '1', region: 'us-east-1' };
    const noHistory = { name: 'api', accountId: '2', region: 'eu-west-1', historyError: 'AccessDenied' };
    expect(heldReason([], 'gap')).toBeNull();
    expect(heldReason([ok], null)).toBeNull();
    expect(heldReason([ok], 'account 1, us-east-1: Throttling')).toBe('account 1, us-east-1: Throttling');
    expect(heldReason([ok, noHistory], null)).toBe('execution history of api (2, eu-west-1) unavailable: AccessDenied');
    expect(heldReason([noHistory, { ...noHistory, name: 'b' }], null)).toBe(
      'execution history of api (2, eu-west-1) unavailable: AccessDenied; execution history of b (2, eu-west-1) unavailable: AccessDenied',
    );
  });

  it('a plan leaves out unverified prefixes and held live ones, naming why; protected buckets are never planned at all', () => {
    const report = {
      buckets: [
        {
          name: 'b1',
          protected: false,
          prefixes: [
            { prefix: 'gone', class: 'orphan' },
            { prefix: 'unknown', class: 'unverified', reason: 'account 1, ap-southeast-2: AccessDenied' },
            { prefix: 'maybe', class: 'unverified' },
            { prefix: 'web', class: 'live', held: 'execution history of web unavailable' },
            { prefix: 'api', class: 'shared', held: 'gap' },
            { prefix: 'fine', class: 'live' },
            { prefix: 'other', class: 'foreign', held: 'never' },
          ],
        },
        { name: 'locked', protected: true, prefixes: [{ prefix: 'x', class: 'unverified', reason: 'r' }] },
      ],
    };
    expect(leftOutOfPlan(report)).toEqual([
      { bucket: 'b1', prefix: 'unknown', kind: 'orphan', reason: 'account 1, ap-southeast-2: AccessDenied' },
      { bucket: 'b1', prefix: 'maybe', kind: 'orphan', reason: 'its evidence is incomplete' },
      { bucket: 'b1', prefix: 'web', kind: 'stale and retention', reason: 'execution history of web unavailable' },
      { bucket: 'b1', prefix: 'api', kind: 'stale and retention', reason: 'gap' },
    ]);
  });
});
