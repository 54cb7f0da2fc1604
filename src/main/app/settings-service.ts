// Settings persisted as JSON in the user-data directory. Written atomically and
// validated on read. An invalid value is dropped alone (every valid one, the
// blocklists above all, is kept) and named in a warning the UI shows; the
// original file is kept aside as `settings.json.bad` (never overwriting an
// earlier one). Updates are applied one at a time, and memory changes only once
// the file is written: a failed write is reported and the next one still runs.
import { constants as fsConstants, promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/api/errors';
import { applySettingsPatch, salvageSettings, Settings, type SettingsPatch, type SettingsView } from '../../shared/api/settings';
import { writeFileAtomic } from '../../node/atomic-file';
import { JsonFileError, readJsonFile } from '../../node/json-file';

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
    // Any JSON is read here; salvageSettings checks it against the schema value by value.
    let raw: unknown;
    try {
      raw = await readJsonFile(this.path, z.unknown());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.current = Settings.parse({});
        return this.view();
      }
      // Not JSON, or nested too deep to be settings: nothing in it can be salvaged.
      if (!(err instanceof JsonFileError) || (err.kind !== 'syntax' && err.kind !== 'depth')) throw err;
      const kept = await this.keepAside();
      this.current = Settings.parse({});
      this.warning = `Settings file ${this.path} was ${err.kind === 'syntax' ? err.detail : `not usable (${err.detail})`}; it was kept as ${kept} and defaults are in use.`;
      await this.persist(this.current).catch(() => undefined);
      return this.view();
    }
    const { settings, dropped } = salvageSettings(raw);
    this.current = settings;
    this.warning = null;
    if (dropped.length) {
      const kept = await this.keepAside();
      const named = dropped
        .slice(0, 10)
        .map((d) => `${d.path} (${d.message})`)
        .join('; ');
      this.warning = `Settings file ${this.path} had invalid values, dropped and set to their defaults: ${named}${dropped.length > 10 ? `; and ${dropped.length - 10} more` : ''}. Every other value was kept; the original is kept as ${kept}.`;
      await this.persist(this.current).catch(() => undefined);
    }
    return this.view();
  }

  /** Copies the file aside under the first free name: settings.json.bad, .bad.1, .bad.2, … */
  private async keepAside(): Promise<string> {
    for (let n = 0; ; n++) {
      const name = `${this.path}.bad${n ? `.${n}` : ''}`;
      try {
        await fs.copyFile(this.path, name, fsConstants.COPYFILE_EXCL);
        return basename(name);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw err;
      }
    }
  }

  view(): SettingsView {
    return { settings: structuredClone(this.current), warning: this.warning };
  }

  get settings(): Settings {
    return this.current;
  }

  /** Applies a patch once it is on disk; if the write fails, memory keeps what the disk has and the error is reported. */
  update(patch: SettingsPatch): Promise<SettingsView> {
    const run = this.writes.then(async () => {
      const next = applySettingsPatch(this.current, patch);
      try {
        await writeFileAtomic(this.path, serialize(next));
      } catch (err) {
        throw new AppError('UNAVAILABLE', `Settings could not be saved to ${this.path}: ${(err as Error).message}. Nothing was changed.`);
      }
      this.current = next;
      this.warning = null;
      const view = this.view();
      for (const l of this.listeners) l(view);
      return view;
    });
    // The next update waits for this one, whether it succeeded or not.
    this.writes = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  onChange(listener: (view: SettingsView) => void): void {
    this.listeners.push(listener);
  }

  private persist(settings: Settings): Promise<void> {
    const run = this.writes.then(() => writeFileAtomic(this.path, serialize(settings)));
    this.writes = run.catch(() => undefined);
    return run;
  }
}

const serialize = (s: Settings) => JSON.stringify(s, null, 2) + '\n';
