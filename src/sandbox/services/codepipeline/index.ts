// CodePipeline as a sandbox service: AWS JSON 1.1, the operation in X-Amz-Target.
import { SandboxError } from '../../errors';
import { INTERNAL_MESSAGE, jsonRequestId, type ServiceSpec } from '../../service-spec';
import { handleCodePipeline, jsonErrorBody, type CodePipelineContext } from './api';

export function codePipelineService(ctx: CodePipelineContext): ServiceSpec {
  return {
    name: 'codepipeline',
    maxBody: 2 * 1024 * 1024,
    operation: (req) => String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'Unknown',
    handle: (req) => handleCodePipeline(req, ctx),
    errorResponse: (e) => ({ status: e.status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': e.code }, body: jsonErrorBody(e) }),
    requestIdHeaders: jsonRequestId,
    errors: {
      throttled: () => new SandboxError('ThrottlingException', 'Rate exceeded', 400),
      internal: () => new SandboxError('InternalFailure', INTERNAL_MESSAGE, 500),
      denied: (message) => new SandboxError('AccessDeniedException', message, 400),
    },
  };
}
