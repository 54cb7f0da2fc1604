// The last guard of a long-running process (browser mode, the desktop app): an
// error no handler caught is logged and the process keeps serving, so a confirmed
// cleanup running in the background is not killed by an unrelated bug.
let installed = false;

export function keepServingOnUncaughtErrors(log: (line: string) => void): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (err) => log(`uncaught error (still serving): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  process.on('unhandledRejection', (reason) =>
    log(`unhandled rejection (still serving): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`),
  );
}
