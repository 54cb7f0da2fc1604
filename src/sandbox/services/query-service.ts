// What STS and IAM share as sandbox services: the query protocol's operation
// (Action) and error document.
import { SandboxError } from '../errors';
import type { ServiceRequest, ServiceResponse } from '../http-types';
import { INTERNAL_MESSAGE, jsonRequestId, type ServiceSpec } from '../service-spec';
import { queryErrorBody } from './query-protocol';

export function queryService(name: 'sts' | 'iam', handle: (req: ServiceRequest) => ServiceResponse): ServiceSpec {
  return {
    name,
    maxBody: 2 * 1024 * 1024,
    operation: (_req, url, body) => new URLSearchParams(body.toString('utf8')).get('Action') ?? url.searchParams.get('Action') ?? 'Unknown',
    handle,
    errorResponse: (e, requestId) => ({ status: e.status, headers: { 'content-type': 'text/xml' }, body: queryErrorBody(e, requestId, name) }),
    requestIdHeaders: jsonRequestId,
    errors: {
      throttled: () => new SandboxError('Throttling', 'Rate exceeded', 400),
      internal: () => new SandboxError('InternalFailure', INTERNAL_MESSAGE, 500),
      denied: (message) => new SandboxError('AccessDenied', message, 403),
    },
  };
}
