// SQS as a sandbox service: AWS JSON 1.0 for the SDK v3, the query protocol for
// older clients (the AWS CLI 2.9), told apart by X-Amz-Target.
import { SandboxError } from '../../errors';
import { INTERNAL_MESSAGE, jsonRequestId, type ServiceSpec } from '../../service-spec';
import { handleSqs, type SqsContext } from './api';
import { encodeError, isJsonRequest, operationOf } from './protocol';

export function sqsService(ctx: SqsContext): ServiceSpec {
  return {
    name: 'sqs',
    maxBody: 2 * 1024 * 1024,
    operation: (req, url, body) =>
      operationOf(req.headers, () => {
        const params = new URLSearchParams(url.search);
        for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
        return params;
      }),
    handle: (req) => handleSqs(req, ctx),
    errorResponse: (e, requestId, head, req) => encodeError(req ? isJsonRequest(req.headers) : true, e, requestId, head),
    requestIdHeaders: jsonRequestId,
    errors: {
      throttled: () => new SandboxError('RequestThrottled', 'Request is throttled.', 403),
      internal: () => new SandboxError('InternalFailure', INTERNAL_MESSAGE, 500),
      denied: (message) => new SandboxError('AccessDenied', message, 403),
    },
  };
}
