// Reading JSON text through a zod schema, the one way every file Pipewright reads
// (reports, plans, checkpoints, settings, promotions, designs, snapshots) is parsed:
// JSON.parse, then the nesting bound (before zod's recursion sees the value), then
// the schema. A failure is a JsonFileError naming the file and the path inside it,
// or the line and column where the JSON breaks. Pure: the renderer opens designs
// with it; reading from disk (with its size and file-type checks) is src/node/json-file.ts.
import type { z } from 'zod';
import { MAX_NESTING, nestedDeeperThan } from './json-depth';

/** What went wrong: the text is not JSON, nests too deep, does not fit the schema, or (on disk) is no regular file or is too large. */
export type JsonFileErrorKind = 'syntax' | 'depth' | 'schema' | 'not-a-file' | 'too-large';

export class JsonFileError extends Error {
  override name = 'JsonFileError';
  /** The file as the caller named it (a path, or a word such as "the plan"). */
  readonly file: string;
  /** Where inside the file the first problem is, dotted (`targets.0.executionId`); '' for the whole file or a syntax error. */
  readonly path: string;
  readonly kind: JsonFileErrorKind;
  /** The message without the file's name, for callers that phrase their own ("X is not a Pipewright audit report: …"). */
  readonly detail: string;
  /** Where invalid JSON breaks (1-based), for a syntax error. */
  readonly line?: number;
  readonly column?: number;

  constructor(o: { file: string; kind: JsonFileErrorKind; detail: string; path?: string; line?: number; column?: number }) {
    super(`${o.file}: ${o.detail}`);
    this.file = o.file;
    this.kind = o.kind;
    this.detail = o.detail;
    this.path = o.path ?? '';
    this.line = o.line;
    this.column = o.column;
  }
}

export interface ParseJsonOptions {
  /** The file's name in messages. */
  source: string;
  /** Schema issues named in the message (the first few say enough). */
  maxIssues?: number;
  /** How an issue about the whole document is named (default "(file)"). */
  rootLabel?: string;
}

/** JSON.parse and the nesting bound: the value, not yet trusted. */
export function parseJsonValue(text: string, opts: ParseJsonOptions): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    const { line, column } = lineAndColumn(text, jsonErrorOffset(text, message));
    // V8 appends the position and a snippet of the text; the line and column say it better.
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/, (\.\.\.)?".*$/, '');
    throw new JsonFileError({ file: opts.source, kind: 'syntax', detail: `not valid JSON (line ${line}, column ${column}): ${reason}`, line, column });
  }
  if (nestedDeeperThan(raw)) throw new JsonFileError({ file: opts.source, kind: 'depth', detail: `it nests deeper than ${MAX_NESTING} levels` });
  return raw;
}

/** A parsed value checked with the schema; the error names the path of each of the first issues. */
export function checkJsonWith<S extends z.ZodType>(schema: S, raw: unknown, opts: ParseJsonOptions): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, opts.maxIssues ?? 3);
  const detail = issues.map((i) => `${i.path.map(String).join('.') || (opts.rootLabel ?? '(file)')}: ${i.message}`).join('; ');
  throw new JsonFileError({ file: opts.source, kind: 'schema', detail, path: issues[0]?.path.map(String).join('.') ?? '' });
}

/** JSON text read through a schema: parse, bound the nesting, validate. */
export function parseJsonWith<S extends z.ZodType>(schema: S, text: string, opts: ParseJsonOptions): z.output<S> {
  return checkJsonWith(schema, parseJsonValue(text, opts), opts);
}

/** Where JSON.parse failed: the position its message gives, else the first offset that no JSON text could continue from. */
function jsonErrorOffset(text: string, message: string): number {
  const m = /at position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  const found = firstSyntaxError(text);
  return found < 0 ? text.length : found;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * The offset of the first character JSON does not allow, or -1 if the text is JSON.
 * V8's "Unexpected token" messages give no position; this finds it, in one pass
 * without recursion (the text may nest arbitrarily deep). Only run on failure.
 */
function firstSyntaxError(s: string): number {
  let i = 0;
  const closers: string[] = [];
  let expect: 'value' | 'key' | 'after' = 'value';
  const skipSpace = () => {
    WHITESPACE.lastIndex = i;
    WHITESPACE.exec(s);
    i = WHITESPACE.lastIndex;
  };
  /** Moves i past the string starting at it; on failure i is left where the string goes wrong. */
  const skipString = (): boolean => {
    for (let j = i + 1; j < s.length; j++) {
      const c = s[j];
      if (c === '"') {
        i = j + 1;
        return true;
      }
      if (c < ' ') return ((i = j), false);
      if (c === '\\') {
        const e = s[j + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) return ((i = j + 1), false);
          j += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
        else return ((i = j + 1), false);
      }
    }
    i = s.length;
    return false;
  };
  for (;;) {
    skipSpace();
    if (expect === 'after') {
      const closer = closers.at(-1);
      if (closer === undefined) return i < s.length ? i : -1;
      if (s[i] === ',') {
        i++;
        expect = closer === '}' ? 'key' : 'value';
      } else if (s[i] === closer) {
        i++;
        closers.pop();
      } else return i;
      continue;
    }
    if (expect === 'key') {
      if (s[i] !== '"' || !skipString()) return i;
      skipSpace();
      if (s[i] !== ':') return i;
      i++;
      expect = 'value';
      continue;
    }
    const c = s[i];
    if (c === '{' || c === '[') {
      i++;
      skipSpace();
      if (s[i] === (c === '{' ? '}' : ']')) {
        i++;
        expect = 'after';
      } else {
        closers.push(c === '{' ? '}' : ']');
        expect = c === '{' ? 'key' : 'value';
      }
      continue;
    }
    if (c === '"') {
      if (!skipString()) return i;
    } else if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      for (let k = 0; k < word.length; k++) if (s[i + k] !== word[k]) return i + k;
      i += word.length;
    } else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(s)) return i;
      i = NUMBER.lastIndex;
    }
    expect = 'after';
  }
}
