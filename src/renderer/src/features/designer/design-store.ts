// The designer's state: the design being edited (with undo and redo through
// zundo), the selection, the clipboard and whether there are unsaved changes.
import { create } from 'zustand';
import { temporal } from 'zundo';
import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from '../../../../shared/pipeline/model';
import { DESIGN_FORMAT_VERSION, type DesignFile } from '../../../../shared/pipeline/design-file';
import { emptyPipeline } from '../../../../shared/pipeline/edit';

export type Selection = { kind: 'pipeline' } | { kind: 'stage'; si: number } | { kind: 'action'; si: number; ai: number } | null;

export interface DesignState {
  design: DesignFile;
  selection: Selection;
  /** The field to focus in the property panel (from the issues panel). */
  focusField: string | null;
  dirty: boolean;
  fileName: string;
  clipboard: { kind: 'action'; action: ActionDeclaration } | { kind: 'stage'; stage: StageDeclaration } | null;
  /** A template with several pipelines, waiting for the user to choose one. */
  pendingTemplate: { text: string; fileName: string; resources: string[] } | null;
  /** Counts designs opened, so the canvas frames each newly opened one once. */
  openCount: number;
  /** Counts Fit requests (toolbar, F): the canvas frames the design at a readable zoom. */
  fitCount: number;
  /** Counts requests to bring the selected stage or action into view (a new stage lands off-screen). */
  revealCount: number;
  /** The side panels, collapsed to give the canvas room. */
  panels: { palette: boolean; side: boolean };
}

export const useDesignStore = create<DesignState>()(
  temporal(
    (): DesignState => ({
      design: { formatVersion: DESIGN_FORMAT_VERSION, pipeline: emptyPipeline(), origin: { kind: 'new' } },
      selection: null,
      focusField: null,
      dirty: false,
      fileName: 'my-pipeline.pipewright.json',
      clipboard: null,
      pendingTemplate: null,
      openCount: 0,
      fitCount: 0,
      revealCount: 0,
      panels: { palette: true, side: true },
    }),
    {
      // Only the design is history; selection and clipboard are not edits.
      partialize: (s) => ({ design: s.design }),
      equality: (a, b) => a.design === b.design,
      limit: 200,
    },
  ),
);

export function editPipeline(fn: (p: PipelineDeclaration) => PipelineDeclaration, selection?: Selection): void {
  useDesignStore.setState((s) => ({
    design: { ...s.design, pipeline: fn(s.design.pipeline) },
    dirty: true,
    ...(selection !== undefined ? { selection } : {}),
  }));
}

export function editDesign(fn: (d: DesignFile) => DesignFile): void {
  useDesignStore.setState((s) => ({ design: fn(s.design), dirty: true }));
}

export function loadDesign(design: DesignFile, fileName: string): void {
  useDesignStore.setState((s) => ({ design, fileName, dirty: false, selection: null, focusField: null, openCount: s.openCount + 1 }));
  useDesignStore.temporal.getState().clear();
}

export function select(selection: Selection, focusField: string | null = null): void {
  useDesignStore.setState({ selection, focusField });
}

export const undo = () => useDesignStore.temporal.getState().undo();
export const redo = () => useDesignStore.temporal.getState().redo();

/** Frame the design at a readable zoom (the first stages, when all of them would be too small to read). */
export function requestFit(): void {
  useDesignStore.setState((s) => ({ fitCount: s.fitCount + 1 }));
}

/** Bring the selection into view once the canvas has laid it out. */
export function revealSelection(): void {
  useDesignStore.setState((s) => ({ revealCount: s.revealCount + 1 }));
}

export function togglePanel(panel: 'palette' | 'side'): void {
  useDesignStore.setState((s) => ({ panels: { ...s.panels, [panel]: !s.panels[panel] } }));
}
