// Designer commands shared by the toolbar, the keyboard and the canvas.
import { serializeDesign, type DesignFile } from '../../../../shared/pipeline/design-file';
import { exportDesign, type ExportFormat, type ExportOptions } from '../../../../shared/pipeline/export';
import { openInWorker } from './open-client';
import { downloadText } from '../../lib/download';
import { duplicateAction, emptyPipeline, pasteAction, pasteStage, removeAction, removeStage } from '../../../../shared/pipeline/edit';
import { DESIGN_FORMAT_VERSION } from '../../../../shared/pipeline/design-file';
import { api } from '../../api/current';
import { call, goTo, pushToast, reportError } from '../../store/actions';
import { editPipeline, loadDesign, select, useDesignStore } from './design-store';

const state = () => useDesignStore.getState();

function confirmDiscard(): boolean {
  return !state().dirty || window.confirm('Discard the unsaved changes to this design?');
}

export function newDesign(): void {
  if (!confirmDiscard()) return;
  loadDesign({ formatVersion: DESIGN_FORMAT_VERSION, pipeline: emptyPipeline(), origin: { kind: 'new' } }, 'my-pipeline.pipewright.json');
}

/**
 * Opens a design file, get-pipeline JSON or a CloudFormation template, parsed once
 * and off the UI thread. Nothing is lost on error.
 */
export async function openText(text: string, fileName: string, confirmed = false): Promise<void> {
  if (!confirmed && !confirmDiscard()) return;
  const r = await openInWorker(text);
  if (r.kind === 'error') return reportError(new Error(r.message));
  if (r.kind === 'choose') {
    useDesignStore.setState({ pendingTemplate: { text, fileName, resources: r.resources } });
    return;
  }
  loadDesign(r.design, fileName.replace(/\.(ya?ml|json|template)$/i, '') + (fileName.endsWith('.pipewright.json') ? '' : '.pipewright.json'));
  pushToast('info', `Opened ${fileName}.`);
}

/** The user chose which pipeline of a template to open. */
export async function openTemplateResource(logicalId: string | null): Promise<void> {
  const pending = state().pendingTemplate;
  useDesignStore.setState({ pendingTemplate: null });
  if (!pending || !logicalId) return;
  const r = await openInWorker(pending.text, logicalId);
  if (r.kind === 'error') return reportError(new Error(r.message));
  if (r.kind !== 'design') return;
  loadDesign(r.design, `${logicalId}.pipewright.json`);
  pushToast('info', `Opened ${logicalId} from ${pending.fileName}.`);
}

/** Save (or save as): the OS dialog in the desktop app, a download in browser mode. */
export async function saveDesign(saveAs = false): Promise<void> {
  const { design, fileName } = state();
  const text = serializeDesign(design);
  if (api().mode === 'electron') {
    const r = await call('designs.saveFile', { suggestedName: fileName, text, saveAs });
    if (r) useDesignStore.setState({ dirty: false, fileName: r.fileName });
    return;
  }
  downloadText(fileName, text, 'application/json');
  useDesignStore.setState({ dirty: false });
}

/** Open: the OS dialog in the desktop app; in browser mode the caller shows a file input. Returns false then. */
export async function openWithDialog(): Promise<boolean> {
  if (api().mode !== 'electron') return false;
  if (!confirmDiscard()) return true;
  const r = await call('designs.openFile', {});
  if (r) await openText(r.text, r.fileName, true);
  return true;
}

export function exportText(format: ExportFormat, opts: ExportOptions = {}): string {
  return exportDesign(state().design, format, opts);
}

export function downloadExport(format: ExportFormat, opts: ExportOptions = {}): void {
  try {
    const base = state().fileName.replace(/\.pipewright\.json$/, '');
    downloadText(`${base}${format === 'cfn-yaml' ? '.yaml' : format === 'cfn-json' ? '.template.json' : '.cli.json'}`, exportText(format, opts));
  } catch (err) {
    reportError(err);
  }
}

export async function openLivePipeline(profile: string, region: string, name: string): Promise<void> {
  if (!confirmDiscard()) return;
  const design = await call('pipelines.exportDesign', { profile, region, name });
  if (!design) return;
  loadDesign(design, `${name}.pipewright.json`);
  goTo('designer');
}

export function deleteSelection(): void {
  const sel = state().selection;
  if (sel?.kind === 'action') editPipeline((p) => removeAction(p, sel.si, sel.ai), null);
  else if (sel?.kind === 'stage') editPipeline((p) => removeStage(p, sel.si), null);
}

export function duplicateSelection(): void {
  const sel = state().selection;
  if (sel?.kind !== 'action') return;
  let index = 0;
  editPipeline((p) => {
    const r = duplicateAction(p, sel.si, sel.ai);
    index = r.index;
    return r.pipeline;
  });
  select({ kind: 'action', si: sel.si, ai: index });
}

export function copySelection(): void {
  const { selection: sel, design } = state();
  if (sel?.kind === 'action')
    useDesignStore.setState({ clipboard: { kind: 'action', action: structuredClone(design.pipeline.stages[sel.si].actions[sel.ai]) } });
  if (sel?.kind === 'stage') useDesignStore.setState({ clipboard: { kind: 'stage', stage: structuredClone(design.pipeline.stages[sel.si]) } });
}

export function paste(): void {
  const { clipboard: clip, selection: sel, design } = state();
  if (!clip) return;
  if (clip.kind === 'action') {
    const si = sel && sel.kind !== 'pipeline' ? sel.si : design.pipeline.stages.length - 1;
    if (si < 0) return;
    let index = 0;
    editPipeline((p) => {
      const r = pasteAction(p, si, clip.action);
      index = r.index;
      return r.pipeline;
    });
    select({ kind: 'action', si, ai: index });
  } else {
    const at = sel && sel.kind !== 'pipeline' ? sel.si + 1 : design.pipeline.stages.length;
    editPipeline((p) => pasteStage(p, at, clip.stage), { kind: 'stage', si: at });
  }
}

/** What deploying the design to (profile, region) would change, or undefined (the failure is a toast). */
export function reviewDeploy(design: DesignFile, profile: string, region: string) {
  return call('designs.diff', { design, profile, region });
}

/**
 * Deploys the design, expecting the live version the review saw (a pipeline changed
 * since is refused). On success the design now comes from that live pipeline.
 */
export async function deployDesign(design: DesignFile, profile: string, region: string, expectedVersion: number | null) {
  const r = await call('designs.deploy', { design, profile, region, expectedVersion });
  if (!r) return undefined;
  pushToast('info', `${r.created ? 'Created' : 'Updated'} ${design.pipeline.name} in ${region}.`);
  useDesignStore.setState((s) => ({ design: { ...s.design, origin: { kind: 'live', profile, region, version: r.version } } }));
  return r;
}
