// What the seeds, the snapshots and the control API need of the sandbox: its
// state and a few actions, as an interface, so none of them imports the server
// (sandbox.ts implements it) and no module imports another in a circle.
import type { SandboxConfig } from './config';
import type { PipelineTables } from './services/codepipeline/records';
import type { Executor } from './services/codepipeline/executor';
import type { Faults } from './faults';
import type { ServiceResponse } from './http-types';
import type { S3Store } from './services/s3/store';
import type { S3WriteLimiter } from './services/s3/write-limit';
import type { CodePipelineEventLog, RecordedEvent } from './services/codepipeline/event-log';
import type { SqsStore } from './services/sqs/store';
import type { EventsStore } from './services/events/store';
import type { IamRoles } from './services/iam/api';
import type { Organization } from './services/organizations/directory';
import type { IdentityCenter } from './services/sso/identity-center';

export const SEED_NAMES = ['demo', 'empty', 'org'] as const;
export type SeedName = (typeof SEED_NAMES)[number];

export interface CallLogEntry {
  seq: number;
  time: number;
  service: string;
  operation: string;
  account: string;
  region: string;
  status: number;
  errorCode?: string;
  ms: number;
}

export interface SandboxCore {
  readonly tables: PipelineTables;
  readonly s3: S3Store;
  readonly sqs: SqsStore;
  readonly executor: Executor;
  readonly events: EventsStore;
  readonly iamRoles: IamRoles;
  readonly faults: Faults;
  readonly s3WriteLimit: S3WriteLimiter;
  readonly codepipelineEventLog: CodePipelineEventLog;
  readonly adminToken: string;
  readonly endpoint: string;
  /** IAM Identity Center's clients, logins and tokens (an instance only with an organization). */
  readonly identityCenter: IdentityCenter;
  config: SandboxConfig;
  seedName: SeedName;
  /** The organization (the `org` seed's), or none. */
  org: Organization | null;
  /** Calls a service handler in-process as an account (seeding, tests): no HTTP, no signature, no faults. */
  invoke(
    service: 'codepipeline' | 's3',
    accountId: string,
    region: string,
    init: { method?: string; path?: string; target?: string; body?: unknown },
  ): ServiceResponse;
  /** Something changed: snapshot it (with --data) and tell listeners. */
  changed(): void;
  reset(seed: SeedName): Promise<void>;
  setTimeScale(scale: number): void;
  logEntries(since?: number): CallLogEntry[];
  /** The events CodePipeline emitted after `since` (a seq), oldest first. */
  codepipelineEvents(since?: number): RecordedEvent[];
  clearLog(): void;
  /** A summary of everything in the sandbox, for the control API and the app's status. */
  snapshot(): object;
}
