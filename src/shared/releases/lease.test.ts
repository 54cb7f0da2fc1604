import { describe, expect, it } from 'vitest';
import {
  describeLeaseHolder,
  HTTP_DATE_RESOLUTION_MS,
  judgeLease,
  leaseBreak,
  leaseView,
  renewEveryMs,
  SKEW_MARGIN_WITHOUT_DATE_MS,
  type LeaseRecord,
} from './lease';

const T = Date.parse('2026-12-07T12:00:00.000Z');
const lease = (o: Partial<LeaseRecord> = {}): LeaseRecord => ({
  version: 1,
  state: 'held',
  application: 'web-frontend',
  environment: 'prod',
  holder: { arn: 'arn:aws:sts::333333333333:assumed-role/release/alice', host: 'laptop', pid: 4242, program: 'pipewright cli' },
  startedAt: '2026-12-07T11:00:00.000Z',
  heartbeatAt: '2026-12-07T12:00:00.000Z',
  expiresAt: '2026-12-07T12:02:00.000Z',
  ttlMs: 120_000,
  token: 't',
  beat: 3,
  releasedAt: null,
  ...o,
});

describe('judging a lease (on S3 clock: Last-Modified against the Date header)', () => {
  it('no object is free; a released marker may be taken at once, however fresh', () => {
    expect(judgeLease(null, { lastModifiedMs: T, serverNowMs: T, localNowMs: T })).toEqual({ kind: 'free' });
    expect(judgeLease(lease({ state: 'released' }), { lastModifiedMs: T, serverNowMs: T, localNowMs: T })).toEqual({ kind: 'released' });
  });

  it('held until its ttl plus the one second HTTP dates may each be behind has passed on S3 clock, whatever the reader clock says', () => {
    const ttl = 120_000;
    const held = judgeLease(lease(), { lastModifiedMs: T, serverNowMs: T + ttl, localNowMs: T + 10 * ttl });
    expect(held).toEqual({ kind: 'held', expiresInMs: HTTP_DATE_RESOLUTION_MS });
    expect(judgeLease(lease(), { lastModifiedMs: T, serverNowMs: T + ttl + HTTP_DATE_RESOLUTION_MS - 1, localNowMs: T }).kind).toBe('held');
    expect(judgeLease(lease(), { lastModifiedMs: T, serverNowMs: T + ttl + HTTP_DATE_RESOLUTION_MS, localNowMs: T })).toEqual({
      kind: 'expired',
      expiredForMs: 0,
    });
    // A reader whose clock is an hour behind still sees it expire on time: its clock is not asked.
    expect(judgeLease(lease(), { lastModifiedMs: T, serverNowMs: T + 5 * ttl, localNowMs: T - 3_600_000 }).kind).toBe('expired');
  });

  it('never expires on expiresAt or startedAt alone: only the stored heartbeat counts', () => {
    const old = lease({ startedAt: '2020-01-01T00:00:00.000Z', expiresAt: '2020-01-01T00:02:00.000Z' });
    expect(judgeLease(old, { lastModifiedMs: T, serverNowMs: T + 1000, localNowMs: T + 1000 }).kind).toBe('held');
  });

  it('without a Date header the reader clock is used, with a 15-minute margin', () => {
    const ttl = 120_000;
    expect(judgeLease(lease(), { lastModifiedMs: T, serverNowMs: null, localNowMs: T + ttl + 60_000 }).kind).toBe('held');
    expect(judgeLease(lease(), { lastModifiedMs: T, serverNowMs: null, localNowMs: T + ttl + SKEW_MARGIN_WITHOUT_DATE_MS }).kind).toBe('expired');
  });

  it('a holder renews three times a ttl; the holder is named as a person reads it', () => {
    expect(renewEveryMs(120_000)).toBe(40_000);
    expect(renewEveryMs(1)).toBe(1);
    expect(describeLeaseHolder(lease())).toBe(
      'arn:aws:sts::333333333333:assumed-role/release/alice (pipewright cli, pid 4242 on laptop, since 2026-12-07T11:00:00.000Z)',
    );
  });
});

describe('breaking a lease (lease release)', () => {
  const held = { kind: 'held', expiresInMs: 5000 } as const;
  const arn = lease().holder.arn;
  it('an expired lease may be broken; a released one or none leaves nothing to do', () => {
    expect(leaseBreak(lease(), { kind: 'expired', expiredForMs: 10 }, undefined)).toEqual({ kind: 'break', forced: false });
    expect(leaseBreak(lease(), { kind: 'released' }, undefined)).toMatchObject({ kind: 'nothing' });
    expect(leaseBreak(null, { kind: 'free' }, undefined)).toMatchObject({ kind: 'nothing' });
  });

  it('a held one only with --force naming its holder; a name typed for another holder breaks nothing', () => {
    expect(leaseBreak(lease(), held, undefined)).toEqual({ kind: 'held' });
    expect(leaseBreak(lease(), held, arn)).toEqual({ kind: 'break', forced: true });
    const wrong = leaseBreak(lease(), held, 'arn:aws:sts::333333333333:assumed-role/release/bob');
    expect(wrong).toMatchObject({ kind: 'wrong-holder' });
    if (wrong.kind === 'wrong-holder') expect(wrong.reason).toContain(`held by ${arn}, not arn:aws:sts::333333333333:assumed-role/release/bob`);
    expect(leaseBreak(lease(), { kind: 'expired', expiredForMs: 1 }, 'someone-else')).toMatchObject({ kind: 'wrong-holder' });
  });
});

describe('a lease as shown', () => {
  it('held: when it expires unless renewed; expired: negative; released: null; the holder in words', () => {
    const v = leaseView(lease(), { kind: 'held', expiresInMs: 1234 }, 's3://b1b/p/leases/prod.json');
    expect(v).toMatchObject({
      environment: 'prod',
      state: 'held',
      expiresInMs: 1234,
      since: '2026-12-07T11:00:00.000Z',
      object: 's3://b1b/p/leases/prod.json',
    });
    expect(v.holderText).toBe('arn:aws:sts::333333333333:assumed-role/release/alice (pipewright cli, pid 4242 on laptop, since 2026-12-07T11:00:00.000Z)');
    expect(leaseView(lease(), { kind: 'expired', expiredForMs: 50 }, 'x').expiresInMs).toBe(-50);
    expect(leaseView(lease({ state: 'released' }), { kind: 'released' }, 'x')).toMatchObject({ state: 'released', expiresInMs: null });
  });
});
