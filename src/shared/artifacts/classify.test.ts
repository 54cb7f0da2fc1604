// Example-based tests of the classifier: exact tallies, folders, keep-lists and
// per-key figures for each kind of prefix, as the audit report shows them.
import { describe, expect, it } from 'vitest';
import {
  addToTally,
  BucketTally,
  claimedPrefixes,
  classifyBucket,
  emptyTally,
  mergeTally,
  monthlyCost,
  shapedLikeDefault,
  type LivePipelineRef,
  type ObjectVersionEntry,
  type Tally,
} from './classify';

const BUCKET = 'codepipeline-us-east-1-111111111111';

const v = (key: string, lastModified: number, o: Partial<ObjectVersionEntry> = {}): ObjectVersionEntry => ({
  key,
  versionId: `v${lastModified}`,
  isLatest: true,
  deleteMarker: false,
  size: 10,
  lastModified,
  ...o,
});

const pipe = (name: string, o: Partial<LivePipelineRef> = {}): LivePipelineRef => ({
  accountId: '111111111111',
  region: 'us-east-1',
  name,
  produces: [],
  keep: [],
  buckets: [BUCKET],
  ...o,
});

const tally = (o: Partial<Tally>): Tally => ({ ...emptyTally(), ...o });

describe('addToTally', () => {
  it('counts current objects, versions, delete markers and bytes, and the oldest and newest time of any of them', () => {
    const t = emptyTally();
    addToTally(t, v('a', 2000, { isLatest: false, size: 100 }));
    addToTally(t, v('a', 1000, { size: 50 }));
    addToTally(t, v('b', 3000, { deleteMarker: true, size: 0 }));
    addToTally(t, v('c', 1500, { isLatest: false, size: 7 }));
    expect(t).toEqual({ objects: 1, versions: 3, deleteMarkers: 1, bytes: 157, oldest: 1000, newest: 3000 });
  });

  it('a lone delete marker is no current object and no version, but dates the tally', () => {
    const t = emptyTally();
    addToTally(t, v('a', 4000, { deleteMarker: true, size: 0 }));
    expect(t).toEqual({ objects: 0, versions: 0, deleteMarkers: 1, bytes: 0, oldest: 4000, newest: 4000 });
  });
});

describe('mergeTally', () => {
  it('adds the counts, and widens the time range to cover both', () => {
    const into = tally({ objects: 2, versions: 3, deleteMarkers: 1, bytes: 100, oldest: 1000, newest: 5000 });
    mergeTally(into, tally({ objects: 1, versions: 2, deleteMarkers: 4, bytes: 50, oldest: 500, newest: 6000 }));
    expect(into).toEqual({ objects: 3, versions: 5, deleteMarkers: 5, bytes: 150, oldest: 500, newest: 6000 });
  });

  it('keeps its range when the other lies inside it', () => {
    const into = tally({ objects: 1, versions: 1, bytes: 10, oldest: 1000, newest: 5000 });
    mergeTally(into, tally({ objects: 1, versions: 1, bytes: 10, oldest: 2000, newest: 4000 }));
    expect(into).toEqual({ objects: 2, versions: 2, deleteMarkers: 0, bytes: 20, oldest: 1000, newest: 5000 });
  });

  it("takes the other's range when it had none, and is unchanged by an empty tally", () => {
    const into = emptyTally();
    mergeTally(into, tally({ objects: 1, versions: 1, bytes: 10, oldest: 2000, newest: 4000 }));
    expect(into).toEqual({ objects: 1, versions: 1, deleteMarkers: 0, bytes: 10, oldest: 2000, newest: 4000 });
    mergeTally(into, emptyTally());
    expect(into).toEqual({ objects: 1, versions: 1, deleteMarkers: 0, bytes: 10, oldest: 2000, newest: 4000 });
  });
});

describe('BucketTally', () => {
  it('tallies the whole bucket, and keys outside the layout as foreign with a sample of five distinct keys', () => {
    const t = new BucketTally();
    const foreign = ['a.txt', 'a.txt', 'logs/b.log', 'c', 'd', 'e', 'f', 'g'];
    foreign.forEach((k, i) => t.add(v(k, 100 + i)));
    t.add(v('web/Src/AAAAAAA', 50, { size: 5 }));
    expect(t.total).toEqual({ objects: 9, versions: 9, deleteMarkers: 0, bytes: 85, oldest: 50, newest: 107 });
    expect(t.foreign).toEqual({ objects: 8, versions: 8, deleteMarkers: 0, bytes: 80, oldest: 100, newest: 107 });
    expect(t.foreignSample).toEqual(['a.txt', 'logs/b.log', 'c', 'd', 'e']);
    expect([...t.prefixes.keys()]).toEqual(['web']);
  });

  it('has no foreign sample when every key is an artifact key', () => {
    const t = new BucketTally();
    t.add(v('web/Src/AAAAAAA', 1));
    expect(t.foreignSample).toEqual([]);
    expect(t.foreign).toEqual(emptyTally());
  });

  it('tallies each prefix and each of its folders', () => {
    const t = new BucketTally();
    t.add(v('web/Src/AAAAAAA', 1000, { size: 1 }));
    t.add(v('web/Src/AAAAAAA', 900, { isLatest: false, size: 2 }));
    t.add(v('web/Build/BBBBBBB.zip', 2000, { size: 4 }));
    t.add(v('api/Src/CCCCCCC', 3000, { deleteMarker: true, size: 0 }));
    const web = t.prefixes.get('web')!;
    expect(web.total).toEqual({ objects: 2, versions: 3, deleteMarkers: 0, bytes: 7, oldest: 900, newest: 2000 });
    expect(Object.fromEntries(web.folders)).toEqual({
      Src: { objects: 1, versions: 2, deleteMarkers: 0, bytes: 3, oldest: 900, newest: 1000 },
      Build: { objects: 1, versions: 1, deleteMarkers: 0, bytes: 4, oldest: 2000, newest: 2000 },
    });
    const api = t.prefixes.get('api')!;
    expect(api.total).toEqual({ objects: 0, versions: 0, deleteMarkers: 1, bytes: 0, oldest: 3000, newest: 3000 });
    expect(Object.fromEntries(api.folders)).toEqual({ Src: api.total });
  });

  it('keeps per-key figures only under the keyed prefixes', () => {
    const t = new BucketTally(new Set(['web']));
    t.add(v('web/Src/AAAAAAA', 3000, { size: 5 }));
    t.add(v('web/Src/AAAAAAA', 1000, { isLatest: false, size: 7 }));
    t.add(v('web/Src/AAAAAAA', 2000, { isLatest: false, deleteMarker: true, size: 0 }));
    t.add(v('web/Src/BBBBBBB', 500, { isLatest: false, size: 3 }));
    t.add(v('web/Src/BBBBBBB', 600, { deleteMarker: true, size: 0 }));
    t.add(v('gone/Src/CCCCCCC', 100));
    t.add(v('notes.txt', 100));
    expect(Object.fromEntries(t.keys)).toEqual({
      'web/Src/AAAAAAA': { key: 'web/Src/AAAAAAA', versions: 2, deleteMarkers: 1, bytes: 12, current: true, newest: 3000 },
      'web/Src/BBBBBBB': { key: 'web/Src/BBBBBBB', versions: 1, deleteMarkers: 1, bytes: 3, current: false, newest: 600 },
    });
  });
});

describe('claimedPrefixes', () => {
  it('is the 20-character prefixes of the live pipelines writing to the bucket, and no other', () => {
    const live = [
      pipe('payments-service-api-blue'),
      pipe('web'),
      pipe('elsewhere', { buckets: ['other-bucket'] }),
      pipe('both', { buckets: ['other-bucket', BUCKET] }),
    ];
    expect([...claimedPrefixes(BUCKET, live)].sort()).toEqual(['both', 'payments-service-api', 'web']);
    expect([...claimedPrefixes('other-bucket', live)].sort()).toEqual(['both', 'elsewhere']);
  });
});

describe('classifyBucket', () => {
  it('reports each prefix in order, with its folders in order, and orphans with no stale folder, keep or keys', () => {
    const t = new BucketTally();
    t.add(v('zeta/Src/AAAAAAA', 1000));
    t.add(v('mid/Src/AAAAAAA', 2000));
    t.add(v('alpha/Zed/AAAAAAA', 3000));
    t.add(v('alpha/Beta/AAAAAAA', 4000));
    t.add(v('alpha/Mid/AAAAAAA', 5000));
    const one = (n: number) => ({ objects: 1, versions: 1, deleteMarkers: 0, bytes: 10, oldest: n, newest: n });
    expect(classifyBucket(BUCKET, t, [], true)).toEqual([
      {
        prefix: 'alpha',
        class: 'orphan',
        ...one(3000),
        newest: 5000,
        bytes: 30,
        objects: 3,
        versions: 3,
        claimedBy: [],
        folders: [
          { folder: 'Beta', ...one(4000), stale: false },
          { folder: 'Mid', ...one(5000), stale: false },
          { folder: 'Zed', ...one(3000), stale: false },
        ],
        keep: [],
      },
      { prefix: 'mid', class: 'orphan', ...one(2000), claimedBy: [], folders: [{ folder: 'Src', ...one(2000), stale: false }], keep: [] },
      { prefix: 'zeta', class: 'orphan', ...one(1000), claimedBy: [], folders: [{ folder: 'Src', ...one(1000), stale: false }], keep: [] },
    ]);
  });

  it('says why an unclaimed prefix is unverified, and why a claimed one is held, when listings are incomplete', () => {
    const t = new BucketTally(new Set(['web']));
    t.add(v('gone/Src/AAAAAAA', 1000));
    t.add(v('web/Src/BBBBBBB', 2000));
    const gap = 'account 222222222222, eu-west-1: AccessDenied';
    const [gone, web] = classifyBucket(BUCKET, t, [pipe('web', { produces: ['Src'] })], true, gap);
    expect(gone).toMatchObject({ prefix: 'gone', class: 'unverified', reason: gap });
    expect(gone.held).toBeUndefined();
    expect(web).toMatchObject({ prefix: 'web', class: 'live', held: gap });
    expect(web.reason).toBeUndefined();
  });

  it("reports a live prefix: stale folders, the claimers' keep-list, its keys and its successes, each under the prefix only", () => {
    const t = new BucketTally(new Set(['web', 'web-blue']));
    t.add(v('web/Src/CCCCCCC', 3000));
    t.add(v('web/Src/AAAAAAA', 1000));
    t.add(v('web/OldOutput/BBBBBBB', 2000));
    t.add(v('web/BuildOutpu/DDDDDDD', 2500));
    t.add(v('web-blue/Src/EEEEEEE', 4000));
    const web = pipe('web', {
      produces: ['Src', 'BuildOutputLong'],
      keep: ['web/Src/CCCCCCC', 'web/Src/AAAAAAA', 'web-blue/Src/EEEEEEE', 'web/notes.txt'],
      successes: [
        { id: 'e2', time: 3000, keys: ['web/Src/CCCCCCC', 'web-blue/Src/EEEEEEE'] },
        { id: 'e1', time: 1000, keys: ['web/Src/AAAAAAA'] },
      ],
    });
    const blue = pipe('web-blue', { produces: ['Src'] });
    const report = classifyBucket(BUCKET, t, [web, blue, pipe('web', { accountId: '222222222222', buckets: ['elsewhere'] })], true);
    const key = (k: string, newest: number) => ({ key: k, versions: 1, deleteMarkers: 0, bytes: 10, current: true, newest });
    expect(report.map((p) => [p.prefix, p.class])).toEqual([
      ['web', 'live'],
      ['web-blue', 'live'],
    ]);
    expect(report[0]).toMatchObject({
      claimedBy: [{ accountId: '111111111111', region: 'us-east-1', name: 'web' }],
      keep: ['web/Src/AAAAAAA', 'web/Src/CCCCCCC'],
      keys: [key('web/BuildOutpu/DDDDDDD', 2500), key('web/OldOutput/BBBBBBB', 2000), key('web/Src/AAAAAAA', 1000), key('web/Src/CCCCCCC', 3000)],
      successes: [
        { id: 'e2', time: 3000, keys: ['web/Src/CCCCCCC'], pipeline: 'web', accountId: '111111111111', region: 'us-east-1' },
        { id: 'e1', time: 1000, keys: ['web/Src/AAAAAAA'], pipeline: 'web', accountId: '111111111111', region: 'us-east-1' },
      ],
    });
    expect(report[0].folders.map((f) => [f.folder, f.stale])).toEqual([
      ['BuildOutpu', false],
      ['OldOutput', true],
      ['Src', false],
    ]);
    expect(report[0].held).toBeUndefined();
    expect(report[1]).toMatchObject({ keep: [], keys: [key('web-blue/Src/EEEEEEE', 4000)], successes: [] });
  });

  it('reports a shared prefix: every claimer, their keep-lists merged without repeats', () => {
    const t = new BucketTally(new Set(['payments-service-api']));
    t.add(v('payments-service-api/Src/AAAAAAA', 1000));
    const a = pipe('payments-service-api-blue', { produces: ['Src'], keep: ['payments-service-api/Src/AAAAAAA'] });
    const b = pipe('payments-service-api-green', { region: 'eu-west-1', produces: ['Src'], keep: ['payments-service-api/Src/AAAAAAA'] });
    const [p] = classifyBucket(BUCKET, t, [a, b], true);
    expect(p).toMatchObject({
      class: 'shared',
      claimedBy: [
        { accountId: '111111111111', region: 'us-east-1', name: 'payments-service-api-blue' },
        { accountId: '111111111111', region: 'eu-west-1', name: 'payments-service-api-green' },
      ],
      keep: ['payments-service-api/Src/AAAAAAA'],
      successes: [],
    });
  });

  it('a prefix outside an artifact bucket is foreign', () => {
    const t = new BucketTally();
    t.add(v('web/Src/AAAAAAA', 1000));
    expect(classifyBucket('custom', t, [], false).map((p) => p.class)).toEqual(['foreign']);
  });
});

describe('shapedLikeDefault', () => {
  it("matches the console's default artifact buckets only", () => {
    expect(shapedLikeDefault('codepipeline-us-east-1-123456789012')).toBe(true);
    expect(shapedLikeDefault('codepipeline-us-gov-west-1-123456789012')).toBe(true);
    expect(shapedLikeDefault('codepipeline-eu-west-1-0b1c2d3e-4f5a')).toBe(true);
    expect(shapedLikeDefault('my-codepipeline-us-east-1-123456789012')).toBe(false);
    expect(shapedLikeDefault('codepipeline-us-east-1-123456789012-Backup')).toBe(false);
    expect(shapedLikeDefault('codepipeline-us-east-1-12345')).toBe(false);
  });
});

describe('monthlyCost', () => {
  it('prices bytes per GiB-month, rounded to four decimals', () => {
    expect(monthlyCost(2 ** 30)).toBe(0.023);
    expect(monthlyCost(5 * 2 ** 30)).toBe(0.115);
    expect(monthlyCost(2 * 2 ** 30, 0.0125)).toBe(0.025);
    expect(monthlyCost(2 ** 29, 0.0001)).toBe(0.0001);
    expect(monthlyCost(1000)).toBe(0);
  });
});
