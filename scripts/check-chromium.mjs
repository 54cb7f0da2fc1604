// Fails `npm test` loudly when no Chromium is available: e2e is never skipped silently.
import { findChromium } from './chromium-path.mjs';

const found = findChromium();
if (!found) {
  console.error(
    'No Chromium found for the end-to-end tests.\n' +
      '  Debian/Ubuntu: sudo apt-get install chromium\n' +
      '  Or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
  process.exit(1);
}
console.log(`e2e: using ${found}`);
