// Hostile nesting: an event pattern or an event nested thousands of levels deep gets
// a clear answer from the sandbox's EventBridge, never a blown stack or a 500.
// PutEvents "will only process nested JSON up to 1100 levels deep" (EventBridge API
// reference, PutEvents); a pattern deeper than that could never match an event.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { startSandbox } from '../helpers/sandbox';
import { compilePattern, InvalidPatternError, matchesPattern, MAX_JSON_DEPTH, type Json } from '../../src/sandbox/services/events/pattern';

const DEEP = 10_000;
/** {"a":{"a":…{"a":["x"]}…}} nested `levels` objects deep, as text (no recursion to build it). */
const deepPatternText = (levels: number) => '{"a":'.repeat(levels - 1) + '{"a":["x"]}' + '}'.repeat(levels - 1);
/** [[[…"x"…]]] `levels` arrays deep. */
const deepArrayText = (levels: number) => '['.repeat(levels) + '"x"' + ']'.repeat(levels);
const deepObjectText = (levels: number) => '{"a":'.repeat(levels) + '"x"' + '}'.repeat(levels);
const event = (detailText: string) =>
  `{"id":"1","account":"111111111111","source":"pipewright.test","time":"2026-01-01T00:00:00Z","region":"us-east-1","detail-type":"t","resources":[],"detail":${detailText}}`;

let env: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  env = await startSandbox();
});
afterAll(() => env.sb.stop());
beforeEach(async () => {
  await env.control('POST', 'reset', { seed: 'empty' });
});

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as Error & { name: string; $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
};

describe('EventBridge: nesting depth', () => {
  it(`the pattern compiler refuses a ${DEEP.toLocaleString('en')}-deep pattern with a reason, without recursing into it`, () => {
    let err: unknown;
    try {
      compilePattern(deepPatternText(DEEP));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidPatternError);
    expect((err as Error).message).toMatch(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    // At the limit (objects, then the array of values) it compiles and matches.
    const atLimit = deepPatternText(MAX_JSON_DEPTH - 1);
    expect(matchesPattern(compilePattern(atLimit), JSON.parse(atLimit.replace('["x"]', '"x"')) as Json)).toBe(true);
  });

  it(`the matcher treats an event nested ${(100_000).toLocaleString('en')} deep as not matching, without overflowing`, () => {
    const p = compilePattern('{"detail":{"a":["x"]}}');
    expect(matchesPattern(p, { detail: { a: JSON.parse(deepArrayText(100_000)) as Json } })).toBe(false);
    const nested = compilePattern(deepPatternText(20));
    expect(matchesPattern(nested, JSON.parse(deepObjectText(100_000)) as Json)).toBe(false);
    // Arrays as deep as EventBridge processes still match.
    expect(matchesPattern(p, { detail: { a: JSON.parse(deepArrayText(MAX_JSON_DEPTH - 3)) as Json } })).toBe(true);
  });

  it(`TestEventPattern with a ${DEEP.toLocaleString('en')}-deep pattern or event answers a clear 400, and the sandbox keeps answering`, async () => {
    const tooLong = await errorOf(env.events().send(new TestEventPatternCommand({ EventPattern: deepPatternText(DEEP), Event: event('{}') })));
    expect(tooLong.$metadata.httpStatusCode).toBe(400);
    expect(tooLong.message).toMatch(/length less than or equal to 4096/);
    for (const detail of [deepArrayText(DEEP), deepObjectText(DEEP)]) {
      const deepEvent = await errorOf(env.events().send(new TestEventPatternCommand({ EventPattern: '{"detail":{"a":["x"]}}', Event: event(detail) })));
      expect(deepEvent.name).toBe('ValidationException');
      expect(deepEvent.message).toMatch(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    const ok = await env.events().send(new TestEventPatternCommand({ EventPattern: '{"detail":{"a":["x"]}}', Event: event('{"a":"x"}') }));
    expect(ok.Result).toBe(true);
  });

  it(`PutEvents refuses the one entry nested ${DEEP.toLocaleString('en')} deep (MalformedDetail), delivers the others, and keeps answering`, async () => {
    const delivered: string[] = [];
    env.sb.events.useQueues({ sendAsService: (_arn, body) => (delivered.push(body), { ok: true, messageId: 'm' }) });
    await env.events().send(new PutRuleCommand({ Name: 'all', EventPattern: '{"source":["pipewright.test"]}' }));
    await env.events().send(new PutTargetsCommand({ Rule: 'all', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:111111111111:q' }] }));
    const out = await env.events().send(
      new PutEventsCommand({
        Entries: [
          { Source: 'pipewright.test', DetailType: 't', Detail: `{"a":${deepArrayText(DEEP)}}` },
          { Source: 'pipewright.test', DetailType: 't', Detail: deepObjectText(DEEP) },
          { Source: 'pipewright.test', DetailType: 't', Detail: '{"a":"x"}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.[0]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(out.Entries?.[0].ErrorMessage).toMatch(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(out.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(out.Entries?.[2].EventId).toBeTruthy();
    await env.sb.events.idle();
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0]).detail).toEqual({ a: 'x' });
  });
});
