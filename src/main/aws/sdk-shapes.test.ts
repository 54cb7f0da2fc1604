import { describe, expect, it } from 'vitest';
import { declarationFromSdk } from './sdk-shapes';

describe('declarationFromSdk', () => {
  it('parses what GetPipeline answers into the model, keeping unknown keys and the version', () => {
    const d = declarationFromSdk({ name: 'p', roleArn: 'r', version: 3, stages: [{ name: 'S', actions: [] }], futureField: { x: 1 } }, 'p');
    expect(d.version).toBe(3);
    expect((d as Record<string, unknown>).futureField).toEqual({ x: 1 });
  });

  it('names the call and the path when the answer is not a declaration', () => {
    expect(() => declarationFromSdk({ name: 'p', stages: 'none' }, 'p')).toThrow(
      /GetPipeline for p answered a declaration Pipewright cannot read \((roleArn|stages)/,
    );
  });
});
