// Item 4 of issue 23: AWS-controlled text reaches the terminal only as visible characters.
import { describe, expect, it } from 'vitest';
import { LINK_WITHHELD, terminalLink, terminalLine, terminalText } from './terminal-text';

const ESC = '\x1b';

describe('terminal text (hardening item 4)', () => {
  it('shows a planted clear-screen as text instead of clearing the screen', () => {
    const out = terminalLine(`${ESC}[2J${ESC}[HAll checks passed`);
    expect(out).toBe('␛[2J␛[HAll checks passed');
    expect(out).not.toContain(ESC);
  });

  it('shows an OSC 8 hyperlink, with either terminator, as text', () => {
    const osc = `${ESC}]8;;https://evil.example/${ESC}\\Review${ESC}]8;;\x07`;
    const out = terminalLine(osc);
    expect(out).toBe('␛]8;;https://evil.example/␛\\Review␛]8;;␇');
    // eslint-disable-next-line no-control-regex -- asserting no control character is left
    expect(out).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });

  it('shows C0 controls as control pictures, DEL and C1 controls (CSI 0x9b, OSC 0x9d) as code points', () => {
    expect(terminalLine('a\x00b\x08c\rd\te\x7f')).toBe('a␀b␈c␍d␉e\\u{7f}');
    expect(terminalLine('\x9b2J\x9d8;;x\x9c')).toBe('\\u{9b}2J\\u{9d}8;;x\\u{9c}');
  });

  it('shows every bidi override and isolate as its code point', () => {
    const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const c of bidi) expect(terminalLine(`x${c}y`)).toBe(`x\\u{${c.codePointAt(0)!.toString(16)}}y`);
    expect(terminalLine('approve \u202eevil\u202c')).toBe('approve \\u{202e}evil\\u{202c}');
  });

  it('keeps newlines in multi-line text and shows them as ␊ in a single-line field', () => {
    expect(terminalText('one\ntwo\x1b[31m')).toBe('one\ntwo␛[31m');
    expect(terminalLine('one\nAll checks passed')).toBe('one␊All checks passed');
    expect(terminalLine('one\r\ntwo')).toBe('one␍␊two');
  });

  it('leaves ordinary text, including non-Latin letters and emoji, alone', () => {
    const plain = 'Fix rounding in totals — ünïcode 日本 🚀 (#42)';
    expect(terminalLine(plain)).toBe(plain);
    expect(terminalText(plain)).toBe(plain);
  });

  it('prints a link only when it passes the allowed-URL rule', () => {
    expect(terminalLink('javascript:alert(1)')).toBe(LINK_WITHHELD);
    expect(terminalLink('file:///etc/passwd')).toBe(LINK_WITHHELD);
    expect(terminalLink('http://console.aws.amazon.com/codesuite')).toBe(LINK_WITHHELD);
    expect(terminalLink('https://evil.example/review')).toBe(LINK_WITHHELD);
    expect(LINK_WITHHELD).toBe('(link withheld: not an https AWS or allowed URL)');
    const ok = 'https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/web/view';
    expect(terminalLink(ok)).toBe(ok);
  });
});
