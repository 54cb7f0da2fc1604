import { describe, expect, it } from 'vitest';
import { iamGlobMatches, matchGlob, STAR } from './glob';

describe('wildcards without regular expressions', () => {
  it('matches as IAM globs do: * any run (none too), ? one character, case only when asked', () => {
    expect(iamGlobMatches('arn:aws:sqs:*:111111111111:*', 'arn:aws:sqs:us-east-1:111111111111:q')).toBe(true);
    expect(iamGlobMatches('arn:aws:sqs:*:111111111111:*', 'arn:aws:sqs:us-east-1:222222222222:q')).toBe(false);
    expect(iamGlobMatches('sqs:Send?essage', 'sqs:SendMessage')).toBe(true);
    expect(iamGlobMatches('sqs:*', 'SQS:SendMessage')).toBe(false);
    expect(iamGlobMatches('sqs:*', 'SQS:SendMessage', true)).toBe(true);
    expect(iamGlobMatches('a*', 'a')).toBe(true);
    expect(iamGlobMatches('*', '')).toBe(true);
    expect(iamGlobMatches('a?', 'a')).toBe(false);
    expect(iamGlobMatches('.+', 'aa')).toBe(false); // regex characters are literal
  });

  it('a literal * token matches only an asterisk (an escaped one in an event pattern)', () => {
    expect(matchGlob(['a', '*', 'b'], 'a*b')).toBe(true);
    expect(matchGlob(['a', '*', 'b'], 'axb')).toBe(false);
    expect(matchGlob(['a', STAR, 'b'], 'axxb')).toBe(true);
  });

  it('a pattern that makes a regex backtrack for ever answers at once', () => {
    const pattern = `${'*a'.repeat(200)}*b`;
    const started = performance.now();
    expect(iamGlobMatches(pattern, 'a'.repeat(5_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
