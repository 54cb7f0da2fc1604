// Pipewright's own block in the user's ~/.aws/config: the discovered accounts as
// profiles, between `# BEGIN pipewright org NAME` and `# END pipewright org NAME`.
// Everything outside the block is the user's and is kept byte for byte: the block
// is cut and pasted by character offsets, never by re-joining parsed lines. A file
// that cannot be parsed (a header not closed, a setting outside any section, a
// second BEGIN, a BEGIN without its END) is refused before anything is written.
// Pure: reading and writing the file is src/main/org/config-export.ts.
import { AppError } from '../api/errors';

export type SectionKind = 'default' | 'profile' | 'sso-session' | 'services' | 'other';

export interface IniSection {
  kind: SectionKind;
  /** The profile, session or services name (`default` for [default]). */
  name: string;
  /** 1-based line of the header. */
  line: number;
  /** Top-level settings (a nested block's keys as `parent.key`). */
  values: Record<string, string>;
  /** Whether the section lies inside Pipewright's block. */
  inBlock: boolean;
}

export interface ParsedConfig {
  sections: IniSection[];
  /** Pipewright's block for this name, as character offsets [start, end) (whole lines, with their line ends). */
  block?: { start: number; end: number; text: string };
  /** The file's line ending, kept for what is written. */
  eol: '\n' | '\r\n';
}

export interface ConfigProblem {
  line: number;
  message: string;
}

/** A name as the AWS SDKs and CLI accept it in a section header. */
export const SECTION_NAME = /^[\w\-@+.%:/]+$/;

export const beginMarker = (name: string) => `# BEGIN pipewright org ${name}`;
export const endMarker = (name: string) => `# END pipewright org ${name}`;
const ANY_BEGIN = /^#\s*BEGIN pipewright org\s+(.*?)\s*$/;
const ANY_END = /^#\s*END pipewright org\s+(.*?)\s*$/;

function sectionOf(header: string): { kind: SectionKind; name: string } | null {
  const inner = header.slice(1, -1).trim();
  if (!inner) return null;
  if (inner === 'default') return { kind: 'default', name: 'default' };
  const m = /^(profile|sso-session|services)\s+(\S+)$/.exec(inner);
  if (m) return SECTION_NAME.test(m[2]) ? { kind: m[1] as SectionKind, name: m[2] } : null;
  return SECTION_NAME.test(inner) ? { kind: 'other', name: inner } : null;
}

/** The text without its comment, as the SDKs strip it: `#` or `;` at the start or after whitespace. */
const uncommented = (line: string) => line.split(/(^|\s)[;#]/)[0];

/**
 * Parses the config file's structure, and finds the block for `blockName`. Throws an
 * AppError (INVALID_INPUT) naming `file`, each line and what is wrong, for a file
 * that the SDKs would read differently from what it says or whose block is broken.
 */
export function parseAwsConfig(text: string, file: string, blockName: string): ParsedConfig {
  const problems: ConfigProblem[] = [];
  const sections: IniSection[] = [];
  const eol: '\n' | '\r\n' = /\r\n/.test(text) ? '\r\n' : '\n';
  let current: IniSection | undefined;
  let nested: string | undefined;
  let begin: { line: number; offset: number } | undefined;
  let block: ParsedConfig['block'];
  let offset = 0;
  const rawLines = text.split(/(?<=\n)/);
  rawLines.forEach((rawWithEnd, i) => {
    const line = i + 1;
    const lineStart = offset;
    offset += rawWithEnd.length;
    const raw = rawWithEnd.replace(/\r?\n$/, '');
    const trimmedRaw = raw.trim();
    const b = ANY_BEGIN.exec(trimmedRaw);
    const e = ANY_END.exec(trimmedRaw);
    if (b && b[1] === blockName) {
      if (begin || block) problems.push({ line, message: `A second "${beginMarker(blockName)}": only one block per organization may be in the file.` });
      else begin = { line, offset: lineStart };
      // The block starts a section of its own: nothing before it runs into it.
      current = undefined;
      nested = undefined;
      return;
    }
    if (e && e[1] === blockName) {
      if (!begin) problems.push({ line, message: `"${endMarker(blockName)}" without its "${beginMarker(blockName)}" above it.` });
      else {
        block = { start: begin.offset, end: offset, text: text.slice(begin.offset, offset) };
        begin = undefined;
      }
      current = undefined;
      nested = undefined;
      return;
    }
    const stripped = uncommented(raw);
    const trimmed = stripped.trim();
    if (!trimmed) return;
    if (trimmed.startsWith('[')) {
      nested = undefined;
      if (!trimmed.endsWith(']')) {
        problems.push({ line, message: `The section header is not closed with "]": ${trimmed.slice(0, 60)}` });
        current = undefined;
        return;
      }
      const s = sectionOf(trimmed);
      if (!s) {
        problems.push({ line, message: `Malformed section header ${trimmed.slice(0, 60)}` });
        current = undefined;
        return;
      }
      current = { ...s, line, values: {}, inBlock: !!begin };
      sections.push(current);
      return;
    }
    if (!current) {
      problems.push({ line, message: begin ? 'A setting in the block before any [section].' : 'A setting appears before any [section].' });
      return;
    }
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      problems.push({ line, message: `Expected "key = value", found "${trimmed.slice(0, 40)}".` });
      return;
    }
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    const indented = /^\s/.test(stripped);
    if (indented && nested) current.values[`${nested}.${key}`] = value;
    else {
      nested = value === '' ? key : undefined;
      if (value !== '') current.values[key] = value;
    }
  });
  if (begin) problems.push({ line: begin.line, message: `"${beginMarker(blockName)}" has no "${endMarker(blockName)}" after it.` });
  if (problems.length)
    throw new AppError(
      'INVALID_INPUT',
      `${file} cannot be parsed, so it was not changed:\n${problems
        .slice(0, 10)
        .map((p) => `  ${file}:${p.line}: ${p.message}`)
        .join('\n')}`,
      { file, problems },
    );
  return { sections, eol, ...(block ? { block } : {}) };
}

export interface ExportedProfile {
  /** The profile name, `{AccountName}/{RoleName}` made safe. */
  name: string;
  accountId: string;
  roleName: string;
  region?: string;
  endpointUrl?: string;
}

export interface SsoSessionSection {
  name: string;
  startUrl: string;
  region: string;
  scopes: string[];
}

/** The block's text: the sso-session (unless the user's file has it already), then each profile; every line ended with `eol`. */
export function renderBlock(o: { blockName: string; session: SsoSessionSection; includeSession: boolean; profiles: ExportedProfile[]; eol?: string }): string {
  const eol = o.eol ?? '\n';
  const lines = [
    beginMarker(o.blockName),
    `# Written by pipewright org export-profiles; "pipewright org export-profiles --remove" takes it out. Edits here are replaced.`,
  ];
  if (o.includeSession)
    lines.push(
      '',
      `[sso-session ${o.session.name}]`,
      `sso_start_url = ${o.session.startUrl}`,
      `sso_region = ${o.session.region}`,
      `sso_registration_scopes = ${o.session.scopes.join(',')}`,
    );
  for (const p of o.profiles) {
    lines.push('', `[profile ${p.name}]`, `sso_session = ${o.session.name}`, `sso_account_id = ${p.accountId}`, `sso_role_name = ${p.roleName}`);
    if (p.region) lines.push(`region = ${p.region}`);
    if (p.endpointUrl) lines.push(`endpoint_url = ${p.endpointUrl}`);
  }
  lines.push(endMarker(o.blockName));
  return lines.map((l) => l + eol).join('');
}

/**
 * The file with `block` in place of Pipewright's block (null: the block taken out).
 * A new block goes at the end, after one blank line of its own; taking it out takes
 * that blank line too, so export then remove gives back the same bytes (a file that
 * did not end with a line break gets one: the block could not follow it otherwise).
 */
export function replaceBlock(text: string, parsed: ParsedConfig, block: string | null): string {
  const eol = parsed.eol;
  if (parsed.block) {
    const { start, end } = parsed.block;
    if (block !== null) return text.slice(0, start) + block + text.slice(end);
    // Our separator: one blank line right before BEGIN, if it is still there.
    const before = text.slice(0, start);
    const sep = before.endsWith(eol + eol) ? eol.length : 0;
    return before.slice(0, before.length - sep) + text.slice(end);
  }
  if (block === null) return text;
  if (text === '') return block;
  const ended = text.endsWith('\n') ? text : text + eol;
  return ended + eol + block;
}

export interface SectionChange {
  section: string;
  change: 'added' | 'removed' | 'changed';
  /** For a changed section: each key whose value differs. */
  keys?: Array<{ key: string; from?: string; to?: string }>;
}

const sectionLabel = (s: Pick<IniSection, 'kind' | 'name'>) =>
  s.kind === 'default' ? '[default]' : s.kind === 'other' ? `[${s.name}]` : `[${s.kind} ${s.name}]`;

/** What replacing the old block's sections with the new one's changes, section by section (a preview's diff). */
export function diffBlockSections(before: IniSection[], after: IniSection[]): SectionChange[] {
  const key = (s: IniSection) => sectionLabel(s);
  const old = new Map(before.map((s) => [key(s), s]));
  const now = new Map(after.map((s) => [key(s), s]));
  const changes: SectionChange[] = [];
  for (const [k, s] of now) {
    const o = old.get(k);
    if (!o) changes.push({ section: k, change: 'added' });
    else {
      const keys = [...new Set([...Object.keys(o.values), ...Object.keys(s.values)])]
        .filter((x) => o.values[x] !== s.values[x])
        .map((x) => ({ key: x, ...(o.values[x] !== undefined ? { from: o.values[x] } : {}), ...(s.values[x] !== undefined ? { to: s.values[x] } : {}) }));
      if (keys.length) changes.push({ section: k, change: 'changed', keys });
    }
  }
  for (const k of old.keys()) if (!now.has(k)) changes.push({ section: k, change: 'removed' });
  return changes;
}

export { sectionLabel };
