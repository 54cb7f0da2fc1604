// The sandbox's own record of the events its CodePipeline emitted, in emission
// order, for tests and the control API: what was sent, whatever EventBridge then
// matched, dropped or delivered.
import type { AwsEventEnvelope } from './events';

export interface RecordedEvent {
  /** 1, 2, 3… in emission order: read again from the last one seen with since(). */
  seq: number;
  account: string;
  region: string;
  event: AwsEventEnvelope;
}

/** Enough for a benchmark's worth of executions; the oldest go first beyond it. */
const MAX_EVENTS = 200_000;

export class CodePipelineEventLog {
  private events: RecordedEvent[] = [];
  private seq = 0;

  record(account: string, region: string, event: AwsEventEnvelope): void {
    this.events.push({ seq: ++this.seq, account, region, event });
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  /** The events after `since` (a seq), oldest first. */
  since(since = 0): RecordedEvent[] {
    // Seqs are dense and ascending, so the first one after `since` is found by arithmetic.
    const first = this.events.length ? this.events[0].seq : this.seq + 1;
    return this.events.slice(Math.max(0, since + 1 - first));
  }

  /** The seq of the newest event (0 before any). */
  get last(): number {
    return this.seq;
  }

  clear(): void {
    this.events = [];
  }
}
