// The app:// scheme serves the built renderer and nothing else (Electron faked:
// the handler is plain fetch Request → Response).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const handlers = new Map<string, (r: Request) => Promise<Response>>();
vi.mock('electron', () => ({
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: (scheme: string, h: (r: Request) => Promise<Response>) => handlers.set(scheme, h) },
}));
const { APP_INDEX_URL, APP_SCHEME, serveAppScheme } = await import('./app-protocol');

const base = mkdtempSync(join(tmpdir(), 'pw-app-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Pipewright</title>');
writeFileSync(join(root, 'assets', 'elk-worker.js'), 'self.onmessage = () => {};');
writeFileSync(join(base, 'secret.txt'), 'outside the renderer');
afterAll(() => rmSync(base, { recursive: true, force: true }));

serveAppScheme(root);
const get = (url: string, method = 'GET') => handlers.get(APP_SCHEME)!(new Request(url, { method }));

describe('app:// scheme', () => {
  it('serves the page and its scripts with the CSP', async () => {
    const page = await get(APP_INDEX_URL);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Pipewright</title>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const worker = await get('app://pipewright/assets/elk-worker.js');
    expect(worker.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('serves nothing outside the renderer, for another host, or for writes', async () => {
    for (const url of [
      'app://pipewright/../secret.txt',
      'app://pipewright/%2e%2e/secret.txt',
      'app://pipewright/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://pipewright/missing.js',
      'app://elsewhere/index.html',
    ]) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(await r.text(), url).not.toContain('outside the renderer');
    }
    expect((await get(APP_INDEX_URL, 'POST')).status).toBe(404);
    expect((await get('app://pipewright/%E0%A4%A.js')).status).toBe(400);
  });
});
