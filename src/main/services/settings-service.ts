// Settings persisted as JSON in the user-data directory. Written atomically and
// validated on read; a corrupt file is kept aside as `settings.json.bad` and
// replaced by defaults, with a warning the UI shows.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { applySettingsPatch, Settings, type SettingsPatch, type SettingsView } from '../../shared/api/settings';
import { writeFileAtomic } from '../platform/atomic-file';

export class SettingsService {
  private current: Settings = Settings.parse({});
  private warning: string | null = null;
  private writes: Promise<void> = Promise.resolve();
  private listeners: Array<(view: SettingsView) => void> = [];

  constructor(readonly home: string) {}

  get path(): string {
    return join(this.home, 'settings.json');
  }

  async load(): Promise<SettingsView> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.current = Settings.parse({});
        return this.view();
      }
      throw err;
    }
    try {
      this.current = Settings.parse(JSON.parse(text));
      this.warning = null;
    } catch (err) {
      const reason = err instanceof SyntaxError ? `not valid JSON (${err.message})` : 'values out of range';
      await fs.rename(this.path, `${this.path}.bad`);
      this.current = Settings.parse({});
      this.warning = `Settings file ${this.path} was ${reason}; it was kept as settings.json.bad and defaults are in use.`;
      await this.persist();
    }
    return this.view();
  }

  view(): SettingsView {
    return { settings: structuredClone(this.current), warning: this.warning };
  }

  get settings(): Settings {
    return this.current;
  }

  async update(patch: SettingsPatch): Promise<SettingsView> {
    this.current = applySettingsPatch(this.current, patch);
    this.warning = null;
    await this.persist();
    const view = this.view();
    for (const l of this.listeners) l(view);
    return view;
  }

  onChange(listener: (view: SettingsView) => void): void {
    this.listeners.push(listener);
  }

  /** Serialises writes so two quick updates never interleave on disk. */
  private persist(): Promise<void> {
    const snapshot = JSON.stringify(this.current, null, 2) + '\n';
    this.writes = this.writes.then(() => writeFileAtomic(this.path, snapshot));
    return this.writes;
  }
}
