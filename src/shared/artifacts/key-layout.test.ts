import { describe, expect, it } from 'vitest';
import { ARTIFACT_KEY, claims, folderOf, prefixOf } from './key-layout';

describe("CodePipeline's artifact key layout (one home for the classifier and the deletion guard)", () => {
  it('a prefix is the pipeline name cut to 20 characters; a folder the artifact name cut to 10', () => {
    expect(prefixOf('payments-service-api-blue')).toBe('payments-service-api');
    expect(prefixOf('web')).toBe('web');
    expect(prefixOf('x'.repeat(20))).toBe('x'.repeat(20));
    expect(folderOf('BuildOutput')).toBe('BuildOutpu');
    expect(folderOf('Src')).toBe('Src');
  });

  it('a pipeline claims a prefix of a bucket only when it writes to that bucket and its cut name is the prefix', () => {
    const blue = { name: 'payments-service-api-blue', buckets: ['art-a', 'art-b'] };
    expect(claims(blue, 'art-a', 'payments-service-api')).toBe(true);
    expect(claims(blue, 'art-b', 'payments-service-api')).toBe(true);
    // The same name writing elsewhere claims nothing here.
    expect(claims(blue, 'art-c', 'payments-service-api')).toBe(false);
    // Nor does a name that only starts the same, or the uncut name.
    expect(claims(blue, 'art-a', 'payments-service-ap')).toBe(false);
    expect(claims(blue, 'art-a', 'payments-service-api-blue')).toBe(false);
    expect(claims({ name: 'web', buckets: [] }, 'art-a', 'web')).toBe(false);
  });

  it('only keys of the layout are artifact keys', () => {
    for (const k of ['web/BuildOutpu/AbC1234', 'web/SourceArti/AbC1234.zip', `${'p'.repeat(20)}/${'f'.repeat(10)}/0000000`])
      expect(ARTIFACT_KEY.test(k), k).toBe(true);
    for (const k of [
      'web/BuildOutpu/AbC123',
      'web/BuildOutpu/AbC12345',
      `${'p'.repeat(21)}/f/0000000`,
      `web/${'f'.repeat(11)}/0000000`,
      'web/AbC1234',
      'x/web/f/AbC1234',
      'web/f/AbC-234',
    ])
      expect(ARTIFACT_KEY.test(k), k).toBe(false);
  });
});
