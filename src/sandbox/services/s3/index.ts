// S3 as a sandbox service: REST and XML, path-style, S3's own error document.
import { SandboxError } from '../../errors';
import { INTERNAL_MESSAGE, type ServiceSpec } from '../../service-spec';
import type { S3Store } from './store';
import { handleS3, s3ErrorBody, s3Operation, type S3Hooks } from './api';

export function s3Service(store: S3Store, hooks: S3Hooks): ServiceSpec {
  return {
    name: 's3',
    maxBody: 64 * 1024 * 1024,
    operation: (req, url) => s3Operation(req.method ?? 'GET', (req.url ?? '/').split('?')[0], url.searchParams),
    handle: (req) => handleS3(req, store, hooks),
    errorResponse: (e, requestId, head) => ({
      status: e.status,
      headers: { ...(e.extra.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}), 'content-type': 'application/xml' },
      body: head ? undefined : s3ErrorBody(e, requestId),
    }),
    requestIdHeaders: (requestId) => ({ 'x-amz-request-id': requestId, 'x-amz-id-2': requestId }),
    errors: {
      throttled: () => new SandboxError('SlowDown', 'Please reduce your request rate.', 503),
      internal: () => new SandboxError('InternalError', INTERNAL_MESSAGE, 500),
      denied: (message) => new SandboxError('AccessDenied', message, 403),
    },
  };
}
