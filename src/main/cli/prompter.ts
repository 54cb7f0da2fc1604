// The CLI's questions to a person at a terminal (or a script piping answers).
import { createInterface } from 'node:readline/promises';

export type Out = NodeJS.WritableStream;
/** Where a command talks to its person: tests pass their own streams. */
export interface Io {
  out: Out;
  err: Out;
  input: NodeJS.ReadableStream;
}
export const stdio: Io = { out: process.stdout, err: process.stderr, input: process.stdin };

/**
 * Questions on one line-reader for the whole command (a second reader would miss
 * lines the first had buffered). The end of input answers "" rather than hanging,
 * so a script that gives no answer is a "no", never a wait.
 */
export function prompter(input: NodeJS.ReadableStream, out: NodeJS.WritableStream) {
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let closed = false;
  rl.on('line', (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
  rl.on('close', () => {
    closed = true;
    while (waiting.length) waiting.shift()!('');
  });
  return {
    ask(question: string): Promise<string> {
      out.write(question);
      if (lines.length) return Promise.resolve(lines.shift()!.trim());
      if (closed) return Promise.resolve('');
      return new Promise((resolve) => waiting.push((l) => resolve(l.trim())));
    },
    close: () => rl.close(),
  };
}
