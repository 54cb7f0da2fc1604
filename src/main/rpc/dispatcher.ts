// The one dispatcher both transports use: look the method up, parse its input
// with the contract's zod schema, call the service, parse (and so strip) its
// output, and encode any error as `{ code, message, details? }`.
import { z } from 'zod';
import { isMethodName, methods, type MethodName, type Methods } from '../../shared/api/contract';
import { AppError, encodeError } from '../../shared/api/errors';
import type { Envelope } from '../../shared/api/envelope';
import { MAX_NESTING as MAX_INPUT_DEPTH, nestedDeeperThan } from '../../shared/json-depth';

/** Who is calling: an IPC window or one browser-mode connection. */
export interface CallContext {
  clientId: string;
}

export type Handlers = {
  [M in MethodName]: (input: z.output<Methods[M]['input']>, ctx: CallContext) => Promise<z.input<Methods[M]['output']>> | z.input<Methods[M]['output']>;
};

export type Dispatch = (method: unknown, input: unknown, ctx: CallContext) => Promise<Envelope>;

/** Zod issues trimmed to what a user can act on: path and message, no echo of the input. */
function describeIssues(error: z.ZodError) {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * `describeError` turns a failure the services did not wrap (an AWS SDK error, say)
 * into an AppError with a specific code; what it returns null for is INTERNAL.
 */
export function createDispatcher(
  handlers: Handlers,
  log: (line: string) => void = () => {},
  describeError: (err: unknown) => AppError | null = () => null,
): Dispatch {
  const dispatch = async (method: unknown, input: unknown, ctx: CallContext): Promise<Envelope> => {
    if (!isMethodName(method)) {
      const shown = typeof method === 'string' ? method.slice(0, 80) : typeof method;
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${shown}` } };
    }
    // Bounded before parsing: a value nested thousands deep would overflow the stack of any recursive parser.
    if (nestedDeeperThan(input, MAX_INPUT_DEPTH)) {
      return { ok: false, error: { code: 'INVALID_INPUT', message: `Invalid input for ${method}: nested deeper than ${MAX_INPUT_DEPTH} levels.` } };
    }
    const spec = methods[method];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'INVALID_INPUT', message: `Invalid input for ${method}`, details: describeIssues(parsed.error) },
      };
    }
    try {
      const handler = handlers[method] as (i: unknown, c: CallContext) => unknown;
      const raw = await handler(parsed.data, ctx);
      const out = spec.output.safeParse(raw);
      if (!out.success) {
        log(`output of ${method} broke the contract: ${JSON.stringify(describeIssues(out.error))}`);
        throw new AppError('INTERNAL', `The main process returned an invalid result for ${method}.`);
      }
      return { ok: true, result: out.data };
    } catch (err) {
      const error = encodeError(err instanceof AppError ? err : (describeError(err) ?? err));
      if (error.code === 'INTERNAL') log(`${method} failed: ${error.message}`);
      return { ok: false, error };
    }
  };
  // Every call is answered: whatever escapes (a bug, a stack overflow in a schema) becomes INTERNAL, logged.
  return async (method, input, ctx) => {
    try {
      return await dispatch(method, input, ctx);
    } catch (err) {
      log(`dispatch of ${typeof method === 'string' ? method.slice(0, 80) : typeof method} failed: ${err instanceof Error ? err.message : String(err)}`);
      return { ok: false, error: { code: 'INTERNAL', message: 'The call could not be handled.' } };
    }
  };
}
