// The CLI's exit codes have one home (src/main/cli/exit-codes.ts), and the README's
// table says what each means: every command returns a named code, never a number.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { EXIT } from '../../src/main/cli/exit-codes';

const cliDir = join(import.meta.dirname, '../../src/main/cli');

it('no command sets an exit code as a bare number', () => {
  const offenders = readdirSync(cliDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'exit-codes.ts')
    .flatMap((f) =>
      readFileSync(join(cliDir, f), 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
        .filter(({ line }) => /\breturn \d+;|process\.exit\(\d+\)|exitCode = \d+|(return|resolve\().*\? \d+ : \d+/.test(line)),
    );
  expect(offenders).toEqual([]);
});

it("the README's table lists every exit code, and only those", () => {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('### Exit codes'));
  const rows = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  expect(rows).toEqual(Object.values(EXIT));
});
