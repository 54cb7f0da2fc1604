// EventBridge as a sandbox service: AWS JSON 1.1, the operation in X-Amz-Target
// (AWSEvents.<Operation>), signed for the service name "events".
import { SandboxError } from '../../errors';
import { INTERNAL_MESSAGE, jsonRequestId, type ServiceSpec } from '../../service-spec';
import { jsonErrorBody } from '../codepipeline/api';
import { handleEvents } from './api';
import type { EventsStore } from './store';

export function eventsService(store: EventsStore, changed: () => void): ServiceSpec {
  return {
    name: 'events',
    // PutEvents takes up to 256 KB of entries; JSON escaping can double that.
    maxBody: 2 * 1024 * 1024,
    operation: (req) => String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'Unknown',
    handle: (req) => handleEvents(req, store, changed),
    errorResponse: (e) => ({ status: e.status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': e.code }, body: jsonErrorBody(e) }),
    requestIdHeaders: jsonRequestId,
    errors: {
      throttled: () => new SandboxError('ThrottlingException', 'Rate exceeded', 400),
      internal: () => new SandboxError('InternalException', INTERNAL_MESSAGE, 500),
      denied: (message) => new SandboxError('AccessDeniedException', message, 400),
    },
  };
}
