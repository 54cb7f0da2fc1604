// One small interface every sandbox service implements, so the server routes,
// logs, injects faults and answers errors without knowing which service it
// serves: the differences (protocol, operation names, error shapes and codes)
// live with each service under services/.
import type { IncomingMessage } from 'node:http';
import type { SandboxError } from './errors';
import type { ServiceRequest, ServiceResponse } from './http-types';

export type ServiceName = 'codepipeline' | 's3' | 'sts' | 'iam' | 'account' | 'sqs' | 'events' | 'sso' | 'sso-oidc' | 'organizations';

export const SERVICE_NAMES: readonly ServiceName[] = ['codepipeline', 's3', 'sts', 'iam', 'account', 'sqs', 'events', 'sso', 'sso-oidc', 'organizations'];

export interface ServiceSpec {
  readonly name: ServiceName;
  /**
   * Requests are not signed (Identity Center's portal and OIDC: a bearer token in a
   * header, or nothing): the server skips SigV4 and the service authorises them itself.
   */
  readonly unsigned?: boolean;
  /** The largest request body it reads. */
  readonly maxBody: number;
  /** The operation a request names, before it is handled (for the log, faults and policies). */
  operation(req: IncomingMessage, url: URL, body: Buffer): string;
  /** A promise when the answer waits on something (SQS's long polling); req.signal ends the wait. */
  handle(req: ServiceRequest): ServiceResponse | Promise<ServiceResponse>;
  /** An error in this service's wire shape (a service that speaks two protocols reads which from the request). */
  errorResponse(e: SandboxError, requestId: string, head: boolean, req?: IncomingMessage): ServiceResponse;
  /** The headers that carry the request id. */
  requestIdHeaders(requestId: string): Record<string, string>;
  /** What this service answers for throttling, a server fault, and a denied action. */
  readonly errors: { throttled(): SandboxError; internal(): SandboxError; denied(message: string): SandboxError };
}

export const INTERNAL_MESSAGE = 'We encountered an internal error. Please try again.';
export const jsonRequestId = (requestId: string) => ({ 'x-amzn-requestid': requestId });
