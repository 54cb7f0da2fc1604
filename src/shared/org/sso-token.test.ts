import { describe, expect, it } from 'vitest';
import { canRefresh, formatCacheTime, isTokenCacheFileName, parseSsoTokenFile, sameStartUrl, serializeSsoToken, timeOf, tokenFreshness } from './sso-token';
import { CLI_TOKEN_KEYS, CLI_WROTE } from '../../../test/fixtures/sso-token';

describe('the token cache format', () => {
  it('reads what the CLI writes and writes it back with the same keys, in its order', () => {
    const text = JSON.stringify(CLI_WROTE);
    const t = parseSsoTokenFile(text, 'abc.json');
    expect(t).toEqual(CLI_WROTE);
    expect(JSON.parse(serializeSsoToken(t))).toEqual(CLI_WROTE);
    expect(Object.keys(JSON.parse(serializeSsoToken(t)))).toEqual(CLI_TOKEN_KEYS);
  });

  it('reads a legacy token (access token and expiry only, the old UTC suffix) and keeps keys it does not know', () => {
    const t = parseSsoTokenFile(JSON.stringify({ accessToken: 'x', expiresAt: '2019-11-14T04:05:45UTC', somethingNew: { a: 1 } }), 'f.json');
    expect(timeOf(t.expiresAt)).toBe(Date.parse('2019-11-14T04:05:45Z'));
    expect(canRefresh(t, 0)).toBe(false);
    expect(JSON.parse(serializeSsoToken(t))).toEqual({ accessToken: 'x', expiresAt: '2019-11-14T04:05:45UTC', somethingNew: { a: 1 } });
  });

  it.each([
    ['{not json', /not valid JSON \(line 1, column 2\)/],
    ['[]', /expected object/],
    ['{"accessToken":"x"}', /expiresAt/],
    ['{"accessToken":"","expiresAt":"2026-01-01T00:00:00Z"}', /accessToken: an access token is required/],
    ['{"accessToken":"x","expiresAt":"tomorrow"}', /expiresAt: not a date and time/],
    ['{"accessToken":"x","expiresAt":"2026-01-01T00:00:00Z","refreshToken":7}', /refreshToken/],
  ])('refuses %s with a message naming the file and what is wrong, and never the token', (text, why) => {
    let err: (Error & { code?: string }) | undefined;
    try {
      parseSsoTokenFile(text, '/home/u/.aws/sso/cache/abc.json');
    } catch (e) {
      err = e as Error & { code?: string };
    }
    expect(err?.code).toBe('INVALID_INPUT');
    expect(err?.message).toContain('/home/u/.aws/sso/cache/abc.json is not an IAM Identity Center token');
    expect(err?.message).toMatch(why);
    expect(err?.message).toContain('Nothing was changed');
  });

  it('never repeats a token from a file it cannot parse', () => {
    for (const text of ['{"accessToken":"aoa-SECRET" "expiresAt":"2026-01-01T00:00:00Z"}', '{"accessToken":"aoa-SECRET","expiresAt":"aoa-SECRET"}'])
      expect(() => parseSsoTokenFile(text, 'f.json')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('SECRET') }));
  });

  it('says whether a token is fresh, due a refresh, or over; and whether it can be refreshed', () => {
    const now = Date.parse('2026-03-01T11:00:00Z');
    expect(tokenFreshness({ expiresAt: '2026-03-01T12:00:00Z' }, now, 5 * 60_000)).toBe('fresh');
    expect(tokenFreshness({ expiresAt: '2026-03-01T11:04:00Z' }, now, 5 * 60_000)).toBe('refresh-soon');
    expect(tokenFreshness({ expiresAt: '2026-03-01T11:00:00Z' }, now, 5 * 60_000)).toBe('expired');
    expect(tokenFreshness({ expiresAt: 'garbage' }, now, 0)).toBe('expired');
    const t = parseSsoTokenFile(JSON.stringify(CLI_WROTE), 'f');
    expect(canRefresh(t, now)).toBe(true);
    // A registration that ended cannot refresh.
    expect(canRefresh(t, Date.parse('2026-06-01T00:00:00Z'))).toBe(false);
    expect(canRefresh({ ...t, clientSecret: undefined }, now)).toBe(false);
  });

  it('writes times as the CLI does, and knows its own files from tokens', () => {
    expect(formatCacheTime(Date.parse('2026-03-01T12:00:00.789Z'))).toBe('2026-03-01T12:00:00Z');
    expect(timeOf('2026-03-01T12:00:00.5+01:00')).toBe(Date.parse('2026-03-01T11:00:00.5Z'));
    expect(timeOf('2026-03-01')).toBeNaN();
    expect(isTokenCacheFileName('0a3c…f.json')).toBe(true);
    expect(isTokenCacheFileName('botocore-client-pipewright-sandbox.json')).toBe(false);
    expect(isTokenCacheFileName('abc.json.bad')).toBe(false);
    expect(sameStartUrl('https://x.awsapps.com/start/', 'https://X.awsapps.com/start#/')).toBe(true);
    expect(sameStartUrl('https://x.awsapps.com/start', 'https://y.awsapps.com/start')).toBe(false);
    expect(sameStartUrl(undefined, 'https://y.awsapps.com/start')).toBe(false);
  });
});
