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
