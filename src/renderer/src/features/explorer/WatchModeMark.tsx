// Whether a pipeline's status in the explorer comes from CodePipeline's events (live
// updates) or from polling, as its watcher last said: a small mark, named for screen
// readers (role img with a label) and explained on hover. Nothing while no watcher has said.
import type { PipelineRef } from '../../../../shared/api/executions';
import { useWatchedState } from '../executions';

const MARK = {
  'event-driven': { glyph: '⚡', label: 'Status from events' },
  polled: { glyph: '↻', label: 'Status by polling' },
  degraded: { glyph: '⚠', label: 'Status by polling: live updates degraded' },
} as const;

const explain = (mode: keyof typeof MARK, reason: string | null | undefined) =>
  mode === 'event-driven'
    ? "Changes arrive as CodePipeline's events (live updates); polling only reconciles."
    : `Polled${reason ? `: ${reason}` : ''}. Live updates are set up in Accounts & Settings.`;

/** The mark in a grid row. */
export function WatchModeMark({ pipeline }: { pipeline: PipelineRef }) {
  const state = useWatchedState(pipeline);
  const mode = state?.watchMode;
  if (!mode) return null;
  const m = MARK[mode];
  return (
    <span
      className={`watch-mark mode-${mode}`}
      role="img"
      aria-label={m.label}
      title={explain(mode, state.watchModeReason)}
      data-testid="row-watch-mode"
      data-mode={mode}
    >
      {m.glyph}
    </span>
  );
}

/** The same in words, for the details panel. */
export function WatchModeText({ pipeline }: { pipeline: PipelineRef }) {
  const state = useWatchedState(pipeline);
  const mode = state?.watchMode;
  if (!mode) return null;
  return (
    <p className="small" data-testid="details-watch-mode" data-mode={mode}>
      <span className={`watch-mark mode-${mode}`} aria-hidden="true">
        {MARK[mode].glyph}
      </span>{' '}
      {MARK[mode].label} ({mode}). {explain(mode, state.watchModeReason)}
    </p>
  );
}
