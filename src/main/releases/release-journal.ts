// Every change to a release goes to its storage first (ReleaseStorage: promotions and the log, on disk or in
// S3), then to the listeners (the app's release.updated events, the CLI's output). One journal per home; the
// listeners are the service's, shared by every home, and each change names its home (`location`).
//
// A step that changes a promotion is logged before it is written (changeLogged: the storage's beforeWrite, after
// the change was decided from the record as stored): a process killed between the two leaves the step in the
// log and its save undone, and whoever resumes does the step again (the same idempotency token: nothing starts
// twice). Logged after, a kill in between would leave a saved step that the log never shows.
import type { Promotion, ReleaseLogEntry } from '../../shared/api/releases';
import type { PromotionSaved, ReleaseStorage } from './ports';

export interface ReleaseChange {
  application: string;
  /** The shared release's location (s3://bucket/prefix/), or null for a release in the local home. */
  location: string | null;
  promotion: Promotion | null;
  log: ReleaseLogEntry | null;
}

export type LogEntry = Omit<ReleaseLogEntry, 'at'>;

export class ReleaseJournal {
  constructor(
    private store: ReleaseStorage,
    private location: string | null = null,
    private listeners = new Set<(c: ReleaseChange) => void>(),
  ) {}

  onChange(listener: (c: ReleaseChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(c: Omit<ReleaseChange, 'location'>): void {
    for (const l of this.listeners)
      try {
        l({ ...c, location: this.location });
      } catch (err) {
        console.error(`releases: a listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
  }

  async log(application: string, entry: LogEntry): Promise<void> {
    const full = await this.store.log(application, entry);
    this.emit({ application, promotion: null, log: full });
  }

  /** Saves a promotion over the record as it stands (release-store.ts); a finished one stands and is what listeners hear. */
  async save(p: Promotion): Promise<PromotionSaved<Promotion>> {
    const r = await this.store.savePromotion(p);
    this.emit({ application: p.application, promotion: structuredClone(r.promotion), log: null });
    return r;
  }

  /** Saves a promotion as `save` does, its step logged first (see above); a finished one is not saved over, nor logged. */
  async saveLogged(p: Promotion, entry: LogEntry): Promise<PromotionSaved<Promotion>> {
    const r = await this.changeLogged(
      p.application,
      p.id,
      () => p,
      () => entry,
    );
    // Refused, the record that stands (stopped by another process, say) is what listeners hear, as with `save`.
    if (!r.written && r.promotion) this.emit({ application: p.application, promotion: structuredClone(r.promotion), log: null });
    return { promotion: r.promotion ?? p, written: r.written };
  }

  /** Changes one promotion as the storage holds it now (ReleaseStorage.changePromotion). */
  async change(application: string, id: string, change: (saved: Promotion | undefined) => Promotion | null): Promise<PromotionSaved> {
    const r = await this.store.changePromotion(application, id, change);
    if (r.written && r.promotion) this.emit({ application, promotion: structuredClone(r.promotion), log: null });
    return r;
  }

  /**
   * Changes one promotion, logging `entry(next)` once the change is decided and before it is written. Listeners
   * hear the step once it is saved (the CLI prints "Started …" only for a start that a resume will not repeat);
   * the log has it first, so a kill in between loses nothing. When the step was logged and then not written
   * (another writer finished the promotion between the two, in S3), that is logged too, so the log never leaves
   * a step standing that did not happen to the record.
   */
  async changeLogged(
    application: string,
    id: string,
    change: (saved: Promotion | undefined) => Promotion | null,
    entry: (next: Promotion) => LogEntry,
  ): Promise<PromotionSaved> {
    let logged: ReleaseLogEntry | null = null;
    let r: PromotionSaved;
    try {
      r = await this.store.changePromotion(application, id, change, {
        beforeWrite: async (next) => {
          logged = await this.store.log(application, entry(next));
        },
      });
    } finally {
      // Logged, whatever became of the write: heard as it stands in the log.
      if (logged) this.emit({ application, promotion: null, log: logged });
    }
    if (r.written && r.promotion) this.emit({ application, promotion: structuredClone(r.promotion), log: null });
    else if (logged)
      await this.log(application, {
        promotionId: id,
        environment: r.promotion?.environment ?? (logged as ReleaseLogEntry).environment,
        event: 'not-saved',
        message: `The step above was not saved: promotion ${id} was ${r.promotion ? r.promotion.status : 'gone'} meanwhile (another process got there first); it stands as that.`,
      });
    return r;
  }
}
