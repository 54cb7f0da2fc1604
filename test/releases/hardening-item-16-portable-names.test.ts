// Issue 23, item 16: application names such as CON or aux, names with a trailing
// ".", and names differing only in case were accepted; each is a folder under
// releases/, which on Windows cannot be made or, on Windows and macOS, is one
// folder with another release's. They are refused with the rule named.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReleaseFile, type ReleaseFile } from '../../src/shared/releases/release-file';
import { ReleaseStore } from '../../src/main/releases/release-store';
import { AppError } from '../../src/shared/api/errors';

const release = (application: string): ReleaseFile => ({
  version: 1,
  application,
  environments: [{ name: 'dev', targets: [{ profile: 'sandbox-dev', region: 'us-east-1', pipeline: 'web-frontend' }] }],
});
const parse = (application: string) => parseReleaseFile(JSON.stringify(release(application)));
const messages = (application: string) => {
  const r = parse(application);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('hardening item 16: application names that are valid file names on Windows and macOS', () => {
  it.each(['CON', 'con', 'aux', 'Aux', 'NUL', 'PRN', 'COM1', 'com9', 'LPT1', 'lpt9', 'nul.web', 'CON.txt', 'aux.tar.gz', 'COM0'])(
    'refuses the Windows device name %s, with or without an extension',
    (name) => {
      const found = messages(name);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^application: .*reserved .*Windows/);
    },
  );

  it.each(['web.', 'web..', 'a.'])('refuses %s, which ends in "."', (name) => {
    const found = messages(name);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^application: .*may not end in "\." or a space/);
  });

  it.each(['web', 'console', 'auxiliary', 'COM10', 'lpt', 'nullable.api', 'web.v2', 'con-tracts'])('accepts %s', (name) => {
    expect(parse(name).ok).toBe(true);
  });

  describe('names differing only in case from a saved release', () => {
    let home: string;
    beforeEach(() => {
      home = mkdtempSync(join(tmpdir(), 'pw-item16-'));
    });
    afterEach(() => rmSync(home, { recursive: true, force: true }));

    it('are refused on save, naming the saved release; the same name saves again', async () => {
      const store = new ReleaseStore(home);
      await store.saveDefinition(release('web-frontend'));
      const refused = await store.saveDefinition(release('Web-Frontend')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).code).toBe('CONFLICT');
      expect((refused as AppError).message).toMatch(/"Web-Frontend" differs only in case from the saved release "web-frontend"/);
      await expect(store.saveDefinition(release('web-frontend'))).resolves.toBeUndefined();
      expect((await store.list()).map((r) => r.application)).toEqual(['web-frontend']);
    });

    it('are refused before init reads any pipeline (the check init and save share)', async () => {
      const store = new ReleaseStore(home);
      await store.log('orders', { promotionId: null, environment: null, event: 'release-saved', message: 'saved' });
      await expect(store.assertNameFree('ORDERS')).rejects.toThrow(/differs only in case from the saved release "orders"/);
      await expect(store.assertNameFree('orders')).resolves.toBeUndefined();
      await expect(store.assertNameFree('billing')).resolves.toBeUndefined();
    });
  });
});
