// Verifies an incoming request's SigV4 signature by re-signing it with the
// SDK's own signer (@smithy/signature-v4) and comparing. We never compute
// SigV4 by hand: we only rebuild the request the client signed.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { SandboxError } from './errors';
import type { Principal, Principals } from './principals';

/** Node-crypto adapter with the Checksum shape the signer expects. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

export class Sha256 {
  private h;
  constructor(secret?: SourceData) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

export interface SignedScope {
  principal: Principal;
  region: string;
  service: string;
}

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/;

/** Reads service and region from the credential scope without verifying (for routing and errors). */
export function peekScope(req: IncomingMessage): { region: string; service: string } | undefined {
  const m = AUTH_RE.exec(String(req.headers.authorization ?? ''));
  return m ? { region: m[3], service: m[4] } : undefined;
}

function authError(service: string, code: 'missing' | 'bad' | 'unknown-key' | 'expired', detail = ''): SandboxError {
  const s3 = service === 's3';
  switch (code) {
    case 'missing':
      return s3
        ? new SandboxError('AccessDenied', 'Anonymous access is not allowed: sign the request.', 403)
        : new SandboxError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    case 'unknown-key':
      return s3
        ? new SandboxError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403)
        : new SandboxError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
    case 'expired':
      return s3
        ? new SandboxError('ExpiredToken', 'The provided token has expired.', 400)
        : new SandboxError('ExpiredTokenException', 'The security token included in the request is expired', 403);
    default:
      return s3
        ? new SandboxError('SignatureDoesNotMatch', `The request signature we calculated does not match the signature you provided. ${detail}`.trim(), 403)
        : new SandboxError(
            service === 'sts' || service === 'iam' || service === 'sqs' ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
            `The request signature we calculated does not match the signature you provided. ${detail}`.trim(),
            403,
          );
  }
}

function parseAmzDate(v: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

export async function verifySignature(req: IncomingMessage, body: Buffer, principals: Principals): Promise<SignedScope> {
  const header = String(req.headers.authorization ?? '');
  const m = AUTH_RE.exec(header);
  const scope = peekScope(req);
  if (!m) throw authError(scope?.service ?? 'unknown', header ? 'bad' : 'missing', header ? 'Malformed Authorization header.' : '');
  const [, accessKeyId, shortDate, region, service, signedHeaderList, signature] = m;
  const principal = principals.find(accessKeyId);
  if (!principal) throw authError(service, 'unknown-key');
  if (principal.expiresAt === -1) throw authError(service, 'expired');

  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate || !amzDate.startsWith(shortDate)) throw authError(service, 'bad', 'X-Amz-Date is missing or does not match the credential scope.');
  if (Math.abs(Date.now() - signingDate.getTime()) > 15 * 60 * 1000)
    throw new SandboxError(
      service === 's3' ? 'RequestTimeTooSkewed' : 'InvalidSignatureException',
      'Signature expired: the request time is too far from the server time.',
      403,
    );
  if (principal.sessionToken && req.headers['x-amz-security-token'] !== principal.sessionToken) throw authError(service, 'unknown-key');

  // A declared payload hash must be the body's: otherwise a signed header would vouch for any body.
  const declaredHash = req.headers['x-amz-content-sha256'];
  if (typeof declaredHash === 'string' && /^[0-9a-f]{64}$/.test(declaredHash) && createHash('sha256').update(body).digest('hex') !== declaredHash) {
    throw service === 's3'
      ? new SandboxError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400)
      : authError(service, 'bad', 'The payload hash does not match the body.');
  }

  const signed = signedHeaderList.split(';');
  // As AWS: the host is always signed, and for the JSON protocols the target too, so a
  // captured signature cannot be replayed at another host or as another operation.
  if (!signed.includes('host')) throw authError(service, 'bad', 'The host header must be signed.');
  if (req.headers['x-amz-target'] !== undefined && !signed.includes('x-amz-target')) throw authError(service, 'bad', 'The x-amz-target header must be signed.');
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const v = req.headers[name];
    if (v === undefined) throw authError(service, 'bad', `Signed header ${name} is missing.`);
    headers[name] = Array.isArray(v) ? v.join(',') : String(v);
  }
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const rawPath = (req.url ?? '/').split('?')[0] || '/';
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: principal.secretAccessKey, sessionToken: principal.sessionToken },
    region,
    service,
    sha256: Sha256,
    uriEscapePath: service !== 's3',
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: 'sandbox.invalid', path: rawPath, query, headers, body },
    { signingDate, signableHeaders: new Set(signed), signingRegion: region, signingService: service },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization))?.[1] ?? '';
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw authError(service, 'bad');
  return { principal, region, service };
}
