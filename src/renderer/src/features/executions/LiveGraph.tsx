// A pipeline's graph in live mode: the designer's layout (stage shapes cached,
// laid out in the same worker), with each action's status, timing, summary,
// error and a console link, each stage's execution, and each transition enabled
// or disabled with its reason. Read-only: controls live beside it.
import { memo, useEffect, useMemo, useState } from 'react';
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { ExecutionDetails, LiveAction, LiveStage, PipelineLiveState } from '../../../../shared/api/executions';
import type { PipelineDeclaration } from '../../../../shared/pipeline/model';
import { isAllowedExternalUrl } from '../../../../shared/api/external-links';
import { layoutPipeline, setLayoutEngine, type Layout } from '../../lib/pipeline-layout';
import { startElkWorker } from '../../lib/elk-workers';
import { elapsed, formatTime } from '../../lib/format';

setLayoutEngine(startElkWorker);

/** What the live view shows of an action's status (waiting for approval is its own state). */
export function actionStatus(a: LiveAction): string {
  if (a.waitingForApproval) return 'Waiting';
  return a.status ?? 'NotRun';
}

type StageData = { stage: LiveStage; index: number; onStage?: (stage: LiveStage) => void };
type Timing = { start: string | null; end: string | null; running: boolean };
type ActionData = { action: LiveAction; stage: string; timing: Timing | null; onAction?: (stage: string, action: LiveAction) => void };

const StageNode = memo(function StageNode({ data }: NodeProps<Node<StageData>>) {
  const s = data.stage;
  return (
    <div className={`stage-node live status-frame-${s.status ?? 'NotRun'}`} data-testid="live-stage" data-stage={s.name} data-status={s.status ?? 'NotRun'}>
      <Handle type="target" position={Position.Left} className="stage-handle" />
      <div className="stage-header">
        <span className="stage-index">{data.index + 1}</span> <strong>{s.name}</strong>{' '}
        <span className={`status status-${s.status ?? ''}`}>{s.status ?? 'not run'}</span>
        {s.executionId && (
          <span className="muted stage-exec" title={`Execution ${s.executionId}`}>
            {s.executionId.slice(0, 8)}
          </span>
        )}
      </div>
      {!s.inbound.enabled && (
        <div className="transition-badge" title={s.inbound.reason ?? ''} data-testid="transition-disabled">
          ⛔ {s.inbound.reason || 'transition disabled'}
          {s.waitingExecutionIds.length > 0 && ` · ${s.waitingExecutionIds.length} waiting`}
        </div>
      )}
      {s.beforeEntry && (
        <div
          className={`condition-badge status-${s.beforeEntry.status}`}
          data-testid="stage-condition"
          data-status={s.beforeEntry.status}
          title={s.beforeEntry.summary ?? ''}
        >
          ◇ entry condition: {s.beforeEntry.status}
          {s.beforeEntry.rules.length > 0 && ` (${s.beforeEntry.rules.map((r) => r.name).join(', ')})`}
        </div>
      )}
      {data.onStage && (
        <button
          type="button"
          className="link stage-menu nodrag"
          onClick={() => data.onStage?.(s)}
          data-testid="stage-controls"
          aria-label={`Controls for ${s.name}`}
        >
          ⋯
        </button>
      )}
      <Handle type="source" position={Position.Right} className="stage-handle" />
    </div>
  );
});

const ActionNode = memo(function ActionNode({ data }: NodeProps<Node<ActionData>>) {
  const a = data.action;
  const status = actionStatus(a);
  const link = a.externalExecutionUrl && isAllowedExternalUrl(a.externalExecutionUrl) ? a.externalExecutionUrl : null;
  return (
    <div
      className={`action-node live cat-${a.category} live-${status}`}
      data-testid="live-action"
      data-action={a.name}
      data-stage={data.stage}
      data-status={status}
      title={a.errorDetails?.message ?? a.summary ?? ''}
      onClick={() => data.onAction?.(data.stage, a)}
    >
      <div className="action-top">
        <span className="run-order" title="runOrder">
          {a.runOrder}
        </span>
        <span className="provider">{a.provider}</span>
      </div>
      <div className="action-name">
        {a.name} <span className={`status status-${a.status ?? ''}`}>{status === 'Waiting' ? 'waiting for approval' : (a.status ?? '')}</span>
      </div>
      <div className="action-meta muted">
        {data.timing?.start
          ? `${formatTime(data.timing.start)} · ${data.timing.running ? 'running ' : ''}${elapsed(data.timing.start, data.timing.running ? null : data.timing.end)}`
          : a.lastStatusChange
            ? formatTime(a.lastStatusChange)
            : ''}
        {link && (
          <>
            {' · '}
            <a href={link} target="_blank" rel="noreferrer" className="nodrag" onClick={(e) => e.stopPropagation()}>
              console ↗
            </a>
          </>
        )}
      </div>
      {a.errorDetails && (
        <div className="action-error" data-testid="action-error">
          {a.errorDetails.code}: {a.errorDetails.message}
        </div>
      )}
    </div>
  );
});

const nodeTypes = { liveStage: StageNode, liveAction: ActionNode };

/** The live state's stages as a declaration the designer's layout understands. */
function shapeOf(state: PipelineLiveState): PipelineDeclaration {
  return {
    name: state.ref.name,
    roleArn: 'arn:aws:iam::000000000000:role/layout',
    stages: state.stages.map((s) => ({
      name: s.name,
      actions: s.actions.map((a) => ({
        name: a.name,
        actionTypeId: { category: a.category as never, owner: 'AWS', provider: a.provider, version: '1' },
        runOrder: a.runOrder,
      })),
    })),
  };
}

export function LiveGraph({
  state,
  runs,
  onStage,
  onAction,
}: {
  state: PipelineLiveState;
  /** The latest execution's action runs, for start times and durations. */
  runs?: ExecutionDetails | null;
  onStage?: (stage: LiveStage) => void;
  onAction?: (stage: string, action: LiveAction) => void;
}) {
  const shape = useMemo(() => shapeOf(state), [state]);
  // The layout depends only on the shape (names and run orders), not on statuses.
  const shapeKey = JSON.stringify(shape.stages.map((s) => [s.name, s.actions.map((a) => [a.name, a.runOrder])]));
  const [layout, setLayout] = useState<{ key: string; layout: Layout } | null>(null);
  useEffect(() => {
    let live = true;
    void layoutPipeline(shape).then((l) => live && setLayout({ key: shapeKey, layout: l }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-laid out only when the shape changes
  }, [shapeKey]);

  const { nodes, edges } = useMemo(() => {
    if (!layout || layout.key !== shapeKey) return { nodes: [] as Node[], edges: [] as Edge[] };
    const l = layout.layout;
    const nodes: Node[] = [];
    state.stages.forEach((s, si) => {
      const box = l.stages[si];
      nodes.push({
        id: `s-${si}`,
        type: 'liveStage',
        position: { x: box.x, y: box.y },
        width: box.w,
        height: box.h,
        data: { stage: s, index: si, onStage } satisfies StageData,
        draggable: false,
      });
      s.actions.forEach((a, ai) => {
        const b = l.actions[si][ai];
        nodes.push({
          id: `a-${si}-${ai}`,
          type: 'liveAction',
          parentId: `s-${si}`,
          position: { x: b.x, y: b.y },
          width: b.w,
          height: b.h,
          draggable: false,
          data: { action: a, stage: s.name, timing: timingOf(runs, s, a), onAction } satisfies ActionData,
        });
      });
    });
    const edges: Edge[] = state.stages.slice(1).map((s, i) => ({
      id: `t-${i}`,
      source: `s-${i}`,
      target: `s-${i + 1}`,
      type: 'straight',
      className: s.inbound.enabled ? 'transition' : 'transition-off',
      animated: s.status === 'InProgress',
      markerEnd: { type: MarkerType.ArrowClosed },
      label: s.inbound.enabled ? undefined : 'disabled',
    }));
    return { nodes, edges };
  }, [layout, shapeKey, state, runs, onStage, onAction]);

  return (
    <div className="live-graph" data-testid="live-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/** When an action of the stage's execution started and how long it took, if the runs are of that execution. */
function timingOf(runs: ExecutionDetails | null | undefined, s: LiveStage, a: LiveAction): Timing | null {
  if (!runs || runs.execution.id !== s.executionId) return null;
  const run = runs.actions.filter((r) => r.stageName === s.name && r.actionName === a.name).at(-1);
  return run ? { start: run.startTime, end: run.lastUpdateTime, running: run.status === 'InProgress' } : null;
}
