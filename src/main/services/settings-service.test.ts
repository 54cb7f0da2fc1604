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

  it('treats out-of-range values as corrupt too', async () => {
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ theme: 'neon', fanout: { perTargetConcurrency: -3 } }));
    const v = await new SettingsService(home).load();
    expect(v.warning).toMatch(/out of range/);
    expect(v.settings.fanout.perTargetConcurrency).toBe(4);
  });

  it('keeps unknown-but-valid partial files by filling defaults', async () => {
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ theme: 'light' }));
    const v = await new SettingsService(home).load();
    expect(v.warning).toBeNull();
    expect(v.settings.theme).toBe('light');
    expect(v.settings.workspace.regions).toEqual([]);
  });
});
