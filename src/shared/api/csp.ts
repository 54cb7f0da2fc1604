// The one Content-Security-Policy for the renderer, in Electron and browser mode.
// Inline styles are allowed because React Flow positions nodes with style
// attributes; scripts are our bundle only, never eval.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
