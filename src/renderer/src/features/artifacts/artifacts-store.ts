// The artifacts page's state: the last audit report (without per-key detail),
// the selection, the main process's preview of what it can plan, and cleanup runs.
import { create } from 'zustand';
import { z } from 'zod';
import type { AuditReportSchema, CleanResultSchema } from '../../../../shared/api/artifacts';
import type { PlanPreview } from '../../../../shared/artifacts/plan';
import { selectionKey } from '../../../../shared/artifacts/report';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../../../../shared/artifacts/retention';

export type Report = z.infer<typeof AuditReportSchema>;
type CleanResult = z.infer<typeof CleanResultSchema>;

export interface ArtifactsState {
  report: Report | null;
  auditJob: string | null;
  /** Selected rows, by "bucket|prefix/" or "bucket|prefix/folder/"; retention of a live prefix by "bucket|retention:prefix/". */
  selected: Set<string>;
  /** The retention policy chosen on the page in this window; until then, the saved one (settings). */
  retention: RetentionPolicy | null;
  /** Everything selectable in `report` under `retention`, as the main process plans it (keys counted, not listed). */
  preview: { retention: RetentionPolicy; plan: PlanPreview } | null;
  /** Why the last preview failed (for example, the main process restarted and has no audit). */
  previewError: string | null;
  cleanJob: string | null;
  lastPlan: PlanPreview | null;
  /** The policy `lastPlan` was made with, so a resume asks for the same plan. */
  lastRetention: RetentionPolicy;
  result: CleanResult | null;
  log: Array<Record<string, unknown>>;
}

const initial = (): ArtifactsState => ({
  report: null,
  auditJob: null,
  selected: new Set(),
  retention: null,
  preview: null,
  previewError: null,
  cleanJob: null,
  lastPlan: null,
  lastRetention: DEFAULT_RETENTION,
  result: null,
  log: [],
});

export const useArtifactsStore = create<ArtifactsState>()(initial);

export function resetArtifactsStore(): void {
  useArtifactsStore.setState(initial(), true);
}

export const rowKey = (bucket: string, prefix: string) => selectionKey({ bucket, prefix, class: 'orphan' });
export const retentionKey = (bucket: string, prefix: string) => selectionKey({ bucket, prefix, class: 'retention' });
