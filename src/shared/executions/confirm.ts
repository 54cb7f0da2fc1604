// The typed confirmation an approval (or rejection) needs, as one rule for the
// app, the main process and the CLI: in an account that looks like production
// (by alias, else by profile name), the user types that alias (or profile).
import { looksLikeProduction } from '../artifacts/confirm';

export interface ApprovalTarget {
  profile: string;
  accountAlias: string | null;
}

/** The word to type before answering, or null when none is needed. */
export function approvalConfirmationWord(t: ApprovalTarget): string | null {
  if (looksLikeProduction(t.accountAlias)) return t.accountAlias;
  if (looksLikeProduction(t.profile)) return t.profile;
  return null;
}

/** Null when the answer may go; else why not. */
export function approvalConfirmationProblem(t: ApprovalTarget, typed: string): string | null {
  const word = approvalConfirmationWord(t);
  if (!word || typed.trim() === word) return null;
  return `This approval is in a production account: type "${word}" to confirm.`;
}
