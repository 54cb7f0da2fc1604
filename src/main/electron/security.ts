// Electron security restrictions, after the Electron security tutorial
// (https://www.electronjs.org/docs/latest/tutorial/security):
// - navigation away from our page is denied (#13);
// - new windows are denied; https links on the allowlist open in the OS browser (#14, #15);
// - every permission request is denied (#5);
// - the CSP is sent as a header for every response (#7).
import { session, shell, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../shared/api/csp';
import { isAllowedExternalUrl } from '../../shared/api/external-links';

export function applySessionRestrictions(): void {
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

export function restrictWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Reviewed: only https URLs on the AWS allowlist (isAllowedExternalUrl) reach the OS browser.
    if (isAllowedExternalUrl(url)) void shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
    return { action: 'deny' };
  });
}
