// parseJsonWith on bad input: each failure names the file, and where in it.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonFileError, parseJsonWith } from './json-file';

const Promotions = z.object({ version: z.literal(1), targets: z.array(z.object({ executionId: z.string() })) });
const source = 'promotions.json';

function failure(text: string, schema: z.ZodType = Promotions): JsonFileError {
  try {
    parseJsonWith(schema, text, { source });
  } catch (err) {
    expect(err).toBeInstanceOf(JsonFileError);
    return err as JsonFileError;
  }
  throw new Error('parsed without an error');
}

describe('parseJsonWith', () => {
  it('returns what the schema returns', () => {
    expect(parseJsonWith(Promotions, '{"version": 1, "targets": [{"executionId": "e-1", "extra": 2}]}', { source })).toEqual({
      version: 1,
      targets: [{ executionId: 'e-1' }],
    });
  });

  it('names the line and column where text with a position in its error stops being JSON', () => {
    const e = failure('{\n  "version": 1,\n  oops: 2\n}');
    expect(e).toMatchObject({ kind: 'syntax', file: source, line: 3, column: 3 });
    expect(e.message).toMatch(/^promotions\.json: not valid JSON \(line 3, column 3\): /);
    expect(e.message).not.toMatch(/position/);
  });

  it('finds the line and column where JSON.parse gives no position ("Unexpected token")', () => {
    // V8 says "Unexpected token ']', "…" is not valid JSON" for these: no position.
    expect(failure('{\n  "targets": [1,\n  ]\n}')).toMatchObject({ kind: 'syntax', line: 3, column: 3 });
    expect(failure('{"a": [true, tru]}')).toMatchObject({ kind: 'syntax', line: 1, column: 17 });
    expect(failure('{"a":\n "ok", "b": "\\q"}')).toMatchObject({ kind: 'syntax', line: 2, column: 15 });
    expect(failure('')).toMatchObject({ kind: 'syntax', line: 1, column: 1 });
    expect(failure('{"a": 1').message).toMatch(/line 1, column 8/);
  });

  it('names the file and the path inside it for the wrong shape', () => {
    const e = failure('{"version": 1, "targets": [{"executionId": "e-1"}, {"executionId": 7}]}');
    expect(e).toMatchObject({ kind: 'schema', file: source, path: 'targets.1.executionId' });
    expect(e.message).toMatch(/^promotions\.json: targets\.1\.executionId: .*expected string/i);
    expect(failure('[]').message).toMatch(/^promotions\.json: \(file\): /);
  });

  it('refuses a value nested too deep before the schema recurses into it', () => {
    const deep = `{"version": 1, "targets": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const e = failure(deep, z.looseObject({ targets: z.array(z.any()) }));
    expect(e).toMatchObject({ kind: 'depth', file: source });
    expect(e.message).toBe('promotions.json: it nests deeper than 100 levels');
    // Just under the bound is fine.
    expect(parseJsonWith(z.unknown(), `${'['.repeat(100)}${']'.repeat(100)}`, { source })).toBeDefined();
  });
});
