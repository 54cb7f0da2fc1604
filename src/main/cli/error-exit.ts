// Which exit code an error that ends a command gets: the one rule for every command,
// so the same mistake exits the same way whichever command meets it. Bad input (2)
// is whatever says "what you asked for is not there, or not valid", and nothing was
// done: the CLI's own checks (UsageError), the services' INVALID_INPUT and NOT_FOUND
// (the codes the app answers with), and AWS saying so itself: a named pipeline,
// execution, stage or action that does not exist (a typo to fix, as item 9's "no such
// execution" is), or a value it refused (ValidationException: a variable the pipeline
// does not declare, a reason too long). Anything else (AWS refusing access, a network
// down, a fault, a promotion that failed) is "it failed" (1).
import { AppError } from '../../shared/api/errors';
import { awsAppError } from '../aws/errors';
import { EXIT, UsageError, type ExitCode } from './exit-codes';

export function isBadInput(err: unknown): boolean {
  if (err instanceof UsageError) return true;
  const app = err instanceof AppError ? err : awsAppError(err);
  if (app?.code === 'INVALID_INPUT' || app?.code === 'NOT_FOUND') return true;
  return app?.code === 'AWS_ERROR' && (app.details as { awsCode?: string } | undefined)?.awsCode === 'ValidationException';
}

export function exitCodeFor(err: unknown): ExitCode {
  return isBadInput(err) ? EXIT.usage : EXIT.failed;
}
