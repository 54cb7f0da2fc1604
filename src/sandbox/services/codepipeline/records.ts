// The CodePipeline data the sandbox keeps: pipelines with their version
// history, tags, transitions and executions. Plain data, so it can be
// snapshotted to disk; live coordination (locks, timers) lives in the executor.
import type { PipelineDeclaration } from '../../../shared/pipeline/model';

export type ExecutionStatus = 'Cancelled' | 'InProgress' | 'Stopped' | 'Stopping' | 'Succeeded' | 'Superseded' | 'Failed';
export type StageStatus = 'Cancelled' | 'InProgress' | 'Failed' | 'Stopped' | 'Stopping' | 'Succeeded' | 'Skipped';
export type ActionStatus = 'InProgress' | 'Abandoned' | 'Succeeded' | 'Failed';

export interface S3Location {
  bucket: string;
  key: string;
}

export interface ActionExecutionRecord {
  actionExecutionId: string;
  pipelineExecutionId: string;
  pipelineVersion: number;
  stageName: string;
  actionName: string;
  startTime: number;
  lastUpdateTime: number;
  status: ActionStatus;
  summary?: string;
  token?: string;
  updatedBy?: string;
  errorDetails?: { code: string; message: string };
  input: {
    actionTypeId: { category: string; owner: string; provider: string; version: string };
    configuration: Record<string, string>;
    resolvedConfiguration: Record<string, string>;
    roleArn?: string;
    region: string;
    inputArtifacts: Array<{ name: string; s3location?: S3Location }>;
    namespace?: string;
  };
  output: {
    outputArtifacts: Array<{ name: string; s3location?: S3Location }>;
    executionResult?: { externalExecutionId?: string; externalExecutionSummary?: string; externalExecutionUrl?: string };
    outputVariables: Record<string, string>;
  };
}

/** One evaluation of a condition's rule (what ListRuleExecutions lists). */
export interface RuleExecutionRecord {
  ruleExecutionId: string;
  pipelineExecutionId: string;
  pipelineVersion: number;
  stageName: string;
  ruleName: string;
  startTime: number;
  lastUpdateTime: number;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned';
  summary?: string;
  updatedBy?: string;
  errorDetails?: { code: string; message: string };
  input: { ruleTypeId: { category: string; owner?: string; provider: string; version?: string }; configuration: Record<string, string>; region: string };
}

/** A stage condition's evaluation in one execution. */
export interface ConditionRecord {
  stageName: string;
  conditionType: 'BEFORE_ENTRY' | 'ON_SUCCESS';
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Cancelled' | 'Overridden' | 'Abandoned';
  summary?: string;
  rules: RuleExecutionRecord[];
}

export interface ArtifactRevision {
  name: string;
  revisionId: string;
  revisionSummary: string;
  created: number;
  revisionChangeIdentifier?: string;
}

export interface ExecutionRecord {
  pipelineExecutionId: string;
  pipelineVersion: number;
  status: ExecutionStatus;
  statusSummary?: string;
  startTime: number;
  lastUpdateTime: number;
  trigger: { triggerType: string; triggerDetail: string };
  /** StartPipelineExecution's idempotency token: the same token starts nothing new. */
  clientRequestToken?: string;
  stopTrigger?: { reason: string };
  executionMode: string;
  executionType: 'STANDARD' | 'ROLLBACK';
  rollbackMetadata?: { rollbackTargetPipelineExecutionId: string };
  variables: Array<{ name: string; resolvedValue: string }>;
  sourceRevisionOverrides: Array<{ actionName: string; revisionType: string; revisionValue: string }>;
  artifactRevisions: ArtifactRevision[];
  /** Where each artifact of this execution was written, by artifact name. */
  artifacts: Record<string, S3Location>;
  stages: Record<string, { status: StageStatus }>;
  actions: ActionExecutionRecord[];
  /** Stage conditions evaluated so far (before entry), newest last. */
  conditions?: ConditionRecord[];
  /** The stage the execution is in, or waiting to enter; -1 when finished. */
  stageIndex: number;
  waiting: boolean;
  /** For ROLLBACK executions: run this stage only. */
  onlyStage?: number;
  /** Runs of this execution: 1, and one more per RetryStageExecution (its events' pipeline-execution-attempt). */
  attempt?: number;
  /** When it was last retried: its stage events carry this from then on. */
  lastRetryTime?: number;
}

export interface TransitionState {
  enabled: boolean;
  lastChangedBy?: string;
  lastChangedAt?: number;
  disabledReason?: string;
}

export interface PipelineRecord {
  accountId: string;
  region: string;
  name: string;
  /** versions[i] is version i+1. */
  versions: PipelineDeclaration[];
  created: number;
  updated: number;
  tags: Record<string, string>;
  inbound: Record<string, TransitionState>;
  outbound: Record<string, TransitionState>;
  /** Newest first. */
  executions: ExecutionRecord[];
  /** The execution most recently in each stage (what GetPipelineState shows). */
  stageLatest: Record<string, string>;
}

export function current(p: PipelineRecord): PipelineDeclaration {
  return p.versions[p.versions.length - 1];
}

export function pipelineArn(p: Pick<PipelineRecord, 'region' | 'accountId' | 'name'>): string {
  return `arn:aws:codepipeline:${p.region}:${p.accountId}:${p.name}`;
}

/** Per (account, region) pipeline tables. */
export class PipelineTables {
  private tables = new Map<string, Map<string, PipelineRecord>>();

  table(accountId: string, region: string): Map<string, PipelineRecord> {
    const k = `${accountId}/${region}`;
    let t = this.tables.get(k);
    if (!t) {
      t = new Map();
      this.tables.set(k, t);
    }
    return t;
  }

  all(): PipelineRecord[] {
    return [...this.tables.values()].flatMap((t) => [...t.values()]);
  }

  clear(): void {
    this.tables.clear();
  }
}
