// The built renderer as files: one resolver for both ways the app is served,
// browser mode over HTTP and the desktop app's app:// protocol. Never a file
// outside the root; a path without an extension is a client-side route.
import { promises as fs } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/api/csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Sent with every file, whichever way it is served. */
export const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export type StaticFile = { status: 200; body: Buffer; headers: Record<string, string> } | { status: 400 | 404; headers: Record<string, string> };

/** Reads `pathname` (as in a URL, percent-encoded) under `root`. */
export async function readStaticFile(root: string, pathname: string): Promise<StaticFile> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return { status: 400, headers: SECURITY_HEADERS };
  }
  if (rel === '/' || !extname(rel)) rel = '/index.html';
  const full = normalize(join(root, rel));
  if (rel.includes('\0') || !full.startsWith(normalize(root) + sep)) return { status: 404, headers: SECURITY_HEADERS };
  try {
    const body = await fs.readFile(full);
    return {
      status: 200,
      body,
      headers: {
        'content-type': MIME[extname(full)] ?? 'application/octet-stream',
        'cache-control': rel === '/index.html' ? 'no-store' : 'private, max-age=3600',
        ...SECURITY_HEADERS,
      },
    };
  } catch {
    return { status: 404, headers: { 'content-type': 'text/plain', ...SECURITY_HEADERS } };
  }
}
