// Plain text tables for the terminal: columns padded to their widest cell, each line ended.
// Cells hold AWS text (names, statuses, revisions, custom data), so each is passed
// through the one output filter: a cell is one line, and nothing in it is obeyed.
import { terminalLine } from '../../shared/terminal-text';

export function table(rows: string[][]): string {
  const cells = rows.map((r) => r.map(terminalLine));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return (
    cells
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
