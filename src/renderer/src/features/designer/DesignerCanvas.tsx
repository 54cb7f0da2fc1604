// The canvas: stages as columns (group nodes), actions in runOrder rows inside
// them, transitions between stages, and artifact edges from producers to
// consumers. Drop a provider from the palette into a stage; drag an action to
// another row or stage.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { Background, Controls, Handle, MarkerType, MiniMap, Position, ReactFlow, useReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { PipelineDeclaration } from '../../../../shared/pipeline/model';
import { PROVIDERS } from '../../../../shared/pipeline/providers';
import { addAction, moveAction } from '../../../../shared/pipeline/edit';
import type { ValidationIssue } from '../../../../shared/pipeline/validate';
import { isOpaqueToken, describeOpaque, conditionalInfo } from '../../../../shared/pipeline/opaque';
import { pushToast } from '../../store/actions';
import { editPipeline, select, useDesignStore } from './design-store';
import { layoutPipeline, MIN_READABLE_ZOOM, openingViewport, runOrderAt, setLayoutEngine, type Layout } from '../../lib/pipeline-layout';
import { useAppStore } from '../../store/store';
import { startElkWorker } from '../../lib/elk-workers';
import { ArtifactEdges, type ArtifactLink } from './ArtifactEdges';

// Lay out in a Web Worker, started by the first layout (when the designer first opens).
setLayoutEngine(startElkWorker);

export const PROVIDER_MIME = 'application/x-pipewright-provider';

type StageData = { name: string; index: number; selected: boolean; errors: number; inboundDisabled: string | null; condition: string | null };
type ActionData = {
  name: string;
  provider: string;
  category: string;
  runOrder: number;
  region: string | null;
  selected: boolean;
  errors: number;
  warnings: number;
  /** A conditional element (Fn::If in the template): its condition. */
  condition: string | null;
};

/** The badge of a conditional element: it exists only when its condition says so. */
function ConditionBadge({ condition }: { condition: string | null }) {
  if (!condition) return null;
  return (
    <span
      className="condition-badge"
      title={`Conditional (Fn::If): present when ${condition} holds; both branches are in the property panel`}
      data-testid="condition-badge"
    >
      if {condition}
    </span>
  );
}

const StageNode = memo(function StageNode({ data }: NodeProps<Node<StageData>>) {
  return (
    <div className={`stage-node${data.selected ? ' selected' : ''}`} data-testid="stage-node" data-stage={data.name}>
      <Handle type="target" position={Position.Left} className="stage-handle" />
      <div className="stage-header">
        <span className="stage-index">{data.index + 1}</span> <strong>{data.name}</strong> <ConditionBadge condition={data.condition} />
        {data.errors > 0 && (
          <span className="err-badge" title={`${data.errors} errors`}>
            {data.errors}
          </span>
        )}
      </div>
      {data.inboundDisabled !== null && (
        <div className="transition-badge" title={data.inboundDisabled}>
          ⛔ transition disabled
        </div>
      )}
      <Handle type="source" position={Position.Right} className="stage-handle" />
    </div>
  );
});

const ActionNode = memo(function ActionNode({ data }: NodeProps<Node<ActionData>>) {
  return (
    <div
      className={`action-node cat-${data.category}${data.selected ? ' selected' : ''}${data.errors ? ' has-errors' : ''}`}
      data-testid="action-node"
      data-action={data.name}
    >
      <div className="action-top">
        <span className="run-order" title="runOrder">
          {data.runOrder}
        </span>
        <span className="provider">{data.provider}</span>
        {data.errors > 0 && <span className="err-badge">{data.errors}</span>}
        {!data.errors && data.warnings > 0 && <span className="warn-badge">{data.warnings}</span>}
      </div>
      <div className="action-name">{data.name}</div>
      <ConditionBadge condition={data.condition} />
      {data.region && <div className="action-region">↗ {data.region}</div>}
    </div>
  );
});

const nodeTypes = { stage: StageNode, action: ActionNode };

/** Above this many nodes (stages and actions), the canvas mounts only those in view. */
const CULL_ABOVE_NODES = 150;

function countIssues(issues: ValidationIssue[], prefix: Array<string | number>, severity: 'error' | 'warning'): number {
  return issues.filter((i) => i.severity === severity && prefix.every((p, k) => i.path[k] === p)).length;
}

export function buildGraph(
  p: PipelineDeclaration,
  layout: Layout,
  selection: ReturnType<typeof useDesignStore.getState>['selection'],
  issues: ValidationIssue[],
  disabled: Map<string, string>,
  opaque: Record<string, never>,
) {
  const label = (v: string) => (isOpaqueToken(v) ? describeOpaque(v, opaque) : v);
  const conditionOf = (element: object) => conditionalInfo(element, opaque)?.condition ?? null;
  const nodes: Node[] = [];
  p.stages.forEach((s, si) => {
    const box = layout.stages[si];
    nodes.push({
      id: `s-${si}`,
      type: 'stage',
      position: { x: box.x, y: box.y },
      // Sizes come from the layout, so React Flow can cull, draw edges and the minimap without measuring first.
      width: box.w,
      height: box.h,
      data: {
        name: label(s.name),
        index: si,
        selected: selection?.kind === 'stage' && selection.si === si,
        errors: countIssues(issues, ['stages', si], 'error'),
        inboundDisabled: disabled.has(s.name) ? (disabled.get(s.name) ?? '') : null,
        condition: conditionOf(s),
      } satisfies StageData,
      draggable: false,
      selectable: true,
    });
    s.actions.forEach((a, ai) => {
      const b = layout.actions[si][ai];
      nodes.push({
        id: `a-${si}-${ai}`,
        type: 'action',
        parentId: `s-${si}`,
        position: { x: b.x, y: b.y },
        width: b.w,
        height: b.h,
        data: {
          name: label(a.name),
          provider: a.actionTypeId.provider,
          category: a.actionTypeId.category,
          runOrder: a.runOrder ?? 1,
          region: a.region ?? null,
          selected: selection?.kind === 'action' && selection.si === si && selection.ai === ai,
          errors: countIssues(issues, ['stages', si, 'actions', ai], 'error'),
          warnings: countIssues(issues, ['stages', si, 'actions', ai], 'warning'),
          condition: conditionOf(a),
        } satisfies ActionData,
      });
    });
  });
  const producer = new Map<string, string>();
  p.stages.forEach((s, si) => s.actions.forEach((a, ai) => a.outputArtifacts?.forEach((o) => producer.set(o.name, `a-${si}-${ai}`))));
  const edges: Edge[] = [];
  p.stages.slice(1).forEach((s, i) => {
    const off = disabled.has(s.name);
    edges.push({
      id: `t-${i}`,
      source: `s-${i}`,
      target: `s-${i + 1}`,
      type: 'straight',
      className: off ? 'transition-off' : 'transition',
      animated: false,
      markerEnd: { type: MarkerType.ArrowClosed },
      label: off ? 'disabled' : undefined,
    });
  });
  const artifacts: ArtifactLink[] = [];
  p.stages.forEach((s, si) =>
    s.actions.forEach((a, ai) =>
      a.inputArtifacts?.forEach((inp) => {
        const from = producer.get(inp.name);
        if (from) artifacts.push({ id: `art-${from}-${si}-${ai}-${inp.name}`, source: from, target: `a-${si}-${ai}`, artifact: inp.name });
      }),
    ),
  );
  return { nodes, edges, artifacts };
}

export function DesignerCanvas({ issues }: { issues: ValidationIssue[] }) {
  const pipeline = useDesignStore((s) => s.design.pipeline);
  const extras = useDesignStore((s) => s.design.extras);
  const selection = useDesignStore((s) => s.selection);
  const openCount = useDesignStore((s) => s.openCount);
  const fitCount = useDesignStore((s) => s.fitCount);
  const revealCount = useDesignStore((s) => s.revealCount);
  // React Flow's own controls and minimap follow the app's theme (the OS's, unless one is forced).
  const theme = useAppStore((s) => s.settingsView?.settings.theme ?? 'system');
  // Layout is async (elkjs): the graph shows the last laid-out pipeline until the new one is ready.
  const [laid, setLaid] = useState<{ pipeline: PipelineDeclaration; layout: Layout } | null>(null);
  const layout = laid?.layout ?? null;
  const flow = useReactFlow();

  useEffect(() => {
    let live = true;
    void layoutPipeline(pipeline).then((l) => live && setLaid({ pipeline, layout: l }));
    return () => {
      live = false;
    };
  }, [pipeline]);

  const disabled = useMemo(() => new Map((extras?.disabledTransitions ?? []).map((t) => [t.stageName, t.reason])), [extras]);
  const graph = useMemo(
    () =>
      laid
        ? buildGraph(laid.pipeline, laid.layout, selection, laid.pipeline === pipeline ? issues : [], disabled, (extras?.opaque ?? {}) as Record<string, never>)
        : { nodes: [], edges: [], artifacts: [] },
    [laid, pipeline, selection, issues, disabled, extras],
  );
  // Nodes are uncontrolled: React Flow moves a dragged node in its own store, without
  // re-rendering this component and handing 550 nodes back on every pointer move.
  useEffect(() => flow.setNodes(graph.nodes), [graph.nodes, flow]);

  const wrapRef = useRef<HTMLDivElement>(null);
  // Frame each newly opened design once, and on Fit, when its layout is ready; edits keep the view.
  // Never below a readable zoom: too wide a pipeline is framed from its first stages.
  const framed = useRef('');
  useEffect(() => {
    const el = wrapRef.current;
    const key = `${openCount}/${fitCount}`;
    if (!laid || laid.pipeline !== pipeline || framed.current === key || !el) return;
    framed.current = key;
    void flow.setViewport(openingViewport(laid.layout, el.clientWidth, el.clientHeight));
  }, [laid, pipeline, openCount, fitCount, flow]);

  // Bring a new stage (or an action added from the palette) into view once it is laid out. Positions come
  // from the layout itself: React Flow applies new nodes in a later batch.
  const revealed = useRef(0);
  useEffect(() => {
    if (revealCount === revealed.current || laid?.pipeline !== pipeline || !selection || selection.kind === 'pipeline') return;
    const stage = laid.layout.stages[selection.si];
    const box = selection.kind === 'stage' ? stage : laid.layout.actions[selection.si]?.[selection.ai];
    if (!stage || !box) return;
    revealed.current = revealCount;
    const x = selection.kind === 'stage' ? box.x : stage.x + box.x;
    const y = selection.kind === 'stage' ? box.y : stage.y + box.y;
    const zoom = Math.max(flow.getViewport().zoom, MIN_READABLE_ZOOM);
    void flow.setCenter(x + box.w / 2, y + Math.min(box.h, 300) / 2, { zoom });
  }, [revealCount, selection, laid, pipeline, flow]);

  // Keep the selected action in view: a new action can land outside the visible part of the canvas.
  useEffect(() => {
    if (selection?.kind !== 'action' || laid?.pipeline !== pipeline) return;
    const n = flow.getInternalNode(`a-${selection.si}-${selection.ai}`);
    const el = wrapRef.current;
    if (!n || !el) return;
    const { x, y, zoom } = flow.getViewport();
    const p0 = n.internals.positionAbsolute;
    const w = n.measured.width ?? 210;
    const h = n.measured.height ?? 64;
    const left = p0.x * zoom + x;
    const top = p0.y * zoom + y;
    if (left < 0 || top < 0 || left + w * zoom > el.clientWidth || top + h * zoom > el.clientHeight) void flow.setCenter(p0.x + w / 2, p0.y + h / 2, { zoom });
  }, [selection, laid, pipeline, flow, graph]);

  const stageAt = useCallback(
    (x: number) => {
      if (!layout) return -1;
      return layout.stages.findIndex((b) => x >= b.x && x <= b.x + b.w);
    },
    [layout],
  );

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const raw = e.dataTransfer.getData(PROVIDER_MIME);
    if (!raw || !layout || laid?.pipeline !== pipeline) return;
    const spec = PROVIDERS[Number(raw)];
    const pos = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const si = stageAt(pos.x);
    if (si < 0) return pushToast('info', 'Drop the action into a stage.');
    const runOrder = runOrderAt(layout.rows[si], pos.y - layout.stages[si].y);
    let index = 0;
    editPipeline((p) => {
      const r = addAction(p, si, spec, runOrder);
      index = r.index;
      return r.pipeline;
    });
    select({ kind: 'action', si, ai: index });
  };

  const onNodeDragStop = (_e: unknown, node: Node) => {
    if (node.type !== 'action' || !layout || laid?.pipeline !== pipeline) return;
    const [, siStr, aiStr] = node.id.split('-');
    const from = { si: Number(siStr), ai: Number(aiStr) };
    const abs = flow.getInternalNode(node.id)?.internals.positionAbsolute ?? node.position;
    const cx = abs.x + (node.measured?.width ?? 200) / 2;
    const cy = abs.y + (node.measured?.height ?? 60) / 2;
    const si = stageAt(cx);
    if (si < 0) return flow.setNodes(graph.nodes);
    const runOrder = runOrderAt(
      layout.rows[si].filter(
        (r) =>
          si !== from.si ||
          r.runOrder !== (pipeline.stages[from.si].actions[from.ai].runOrder ?? 1) ||
          pipeline.stages[from.si].actions.filter((a) => (a.runOrder ?? 1) === r.runOrder).length > 1,
      ),
      cy - layout.stages[si].y,
    );
    const cur = pipeline.stages[from.si].actions[from.ai];
    if (si === from.si && runOrder === (cur.runOrder ?? 1)) return flow.setNodes(graph.nodes);
    let index = 0;
    editPipeline((p) => {
      const r = moveAction(p, from, { si, runOrder });
      index = r.index;
      return r.pipeline;
    });
    select({ kind: 'action', si, ai: index });
  };

  return (
    <div
      ref={wrapRef}
      className="canvas"
      data-testid="designer-canvas"
      data-laid-out={laid?.pipeline === pipeline ? 'yes' : 'no'}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDrop={onDrop}
    >
      <ReactFlow
        defaultNodes={[]}
        edges={graph.edges}
        nodeTypes={nodeTypes}
        onNodeDragStop={onNodeDragStop}
        onNodeClick={(_e, n) => {
          const parts = n.id.split('-');
          select(n.type === 'stage' ? { kind: 'stage', si: Number(parts[1]) } : { kind: 'action', si: Number(parts[1]), ai: Number(parts[2]) });
        }}
        onPaneClick={() => select({ kind: 'pipeline' })}
        // A large design mounts only what is in view (React Flow's own culling); a small one keeps every node.
        onlyRenderVisibleElements={graph.nodes.length > CULL_ABOVE_NODES}
        minZoom={0.1}
        nodesConnectable={false}
        deleteKeyCode={null}
        proOptions={{ hideAttribution: true }}
        colorMode={theme}
      >
        <ArtifactEdges links={graph.artifacts} />
        <Background gap={20} />
        <MiniMap pannable zoomable />
        {/* Fit lives in the toolbar (and F): it frames at a readable zoom, which React Flow's own fit does not. */}
        <Controls showInteractive={false} showFitView={false} />
      </ReactFlow>
    </div>
  );
}
