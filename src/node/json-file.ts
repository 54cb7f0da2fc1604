// Reading a JSON file from disk through a zod schema (the parsing is
// src/shared/json-file.ts). A file is looked at before it is read: a directory, a
// FIFO or a device (/dev/zero never ends, a FIFO blocks) and a file over the
// caller's size limit are refused without reading a byte, and the read itself is
// bounded, so a file that grows meanwhile cannot make it unbounded either.
// A missing file is the fs error as is (ENOENT), for callers that start afresh.
import { constants, promises as fs, type Stats } from 'node:fs';
import type { z } from 'zod';
import { JsonFileError, parseJsonWith } from '../shared/json-file';

export { JsonFileError } from '../shared/json-file';

/** The default size limit: far beyond any settings, promotions, checkpoint or design file. */
export const MAX_JSON_FILE_BYTES = 64 * 2 ** 20;
/** The limit for files that grow with the workspace (audit reports, cleanup plans, sandbox snapshots); V8's strings end near 512 MiB. */
export const MAX_LARGE_JSON_FILE_BYTES = 256 * 2 ** 20;

export interface ReadJsonFileOptions {
  /** The file's name in messages; the path by default. */
  source?: string;
  /** Larger files are refused before they are read. */
  maxBytes?: number;
  /** Schema issues named in the message. */
  maxIssues?: number;
}

// Exact below 10 MiB, where rounding to MiB could make a file just over a limit read as equal to it ("1 MiB, over 1000000 bytes").
const mib = (bytes: number) => (bytes < 10 * 2 ** 20 ? `${bytes} bytes` : `${Math.round(bytes / 2 ** 20)} MiB`);

function whatItIs(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuseUnlessReadable(st: Stats, file: string, maxBytes: number): void {
  if (!st.isFile()) throw new JsonFileError({ file, kind: 'not-a-file', detail: `it is ${whatItIs(st)}, not a regular file` });
  if (st.size > maxBytes) throw new JsonFileError({ file, kind: 'too-large', detail: `it is ${mib(st.size)}, over the ${mib(maxBytes)} read at most` });
}

/** A regular file's text, at most `maxBytes`: stat first, then a bounded read. */
export async function readTextFile(path: string, opts: Omit<ReadJsonFileOptions, 'maxIssues'> = {}): Promise<string> {
  const file = opts.source ?? path;
  const maxBytes = opts.maxBytes ?? MAX_JSON_FILE_BYTES;
  refuseUnlessReadable(await fs.stat(path), file, maxBytes);
  // Non-blocking, so a FIFO swapped in after the stat cannot hang the open; the handle is checked again.
  const handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await handle.stat();
    refuseUnlessReadable(st, file, maxBytes);
    let buffer = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        // It grew since the stat: read on, but never past the limit.
        if (length > maxBytes) throw new JsonFileError({ file, kind: 'too-large', detail: `it grew past the ${mib(maxBytes)} read at most while being read` });
        const bigger = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/** A JSON file checked with the schema; a JsonFileError names the file and the path in it, or the line and column. */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, opts: ReadJsonFileOptions = {}): Promise<z.output<S>> {
  const text = await readTextFile(path, opts);
  return parseJsonWith(schema, text, { source: opts.source ?? path, maxIssues: opts.maxIssues });
}
