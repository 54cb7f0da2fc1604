// Errors cross the process boundary as plain data, never as thrown objects:
// `{ code, message, details? }`. Services throw AppError; transports encode it.
import { z } from 'zod';

export const ErrorCode = z.enum([
  'UNKNOWN_METHOD',
  'INVALID_INPUT',
  'PAYLOAD_TOO_LARGE',
  'BAD_REQUEST',
  'NOT_FOUND',
  'CONFLICT',
  'CANCELLED',
  'UNAVAILABLE',
  'AWS_ERROR',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** What the renderer receives when a call fails: the same shape, rethrown on its side. */
export class ApiCallError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'ApiCallError';
    this.code = shape.code;
    this.details = shape.details;
  }
}

/** Turns anything thrown by a service into the wire shape. Unknown errors keep no stack or internals. */
export function encodeError(err: unknown): ApiErrorShape {
  if (err instanceof AppError) {
    return err.details === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return { code: 'CANCELLED', message: 'The operation was cancelled.' };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: message || 'Internal error' };
}
