import { describe, expect, it } from 'vitest';
import { policyText, releasePolicy } from './policy';

const loc = { bucket: 'team-releases', prefix: 'web/' };
const actions = (role: Parameters<typeof releasePolicy>[1]) => releasePolicy(loc, role).Statement.flatMap((s) => s.Action);

describe('the IAM policy per role of a shared release', () => {
  it('reader: the bucket region, listing inside the prefix only, reading its objects; no write', () => {
    const p = releasePolicy(loc, 'reader');
    expect(p.Statement).toEqual([
      { Sid: 'PipewrightReaderLocate', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: ['arn:aws:s3:::team-releases'] },
      {
        Sid: 'PipewrightReaderList',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: ['arn:aws:s3:::team-releases'],
        Condition: { StringLike: { 's3:prefix': ['web/', 'web/*'] } },
      },
      { Sid: 'PipewrightReaderRead', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::team-releases/web/*'] },
    ]);
  });

  it('releaser: PutObject on the prefix only with If-None-Match or If-Match present (two statements: one header or the other), never a delete', () => {
    const puts = releasePolicy(loc, 'releaser').Statement.filter((s) => s.Action.includes('s3:PutObject'));
    expect(puts.map((s) => s.Condition)).toEqual([{ Null: { 's3:if-none-match': 'false' } }, { Null: { 's3:if-match': 'false' } }]);
    for (const s of puts) expect(s.Resource).toEqual(['arn:aws:s3:::team-releases/web/*']);
    expect(actions('releaser')).not.toContain('s3:DeleteObject');
  });

  it('administrator: also unconditional writes, deletes and versions, for repairs by hand', () => {
    expect(actions('administrator')).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObject', 's3:ListBucketVersions', 's3:PutBucketVersioning']));
    const repair = releasePolicy(loc, 'administrator').Statement.find((s) => s.Action.includes('s3:DeleteObject'));
    expect(repair?.Condition).toBeUndefined();
  });

  it('a location at the bucket root lists without a prefix condition; statement ids are unique across the three', () => {
    expect(releasePolicy({ bucket: 'b1b', prefix: '' }, 'reader').Statement[1].Condition).toBeUndefined();
    const sids = (['reader', 'releaser', 'administrator'] as const).flatMap((r) => releasePolicy(loc, r).Statement.map((s) => s.Sid));
    expect(new Set(sids).size).toBe(sids.length);
    for (const s of sids) expect(s).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('the text: each role named with what it is for, then its JSON', () => {
    const text = policyText(loc, ['reader']);
    expect(text.split('\n')[0]).toMatch(/^# reader on s3:\/\/team-releases\/web\/ \(release\.yaml, promotions\/, log\/, leases\/\): opens the release/);
    expect(JSON.parse(text.slice(text.indexOf('\n')))).toEqual(releasePolicy(loc, 'reader'));
  });
});
