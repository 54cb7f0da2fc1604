// The result envelope every transport carries: `{ ok: true, result } | { ok: false, error }`.
import type { ApiErrorShape } from './errors';

export type Envelope<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };

/**
 * What the server says first on every browser-mode socket (and again, as `events-lost`,
 * if it cannot keep the stream whole later):
 * - `new`: a fresh session (the page's first connection);
 * - `resumed`: the same session; the events after the page's `lastSeq` follow, then live ones;
 * - `expired`: the session the page asked for is gone (away longer than the grace period): this is
 *   a fresh one, not ready, with no watches or jobs of the old; calls sent before it are lost;
 * - `events-lost`: the same session, but events the page has not seen are no longer held.
 * After `expired` or `events-lost` the page runs its start-up again and re-subscribes.
 */
export type SessionState = 'new' | 'resumed' | 'expired' | 'events-lost';
export interface SessionNotice {
  state: SessionState;
  /** The session's latest event number: the page's `lastSeq` from here (replayed events follow a `resumed`). */
  seq: number;
}

/** The browser-mode wire messages (JSON over one WebSocket). `lastSeq=N` in the socket's URL asks for the events after N. */
export type ClientMessage = { id: number; method: string; input: unknown };
export type ServerMessage =
  | ({ id: number } & Envelope)
  /** `seq` numbers a session's events from 1, so a page that reconnects asks for what it missed and drops duplicates. */
  | { event: string; payload: unknown; seq: number }
  | { session: SessionNotice };

/** Largest serialized call a transport accepts before parsing it. */
export const MAX_CALL_BYTES = 1_000_000;
