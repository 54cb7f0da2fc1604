// The one output filter for text the CLI prints but does not write itself (names,
// summaries, commit messages, custom data, error messages from AWS). A terminal
// obeys control characters, ANSI/OSC sequences and bidi overrides in whatever it is
// given, so a planted "clear the screen" could erase the real prompt and fake a
// line. Here every such character becomes visible text instead: ESC as ␛, the other
// C0 controls as their Control Pictures (U+2400 + code), DEL, C1 controls and the
// bidi overrides and isolates as `\u{…}`. A sequence is made harmless by showing
// its introducer, so nothing needs to parse sequences. Pure: the renderer may use it.
import { isAllowedExternalUrl } from './api/external-links';

// C0 (but not \n, decided per field), DEL, C1, bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
// eslint-disable-next-line no-control-regex -- matching control characters is this module's purpose
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  const code = c.codePointAt(0)!;
  if (code < 0x20) return String.fromCodePoint(0x2400 + code); // ␀ … ␟, ESC as ␛
  return `\\u{${code.toString(16)}}`;
}

/** Text that may span lines (an error message): newlines kept, every other control shown. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** A single-line field (a name, a summary, custom data): a newline is shown as ␊, so it cannot start a forged line. */
export function terminalLine(text: string): string {
  return terminalText(text).replace(/\n/g, '␊');
}

export const LINK_WITHHELD = '(link withheld: not an https AWS or allowed URL)';

/** A link from AWS: printed only when the app would open it (https, AWS or an allowed host), else withheld and said so. */
export function terminalLink(url: string): string {
  return isAllowedExternalUrl(url) ? terminalLine(url) : LINK_WITHHELD;
}
