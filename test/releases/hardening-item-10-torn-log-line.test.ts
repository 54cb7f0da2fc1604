// Issue 23, item 10: a crash mid-write leaves log.jsonl's last line without its
// newline, and the next append joined it, so the next entry was lost with it.
// Appends now start on a fresh line, and the torn line is kept aside and reported.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReleaseStore } from '../../src/main/releases/release-store';
import { appendLine, appendJsonLine, readJsonLines } from '../../src/node/jsonl-file';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'pw-item10-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const TORN = '{"at":"2025-01-01T00:00:01.000Z","promotionId":"p1","environment":"dev","event":"sta';

describe('hardening item 10: a torn last line in a JSONL log', () => {
  it('the release log: the entry after a torn line is kept whole, and the torn line is reported with its line number', async () => {
    const store = new ReleaseStore(home);
    await store.log('web', { promotionId: 'p1', environment: 'dev', event: 'promotion-started', message: 'Promoting dev.' });
    const path = join(home, 'releases', 'web', 'log.jsonl');
    appendFileSync(path, TORN); // the crash: no newline
    await store.log('web', { promotionId: 'p1', environment: 'dev', event: 'promotion-finished', message: 'dev succeeded.' });

    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(4); // three lines and the final newline
    expect(lines[1]).toBe(TORN);
    expect(JSON.parse(lines[2])).toMatchObject({ event: 'promotion-finished', message: 'dev succeeded.' });

    const history = await store.history('web');
    expect(history.map((e) => e.event)).toEqual(['promotion-started', 'unreadable', 'promotion-finished']);
    expect(history[1]).toMatchObject({ promotionId: null, environment: null });
    expect(history[1].message).toMatch(/log\.jsonl line 2 .*not a log entry/);
    expect(history[2].message).toBe('dev succeeded.');
  });

  it('an append to a file ending in a newline (or empty) adds no blank line', async () => {
    const path = join(home, 'a.jsonl');
    await appendJsonLine(path, { n: 1 });
    await appendJsonLine(path, { n: 2 });
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('the artifact cleanup audit log: the service and the executor (one open handle, many entries) start on a fresh line', async () => {
    const path = join(home, 'artifact-cleanup-audit.jsonl');
    writeFileSync(path, '{"time":"t0","event":"start"}\n{"time":"t1","event":"dele');
    await appendJsonLine(path, { time: 't2', event: 'bucket-deleted' });
    appendFileSync(path, '{"time":"t3","ev'); // torn again, while a cleanup holds the file open
    const handle = await open(path, 'a+', 0o600);
    try {
      await appendLine(handle, JSON.stringify({ time: 't4', event: 'deleted' }));
      await appendLine(handle, JSON.stringify({ time: 't5', event: 'done' }));
    } finally {
      await handle.close();
    }
    const read = readJsonLines(readFileSync(path, 'utf8'));
    expect(read.map((r) => (r.ok ? (r.value as { event: string }).event : `torn@${r.line}`))).toEqual([
      'start',
      'torn@2',
      'bucket-deleted',
      'torn@4',
      'deleted',
      'done',
    ]);
  });
});
