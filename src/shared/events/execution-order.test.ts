// The event ordering, against shuffled and duplicated streams: whatever order and
// however many times the events of an execution arrive, the state it ends in is the
// one the last event in true order says, each event counts as news at most once,
// and the states accepted never go backwards.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ExecutionOrder,
  Lru,
  RecentIds,
  eventsAnnounced,
  isNewer,
  parsePipelineEvent,
  statusOfEventState,
  withEventTimes,
  type PipelineEvent,
} from './execution-order';

const base = { account: '111111111111', region: 'us-east-1', pipeline: 'web', time: '2024-01-01T00:00:00Z' };
let n = 0;
const ev = (kind: PipelineEvent['kind'], state: string, extra: Partial<PipelineEvent> = {}): PipelineEvent => ({
  ...base,
  id: `e${++n}`,
  kind,
  executionId: 'x1',
  stage: kind === 'pipeline' ? null : 'Build',
  action: kind === 'action' ? 'Compile' : null,
  actionExecutionId: kind === 'action' ? 'a1' : null,
  state,
  attempt: 1,
  startTime: '2024-01-01T00:00:00.123Z',
  ...extra,
});

/** One execution in true order: started, a stage and its action run, failed; retried (attempt 2), resumed, succeeded. */
function history(): PipelineEvent[] {
  n = 0;
  return [
    ev('pipeline', 'STARTED'),
    ev('stage', 'STARTED'),
    ev('action', 'STARTED'),
    ev('action', 'FAILED'),
    ev('stage', 'FAILED'),
    ev('pipeline', 'FAILED'),
    ev('pipeline', 'RESUMED', { attempt: 2, startTime: null }),
    ev('stage', 'RESUMED', { attempt: 2, startTime: null }),
    ev('action', 'STARTED', { attempt: 2, actionExecutionId: 'a2' }),
    ev('action', 'SUCCEEDED', { attempt: 2, actionExecutionId: 'a2' }),
    ev('stage', 'SUCCEEDED', { attempt: 2 }),
    ev('pipeline', 'SUCCEEDED', { attempt: 2 }),
  ];
}

describe('execution order', () => {
  it('an older state arriving late does not overwrite a newer one', () => {
    const o = new ExecutionOrder();
    const [started, , , , , failed, resumed, , , , , succeeded] = history();
    expect(o.accept(resumed)).toBe('advanced');
    expect(o.accept(failed)).toBe('stale');
    expect(o.accept(started)).toBe('stale');
    expect(o.pipelineState(base, 'x1')).toEqual({ state: 'RESUMED', attempt: 2 });
    expect(o.accept(succeeded)).toBe('advanced');
    expect(o.accept(succeeded)).toBe('duplicate');
    expect(o.pipelineState(base, 'x1')).toEqual({ state: 'SUCCEEDED', attempt: 2 });
  });

  it('STOPPING sits between STARTED and the end', () => {
    expect(isNewer({ state: 'STOPPING', attempt: 1 }, { state: 'STARTED', attempt: 1 })).toBe(true);
    expect(isNewer({ state: 'STARTED', attempt: 1 }, { state: 'STOPPING', attempt: 1 })).toBe(false);
    expect(isNewer({ state: 'STOPPING', attempt: 1 }, { state: 'STOPPED', attempt: 1 })).toBe(false);
    expect(isNewer({ state: 'STOPPED', attempt: 1 }, { state: 'STOPPING', attempt: 1 })).toBe(true);
  });

  it('the latest execution is the one that started last, whatever order its events came in', () => {
    const o = new ExecutionOrder();
    o.accept(ev('pipeline', 'STARTED', { executionId: 'new', startTime: '2024-01-01T00:00:05.000Z' }));
    o.accept(ev('pipeline', 'SUPERSEDED', { executionId: 'old', startTime: '2024-01-01T00:00:01.000Z' }));
    o.accept(ev('pipeline', 'RESUMED', { executionId: 'old', startTime: null, attempt: 2 }));
    expect(o.latestExecution(base)).toBe('new');
  });

  it('shuffled and duplicated: the final state is right, each event is news once, and accepted states never go back', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), fc.array(fc.nat({ max: 11 }), { maxLength: 20 }), (keys, dupes) => {
        const events = history();
        // A shuffle (sort by random keys) with some events delivered again.
        const stream = [...events.map((e, i) => ({ e, k: keys[i] })), ...dupes.map((d, j) => ({ e: events[d], k: keys[(d + j) % 12] + j }))]
          .sort((a, b) => a.k - b.k)
          .map((x) => x.e);
        const o = new ExecutionOrder();
        const newsCount = new Map<string, number>();
        let last: { state: string; attempt: number } | null = null;
        for (const e of stream) {
          const v = o.accept(e);
          if (v === 'advanced') newsCount.set(e.id, (newsCount.get(e.id) ?? 0) + 1);
          if (e.kind === 'pipeline') {
            const now = o.pipelineState(base, 'x1')!;
            if (last) expect(isNewer(last, now)).toBe(false);
            last = now;
          }
        }
        expect([...newsCount.values()].every((c) => c === 1)).toBe(true);
        expect(o.pipelineState(base, 'x1')).toEqual({ state: 'SUCCEEDED', attempt: 2 });
        expect(o.partState(base, 'x1', 's|Build')).toEqual({ state: 'SUCCEEDED', attempt: 2 });
        expect(o.partState(base, 'x1', 'a|Build|Compile|a1')).toEqual({ state: 'FAILED', attempt: 1 });
      }),
      { numRuns: 300 },
    );
  });

  it('memory is bounded: the oldest ids and executions are forgotten', () => {
    const ids = new RecentIds(3);
    expect(['a', 'b', 'c', 'd'].map((x) => ids.seen(x))).toEqual([false, false, false, false]);
    expect(ids.seen('a')).toBe(false); // forgotten
    expect(ids.seen('d')).toBe(true);
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect([lru.peek('a'), lru.peek('b'), lru.peek('c'), lru.size]).toEqual([1, undefined, 3, 2]);
  });
});

describe('parsing and comparing with a listing', () => {
  it('parses CodePipeline events and refuses anything else', () => {
    const body = {
      version: '0',
      id: 'abc',
      'detail-type': 'CodePipeline Action Execution State Change',
      source: 'aws.codepipeline',
      account: '111111111111',
      time: '2024-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:codepipeline:us-east-1:111111111111:web'],
      detail: {
        pipeline: 'web',
        'execution-id': 'x1',
        stage: 'Build',
        action: 'Compile',
        'action-execution-id': 'a1',
        state: 'STARTED',
        'pipeline-execution-attempt': 1,
        'start-time': '2024-01-01T00:00:00.123Z',
      },
    };
    expect(parsePipelineEvent(body)).toMatchObject({ kind: 'action', stage: 'Build', action: 'Compile', actionExecutionId: 'a1', attempt: 1 });
    expect(parsePipelineEvent({ ...body, source: 'pipewright.events.test' })).toBeNull();
    // Hostile shapes are no event, and never throw: a detail-type that is an object or an inherited key, a null body.
    expect(parsePipelineEvent({ ...body, 'detail-type': { toString: 1 } })).toBeNull();
    expect(parsePipelineEvent({ ...body, 'detail-type': 'constructor' })).toBeNull();
    expect(parsePipelineEvent(null)).toBeNull();
    expect(parsePipelineEvent({ ...body, detail: { ...body.detail, stage: undefined } })).toBeNull();
    expect(parsePipelineEvent('not json')).toBeNull();
    expect(parsePipelineEvent(null)).toBeNull();
  });

  it('a listing ahead of the events is a miss; a listing behind them is not', () => {
    expect(statusOfEventState('CANCELED')).toBe('Cancelled');
    expect(statusOfEventState('SUPERSEDED')).toBe('Superseded');
    expect(eventsAnnounced('SUCCEEDED', 'Succeeded')).toBe(true);
    expect(eventsAnnounced('SUCCEEDED', 'InProgress')).toBe(true);
    expect(eventsAnnounced('STARTED', 'Succeeded')).toBe(false);
    expect(eventsAnnounced('FAILED', 'Succeeded')).toBe(false);
    expect(eventsAnnounced(null, 'InProgress')).toBe(false);
    expect(eventsAnnounced('RESUMED', 'Failed')).toBe(false);
  });
});

describe('execution times from events', () => {
  const summary = { status: 'InProgress', startTime: null, lastUpdateTime: null, durationSec: null };
  it("the start is the execution's start-time, else its STARTED event's time; the last update the latest event's, never before the start", () => {
    const order = new ExecutionOrder();
    // Out of order: the end first, then the start without start-time (as on RESUMED).
    order.accept(ev('pipeline', 'SUCCEEDED', { time: '2024-01-01T00:01:30Z', startTime: null }));
    order.accept(ev('pipeline', 'STARTED', { time: '2024-01-01T00:00:10Z', startTime: null }));
    expect(order.executionTimes(base, 'x1')).toEqual({ startTime: '2024-01-01T00:00:10.000Z', lastUpdateTime: '2024-01-01T00:01:30.000Z' });
    const precise = new ExecutionOrder();
    precise.accept(ev('stage', 'STARTED', { time: '2024-01-01T00:00:00Z', startTime: '2024-01-01T00:00:00.700Z' }));
    expect(precise.executionTimes(base, 'x1')).toEqual({ startTime: '2024-01-01T00:00:00.700Z', lastUpdateTime: '2024-01-01T00:00:00.700Z' });
    expect(precise.executionTimes(base, 'unheard')).toBeNull();
  });

  it('fills what a read left out, moves the last update on, and keeps what the read had', () => {
    const times = { startTime: '2024-01-01T00:00:10.000Z', lastUpdateTime: '2024-01-01T00:01:30.000Z' };
    expect(withEventTimes(summary, times)).toEqual({ ...summary, ...times });
    expect(withEventTimes({ ...summary, status: 'Succeeded' }, times).durationSec).toBe(80);
    const read = { ...summary, startTime: '2024-01-01T00:00:09.500Z', lastUpdateTime: '2024-01-01T00:02:00.000Z' };
    expect(withEventTimes(read, times)).toEqual(read);
    expect(withEventTimes(summary, null)).toBe(summary);
  });
});

// Red team, issue 24, finding 5: one message (a forged one, or a broken clock's) with a
// start-time of 2099 kept an old execution "latest" for ever, whatever was read after.
describe('the latest execution: events are claims, listings are reads', () => {
  const at = (iso: string) => Date.parse(iso);
  const clock = (iso: string) => {
    const c = { now: at(iso) };
    return { c, order: new ExecutionOrder({ now: () => c.now }) };
  };

  it('a start-time further ahead than clocks differ is no start: it does not make its execution the latest, nor its start', () => {
    const { order } = clock('2024-01-01T00:10:00Z');
    order.accept(ev('pipeline', 'STARTED', { executionId: 'fresh', startTime: '2024-01-01T00:09:00.000Z', time: '2024-01-01T00:09:00Z' }));
    order.accept(ev('pipeline', 'STARTED', { executionId: 'old', startTime: '2099-01-01T00:00:00.000Z', time: '2099-01-01T00:00:00Z' }));
    expect(order.latestExecution(base)).toBe('fresh');
    expect(order.executionTimes(base, 'old')).toEqual({ startTime: null, lastUpdateTime: null });
    // A few minutes ahead is a clock's difference, and believed.
    order.accept(ev('pipeline', 'STARTED', { executionId: 'next', startTime: '2024-01-01T00:14:00.000Z' }));
    expect(order.latestExecution(base)).toBe('next');
  });

  it('a listing outweighs an event heard before it began; an event heard since may be newer, and stays', () => {
    const { c, order } = clock('2024-01-01T00:10:00Z');
    // One event, within the skew, claims an old execution started last.
    order.accept(ev('pipeline', 'STARTED', { executionId: 'claimed', startTime: '2024-01-01T00:10:00.000Z' }));
    expect(order.latestExecution(base)).toBe('claimed');
    c.now += 1_000;
    order.listed(base, { id: 'fresh', startTime: '2024-01-01T00:05:00.000Z' }, c.now);
    expect(order.latestExecution(base)).toBe('fresh');
    // A late event of an execution before the listed one does not take it back.
    c.now += 1_000;
    order.accept(ev('pipeline', 'SUCCEEDED', { executionId: 'before', startTime: '2024-01-01T00:04:00.000Z' }));
    expect(order.latestExecution(base)).toBe('fresh');
    // A listing that began before a newer execution's event came does not undo it.
    const readAt = c.now;
    c.now += 1_000;
    order.accept(ev('pipeline', 'STARTED', { executionId: 'newer', startTime: '2024-01-01T00:10:01.500Z' }));
    order.listed(base, { id: 'fresh', startTime: '2024-01-01T00:05:00.000Z' }, readAt);
    expect(order.latestExecution(base)).toBe('newer');
  });
});
