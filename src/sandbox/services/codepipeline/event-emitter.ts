// Turns the executor's state changes into CodePipeline's events and hands them
// to the sink. A sink that throws is logged and forgotten: the events are a
// side channel, and a broken consumer must not stop or fail an execution.
import { Rng } from '../../random';
import type { SandboxConfig } from '../../config';
import { pipelineArn, type ActionExecutionRecord, type ExecutionRecord, type PipelineRecord } from './records';
import {
  actionDetail,
  buildEnvelope,
  CODEPIPELINE_DETAIL_TYPES,
  NO_EVENT_SINK,
  pipelineDetail,
  stageDetail,
  type ActionEventState,
  type CodePipelineEventSink,
  type ExecutionFacts,
  type PipelineEventState,
  type StageEventState,
} from './events';

export interface EventEmitterDeps {
  config: () => SandboxConfig;
  events?: CodePipelineEventSink;
  log?: (line: string) => void;
}

export class ExecutionEventEmitter {
  /**
   * Event ids from their own seeded stream: drawing them from the executor's
   * would shift every execution id and artifact key a seed has always produced.
   */
  private readonly ids: Rng;
  private readonly sink: CodePipelineEventSink;

  constructor(private deps: EventEmitterDeps) {
    this.ids = new Rng((deps.config().randomSeed ^ 0x0e7e47) >>> 0);
    this.sink = deps.events ?? NO_EVENT_SINK;
  }

  pipeline(p: PipelineRecord, e: ExecutionRecord, state: PipelineEventState, stopComments?: string): void {
    this.send(p, CODEPIPELINE_DETAIL_TYPES.pipeline, () => pipelineDetail(facts(p, e), state, { trigger: e.trigger, stopComments }));
  }

  stage(p: PipelineRecord, e: ExecutionRecord, stage: string, state: StageEventState): void {
    this.send(p, CODEPIPELINE_DETAIL_TYPES.stage, () => stageDetail(facts(p, e), stage, state, e.lastRetryTime));
  }

  action(p: PipelineRecord, e: ExecutionRecord, a: ActionExecutionRecord, state: ActionEventState): void {
    this.send(p, CODEPIPELINE_DETAIL_TYPES.action, () =>
      actionDetail(
        facts(p, e),
        {
          stage: a.stageName,
          action: a.actionName,
          actionExecutionId: a.actionExecutionId,
          region: a.input.region,
          type: a.input.actionTypeId,
          inputArtifacts: a.input.inputArtifacts,
          outputArtifacts: a.output.outputArtifacts,
          result: a.output.executionResult,
          error: a.errorDetails,
        },
        state,
      ),
    );
  }

  private send(p: PipelineRecord, detailType: string, detail: () => Record<string, unknown>): void {
    try {
      const event = buildEnvelope({
        id: this.ids.uuid(),
        detailType,
        account: p.accountId,
        region: p.region,
        pipelineArn: pipelineArn(p),
        time: Date.now(),
        detail: detail(),
      });
      this.sink.emit(p.accountId, p.region, event);
    } catch (err) {
      this.deps.log?.(`sandbox: a CodePipeline event of ${p.name} was not delivered: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function facts(p: PipelineRecord, e: ExecutionRecord): ExecutionFacts {
  return { pipeline: p.name, executionId: e.pipelineExecutionId, startTime: e.startTime, pipelineVersion: e.pipelineVersion, attempt: e.attempt ?? 1 };
}
