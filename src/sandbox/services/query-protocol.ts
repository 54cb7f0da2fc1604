// The query protocol STS, IAM and SQS (for clients that still speak it, such as
// the AWS CLI v2.9) share: form-encoded parameters in, XML out, and errors as
// <ErrorResponse> in the service's namespace.
import type { SandboxError } from '../errors';
import type { ServiceRequest, ServiceResponse } from '../http-types';
import { toXml } from './s3/xml';

export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const SQS_NS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const NAMESPACES = { sts: STS_NS, iam: IAM_NS, sqs: SQS_NS };

export function queryParams(req: ServiceRequest): URLSearchParams {
  const params = new URLSearchParams(req.url.search);
  if (req.method === 'POST') for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.set(k, v);
  return params;
}

export function queryErrorBody(err: SandboxError, requestId: string, service: keyof typeof NAMESPACES): string {
  return toXml(
    'ErrorResponse',
    { Error: { Type: err.status >= 500 ? 'Receiver' : 'Sender', Code: err.code, Message: err.message }, RequestId: requestId },
    NAMESPACES[service],
  );
}

/** An action's answer; an action that returns nothing (result undefined) answers with the metadata alone. */
export const respond = (action: string, result: unknown, requestId: string, ns = STS_NS): ServiceResponse => ({
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: toXml(`${action}Response`, { ...(result === undefined ? {} : { [`${action}Result`]: result }), ResponseMetadata: { RequestId: requestId } }, ns),
});
