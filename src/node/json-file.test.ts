// readJsonFile on bad files: what is not a regular file, or is over the limit, is
// refused from its stat alone (never opened, so never read); the rest is parsed
// through the schema, naming the file and the path.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

// Every open goes through this spy: a refused file must never reach it.
const opened = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const open: typeof real.promises.open = (path, ...rest) => {
    opened.push(String(path));
    return real.promises.open(path, ...rest);
  };
  return { ...real, promises: { ...real.promises, open } };
});

const { JsonFileError, readJsonFile, readTextFile } = await import('./json-file');

const Settings = z.object({ theme: z.enum(['light', 'dark']), fanout: z.object({ perTargetConcurrency: z.number().int() }) });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pw-json-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  opened.length = 0;
});

const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function failure(run: Promise<unknown>): Promise<InstanceType<typeof JsonFileError>> {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JsonFileError);
  return err as InstanceType<typeof JsonFileError>;
}

describe('readJsonFile', () => {
  it('reads a file through the schema', async () => {
    const path = write('ok.json', '{"theme": "dark", "fanout": {"perTargetConcurrency": 4}}');
    expect(await readJsonFile(path, Settings)).toEqual({ theme: 'dark', fanout: { perTargetConcurrency: 4 } });
    expect(opened).toEqual([path]);
  });

  it('names the file, the line and the column of invalid JSON', async () => {
    const path = write('broken.json', '{\n  "theme": "dark",\n  "fanout": }');
    const e = await failure(readJsonFile(path, Settings));
    expect(e).toMatchObject({ kind: 'syntax', file: path, line: 3, column: 13 });
    expect(e.message).toContain(`${path}: not valid JSON (line 3, column 13)`);
  });

  it('names the file and the path inside it for the wrong shape', async () => {
    const path = write('shape.json', '{"theme": "dark", "fanout": {"perTargetConcurrency": "many"}}');
    const e = await failure(readJsonFile(path, Settings, { source: 'settings.json' }));
    expect(e).toMatchObject({ kind: 'schema', file: 'settings.json', path: 'fanout.perTargetConcurrency' });
    expect(e.message).toMatch(/^settings\.json: fanout\.perTargetConcurrency: .*expected number/i);
  });

  it('refuses a file nested too deep', async () => {
    const path = write('deep.json', `{"theme": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    const e = await failure(readJsonFile(path, Settings));
    expect(e).toMatchObject({ kind: 'depth' });
    expect(e.message).toBe(`${path}: it nests deeper than 100 levels`);
  });

  it('refuses a directory without opening it', async () => {
    const e = await failure(readJsonFile(dir, Settings));
    expect(e).toMatchObject({ kind: 'not-a-file', file: dir });
    expect(e.message).toContain('a directory, not a regular file');
    expect(opened).toEqual([]);
  });

  it('refuses /dev/zero without reading it (it never ends)', async () => {
    const e = await failure(readJsonFile('/dev/zero', Settings));
    expect(e).toMatchObject({ kind: 'not-a-file' });
    expect(e.message).toContain('a device');
    expect(opened).toEqual([]);
  });

  it('refuses a FIFO without opening it (an open would wait for a writer)', async () => {
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const e = await failure(readJsonFile(fifo, Settings));
    expect(e).toMatchObject({ kind: 'not-a-file' });
    expect(e.message).toContain('a FIFO');
    expect(opened).toEqual([]);
  });

  it('refuses a file over the limit before reading it', async () => {
    const path = write('huge.json', '');
    truncateSync(path, 8 * 2 ** 30); // 8 GiB, sparse: reading it would exhaust memory
    const e = await failure(readJsonFile(path, Settings));
    expect(e).toMatchObject({ kind: 'too-large' });
    expect(e.message).toContain('8192 MiB, over the 64 MiB read at most');
    expect(opened).toEqual([]);

    const small = write('small-limit.json', `{"theme": "dark", "pad": "${'x'.repeat(2000)}"}`);
    const e2 = await failure(readJsonFile(small, Settings, { maxBytes: 2027 }));
    expect(e2.message).toContain('2028 bytes, over the 2027 bytes read at most');
    expect(opened).toEqual([]);
    // At the limit exactly, it is read.
    expect(await readTextFile(small, { maxBytes: 2028 })).toHaveLength(2028);
  });

  it('leaves a missing file to the caller as ENOENT', async () => {
    await expect(readJsonFile(join(dir, 'absent.json'), Settings)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
