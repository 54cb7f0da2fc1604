// Endpoints that are not quite AWS (emulators, proxies, a wrong endpoint_url)
// answer in ways the SDK's parsers only report as "Unexpected token '<'" or
// "Expected real number, got implicit NaN". This middleware sits between the
// HTTP handler and the SDK's deserializer and, before anything is parsed:
//  - turns an HTML page, or a JSON-protocol answer that is not JSON, into an
//    error that says which endpoint answered which operation with what;
//  - accepts a format variant: an ISO-8601 timestamp where the JSON protocol
//    sends epoch seconds is converted, so the answer parses as AWS's would.
// Streaming bodies (S3 objects) are never buffered: only small answers are read.
import { streamCollector } from '@smithy/node-http-handler';
import type { DeserializeHandler, DeserializeHandlerArguments, DeserializeMiddleware, HandlerExecutionContext, MetadataBearer } from '@smithy/types';

interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}
interface RawRequest {
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
}

/** The error for an answer that is not AWS's: named like an SDK error, with the HTTP status for retries. */
export class UnexpectedResponseError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(message: string, status: number) {
    super(message);
    this.name = 'UnexpectedResponse';
    this.$metadata = { httpStatusCode: status };
  }
}

/** Bodies above this are passed through unread (answers this guard cares about are small). */
const MAX_INSPECTED = 8 * 1024 * 1024;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** Member names that carry timestamps in CodePipeline, STS-as-JSON and Account answers. */
const TIME_KEY = /(Time|time|At|Date|date|Change|^created$|^updated$|^expiration$|^Expiration$)$/;

const isHtml = (contentType: string, text: string) => /text\/html/i.test(contentType) || /^\s*<(!doctype html|html)/i.test(text);
const headerOf = (r: RawResponse, name: string) => Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? '';

/** ISO timestamps at timestamp members, as epoch seconds (what the JSON protocol sends). */
export function epochTimestamps(value: unknown, key = ''): { value: unknown; changed: boolean } {
  if (typeof value === 'string' && TIME_KEY.test(key) && ISO_TIME.test(value)) {
    const ms = Date.parse(value.replace(' ', 'T'));
    return Number.isNaN(ms) ? { value, changed: false } : { value: ms / 1000, changed: true };
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = epochTimestamps(v, key);
      changed ||= r.changed;
      return r.value;
    });
    return { value: out, changed };
  }
  if (value && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = epochTimestamps(v, k);
      changed ||= r.changed;
      out[k] = r.value;
    }
    return { value: out, changed };
  }
  return { value, changed: false };
}

function endpointOf(req: RawRequest | undefined): string {
  if (!req?.hostname) return 'the endpoint';
  return `${req.protocol ?? 'https:'}//${req.hostname}${req.port ? `:${req.port}` : ''}`;
}

function titleOf(html: string): string {
  const t = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(html)?.[1]?.trim();
  return t ? `"${t}"` : `starting "${html.trim().slice(0, 60).replace(/\s+/g, ' ')}"`;
}

/**
 * The guard for one client. `json`: the service speaks a JSON protocol (CodePipeline,
 * Account), where an answer that does not parse is never AWS's.
 */
export function responseGuard(service: string, json: boolean): { middleware: DeserializeMiddleware<object, MetadataBearer>; name: string } {
  const middleware: DeserializeMiddleware<object, MetadataBearer> =
    (next: DeserializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) => async (args: DeserializeHandlerArguments<object>) => {
      const result = await next(args);
      const res = result.response as RawResponse | undefined;
      if (!res || typeof res.statusCode !== 'number') return result;
      const contentType = headerOf(res, 'content-type');
      const length = Number(headerOf(res, 'content-length') || NaN);
      // Only answers worth reading: JSON protocols, errors, or anything that says it is HTML,
      // except an object's own content (GetObject of an .html file is HTML by right).
      const objectContent = context.commandName === 'GetObjectCommand' && res.statusCode < 300;
      const inspect = !objectContent && (json || res.statusCode >= 300 || /text\/html/i.test(contentType)) && !(length > MAX_INSPECTED);
      if (!inspect || !res.body) return result;
      const bytes = await streamCollector(res.body as never);
      res.body = bytes;
      const text = Buffer.from(bytes).toString('utf8');
      const operation = `${service} ${String(context.commandName ?? 'call').replace(/Command$/, '')}`;
      const where = endpointOf(args.request as RawRequest);
      if (isHtml(contentType, text))
        throw new UnexpectedResponseError(
          `${where} answered ${operation} with an HTML page (HTTP ${res.statusCode}, ${titleOf(text)}), not an AWS response. Is this profile's endpoint_url an AWS-compatible endpoint?`,
          res.statusCode,
        );
      if (!json || !text.trim()) return result;
      // The common case costs one scan: a JSON object with no ISO timestamp in it is passed on unparsed.
      if (/^\s*[{[]/.test(text) && !/"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) return result;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new UnexpectedResponseError(
          `${where} answered ${operation} with text that is not JSON (HTTP ${res.statusCode}, starting "${text.trim().slice(0, 60).replace(/\s+/g, ' ')}"), not an AWS response.`,
          res.statusCode,
        );
      }
      const fixed = epochTimestamps(parsed);
      if (fixed.changed) res.body = new TextEncoder().encode(JSON.stringify(fixed.value));
      return result;
    };
  return { middleware, name: `pipewrightResponseGuard-${service}` };
}
