// The watch engine's reader of one hub queue (issue 24): one long poll at a time
// (WaitTimeSeconds 20, up to 10 messages), the batch handed over, then deleted in
// one call. Errors back the reader off (1 s doubling to a minute) and say the
// queue is unreachable, so the targets it serves fall back to polling; the first
// receive that answers again says it is healthy. dispose() aborts the poll in flight.
import { Lru, parsePipelineEvent, type PipelineEvent } from '../../shared/events/execution-order';
import { classifyAwsError } from '../aws/errors';
import { TEST_EVENT_MAX_AGE_MS, testEventOf, type HubQueueCalls, type QueueMessage } from './events-calls';

export type QueueHealth = { state: 'starting' | 'ok' } | { state: 'unreachable'; reason: string; awsCode: string | null };

export interface ConsumerOptions {
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A test event (pipewright events test) older than this is deleted: its test gave up on it. */
  testEventMaxAgeMs?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** How long this reader leaves the queue to the test's own poll after giving a test event back. */
const TEST_HANDOVER_MS = 1_000;

export class QueueConsumer {
  private stopping = new AbortController();
  /** Test events given back once (by message id): met again, their test is not taking them. */
  private testEventsGivenBack = new Lru<string, true>(1_000);
  private loop: Promise<void> | null = null;
  health: QueueHealth = { state: 'starting' };
  readonly counts = { receives: 0, messages: 0, deleted: 0, errors: 0 };

  constructor(
    readonly label: string,
    private calls: HubQueueCalls,
    private onEvents: (events: PipelineEvent[]) => void,
    private onHealth: (h: QueueHealth) => void,
    private opts: ConsumerOptions = {},
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops at once: the poll in flight is cancelled (its messages, if any, come back after their visibility timeout). */
  async dispose(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private setHealth(h: QueueHealth): void {
    const changed = JSON.stringify(h) !== JSON.stringify(this.health);
    this.health = h;
    if (changed) this.onHealth(h);
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    const min = this.opts.minBackoffMs ?? 1_000;
    let failures = 0;
    while (!signal.aborted) {
      let pause = 0;
      try {
        const messages = await this.calls.receive(signal);
        this.counts.receives++;
        this.setHealth({ state: 'ok' });
        failures = 0;
        pause = await this.handle(messages);
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        this.counts.errors++;
        const c = classifyAwsError(err);
        this.setHealth({
          state: 'unreachable',
          reason: `the queue ${this.label} is unreachable: ${c.message}`,
          awsCode: c.code && c.code !== 'Error' ? c.code : null,
        });
        pause = Math.min(this.opts.maxBackoffMs ?? 60_000, min * 2 ** Math.min(failures - 1, 10));
      }
      if (pause) await sleep(pause, signal);
    }
  }

  /** Hands the events over, then deletes what was taken; how long to wait before the next receive. */
  private async handle(messages: QueueMessage[]): Promise<number> {
    if (!messages.length) return 0;
    this.counts.messages += messages.length;
    const events: PipelineEvent[] = [];
    const done: string[] = [];
    let released = 0;
    for (const m of messages) {
      let body: unknown;
      try {
        body = JSON.parse(m.body);
      } catch {
        // Not an event: left alone, so the queue's redrive moves it to the dead-letter queue.
        continue;
      }
      const e = parsePipelineEvent(body);
      if (e) {
        events.push(e);
        done.push(m.receiptHandle);
      } else {
        const test = testEventOf(body);
        if (!test) continue;
        // `pipewright events test` waits for its own event in this queue. Each receive counts toward
        // the queue's maxReceiveCount (5), so a test event is given back once, not cycled: met again,
        // its test is not taking it, and it stays hidden until it is old enough to delete (a receive
        // count of 3 at most here, the test's own receive leaving room for one more).
        const age = Date.now() - test.sentAt;
        const maxAge = this.opts.testEventMaxAgeMs ?? TEST_EVENT_MAX_AGE_MS;
        // No time, or one far off either way (a clock cannot be that wrong): no test waits for it.
        if (!Number.isFinite(age) || Math.abs(age) > maxAge) done.push(m.receiptHandle);
        else if (this.testEventsGivenBack.peek(m.messageId)) {
          await this.calls.release(m.receiptHandle, Math.ceil((maxAge - age) / 1000) + 1).catch(() => undefined);
        } else {
          this.testEventsGivenBack.set(m.messageId, true);
          await this.calls.release(m.receiptHandle).catch(() => undefined);
          released++;
        }
      }
    }
    // Handed over before the delete: a crash between the two redelivers (and the dedupe drops the repeat), it never loses.
    if (events.length)
      try {
        this.onEvents(events);
      } catch (err) {
        // The engine's fault, not the queue's: said, and the sweep reconciles what it missed.
        console.warn(`events: handling ${events.length} event(s) failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    if (done.length) {
      const failed = await this.calls.deleteBatch(done);
      this.counts.deleted += done.length - failed.length;
    }
    // A test event given back would come straight back to this poll: the test's own poll takes it first.
    return released ? TEST_HANDOVER_MS : 0;
  }
}
