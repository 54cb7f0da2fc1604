// The CLI's exit codes: one table for every command (README, "Exit codes").
// Scripts branch on them, so a value never changes meaning.
export const EXIT = {
  /** It worked. */
  ok: 0,
  /** It ran and did not succeed: a promotion or a watched execution failed, keys could not be deleted, an error. */
  failed: 1,
  /** Bad input: flags, files, or a confirmation flag missing. Nothing was done. */
  usage: 2,
  /** Stopped before the end, on purpose: cancelled (run again to resume), another run holding the plan (or deleting under one of its prefixes) or the promotion, held at a gate, or a deploy conflict. */
  stopped: 3,
  /** The evidence is incomplete: something could not be read, so no verdict of absence stands. */
  unverified: 4,
  /** Two environments' pipelines differ (release diff). */
  drift: 5,
  /** A promotion found its environment leased by someone else (a release shared in S3); the holder is named. */
  leased: 6,
  /** Interrupted (Ctrl-C) while following: run the same command again to resume. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Bad input found by a command itself (a value it checked, a file it refused): the
 * CLI prints the message and exits EXIT.usage. Any other error is judged by
 * error-exit.ts (the services' INVALID_INPUT and NOT_FOUND, and AWS's, are bad input too).
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
