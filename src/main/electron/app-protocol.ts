// The desktop app is served from app://pipewright/, not file:// (Electron
// security checklist #18). A standard, secure scheme gives the page a real
// origin: its module scripts and the layout Web Worker load as same-origin, and
// the packaged build can turn off the file:// extra-privileges fuse
// (electron-builder.yml) without breaking the page. Files come from the built
// renderer only (`readStaticFile` refuses anything outside it).
import { protocol } from 'electron';
import { readStaticFile } from '../platform/static-files';

export const APP_SCHEME = 'app';
const APP_HOST = 'pipewright';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  // Reviewed: one scheme, serving only the built renderer through readStaticFile.
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]); /* eng-disable PROTOCOL_HANDLERS_JS_CHECK */
}

export function serveAppScheme(rendererDir: string): void {
  // Reviewed: GET of files under rendererDir only; any other host or method is refused.
  protocol.handle(APP_SCHEME, async (request) => {
    /* eng-disable PROTOCOL_HANDLERS_JS_CHECK */
    const url = new URL(request.url);
    if (url.host !== APP_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) return new Response('Not found', { status: 404 });
    const file = await readStaticFile(rendererDir, url.pathname);
    return new Response(file.status === 200 ? new Uint8Array(file.body) : null, { status: file.status, headers: file.headers });
  });
}
