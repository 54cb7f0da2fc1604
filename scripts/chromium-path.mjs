// Finds the Chromium the end-to-end tests drive: $CHROMIUM_PATH, else Debian's.
import { existsSync } from 'node:fs';

export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  return candidates.find((p) => existsSync(p));
}
