// Why `npm start` falls back to browser mode, in words a newcomer reads once:
// what is missing, whether a download was tried, and what happens instead.

/** `failure`: what resolving the Electron binary reported (its stderr, or "not found at PATH"). */
export function browserModeReason(failure) {
  const text = String(failure ?? '');
  if (/browser mode was asked for/.test(text)) return 'Starting in browser mode, as asked.';
  const notFound = /not found at (\S+)/.exec(text);
  if (notFound) return `Electron's binary isn't installed (it would be at ${notFound[1]}), so Pipewright runs in your browser instead.`;
  if (/fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|network/i.test(text))
    return "Electron's binary isn't installed and couldn't be downloaded (no connection to its download site), so Pipewright runs in your browser instead.";
  if (/did not start/.test(text)) return "Electron's binary is installed but didn't start, so Pipewright runs in your browser instead.";
  return "Electron's binary isn't installed and couldn't be set up, so Pipewright runs in your browser instead.";
}
