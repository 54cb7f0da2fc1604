import { describe, expect, it } from 'vitest';
import { describeLeaseHolder, HTTP_DATE_RESOLUTION_MS, judgeLease, renewEveryMs, SKEW_MARGIN_WITHOUT_DATE_MS, type LeaseRecord } from './lease';

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
