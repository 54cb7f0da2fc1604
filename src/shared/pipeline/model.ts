// The canonical pipeline model: CodePipeline's PipelineDeclaration as the API
// and `aws codepipeline get-pipeline` spell it (camelCase), V1 and V2. Objects
// are loose so unknown keys from newer API versions survive a round trip.
import { z } from 'zod';

export const ACTION_CATEGORIES = ['Source', 'Build', 'Deploy', 'Test', 'Invoke', 'Approval', 'Compute'] as const;
export const ActionCategory = z.enum(ACTION_CATEGORIES);
export type ActionCategory = z.infer<typeof ActionCategory>;
export const ActionOwner = z.enum(['AWS', 'ThirdParty', 'Custom']);

export const EncryptionKey = z.looseObject({ id: z.string(), type: z.string() });
export const ArtifactStore = z.looseObject({
  type: z.string(),
  location: z.string(),
  encryptionKey: EncryptionKey.optional(),
});
export type ArtifactStore = z.infer<typeof ArtifactStore>;

export const ActionTypeId = z.looseObject({
  category: z.string(),
  owner: z.string(),
  provider: z.string(),
  version: z.string(),
});
export type ActionTypeId = z.infer<typeof ActionTypeId>;

export const InputArtifact = z.looseObject({ name: z.string() });
export const OutputArtifact = z.looseObject({ name: z.string(), files: z.array(z.string()).optional() });

export const ActionDeclaration = z.looseObject({
  name: z.string(),
  actionTypeId: ActionTypeId,
  runOrder: z.number().int().optional(),
  configuration: z.record(z.string(), z.string()).optional(),
  commands: z.array(z.string()).optional(),
  outputArtifacts: z.array(OutputArtifact).optional(),
  inputArtifacts: z.array(InputArtifact).optional(),
  outputVariables: z.array(z.string()).optional(),
  roleArn: z.string().optional(),
  region: z.string().optional(),
  namespace: z.string().optional(),
  timeoutInMinutes: z.number().int().optional(),
  environmentVariables: z.array(z.looseObject({ name: z.string(), value: z.string(), type: z.string().optional() })).optional(),
});
export type ActionDeclaration = z.infer<typeof ActionDeclaration>;

export const RuleDeclaration = z.looseObject({
  name: z.string(),
  ruleTypeId: z.looseObject({ category: z.string(), owner: z.string().optional(), provider: z.string(), version: z.string().optional() }),
  configuration: z.record(z.string(), z.string()).optional(),
  commands: z.array(z.string()).optional(),
  inputArtifacts: z.array(InputArtifact).optional(),
  roleArn: z.string().optional(),
  region: z.string().optional(),
  timeoutInMinutes: z.number().int().optional(),
});
export const Condition = z.looseObject({ result: z.string().optional(), rules: z.array(RuleDeclaration).optional() });
export const BeforeEntryConditions = z.looseObject({ conditions: z.array(Condition) });
export const SuccessConditions = z.looseObject({ conditions: z.array(Condition) });
export const FailureConditions = z.looseObject({
  result: z.string().optional(),
  retryConfiguration: z.looseObject({ retryMode: z.string().optional() }).optional(),
  conditions: z.array(Condition).optional(),
});

export const StageDeclaration = z.looseObject({
  name: z.string(),
  blockers: z.array(z.looseObject({ name: z.string(), type: z.string() })).optional(),
  actions: z.array(ActionDeclaration),
  onFailure: FailureConditions.optional(),
  onSuccess: SuccessConditions.optional(),
  beforeEntry: BeforeEntryConditions.optional(),
});
export type StageDeclaration = z.infer<typeof StageDeclaration>;

export const GitFilter = z.looseObject({
  includes: z.array(z.string()).optional(),
  excludes: z.array(z.string()).optional(),
});
export const TriggerDeclaration = z.looseObject({
  providerType: z.string(),
  gitConfiguration: z.looseObject({
    sourceActionName: z.string(),
    push: z.array(z.looseObject({ tags: GitFilter.optional(), branches: GitFilter.optional(), filePaths: GitFilter.optional() })).optional(),
    pullRequest: z.array(z.looseObject({ events: z.array(z.string()).optional(), branches: GitFilter.optional(), filePaths: GitFilter.optional() })).optional(),
  }),
});
export const PipelineVariableDeclaration = z.looseObject({
  name: z.string(),
  defaultValue: z.string().optional(),
  description: z.string().optional(),
});

export const EXECUTION_MODES = ['SUPERSEDED', 'QUEUED', 'PARALLEL'] as const;
export const PIPELINE_TYPES = ['V1', 'V2'] as const;

export const PipelineDeclaration = z.looseObject({
  name: z.string(),
  roleArn: z.string(),
  artifactStore: ArtifactStore.optional(),
  artifactStores: z.record(z.string(), ArtifactStore).optional(),
  stages: z.array(StageDeclaration),
  version: z.number().int().optional(),
  executionMode: z.string().optional(),
  pipelineType: z.string().optional(),
  variables: z.array(PipelineVariableDeclaration).optional(),
  triggers: z.array(TriggerDeclaration).optional(),
});
export type PipelineDeclaration = z.infer<typeof PipelineDeclaration>;
export type PipelineVariableDeclaration = z.infer<typeof PipelineVariableDeclaration>;

/** The stores a pipeline writes to, keyed by region (the pipeline's own region for a single store). */
export function artifactStoresByRegion(p: PipelineDeclaration, pipelineRegion: string): Record<string, ArtifactStore> {
  if (p.artifactStores && Object.keys(p.artifactStores).length > 0) return p.artifactStores;
  return p.artifactStore ? { [pipelineRegion]: p.artifactStore } : {};
}

export function effectiveRunOrder(a: ActionDeclaration): number {
  return a.runOrder ?? 1;
}
