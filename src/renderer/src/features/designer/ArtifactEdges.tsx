// Artifact flow: an edge from each producer action to each consumer, labelled
// with the artifact's name, all drawn in one SVG layer in flow coordinates.
// As React Flow edges, each was its own SVG, store subscription and three
// components: a 500-action design has hundreds, and dragging a producer with
// 49 consumers re-rendered all 49 through React Flow every frame. Here one
// component follows the nodes, and only the paths whose ends moved redraw.
import { memo } from 'react';
import { getBezierPath, Position, useStore, useStoreApi, ViewportPortal } from '@xyflow/react';

export interface ArtifactLink {
  id: string;
  /** Node ids. */
  source: string;
  target: string;
  artifact: string;
}

const ArtifactPath = memo(function ArtifactPath({ sx, sy, tx, ty, artifact }: { sx: number; sy: number; tx: number; ty: number; artifact: string }) {
  const [d, x, y] = getBezierPath({ sourceX: sx, sourceY: sy, sourcePosition: Position.Right, targetX: tx, targetY: ty, targetPosition: Position.Left });
  return (
    <g className="artifact-edge" data-testid="artifact-edge" data-artifact={artifact}>
      <path d={d} markerEnd="url(#pw-artifact-arrow)" />
      <text x={x} y={y} className="artifact-label" textAnchor="middle" dominantBaseline="central">
        {artifact}
      </text>
    </g>
  );
});

export function ArtifactEdges({ links }: { links: ArtifactLink[] }) {
  // A new node list means something moved or changed; positions are read from the lookup.
  useStore((s) => s.nodes);
  const { nodeLookup } = useStoreApi().getState();
  return (
    <ViewportPortal>
      <svg className="artifact-layer" width={1} height={1} aria-hidden="true">
        <defs>
          <marker id="pw-artifact-arrow" viewBox="0 0 10 10" refX={10} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" />
          </marker>
        </defs>
        {links.map((l) => {
          const from = nodeLookup.get(l.source);
          const to = nodeLookup.get(l.target);
          if (!from || !to) return null;
          const a = from.internals.positionAbsolute;
          const b = to.internals.positionAbsolute;
          const fh = from.height ?? from.measured.height ?? 0;
          const th = to.height ?? to.measured.height ?? 0;
          return (
            <ArtifactPath key={l.id} sx={a.x + (from.width ?? from.measured.width ?? 0)} sy={a.y + fh / 2} tx={b.x} ty={b.y + th / 2} artifact={l.artifact} />
          );
        })}
      </svg>
    </ViewportPortal>
  );
}
