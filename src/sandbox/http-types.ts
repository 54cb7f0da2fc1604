// The request and response shapes the sandbox's service handlers share.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Principal } from './principals';

export interface ServiceRequest {
  method: string;
  url: URL;
  /** The path as sent, still percent-encoded. */
  rawPath: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  principal: Principal;
  accountId: string;
  region: string;
  requestId: string;
  /** Set by the handler once it knows the operation, for the call log and faults. */
  operation: string;
  /** Injected fault: the fraction of DeleteObjects keys that fail. */
  deleteErrorRate?: number;
  /** Injected fault: how a conditional S3 write whose condition held fails anyway. */
  conditionalFailure?: 'PreconditionFailed' | 'ConditionalRequestConflict';
  /** When the request began to arrive (performance.now()): a conditional S3 write conflicts with a delete since. */
  receivedAt?: number;
  /** Aborted when the client goes away or the sandbox stops: a handler that waits stops waiting. */
  signal?: AbortSignal;
}

export interface ServiceResponse {
  status: number;
  headers?: Record<string, string>;
  /** A stream when the body is generated (a declared-size object): its content-length is in the headers. */
  body?: string | Buffer | Readable;
}

/** A non-streamed response body as text (in-process calls: seeding, tests). */
export function bodyText(r: ServiceResponse): string {
  if (r.body === undefined) return '';
  if (typeof r.body === 'string') return r.body;
  if (Buffer.isBuffer(r.body)) return r.body.toString('utf8');
  throw new Error('The response body is a stream: read it as one.');
}
