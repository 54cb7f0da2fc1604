import { describe, expect, it } from 'vitest';
import { PrefixClass } from './classify';
import { claimedNow, deletableBucket, lifecycleEligible } from './eligibility';

describe('deletableBucket (the page offers it, the main process refuses anything else)', () => {
  it('needs the bucket unused and unprotected', () => {
    expect(deletableBucket({ unused: true, protected: false })).toBe(true);
    expect(deletableBucket({ unused: false, protected: false })).toBe(false);
    expect(deletableBucket({ unused: true, protected: true })).toBe(false);
    expect(deletableBucket({ unused: false, protected: true })).toBe(false);
  });
});

describe('lifecycleEligible', () => {
  const open = { protected: false };
  const expected: Record<PrefixClass, { whole: boolean; retention: boolean }> = {
    orphan: { whole: true, retention: true },
    live: { whole: false, retention: true },
    shared: { whole: false, retention: true },
    unverified: { whole: false, retention: false },
    foreign: { whole: false, retention: false },
  };

  it.each(PrefixClass.options)('%s: expiry whole only for an orphan, the age-only rule for a prefix pipelines write', (c) => {
    expect(lifecycleEligible(open, { class: c })).toBe(expected[c].whole);
    expect(lifecycleEligible(open, { class: c }, 30)).toBe(expected[c].retention);
    expect(claimedNow({ class: c })).toBe(c === 'live' || c === 'shared');
  });

  it('never in a protected bucket, and never for a prefix the audit does not know', () => {
    for (const c of PrefixClass.options) {
      expect(lifecycleEligible({ protected: true }, { class: c })).toBe(false);
      expect(lifecycleEligible({ protected: true }, { class: c }, 30)).toBe(false);
    }
    expect(lifecycleEligible(open, undefined)).toBe(false);
    expect(lifecycleEligible(open, undefined, 30)).toBe(false);
  });

  it('a retention age of 0 days still counts as one given', () => {
    expect(lifecycleEligible(open, { class: 'live' }, 0)).toBe(true);
  });
});
