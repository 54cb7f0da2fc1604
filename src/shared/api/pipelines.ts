// Explorer rows and pipeline details as they cross the contract.
import { z } from 'zod';
import { PipelineDeclaration } from '../pipeline/model';

export const ErrorKind = z.enum([
  'access-denied',
  'region-disabled',
  'throttled',
  'network',
  'expired-credentials',
  'needs-mfa',
  'needs-sso-login',
  'not-found',
  'cancelled',
  'other',
]);

export const TargetRef = z.object({ profile: z.string(), region: z.string().nullable(), accountId: z.string().nullable(), alias: z.string().nullable() });
export type TargetRef = z.infer<typeof TargetRef>;

export const TargetError = z.object({ kind: ErrorKind, code: z.string(), message: z.string() });

export const PipelineRow = z.object({
  /** The pipeline itself: account/region/name (one row however many profiles reach it). */
  id: z.string(),
  /** The profile its calls use (the first that listed it). */
  profile: z.string(),
  /** Every workspace profile that reaches it (a role-chained admin and a plain one, say). */
  profiles: z.array(z.string()).default([]),
  accountId: z.string(),
  accountAlias: z.string().nullable(),
  region: z.string(),
  name: z.string(),
  pipelineType: z.string().nullable(),
  executionMode: z.string().nullable(),
  version: z.number().nullable(),
  updated: z.string().nullable(),
  latest: z
    .object({
      id: z.string(),
      status: z.string(),
      startTime: z.string().nullable(),
      lastUpdateTime: z.string().nullable(),
      durationSec: z.number().nullable(),
      revisionId: z.string().nullable(),
      revisionSummary: z.string().nullable(),
      trigger: z.string().nullable(),
    })
    .nullable(),
  stages: z.array(z.object({ name: z.string(), status: z.string().nullable(), transitionEnabled: z.boolean() })),
  /** ListPipelineExecutions failed for this pipeline: `latest` is unknown, not absent. */
  latestError: TargetError.nullable().default(null),
  /** GetPipelineState failed for this pipeline: `stages` are unknown, not absent. */
  stagesError: TargetError.nullable().default(null),
});
export type PipelineRow = z.infer<typeof PipelineRow>;

export const PipelineDetails = z.object({
  profile: z.string(),
  region: z.string(),
  accountId: z.string().nullable(),
  pipeline: PipelineDeclaration,
  metadata: z.object({ pipelineArn: z.string().nullable(), created: z.string().nullable(), updated: z.string().nullable() }),
  tags: z.array(z.object({ key: z.string(), value: z.string() })),
  disabledTransitions: z.array(z.object({ stageName: z.string(), reason: z.string().nullable() })),
  /** Actions whose latest run failed, with the service's error. */
  failedActions: z
    .array(z.object({ stageName: z.string(), actionName: z.string(), code: z.string().nullable(), message: z.string().nullable(), at: z.string().nullable() }))
    .default([]),
  consoleUrl: z.string().nullable(),
});
export type PipelineDetails = z.infer<typeof PipelineDetails>;
