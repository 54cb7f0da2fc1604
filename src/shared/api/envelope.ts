// The result envelope every transport carries: `{ ok: true, result } | { ok: false, error }`.
import type { ApiErrorShape } from './errors';

export type Envelope<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };

/** The browser-mode wire messages (JSON over one WebSocket). */
export type ClientMessage = { id: number; method: string; input: unknown };
export type ServerMessage = ({ id: number } & Envelope) | { event: string; payload: unknown };

/** Largest serialized call a transport accepts before parsing it. */
export const MAX_CALL_BYTES = 1_000_000;
