// A mini-bar of stage statuses; a disabled transition shows as a gap.
import type { PipelineRow } from '../../../../shared/api/pipelines';

export function StageBar({ stages }: { stages: PipelineRow['stages'] }) {
  return (
    <span className="stagebar" aria-label={stages.map((s) => `${s.name}: ${s.status ?? 'not run'}`).join(', ')} role="img">
      {stages.map((s) => (
        <span
          key={s.name}
          className={`seg status-bg-${s.status ?? 'none'}${s.transitionEnabled ? '' : ' blocked'}`}
          title={`${s.name}: ${s.status ?? 'not run'}${s.transitionEnabled ? '' : ' (transition disabled)'}`}
        />
      ))}
    </span>
  );
}
