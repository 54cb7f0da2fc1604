// Pipewright's own files for an organization: read through their schemas; one that
// does not parse is named, and kept (never written over).
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrgStore } from '../../src/main/org/org-store';

const home = mkdtempSync(join(tmpdir(), 'pw-org-store-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('OrgStore', () => {
  it('reads nothing where nothing was saved, and reads back what it saved', async () => {
    const s = new OrgStore(join(home, 'a'));
    expect(await s.connection()).toBeNull();
    expect(await s.discovery()).toBeNull();
    const c = { version: 1 as const, name: 'acme', identityCenter: null, organizationsProfile: 'mgmt' };
    await s.saveConnection(c);
    expect(await s.connection()).toEqual(c);
  });

  it('names a connection file that does not parse; a new connect keeps it as .bad', async () => {
    const s = new OrgStore(join(home, 'b'));
    mkdirSync(s.dir, { recursive: true });
    writeFileSync(s.connectionFile, '{"version": 1, "name": "has space"}');
    await expect(s.connection()).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(s.connectionFile) });
    expect(await s.connectionOrAside()).toBeNull();
    expect(readFileSync(`${s.connectionFile}.bad`, 'utf8')).toBe('{"version": 1, "name": "has space"}');
    expect(s.warnings[0]).toContain('did not parse; it was kept as');
  });

  it('keeps a discovery file that does not parse as .bad (never over another) and reads it as none', async () => {
    const s = new OrgStore(join(home, 'c'));
    mkdirSync(s.dir, { recursive: true });
    writeFileSync(`${s.discoveryFile}.bad`, 'an older bad one');
    writeFileSync(s.discoveryFile, '{"version": 1, "identityCenter": {}}');
    expect(await s.discovery()).toBeNull();
    expect(existsSync(s.discoveryFile)).toBe(false);
    expect(readFileSync(`${s.discoveryFile}.bad`, 'utf8')).toBe('an older bad one');
    expect(readFileSync(`${s.discoveryFile}.bad.1`, 'utf8')).toBe('{"version": 1, "identityCenter": {}}');
    expect(s.warnings[0]).toMatch(/discovered afresh/);
  });
});
