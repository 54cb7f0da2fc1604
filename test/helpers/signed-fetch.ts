// Sends raw signed requests (bodies the SDK would never send) to the sandbox,
// signed by the SDK's own SigV4 signer.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
class Sha256 {
  private h;
  constructor(secret?: SourceData) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(d: SourceData) {
    this.h.update(bytes(d));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

export interface RawRequest {
  endpoint: string;
  service: 'codepipeline' | 's3' | 'sts' | 'iam';
  region?: string;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send this body instead of the signed one (tampering tests). */
  sendBody?: string | Buffer;
  /** Headers sent but left out of the signature. */
  unsigned?: string[];
  /** Headers replaced after signing (replay tests). */
  sendHeaders?: Record<string, string>;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export async function signedFetch(r: RawRequest): Promise<{ status: number; text: string; headers: Headers }> {
  const url = new URL(r.endpoint);
  const signer = new SignatureV4({
    credentials: r.credentials,
    region: r.region ?? 'us-east-1',
    service: r.service,
    sha256: Sha256,
    uriEscapePath: r.service !== 's3',
  });
  const body = r.body ?? '';
  const signed = await signer.sign(
    {
      method: r.method ?? 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: r.path ?? '/',
      query: r.query ?? {},
      headers: { host: url.host, ...(r.service === 's3' ? { 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') } : {}), ...r.headers },
      body,
    },
    { unsignableHeaders: new Set(r.unsigned ?? []) },
  );
  const qs = new URLSearchParams(r.query ?? {}).toString();
  const res = await fetch(`${r.endpoint}${r.path ?? '/'}${qs ? `?${qs}` : ''}`, {
    method: r.method ?? 'POST',
    headers: { ...Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k !== 'host')), ...r.sendHeaders },
    body: r.method === 'GET' || r.method === 'HEAD' ? undefined : (r.sendBody ?? body),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
