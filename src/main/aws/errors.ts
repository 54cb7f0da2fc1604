// Classifies AWS failures per target so the UI can say what went wrong and
// what to do: they are reported as data and never fail a whole operation.
import { CODEPIPELINE_REGIONS } from '../../shared/aws/regions';
import { AppError } from '../../shared/api/errors';
import type { z } from 'zod';
import type { ErrorKind, TargetError } from '../../shared/api/pipelines';

/** The kinds, and the classified error itself, are the contract's (`TargetError`): one definition. */
export type AwsErrorKind = z.infer<typeof ErrorKind>;
export type ClassifiedError = z.infer<typeof TargetError>;

/** Thrown when a profile needs an MFA code but the call may not prompt for one. */
export class MfaRequiredError extends Error {
  override name = 'MfaRequiredError';
}

const THROTTLE = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
  'RequestThrottled',
  'ProvisionedThroughputExceededException',
]);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'AuthorizationError', 'NotAuthorized']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'TimeoutError', 'RequestTimeout']);

export function classifyAwsError(err: unknown, ctx: { region?: string } = {}): ClassifiedError {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  const code = e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error');
  const message = (e?.message ?? String(err)).slice(0, 500);
  const optIn = CODEPIPELINE_REGIONS.find((r) => r.code === ctx.region)?.optIn ?? false;
  const causeCode = (e?.cause as { code?: string } | undefined)?.code;

  if (code === 'AbortError' || e?.name === 'AbortError') return { kind: 'cancelled', code, message: 'Cancelled.' };
  if (err instanceof MfaRequiredError || code === 'MfaRequiredError') return { kind: 'needs-mfa', code, message };
  if (/sso/i.test(message) && /(expired|invalid|not found|no cached|login|token)/i.test(message)) return { kind: 'needs-sso-login', code, message };
  if (THROTTLE.has(code)) return { kind: 'throttled', code, message: `${message} (still throttled after retries)` };
  if (EXPIRED.has(code)) return { kind: 'expired-credentials', code, message };
  // Opt-in regions that are not enabled reject every key as invalid.
  if ((code === 'UnrecognizedClientException' || code === 'InvalidClientTokenId' || code === 'OptInRequired') && optIn)
    return { kind: 'region-disabled', code, message: `${ctx.region} is an opt-in region that is not enabled for this account.` };
  if (code === 'OptInRequired') return { kind: 'region-disabled', code, message };
  if (DENIED.has(code)) return { kind: 'access-denied', code, message };
  if (NETWORK.has(code) || (causeCode && NETWORK.has(causeCode)) || /socket hang up|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET/.test(message))
    return { kind: 'network', code: causeCode ?? code, message };
  if (/NotFound/.test(code)) return { kind: 'not-found', code, message };
  return { kind: 'other', code, message };
}

/**
 * An AWS SDK failure (a service exception, or a credential-provider one) as the
 * contract's error: `AWS_ERROR` (or CANCELLED, NOT_FOUND, UNAVAILABLE) with the
 * AWS code and its classification in the details, instead of an anonymous
 * INTERNAL. Null for anything that is not from AWS.
 */
export function awsAppError(err: unknown): AppError | null {
  const e = err as { $metadata?: unknown; name?: string } | null;
  const fromAws = !!e && typeof e === 'object' && ('$metadata' in e || e.name === 'CredentialsProviderError' || e.name === 'MfaRequiredError');
  if (!fromAws) return null;
  const c = classifyAwsError(err);
  const code = c.kind === 'cancelled' ? 'CANCELLED' : c.kind === 'not-found' ? 'NOT_FOUND' : c.kind === 'network' ? 'UNAVAILABLE' : 'AWS_ERROR';
  return new AppError(code, c.code && c.code !== 'Error' && !c.message.startsWith(c.code) ? `${c.code}: ${c.message}` : c.message, {
    awsCode: c.code,
    kind: c.kind,
  });
}
