// The AWS CLI's IAM Identity Center token cache, as a format: one JSON file per
// sso-session (or per start URL, for legacy profiles) under ~/.aws/sso/cache,
// named by the SHA-1 of that key. botocore and the JS SDK read and write the same
// fields: accessToken and expiresAt always; refreshToken, clientId, clientSecret,
// registrationExpiresAt, region and startUrl when the login had them. Pure, so the
// rules (what a file must hold, when a token is stale, whether it can be
// refreshed) have one home; reading the files is src/main/aws/sso-token-file.ts.
import { z } from 'zod';
import { JsonFileError, parseJsonWith } from '../json-file';
import { AppError } from '../api/errors';

/** A token as the cache holds it. Keys we do not know are kept, so rewriting a file loses nothing. */
export interface SsoToken {
  accessToken: string;
  /** RFC 3339, as written (botocore also wrote `…UTC` once; both are read). */
  expiresAt: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  region?: string;
  startUrl?: string;
  /** Any other key the file held, kept verbatim for the next write. */
  extra?: Record<string, unknown>;
}

const KNOWN = ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken'] as const;

const optionalText = z.string().min(1).optional();
const TokenFile = z.looseObject({
  accessToken: z.string().min(1, 'an access token is required'),
  expiresAt: z.string().refine((s) => Number.isFinite(timeOf(s)), 'not a date and time (RFC 3339, such as 2026-01-31T12:00:00Z)'),
  refreshToken: optionalText,
  clientId: optionalText,
  clientSecret: optionalText,
  registrationExpiresAt: z
    .string()
    .refine((s) => Number.isFinite(timeOf(s)), 'not a date and time')
    .optional(),
  region: optionalText,
  startUrl: optionalText,
});

/**
 * Milliseconds since the epoch for a cache timestamp: RFC 3339 (`2026-01-31T12:00:00Z`,
 * with or without fractions or an offset), and the `2026-01-31T12:00:00UTC` older AWS
 * CLIs wrote. NaN for anything else.
 */
export function timeOf(s: string): number {
  const text = s.trim().replace(/UTC$/, 'Z');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/i.test(text)) return NaN;
  return Date.parse(text);
}

/** A time as the CLI writes expiresAt: whole seconds, UTC, `Z`. */
export function formatCacheTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whether a file in ~/.aws/sso/cache may be a token: JSON, and not the CLI's own client registrations (`botocore-client-…`). */
export function isTokenCacheFileName(name: string): boolean {
  return name.endsWith('.json') && !name.startsWith('botocore');
}

/** Parses a cache file's text; a file that is not a token is an AppError naming the file and what is wrong. */
export function parseSsoTokenFile(text: string, file: string): SsoToken {
  let raw: z.output<typeof TokenFile>;
  try {
    raw = parseJsonWith(TokenFile, text, { source: file });
  } catch (err) {
    if (err instanceof JsonFileError)
      throw new AppError(
        'INVALID_INPUT',
        `${file} is not an IAM Identity Center token the AWS CLI could have written (${err.detail}). Nothing was changed: move it away, or sign in again with aws sso login.`,
        { file },
      );
    throw err;
  }
  const token: SsoToken = { accessToken: raw.accessToken, expiresAt: raw.expiresAt };
  for (const k of KNOWN) if (k !== 'accessToken' && k !== 'expiresAt' && raw[k] !== undefined) token[k] = raw[k];
  const extra = Object.fromEntries(Object.entries(raw).filter(([k]) => !(KNOWN as readonly string[]).includes(k)));
  if (Object.keys(extra).length) token.extra = extra;
  return token;
}

/** The file's text, in the CLI's key order; keys it held that we do not know follow. */
export function serializeSsoToken(t: SsoToken): string {
  const out: Record<string, unknown> = {};
  for (const k of KNOWN) if (t[k] !== undefined) out[k] = t[k];
  for (const [k, v] of Object.entries(t.extra ?? {})) if (!(k in out)) out[k] = v;
  return JSON.stringify(out, null, 2);
}

/** How a token stands at `now`: usable, usable but due a refresh (within `refreshBeforeMs` of its end), or over. */
export function tokenFreshness(t: Pick<SsoToken, 'expiresAt'>, now: number, refreshBeforeMs: number): 'fresh' | 'refresh-soon' | 'expired' {
  const end = timeOf(t.expiresAt);
  if (!(end > now)) return 'expired';
  return end - now <= refreshBeforeMs ? 'refresh-soon' : 'fresh';
}

/** Whether the refresh-token grant can be tried: a refresh token and a client registration that has not ended. */
export function canRefresh(t: SsoToken, now: number): boolean {
  if (!t.refreshToken || !t.clientId || !t.clientSecret) return false;
  return !t.registrationExpiresAt || timeOf(t.registrationExpiresAt) > now;
}

/** Whether this cached token was issued for that start URL (however the URL ends: a trailing slash or `#/`). */
export function sameStartUrl(a: string | undefined, b: string | undefined): boolean {
  const norm = (u: string) => u.trim().replace(/#.*$/, '').replace(/\/+$/, '').toLowerCase();
  return !!a && !!b && norm(a) === norm(b);
}
