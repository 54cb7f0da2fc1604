// Append-only JSON Lines logs (the release log, the artifact cleanup audit log).
// A crash mid-write can leave the last line without its newline; an append that
// trusted the file to end cleanly would join its entry to that torn line and lose
// both. So every append looks at the file's last byte, under the same open handle
// it writes with, and starts a fresh line when it must; and a reader returns a
// line that does not parse as such, with its line number, never joined to another.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Appends one line on a handle opened with 'a+' (readable, so the last byte can be checked). */
export async function appendLine(handle: FileHandle, line: string): Promise<void> {
  const { size } = await handle.stat();
  let fresh = true;
  if (size > 0) {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    fresh = last[0] === 0x0a;
  }
  await handle.write(`${fresh ? '' : '\n'}${line}\n`);
}

/** Appends one JSON value as a line, creating the file (and its folder) when missing. */
export async function appendJsonLine(path: string, value: unknown, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'a+', mode);
  try {
    await appendLine(handle, JSON.stringify(value));
  } finally {
    await handle.close();
  }
}

export type JsonLine = { ok: true; line: number; value: unknown } | { ok: false; line: number; text: string };

/** Every non-blank line, numbered from 1: parsed, or kept aside as text when it is not JSON (a torn or edited line). */
export function readJsonLines(text: string): JsonLine[] {
  const out: JsonLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      out.push({ ok: true, line: i + 1, value: JSON.parse(raw) as unknown });
    } catch {
      out.push({ ok: false, line: i + 1, text: raw });
    }
  });
  return out;
}
