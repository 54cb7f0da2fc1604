import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, promises as fs, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsService } from './settings-service';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'pw-settings-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('SettingsService', () => {
  it('starts from defaults when no file exists', async () => {
    const s = new SettingsService(home);
    const v = await s.load();
    expect(v.settings.theme).toBe('system');
    expect(v.settings.sandbox.enabled).toBe(true);
    expect(v.warning).toBeNull();
  });

  it('writes atomically: the file is complete JSON and no temp file is left', async () => {
    const s = new SettingsService(home);
    await s.load();
    await Promise.all([s.update({ theme: 'dark' }), s.update({ fanout: { perTargetConcurrency: 7 } }), s.update({ ui: { lastSection: 'artifacts' } })]);
    const text = await fs.readFile(join(home, 'settings.json'), 'utf8');
    const parsed = JSON.parse(text);
    expect(parsed.theme).toBe('dark');
    expect(parsed.fanout.perTargetConcurrency).toBe(7);
    expect(parsed.ui.lastSection).toBe('artifacts');
    expect(readdirSync(home).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = new SettingsService(home);
    expect((await again.load()).settings.theme).toBe('dark');
  });

  it('keeps a corrupt file aside as .bad, uses defaults and warns', async () => {
    writeFileSync(join(home, 'settings.json'), '{ "theme": "dark", ');
    const s = new SettingsService(home);
    const v = await s.load();
    expect(v.settings.theme).toBe('system');
    expect(v.warning).toMatch(/settings\.json\.bad/);
    expect(await fs.readFile(join(home, 'settings.json.bad'), 'utf8')).toBe('{ "theme": "dark", ');
    expect(JSON.parse(await fs.readFile(join(home, 'settings.json'), 'utf8')).theme).toBe('system');
  });

  it('drops only the invalid values, each named, and keeps every valid one (the blocklists above all)', async () => {
    const blocked = ['prod-artifacts', 'codepipeline-us-east-1-333333333333'];
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({
        theme: 'Dark',
        fanout: { perTargetConcurrency: -3, globalConcurrency: 9 },
        artifacts: { blockedBuckets: [...blocked, 7], blockedAccounts: ['333333333333', '12345'] },
      }),
    );
    const v = await new SettingsService(home).load();
    expect(v.settings.theme).toBe('system');
    expect(v.settings.fanout).toEqual({ perTargetConcurrency: 4, globalConcurrency: 9 });
    expect(v.settings.artifacts.blockedBuckets).toEqual(blocked);
    expect(v.settings.artifacts.blockedAccounts).toEqual(['333333333333']);
    for (const path of ['theme', 'fanout.perTargetConcurrency', 'artifacts.blockedBuckets.2', 'artifacts.blockedAccounts.1']) expect(v.warning).toContain(path);
    expect(v.warning).toMatch(/kept as settings\.json\.bad/);
    // What was kept is on disk, and reads back without a warning.
    const again = await new SettingsService(home).load();
    expect(again.warning).toBeNull();
    expect(again.settings.artifacts.blockedBuckets).toEqual(blocked);
  });

  it('never overwrites an earlier .bad file', async () => {
    writeFileSync(join(home, 'settings.json.bad'), 'the first bad file');
    writeFileSync(join(home, 'settings.json'), '{ broken');
    const v = await new SettingsService(home).load();
    expect(v.warning).toMatch(/kept as settings\.json\.bad\.1/);
    expect(await fs.readFile(join(home, 'settings.json.bad'), 'utf8')).toBe('the first bad file');
    expect(await fs.readFile(join(home, 'settings.json.bad.1'), 'utf8')).toBe('{ broken');
  });

  it('a failed write is reported, memory stays equal to disk, and the next write works once the cause is gone', async () => {
    const s = new SettingsService(home);
    await s.load();
    await s.update({ theme: 'light' });
    // The settings path becomes something a file cannot be renamed over.
    await fs.rm(join(home, 'settings.json'));
    await fs.mkdir(join(home, 'settings.json'));
    writeFileSync(join(home, 'settings.json', 'x'), '');
    await expect(s.update({ theme: 'dark' })).rejects.toThrow(/could not be saved.*Nothing was changed/);
    expect(s.settings.theme).toBe('light');
    expect(s.view().settings.theme).toBe('light');
    await fs.rm(join(home, 'settings.json'), { recursive: true });
    const v = await s.update({ theme: 'dark' });
    expect(v.settings.theme).toBe('dark');
    expect(JSON.parse(await fs.readFile(join(home, 'settings.json'), 'utf8')).theme).toBe('dark');
  });

  it('keeps unknown-but-valid partial files by filling defaults', async () => {
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ theme: 'light' }));
    const v = await new SettingsService(home).load();
    expect(v.warning).toBeNull();
    expect(v.settings.theme).toBe('light');
    expect(v.settings.workspace.regions).toEqual([]);
  });
});
