// Links Pipewright may open in the OS browser: https only, to AWS consoles and
// docs and the SSO device-verification pages. Everything else is refused.
const ALLOWED_HOST_SUFFIXES = ['.console.aws.amazon.com', 'console.aws.amazon.com', 'docs.aws.amazon.com', '.awsapps.com'];
const DEVICE_LOGIN_HOST = /^device\.sso(\.[a-z0-9-]+)?\.amazonaws\.com$/;

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (DEVICE_LOGIN_HOST.test(host)) return true;
  return ALLOWED_HOST_SUFFIXES.some((s) => (s.startsWith('.') ? host.endsWith(s) : host === s || host.endsWith(`.${s}`)));
}
