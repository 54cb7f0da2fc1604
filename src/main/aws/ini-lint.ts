// Finds what the SDK's lenient INI reader would silently skip in ~/.aws/config
// and ~/.aws/credentials, so a malformed file gets an error naming file and line.
export interface ConfigFileProblem {
  file: string;
  line: number;
  message: string;
}

const KNOWN_SECTION = /^\[\s*(default|profile\s+[\w\-@+.%:/]+|sso-session\s+[\w\-@+.%:/]+|services\s+[\w\-@+.%:/]+|[\w\-@+.%:/]+)\s*\]$/;

export function lintIni(text: string, file: string, kind: 'config' | 'credentials'): ConfigFileProblem[] {
  const problems: ConfigFileProblem[] = [];
  let inSection = false;
  let inSubsection = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const stripped = raw.split(/(^|\s)[;#]/)[0];
    const trimmed = stripped.trim();
    if (!trimmed) return;
    if (trimmed.startsWith('[')) {
      inSubsection = false;
      if (!trimmed.endsWith(']')) return problems.push({ file, line, message: `Section header is not closed with "]": ${trimmed.slice(0, 60)}` });
      if (!KNOWN_SECTION.test(trimmed)) return problems.push({ file, line, message: `Malformed section header ${trimmed.slice(0, 60)}` });
      if (kind === 'config' && /^\[\s*[\w\-@+.%:/]+\s*\]$/.test(trimmed) && !/^\[\s*default\s*\]$/.test(trimmed))
        problems.push({
          file,
          line,
          message: `In the config file a profile section is written [profile ${trimmed.slice(1, -1).trim()}]; this one is ignored.`,
        });
      inSection = true;
      return;
    }
    if (!inSection) return problems.push({ file, line, message: 'A setting appears before any [section].' });
    const indented = /^\s/.test(stripped);
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      if (indented && inSubsection) return problems.push({ file, line, message: `Expected "key = value" in a nested block, found "${trimmed.slice(0, 40)}".` });
      return problems.push({ file, line, message: `Expected "key = value", found "${trimmed.slice(0, 40)}".` });
    }
    const value = trimmed.slice(eq + 1).trim();
    if (!indented) inSubsection = value === '';
  });
  return problems;
}
