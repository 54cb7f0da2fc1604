// Every change to a release goes to its storage first (ReleaseStorage: promotions and
// the log, on disk or in S3), then to the listeners (the app's release.updated events, the CLI's output).
import type { Promotion, ReleaseLogEntry } from '../../shared/api/releases';
import type { PromotionSaved, ReleaseStorage } from './ports';

export interface ReleaseChange {
  application: string;
  promotion: Promotion | null;
  log: ReleaseLogEntry | null;
}

export class ReleaseJournal {
  private listeners = new Set<(c: ReleaseChange) => void>();

  constructor(private store: ReleaseStorage) {}

  onChange(listener: (c: ReleaseChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(c: ReleaseChange): void {
    for (const l of this.listeners)
      try {
        l(c);
      } catch (err) {
        console.error(`releases: a listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
  }

  async log(application: string, entry: Omit<ReleaseLogEntry, 'at'>): Promise<void> {
    const full = await this.store.log(application, entry);
    this.emit({ application, promotion: null, log: full });
  }

  /** Saves a promotion over the record as it stands (release-store.ts); a finished one stands and is what listeners hear. */
  async save(p: Promotion): Promise<PromotionSaved<Promotion>> {
    const r = await this.store.savePromotion(p);
    this.emit({ application: p.application, promotion: structuredClone(r.promotion), log: null });
    return r;
  }

  /** Changes one promotion as the file holds it now (release-store.ts changePromotion). */
  async change(application: string, id: string, change: (saved: Promotion | undefined) => Promotion | null): Promise<PromotionSaved> {
    const r = await this.store.changePromotion(application, id, change);
    if (r.written && r.promotion) this.emit({ application, promotion: structuredClone(r.promotion), log: null });
    return r;
  }
}
