// The sandbox's EventBridge pattern matcher against the examples of EventBridge's
// user guide ("Event patterns", "Content filtering", "Arrays", "Null values and
// empty strings", the comparison operators table) and Event Ruler's README.
import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidPatternError, matchesPattern, type Json } from '../../src/sandbox/services/events/pattern';

const match = (pattern: object, event: object) => matchesPattern(compilePattern(JSON.stringify(pattern)), event as Json);
const refusal = (pattern: unknown) => {
  try {
    compilePattern(typeof pattern === 'string' ? pattern : JSON.stringify(pattern));
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidPatternError);
    return (err as Error).message;
  }
  throw new Error(`pattern accepted: ${JSON.stringify(pattern)}`);
};

// The user guide's EC2 event.
const ec2 = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

// Event Ruler's README event.
const ruler = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-000000aaaaaa00000', state: 'running' },
};

describe('event patterns: exact values, nesting, AND and OR', () => {
  it('the guide\'s "instance-termination" pattern matches the EC2 event', () => {
    expect(match({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, ec2)).toBe(true);
  });

  it("every field must match (AND); any value in a field's array may (OR)", () => {
    expect(match({ source: ['aws.ec2', 'aws.fargate'] }, ec2)).toBe(true);
    expect(match({ source: ['aws.fargate'] }, ec2)).toBe(false);
    expect(match({ source: ['aws.ec2'], detail: { state: ['running'] } }, ec2)).toBe(false);
    expect(match({ detail: { state: ['initializing', 'running'] } }, ruler)).toBe(true);
  });

  it('fields the pattern does not name are ignored; fields it names must exist with the same nesting', () => {
    expect(match({ detail: { 'instance-id': ['i-1234567890abcdef0'] } }, ec2)).toBe(true);
    expect(match({ state: ['terminated'] }, ec2)).toBe(false); // state is under detail, not at the top
    expect(match({ detail: { missing: ['x'] } }, ec2)).toBe(false);
  });

  it('strings match character by character: no case folding', () => {
    expect(match({ detail: { state: ['Terminated'] } }, ec2)).toBe(false);
  });

  it('numbers, nested: the Macie example (risk-score 80 and trigger.risk 8)', () => {
    const macie = { source: 'aws.macie', 'detail-type': 'Macie Alert', detail: { 'risk-score': 80, trigger: { risk: 8, 'alert-type': 'basic' } } };
    expect(match({ source: ['aws.macie'], 'detail-type': ['Macie Alert'], detail: { 'risk-score': [80], trigger: { risk: [8] } } }, macie)).toBe(true);
    expect(match({ detail: { trigger: { risk: [9] } } }, macie)).toBe(false);
    // A number never equals its text.
    expect(match({ detail: { 'risk-score': ['80'] } }, macie)).toBe(false);
  });

  it('true, false and null are values', () => {
    expect(match({ detail: { flag: [true] } }, { detail: { flag: true } })).toBe(true);
    expect(match({ detail: { flag: [false] } }, { detail: { flag: true } })).toBe(false);
    expect(match({ detail: { flag: ['true'] } }, { detail: { flag: true } })).toBe(false);
  });
});

describe('null values and empty strings', () => {
  const autoscaling = {
    source: 'aws.autoscaling',
    'detail-type': 'EC2 Instance Launch Successful',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };

  it('[""] matches an empty string, [null] matches null, and they are not interchangeable', () => {
    expect(match({ detail: { eventVersion: [''] } }, autoscaling)).toBe(true);
    expect(match({ detail: { responseElements: [null] } }, autoscaling)).toBe(true);
    expect(match({ detail: { eventVersion: [null] } }, autoscaling)).toBe(false);
    expect(match({ detail: { responseElements: [''] } }, autoscaling)).toBe(false);
  });

  it("the guide's field-matching example: responseElements null", () => {
    expect(match({ source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance Launch Successful'], detail: { responseElements: [null] } }, autoscaling)).toBe(
      true,
    );
  });

  it('[null] does not match a missing field', () => {
    expect(match({ detail: { absent: [null] } }, autoscaling)).toBe(false);
  });
});

describe('arrays in events', () => {
  const resources = [
    'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
  ];

  it("match when the pattern's values and the event's array intersect (the guide's resources example)", () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    expect(match(pattern, { resources })).toBe(true);
    expect(match({ resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-0'] }, { resources })).toBe(false);
    expect(match({ resources: [{ prefix: 'arn:aws:ec2:' }] }, { resources })).toBe(true);
  });

  it("objects in an array are matched element by element (Ruler's employees example)", () => {
    const employees = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(match({ employees: { firstName: ['Anna'] } }, employees)).toBe(true);
    expect(match({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees)).toBe(true);
    // Anna and Jones are in different elements: no match.
    expect(match({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees)).toBe(false);
    // Arrays of arrays too.
    expect(match({ employees: { firstName: ['Peter'] } }, { employees: [[employees.employees[0]], [employees.employees[2]]] })).toBe(true);
  });

  it('an empty array has no value to match', () => {
    expect(match({ resources: [{ prefix: '' }] }, { resources: [] })).toBe(false);
    expect(match({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
  });
});

describe('prefix, suffix, equals-ignore-case, wildcard', () => {
  it("prefix on strings (the guide's time example), and only on strings", () => {
    expect(match({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(match({ time: [{ prefix: '2017-10-03' }] }, { time: '2017-10-02T18:43:48Z' })).toBe(false);
    expect(match({ n: [{ prefix: '1' }] }, { n: 12 })).toBe(false);
  });

  it("prefix with equals-ignore-case (the guide's EventB example)", () => {
    const p = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    for (const s of ['EventBridge', 'EVENTBRIDGE', 'eventbus']) expect(match(p, { detail: { service: s } })).toBe(true);
    expect(match(p, { detail: { service: 'Event Bridge' } })).toBe(false);
  });

  it("suffix, and suffix with equals-ignore-case (the guide's .png examples)", () => {
    expect(match({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(match({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' })).toBe(false);
    expect(match({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { detail: { FileName: 'image.PNG' } })).toBe(true);
    expect(match({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { detail: { FileName: 'image.jpg' } })).toBe(false);
  });

  it('equals-ignore-case (Name is "Alice")', () => {
    expect(match({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' })).toBe(true);
    expect(match({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alicia' })).toBe(false);
  });

  it('wildcard: * matches any run of characters, \\* an asterisk', () => {
    expect(match({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueService' })).toBe(true);
    expect(match({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleService' })).toBe(true);
    expect(match({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueServices' })).toBe(false);
    // "Any file with a .png extension, located within the folder dir".
    expect(match({ EventBusArn: [{ wildcard: 'dir/*.png' }] }, { EventBusArn: 'dir/a.png' })).toBe(true);
    expect(match({ EventBusArn: [{ wildcard: 'dir/*.png' }] }, { EventBusArn: 'other/a.png' })).toBe(false);
    expect(match({ f: [{ wildcard: '*Title*' }] }, { f: 'The Title Page' })).toBe(true);
    expect(match({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe(true);
    expect(match({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' })).toBe(false);
    expect(match({ f: [{ wildcard: 'a.c' }] }, { f: 'abc' })).toBe(false); // regex characters are literal
  });
});

describe('anything-but', () => {
  it("a string, a number, a list of strings or of numbers (the guide's examples)", () => {
    const state = (s: unknown) => ({ detail: { state: s } });
    expect(match({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('running'))).toBe(true);
    expect(match({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('initializing'))).toBe(false);
    expect(match({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, state('running'))).toBe(true);
    expect(match({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, state('stopped'))).toBe(false);
    const limit = (n: number) => ({ detail: { 'x-limit': n } });
    expect(match({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, limit(124))).toBe(true);
    expect(match({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, limit(123))).toBe(false);
    expect(match({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, limit(301.8))).toBe(true);
    expect(match({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, limit(200))).toBe(false);
  });

  it('a prefix, a suffix, ignoring case, a wildcard', () => {
    expect(match({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, { detail: { state: 'running' } })).toBe(true);
    expect(match({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, { detail: { state: 'initializing' } })).toBe(false);
    expect(match({ Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'eu-west-1' })).toBe(true);
    expect(match({ Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'us-east-1' })).toBe(false);
    expect(match({ FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.jpg' })).toBe(true);
    expect(match({ FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.png' })).toBe(false);
    expect(match({ state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'INITIALIZING' })).toBe(false);
    expect(match({ state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] }, { state: 'Stopped' })).toBe(false);
    expect(match({ state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'running' })).toBe(true);
    expect(match({ FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/lib/x' })).toBe(false);
    expect(match({ FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/bin/x' })).toBe(true);
  });

  it('needs the field: a missing field matches no anything-but', () => {
    expect(match({ detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: {} })).toBe(false);
  });

  it('an event array matches if any element is not excluded', () => {
    expect(match({ tags: [{ 'anything-but': 'a' }] }, { tags: ['a', 'b'] })).toBe(true);
    expect(match({ tags: [{ 'anything-but': 'a' }] }, { tags: ['a'] })).toBe(false);
  });
});

describe('numeric', () => {
  const p = { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } };

  it("the guide's example matches Ruler's event (c-count 5, d-count 3, x-limit 301.8)", () => {
    expect(match(p, ruler)).toBe(true);
  });

  it('bounds are honoured: open and closed', () => {
    const c = (n: number) => match({ c: [{ numeric: ['>', 0, '<=', 5] }] }, { c: n });
    expect([c(0), c(0.000001), c(5), c(5.000001)]).toEqual([false, true, true, false]);
    const d = (n: number) => match({ d: [{ numeric: ['>=', 10, '<', 20] }] }, { d: n });
    expect([d(9.99), d(10), d(19.99), d(20)]).toEqual([false, true, true, false]);
  });

  it("only JSON numbers match: a number's text does not", () => {
    expect(match({ c: [{ numeric: ['>', 0] }] }, { c: '5' })).toBe(false);
  });

  it('any element of an event array may match', () => {
    expect(match({ c: [{ numeric: ['>', 100] }] }, { c: [1, 2, 300] })).toBe(true);
  });
});

describe('exists', () => {
  it("true matches a present leaf, false an absent field (the guide's c-count example)", () => {
    expect(match({ detail: { 'c-count': [{ exists: true }] } }, ruler)).toBe(true);
    expect(match({ detail: { 'c-count': [{ exists: false }] } }, ruler)).toBe(false);
    const noCount = { 'detail-type': 'EC2 Instance State-change Notification', detail: { state: ['initializing', 'running'] } };
    expect(match({ detail: { 'c-count': [{ exists: false }] } }, noCount)).toBe(true);
  });

  it('works on leaves only: an object-valued field does not exist for it', () => {
    const objectCount = { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } };
    expect(match({ detail: { 'c-count': [{ exists: false }] } }, objectCount)).toBe(true);
    expect(match({ detail: { 'c-count': [{ exists: true }] } }, objectCount)).toBe(false);
  });

  it('null and "" are present values', () => {
    expect(match({ a: [{ exists: true }] }, { a: null })).toBe(true);
    expect(match({ a: [{ exists: true }] }, { a: '' })).toBe(true);
    expect(match({ a: [{ exists: false }] }, { a: null })).toBe(false);
  });

  it('exists: false under a missing parent object matches', () => {
    expect(match({ detail: { x: { y: [{ exists: false }] } } }, { detail: {} })).toBe(true);
    expect(match({ detail: { x: { y: [{ exists: true }] } } }, { detail: {} })).toBe(false);
  });
});

describe('cidr', () => {
  it('IPv4 and IPv6 addresses in a block', () => {
    expect(match({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, { detail: { 'source-ip': '10.0.0.33' } })).toBe(true);
    expect(match({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, { detail: { 'source-ip': '10.0.1.33' } })).toBe(false);
    expect(match({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:1::1' })).toBe(true);
    expect(match({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' })).toBe(false);
  });
});

describe('$or', () => {
  it('"source" && ("metricName" || "namespace") (Ruler\'s normal Or)', () => {
    const p = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] };
    expect(match(p, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(match(p, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(match(p, { source: 'aws.cloudwatch', namespace: 'AWS/S3' })).toBe(false);
    expect(match(p, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
  });

  it('parallel and nested $or, with an And inside', () => {
    const p = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    };
    const base = { source: 'aws.cloudwatch', detail: { 'detail-type': 'CloudWatch Alarm State Change' } };
    expect(match(p, { ...base, metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 })).toBe(true);
    expect(match(p, { ...base, metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1 })).toBe(false);
    expect(match(p, { ...base, scope: 'Service' })).toBe(true);
    expect(match(p, { source: 'aws.cloudwatch', detail: { other: 1 }, scope: 'Service' })).toBe(false);
  });

  it('a $or that is not an array of two or more patterns is a field named "$or" (Ruler\'s backward compatibility)', () => {
    expect(match({ $or: { metricType: ['MetricType'] } }, { $or: { metricType: 'MetricType' } })).toBe(true);
    expect(match({ $or: { metricType: ['MetricType'] } }, { metricType: 'MetricType' })).toBe(false);
  });
});

describe('the complex example (prefix, anything-but, numeric and cidr together)', () => {
  it("matches Ruler's event, and fails when any one field fails", () => {
    const p = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    };
    expect(match(p, ruler)).toBe(true);
    expect(match(p, { ...ruler, detail: { ...ruler.detail, 'd-count': 10 } })).toBe(false);
    expect(match(p, { ...ruler, time: '2017-10-03T00:00:00Z' })).toBe(false);
  });
});

describe("CodePipeline events, as Pipewright's rules select them", () => {
  const event = {
    version: '0',
    id: '01234567-0123-0123-0123-012345678901',
    'detail-type': 'CodePipeline Pipeline Execution State Change',
    source: 'aws.codepipeline',
    account: '111111111111',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:codepipeline:us-east-1:111111111111:orders'],
    detail: { pipeline: 'orders', 'execution-id': 'e1', state: 'STARTED', version: 1 },
  };
  it('{"source": ["aws.codepipeline"]} matches every CodePipeline event, and nothing else', () => {
    expect(match({ source: ['aws.codepipeline'] }, event)).toBe(true);
    expect(match({ source: ['aws.codepipeline'] }, { ...event, source: 'aws.codebuild' })).toBe(false);
    expect(match({ source: ['aws.codepipeline'], 'detail-type': [{ prefix: 'CodePipeline Stage' }] }, event)).toBe(false);
  });
});

describe('patterns refused with the reason', () => {
  it.each([
    ['not JSON', '{"source": ['],
    ['not an object', '["aws.ec2"]'],
    ['an empty pattern', {}],
    ['a bare string value', { source: 'aws.ec2' }],
    ['an empty array', { source: [] }],
    ['an unknown operator', { source: [{ 'starts-with': 'aws.' }] }],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['exists that is not a boolean', { a: [{ exists: 'yes' }] }],
    ['numeric with an unknown operator', { a: [{ numeric: ['!=', 1] }] }],
    ['numeric with a string bound', { a: [{ numeric: ['>', '1'] }] }],
    ['numeric with bottom above top', { a: [{ numeric: ['>', 5, '<', 1] }] }],
    ['numeric out of range', { a: [{ numeric: ['>', 6e9] }] }],
    ['"=" with another operator', { a: [{ numeric: ['=', 1, '<', 5] }] }],
    ['anything-but mixing strings and numbers', { a: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but with an empty list', { a: [{ 'anything-but': [] }] }],
    ['anything-but with an unknown operator', { a: [{ 'anything-but': { numeric: ['>', 1] } }] }],
    ['consecutive wildcards', { a: [{ wildcard: 'a**b' }] }],
    ['a bad escape in a wildcard', { a: [{ wildcard: 'a\\b' }] }],
    ['a malformed cidr', { a: [{ cidr: '10.0.0.0' }] }],
    ['an empty nested object', { detail: {} }],
  ])('%s', (_name, pattern) => {
    expect(refusal(pattern)).toMatch(/\S/);
  });
});
