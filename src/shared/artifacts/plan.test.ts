// parsePlan's refusals word for word: a file that is not a plan names its problems
// and nothing else (the depth refusal alone ends in a full stop).
import { describe, expect, it } from 'vitest';
import { parsePlan, PlanError } from './plan';

const refusal = (text: string): string => {
  try {
    parsePlan(text);
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    return (err as Error).message;
  }
  return 'accepted';
};

describe('parsePlan', () => {
  it('reads an empty plan', () => {
    expect(parsePlan('{"version":1,"createdAt":"a","auditedAt":"b","items":[]}')).toEqual({ version: 1, createdAt: 'a', auditedAt: 'b', items: [] });
  });

  it('names what is not a plan, exactly', () => {
    expect(refusal('[]')).toBe('Not a cleanup plan: (plan): Invalid input: expected object, received array');
    expect(refusal('{"version":2,"createdAt":"a","auditedAt":"b","items":[]}')).toBe('Not a cleanup plan: version: Invalid input: expected 1');
  });
});
