// What a feature module is: the contract's handlers for its area, built from
// narrow dependencies (events, jobs, settings, the workspace), never from
// another feature. app-core.ts composes them; each owns its state and rules.
import type { MethodName } from '../../shared/api/contract';
import type { Handlers } from './dispatcher';
import type { EventHub } from './event-hub';
import type { JobManager } from '../jobs/job-manager';

/** The handlers of the named methods: a feature declares exactly its slice of the contract. */
export type HandlerSlice<M extends MethodName> = Pick<Handlers, M>;

/** Emitting contract events (typed by the contract). */
export type Events = Pick<EventHub, 'emit'>;

/** Starting long work as a job, with progress and cancel. */
export type Jobs = Pick<JobManager, 'start'>;
