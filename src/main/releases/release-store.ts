// Where releases live on disk, one folder per application under the user-data
// directory, shared by the app and the CLI:
//   releases/<application>/release.yaml     the release file the app saved
//   releases/<application>/promotions.json  promotions, written atomically after every step
//   releases/<application>/log.jsonl        the release log, append-only
//   releases/<application>/promote.lock     held while a promotion is checked, saved and started
//   releases/<application>/promotions.lock  held for the milliseconds of each read-change-write of promotions.json
// A promotion is saved before each start call (with its idempotency token), so
// a process killed at any point resumes without starting anything twice.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../node/atomic-file';
import { inTurn, LockWaitError } from '../../node/lock-file';
import { JsonFileError, readJsonFile, readTextFile } from '../../node/json-file';
import { appendJsonLine, readJsonLines } from '../../node/jsonl-file';
import { Promotion, ReleaseLogEntry, type DamagedFile, type ReleaseSummary } from '../../shared/api/releases';
import { MAX_RELEASE_FILE_BYTES, parseReleaseFile, releaseErrorsText, stringifyReleaseFile, type ReleaseFile } from '../../shared/releases/release-file';
import { AppError } from '../../shared/api/errors';
import { promotionStatusMayChange } from '../../shared/releases/promotion';
import type { PromotionSaved, ReleaseStorage } from './ports';

export type { PromotionSaved } from './ports';

const PromotionsFile = z.object({ version: z.literal(1), promotions: z.array(Promotion) });
/** Finished promotions kept per application (the log keeps everything). */
const KEEP_FINISHED = 50;
/**
 * promotions.lock is held for one read-change-write (milliseconds). Its expiry matters only when its holder died
 * on another host (on this one its pid is asked); waiting longer than it lets such a leftover be taken over.
 */
const SAVE_LOCK = { ttlMs: 10_000, waitMs: 15_000 };

/** What a failed read says about its file, for the list: the line when the error knows it, and its message. */
function damageOf(file: string, err: unknown): DamagedFile {
  const line = err instanceof AppError ? (err.details as { line?: unknown } | undefined)?.line : undefined;
  return { file, line: typeof line === 'number' ? line : null, message: err instanceof Error ? err.message : String(err) };
}

export class ReleaseStore implements ReleaseStorage {
  constructor(private home: string) {}

  private isApplicationName(application: string): boolean {
    return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(application) && !application.includes('..');
  }

  private dir(application: string): string {
    if (!this.isApplicationName(application)) throw new AppError('INVALID_INPUT', `"${application}" is not an application name.`);
    return join(this.home, 'releases', application);
  }

  /**
   * Refuses a name differing only in case from a saved release's: on Windows and macOS the
   * two would be one folder, so one release would overwrite the other's file and log.
   */
  async assertNameFree(application: string): Promise<void> {
    const names = await readdir(join(this.home, 'releases')).catch(() => [] as string[]);
    const other = names.find((n) => n !== application && n.toLowerCase() === application.toLowerCase());
    if (other)
      throw new AppError(
        'CONFLICT',
        `"${application}" differs only in case from the saved release "${other}": on Windows and macOS they would share one folder. Use "${other}" or another name.`,
      );
  }

  /** The lock file that gives one process at a time the check, save and starts of a promotion (promotion-lock.ts). */
  promotionLockPath(application: string): string {
    return join(this.dir(application), 'promote.lock');
  }

  async saveDefinition(release: ReleaseFile): Promise<void> {
    await this.assertNameFree(release.application);
    await writeFileAtomic(join(this.dir(release.application), 'release.yaml'), stringifyReleaseFile(release));
  }

  async definition(application: string): Promise<{ release: ReleaseFile; text: string }> {
    const path = join(this.dir(application), 'release.yaml');
    const text = await readTextFile(path, { maxBytes: MAX_RELEASE_FILE_BYTES }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new AppError('NOT_FOUND', `No release named ${application} is saved.`);
      if (err instanceof JsonFileError) throw new AppError('INVALID_INPUT', `${path}: ${err.detail}`, { file: path, line: err.line ?? null });
      throw err;
    });
    const parsed = parseReleaseFile(text);
    if (!parsed.ok) throw new AppError('INVALID_INPUT', releaseErrorsText(path, parsed.errors), { file: path, line: parsed.errors[0]?.line ?? null });
    return { release: parsed.release, text };
  }

  /**
   * Every application with a saved release file or promotions, with what is running. A file that
   * cannot be read is listed as damaged (named, with its line), never read as empty: a damaged
   * promotions.json once showed "0 running" and hid a promotion nobody was following any more.
   */
  async list(): Promise<ReleaseSummary[]> {
    const entries = await readdir(join(this.home, 'releases'), { withFileTypes: true }).catch(() => []);
    const out: ReleaseSummary[] = [];
    for (const application of entries
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .map((e) => e.name)
      .sort()) {
      // A folder no release could have made (its name is not an application's) is not a release.
      if (!this.isApplicationName(application)) continue;
      const damaged: DamagedFile[] = [];
      const def = await this.definition(application).catch((err: unknown) => {
        if (!(err instanceof AppError && err.code === 'NOT_FOUND')) damaged.push(damageOf(join(this.dir(application), 'release.yaml'), err));
        return null;
      });
      const promotions = await this.promotions(application).catch((err: unknown) => {
        damaged.push(damageOf(join(this.dir(application), 'promotions.json'), err));
        return null;
      });
      if (!def && !promotions?.length && !damaged.length) continue;
      out.push({
        application,
        environments: def?.release.environments.map((e) => e.name) ?? [],
        running: promotions ? promotions.filter((p) => p.status === 'running').length : null,
        updatedAt:
          promotions
            ?.map((p) => p.finishedAt ?? p.startedAt)
            .sort()
            .at(-1) ?? null,
        damaged,
      });
    }
    return out;
  }

  async promotions(application: string): Promise<Promotion[]> {
    const path = join(this.dir(application), 'promotions.json');
    try {
      return (await readJsonFile(path, PromotionsFile)).promotions;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      // A promotions file we cannot read must stop a promotion rather than let it start again from nothing. It is
      // a file to repair, not a fault of the app: bad input (the CLI's exit 2), naming the file and where it breaks;
      // nothing is written over it.
      if (err instanceof JsonFileError)
        throw new AppError('INVALID_INPUT', `${path} is damaged (${err.detail}); it was left as it is: repair it, or move it aside to start afresh.`, {
          file: path,
          ...(err.line === undefined ? {} : { line: err.line, column: err.column }),
          ...(err.path ? { path: err.path } : {}),
        });
      throw err;
    }
  }

  async promotion(application: string, id: string): Promise<Promotion | undefined> {
    return (await this.promotions(application)).find((p) => p.id === id);
  }

  /**
   * Saves one promotion, replacing the record with its id as the file holds it now. A finished promotion is not
   * saved over (promotionStatusMayChange): then `written` is false and `promotion` is the record that stands.
   */
  async savePromotion(p: Promotion): Promise<PromotionSaved<Promotion>> {
    const r = await this.changePromotion(p.application, p.id, () => p);
    return { promotion: r.promotion ?? p, written: r.written };
  }

  /**
   * Changes one promotion, read-change-write, with no other save in between (from this process or another):
   * `change` gets the record as the file holds it now (undefined: none yet) and returns the record to save, or
   * null to leave it. Every other record is written back as it was read, never from a caller's older copy, and
   * a status change promotionStatusMayChange refuses is not written. The newest finished ones are kept.
   */
  async changePromotion(
    application: string,
    id: string,
    change: (saved: Promotion | undefined) => Promotion | null,
    o: { beforeWrite?: (next: Promotion) => Promise<void> } = {},
  ): Promise<PromotionSaved> {
    const file = join(this.dir(application), 'promotions.json');
    // One change of promotions.json at a time, here and in any other process sharing the home.
    const lockPath = join(this.dir(application), 'promotions.lock');
    const saving = inTurn(
      lockPath,
      'Pipewright (saving promotions.json)',
      async () => {
        const all = await this.promotions(application);
        const saved = all.find((x) => x.id === id);
        const next = change(saved);
        if (!next || (saved && !promotionStatusMayChange(saved.status, next.status))) return { promotion: saved, written: false };
        // Under the lock: nothing else changes the file between the decision, the step logged and the write.
        await o.beforeWrite?.(next);
        const others = all.filter((x) => x !== saved);
        others.unshift(next);
        const running = others.filter((x) => x.status === 'running');
        const finished = others.filter((x) => x.status !== 'running').slice(0, KEEP_FINISHED);
        const kept = others.filter((x) => running.includes(x) || finished.includes(x));
        await writeFileAtomic(file, JSON.stringify({ version: 1, promotions: kept }, null, 1));
        return { promotion: next, written: true };
      },
      SAVE_LOCK,
    );
    return saving.catch((err: unknown) => {
      if (err instanceof LockWaitError) throw new AppError('CONFLICT', `promotions.json was not saved: ${err.message}`, { file: lockPath });
      throw err;
    });
  }

  async log(application: string, entry: Omit<ReleaseLogEntry, 'at'>): Promise<ReleaseLogEntry> {
    const full = { at: new Date().toISOString(), ...entry };
    // On a fresh line even after a torn one (a crash mid-write), so this entry is never joined to it.
    await appendJsonLine(join(this.dir(application), 'log.jsonl'), full, 0o644);
    return full;
  }

  /**
   * The release log, newest last. A line that is not an entry (torn by a crash, or edited) is
   * kept aside and reported where it stands, as an `unreadable` entry naming its line.
   */
  async history(application: string, limit = 500): Promise<ReleaseLogEntry[]> {
    const text = await readFile(join(this.dir(application), 'log.jsonl'), 'utf8').catch(() => '');
    const entries: ReleaseLogEntry[] = [];
    for (const l of readJsonLines(text)) {
      const parsed = l.ok ? ReleaseLogEntry.safeParse(l.value) : null;
      if (parsed?.success) entries.push(parsed.data);
      else
        entries.push({
          at: entries.at(-1)?.at ?? '',
          promotionId: null,
          environment: null,
          event: 'unreadable',
          message: `log.jsonl line ${l.line} is not a log entry (${l.ok ? 'not the shape of one' : 'cut short or not JSON'}); it is kept as it is.`,
        });
    }
    return entries.slice(-limit);
  }
}
