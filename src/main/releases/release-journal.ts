// Every change to a release goes to disk first (the release store: promotions and
// the log), then to the listeners (the app's release.updated events, the CLI's output).
import type { Promotion, ReleaseLogEntry } from '../../shared/api/releases';
import type { ReleaseStore } from './release-store';

export interface ReleaseChange {
  application: string;
  promotion: Promotion | null;
  log: ReleaseLogEntry | null;
}

export class ReleaseJournal {
  private listeners = new Set<(c: ReleaseChange) => void>();

  constructor(private store: ReleaseStore) {}

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

  async save(p: Promotion): Promise<void> {
    await this.store.savePromotion(p);
    this.emit({ application: p.application, promotion: structuredClone(p), log: null });
  }
}
